"""Product models: the shared values and text of a set of variants."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.languages import language_codes
from catalog.models import ProductModel
from catalog.models.attribute import SELECT_TYPES
from catalog.models.product import RICH_TEXT_FIELDS
from catalog.services.completeness import completeness_recompute
from catalog.services.values import (
    sanitize_rich_text,
    text_fields_check,
    value_schema_for_family,
    values_clean,
)


def product_model_validate(*, product_model: ProductModel) -> None:
    """Normalize in place, or raise ValidationError keyed by field (admin, API and import)."""
    errors = text_fields_check(instance=product_model)
    for field in RICH_TEXT_FIELDS:
        for code in language_codes():
            name = f"{field}_{code}"
            setattr(product_model, name, sanitize_rich_text(getattr(product_model, name) or ""))
    if product_model.family_id is None:
        errors["family"] = [ValidationError(_("A family is required."), code="required")]
        raise ValidationError(errors)
    media_ids = (
        list(product_model.assets.values_list("id", flat=True)) if product_model.pk else None
    )
    try:
        product_model.values = values_clean(
            schema=value_schema_for_family(product_model.family),
            values=product_model.values,
            media_ids=media_ids,
        )
    except ValidationError as exc:
        errors["values"] = exc.error_dict["values"]
    if errors:
        raise ValidationError(errors)


def product_model_check_axes(*, product_model: ProductModel, axes) -> None:
    """Axes are single-select, non-localizable, non-per-channel attributes of the family."""
    family_codes = set(product_model.family.attributes.values_list("code", flat=True))
    problems = []
    for axis in axes:
        if axis.type not in SELECT_TYPES or axis.is_localizable or axis.is_scopable:
            problems.append(
                _(
                    "%(attribute)s: a variant axis must be a select attribute that is neither "
                    "localizable nor per channel."
                )
                % {"attribute": axis.code}
            )
        elif axis.code not in family_codes:
            problems.append(
                _("%(attribute)s is not an attribute of family %(family)s.")
                % {"attribute": axis.code, "family": product_model.family.code}
            )
    if not axes:
        problems.append(_("Choose at least one variant axis."))
    if problems:
        raise ValidationError({"variant_axes": problems})


@transaction.atomic
def product_model_save(
    *, product_model: ProductModel, axes=None, expected_version: int | None = None
) -> ProductModel:
    """Validate and save; a stale ``expected_version`` raises EditConflict, as for products."""
    if product_model.pk and expected_version is not None:
        current = (
            ProductModel.objects.select_for_update()
            .filter(pk=product_model.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is not None and current != expected_version:
            from catalog.services.products import EditConflict

            raise EditConflict(product_model, expected_version, current)
    product_model_validate(product_model=product_model)
    if axes is not None:
        product_model_check_axes(product_model=product_model, axes=axes)
    product_model.version += 1 if product_model.pk else 0
    product_model.save()
    if axes is not None:
        product_model.variant_axes.set(axes)
    completeness_recompute(product_ids=list(product_model.variants.values_list("pk", flat=True)))
    return product_model
