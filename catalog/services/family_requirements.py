"""Rules tying a family's channel requirements to the family's own attributes."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.models import Attribute


def requirement_check_attributes(
    *, attributes: Iterable[Attribute], family_attributes: Iterable[Attribute]
) -> None:
    """Refuse required attributes the family does not have: no product could ever fill them."""
    allowed = {attribute.pk for attribute in family_attributes}
    strays = [attribute for attribute in attributes if attribute.pk not in allowed]
    if strays:
        raise ValidationError(
            {
                "attributes": _(
                    "Not attributes of this family, so never fillable: %(attributes)s. "
                    "Add them to the family first."
                )
                % {"attributes": ", ".join(sorted(str(a) for a in strays))}
            }
        )
