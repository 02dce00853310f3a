"""Prices per channel, currency and (optionally) audience: one write path for API and import."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Price, Product


def price_amount_clean(raw, *, field: str = "amount") -> Decimal | None:
    """A non-negative amount with at most two decimals; empty means none."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError({field: _("Expected a number.")}, code="wrong_type")
    try:
        amount = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            {
                field: ValidationError(
                    _("“%(value)s” is not a number.") % {"value": raw}, "wrong_type"
                )
            }
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(
            {field: ValidationError(_("A price cannot be negative."), "below_min")}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {field: ValidationError(_("A price has at most two decimals."), "too_precise")}
        )
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def product_prices_set(*, product: Product, prices, user=None, replace: bool = False) -> bool:
    """Create, change or (amount None) remove prices; returns whether anything changed.

    ``prices``: iterable of dicts with channel, currency, audience (or None), amount and
    sale_amount. A change raises the product's version so API clients and delta syncs see it.
    """
    if user is not None and not user.has_perm("catalog.change_price"):
        raise PermissionDenied(_("You may not edit prices."))
    existing = {
        (p.channel_id, p.currency, p.audience_id): p
        # Model ordering joins the nullable audience; PostgreSQL refuses FOR UPDATE on it.
        for p in Price.objects.select_for_update().filter(product=product).order_by("pk")
    }
    seen, changed = set(), False
    for item in prices:
        channel, audience = item["channel"], item.get("audience")
        key = (channel.pk, item["currency"], audience.pk if audience else None)
        if key in seen:
            raise ValidationError(
                {
                    "prices": _("The price for %(channel)s %(currency)s is given twice.")
                    % {"channel": channel.code, "currency": item["currency"]}
                }  # fmt: skip
            )
        seen.add(key)
        amount = price_amount_clean(item.get("amount"))
        sale = price_amount_clean(item.get("sale_amount"), field="sale_amount")
        price = existing.get(key)
        if amount is None:
            if sale is not None:
                raise ValidationError({"amount": _("A sale price needs a regular price.")})
            if price is not None:
                price.delete()
                changed = True
            continue
        if price is None:
            price = Price(
                product=product, channel=channel, currency=item["currency"], audience=audience
            )
        elif price.amount == amount and price.sale_amount == sale:
            continue
        price.amount, price.sale_amount = amount, sale
        price.full_clean()
        price.save()
        changed = True
    if replace:
        for key, price in existing.items():
            if key not in seen:
                price.delete()
                changed = True
    if changed:
        product.version += 1
        if user is not None:
            product._history_user = user
        product.save(update_fields=["version", "updated_at"])
    return changed
