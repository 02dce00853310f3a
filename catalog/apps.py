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

        from catalog.jobs import housekeeping_register, task_results_recover_stale
        from catalog.tasks import imports_recover_stale

        # The worker fails imports whose process died and removes uploads no job claims; task
        # results left "running" by a dead worker are marked failed.
        housekeeping_register(task_results_recover_stale)
        housekeeping_register(imports_recover_stale)
