"""Rules about attribute definitions themselves."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.models.attribute import NUMBER_TYPES, SELECT_TYPES, TEXT_TYPES, AttributeType


def attribute_check_definition(*, attribute) -> None:
    """Refuse rule combinations that could never be satisfied or make no sense for the type."""
    errors = {}
    if attribute.pattern:
        if attribute.type not in TEXT_TYPES:
            errors["pattern"] = _("A pattern only applies to text and URL attributes.")
        else:
            try:
                re.compile(attribute.pattern)
            except re.error as exc:
                errors["pattern"] = _("Not a valid regular expression: %(error)s") % {"error": exc}
    if attribute.max_length is not None and attribute.type not in TEXT_TYPES:
        errors["max_length"] = _("A maximum length only applies to text attributes.")
    for field in ("min_value", "max_value"):
        if getattr(attribute, field) is not None and attribute.type not in NUMBER_TYPES:
            errors[field] = _("Minimum and maximum only apply to number attributes.")
    if (
        attribute.min_value is not None
        and attribute.max_value is not None
        and attribute.min_value > attribute.max_value
    ):
        errors["max_value"] = _("The maximum is smaller than the minimum.")
    if attribute.unit and attribute.type not in NUMBER_TYPES:
        errors["unit"] = _("Only number attributes have a unit.")
    if attribute.pk and attribute.type not in SELECT_TYPES and attribute.options.exists():
        errors["type"] = _("Delete this attribute's options before making it a non-select type.")
    if attribute.type == AttributeType.MEDIA and attribute.is_scopable:
        errors["is_scopable"] = _("Media references cannot be per channel.")
    if errors:
        raise ValidationError(errors)


def option_check_definition(*, option) -> None:
    """Only select attributes have options."""
    attribute = option.attribute if option.attribute_id else None
    if attribute is not None and attribute.type not in SELECT_TYPES:
        raise ValidationError(
            _("%(attribute)s is a %(type)s attribute; only select attributes have options.")
            % {"attribute": attribute.code, "type": attribute.get_type_display()}
        )
