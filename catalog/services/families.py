"""Rules about families and their per-channel requirements."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.models.asset import AssetRole
from catalog.models.product import PRODUCT_TEXT_FIELDS


def requirement_check_definition(*, requirement) -> None:
    errors = {}
    fields = requirement.translated_fields or []
    if not isinstance(fields, list) or any(f not in PRODUCT_TEXT_FIELDS for f in fields):
        errors["translated_fields"] = _("Choose among: %(fields)s.") % {
            "fields": ", ".join(PRODUCT_TEXT_FIELDS)
        }
    roles = requirement.asset_roles or []
    if not isinstance(roles, list) or any(r not in AssetRole.values for r in roles):
        errors["asset_roles"] = _("Choose among: %(roles)s.") % {
            "roles": ", ".join(AssetRole.values)
        }
    if errors:
        raise ValidationError(errors)


def family_attribute_codes(*, family) -> set[str]:
    return set(family.attributes.values_list("code", flat=True))
