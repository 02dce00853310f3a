from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from simple_history import register

        from catalog import signals  # noqa: F401
        from catalog.models import Asset, Price, Product, ProductModel

        # Registered here, after modeltranslation has added the per-language fields,
        # so the history tables record every language.
        register(Product, app="catalog", m2m_fields=["categories", "channels"])
        register(ProductModel, app="catalog", m2m_fields=["categories"])
        register(Price, app="catalog")
        # A rendition error is machine state, not an edit anyone made.
        register(Asset, app="catalog", excluded_fields=["rendition_error"])
