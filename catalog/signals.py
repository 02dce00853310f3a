"""Keep stored completeness current when anything it depends on changes."""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import Signal, receiver

from catalog.models import (
    Asset,
    Attribute,
    Channel,
    FamilyAttribute,
    FamilyChannelRequirement,
    Product,
    ProductModel,
)
from catalog.services.completeness import completeness_recompute

# Sent (sender=Product, product_ids=[...]) after products_create_many inserted products,
# prices and relations in bulk, which sends no post_save or m2m_changed.
products_bulk_created = Signal()


def _raw(kwargs) -> bool:
    return kwargs.get("raw", False)


@receiver(post_save, sender=FamilyChannelRequirement)
@receiver(post_delete, sender=FamilyChannelRequirement)
@receiver(post_save, sender=FamilyAttribute)
@receiver(post_delete, sender=FamilyAttribute)
def family_rules_changed(sender, instance, **kwargs):
    if not _raw(kwargs):
        completeness_recompute(family_ids=[instance.family_id])


@receiver(m2m_changed, sender=FamilyChannelRequirement.attributes.through)
def requirement_attributes_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        completeness_recompute(family_ids=[instance.family_id])


@receiver(post_save, sender=Attribute)
def attribute_changed(sender, instance, **kwargs):
    if not _raw(kwargs) and not kwargs.get("created"):
        family_ids = list(instance.families.values_list("pk", flat=True))
        if family_ids:
            completeness_recompute(family_ids=family_ids)


@receiver(post_save, sender=Channel)
def channel_changed(sender, instance, **kwargs):
    if not _raw(kwargs) and not kwargs.get("created"):
        completeness_recompute(channel_ids=[instance.pk])


@receiver(m2m_changed, sender=Product.channels.through)
def product_channels_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        completeness_recompute(channel_ids=[instance.pk])
        if pk_set:
            completeness_recompute(product_ids=pk_set)
    else:
        completeness_recompute(product_ids=[instance.pk])


@receiver(post_save, sender=Asset)
@receiver(post_delete, sender=Asset)
def asset_changed(sender, instance, **kwargs):
    if _raw(kwargs):
        return
    if instance.product_id:
        if (
            kwargs.get("signal") is post_delete
            and not Product.objects.filter(pk=instance.product_id).exists()
        ):
            return
        completeness_recompute(product_ids=[instance.product_id])
    elif instance.product_model_id:
        completeness_recompute(
            product_ids=list(
                Product.objects.filter(model_id=instance.product_model_id).values_list(
                    "pk", flat=True
                )
            )
        )


@receiver(post_save, sender=ProductModel)
def product_model_changed(sender, instance, **kwargs):
    if not _raw(kwargs):
        completeness_recompute(product_ids=list(instance.variants.values_list("pk", flat=True)))


@receiver(post_save, sender=Product)
def product_saved(sender, instance, **kwargs):
    """Saves that bypass the services (shell, data migrations) still refresh completeness."""
    if not _raw(kwargs):
        completeness_recompute(product_ids=[instance.pk])


@receiver(post_migrate)
def create_role_groups(sender, app_config=None, **kwargs):
    if app_config is not None and app_config.label == "catalog":
        from catalog.services.roles import roles_ensure_groups

        roles_ensure_groups()
