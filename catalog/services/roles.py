"""The editorial roles, kept as Django groups with their permissions."""

from django.contrib.auth.models import Group, Permission

CATALOG_MODELS = (
    "product",
    "productmodel",
    "price",
    "asset",
    "category",
    "family",
    "familyattribute",
    "familychannelrequirement",
    "attribute",
    "attributeoption",
    "channel",
    "audience",
)
CONTENT_MODELS = ("product", "productmodel", "price", "asset", "category")

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "viewer": [f"view_{m}" for m in CATALOG_MODELS] + ["view_completeness"],
    "translator": [f"view_{m}" for m in CATALOG_MODELS]
    + ["view_completeness", "change_product", "change_productmodel", "change_asset"],
    "editor": [f"view_{m}" for m in CATALOG_MODELS]
    + ["view_completeness", "edit_all_languages"]
    + [f"{action}_{m}" for m in CONTENT_MODELS for action in ("add", "change", "delete")],
    "publisher": [f"view_{m}" for m in CATALOG_MODELS]
    + ["view_completeness", "edit_all_languages", "approve_product"]
    + [f"{action}_{m}" for m in CONTENT_MODELS for action in ("add", "change", "delete")],
}


def roles_ensure_groups() -> dict[str, Group]:
    """Create or refresh the role groups; safe to run any number of times."""
    groups = {}
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label="catalog", codename__in=codenames
        )
        group.permissions.set(permissions)
        groups[role] = group
    return groups
