"""Any change to content the web shows raises the content version, so cached pages expire.

Lives in publishing: the catalog knows nothing about its outputs.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog.models import (
    Asset,
    Attribute,
    AttributeOption,
    Audience,
    Category,
    Channel,
    Completeness,
    Family,
    FamilyAttribute,
    Price,
    Product,
    ProductModel,
)
from catalog.signals import products_bulk_created
from publishing.models import Campaign, Theme
from publishing.web.services import content_version_bump

_WATCHED = (
    Asset,
    Attribute,
    AttributeOption,
    Audience,
    Category,
    Channel,
    Completeness,
    Family,
    FamilyAttribute,
    Price,
    Product,
    ProductModel,
    Campaign,
    Theme,
)
_M2M = (
    Product.categories.through,
    Product.channels.through,
    Asset.audiences.through,
    Attribute.audiences.through,
    ProductModel.variant_axes.through,
    ProductModel.categories.through,
)


def _changed(sender, **kwargs):
    if not kwargs.get("raw", False):
        content_version_bump()


def _m2m_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        content_version_bump()


for _model in _WATCHED:
    receiver(post_save, sender=_model, dispatch_uid=f"web-bump-save-{_model.__name__}")(_changed)
    receiver(post_delete, sender=_model, dispatch_uid=f"web-bump-del-{_model.__name__}")(_changed)
for _through in _M2M:
    receiver(m2m_changed, sender=_through, dispatch_uid=f"web-bump-m2m-{_through.__name__}")(
        _m2m_changed
    )
receiver(products_bulk_created, dispatch_uid="web-bump-bulk-products")(_changed)
