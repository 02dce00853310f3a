"""Prices per channel, currency and (optionally) audience: one write path for API and import."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from catalog.models import Price, Product
from catalog.services.values import decimal_check


def price_amount_clean(raw, *, field: str = "amount") -> Decimal | None:
    """A finite, non-negative amount that fits the price column, with at most its
    decimals; empty means none."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        raise ValidationError({field: ValidationError(_("Expected a number."), "wrong_type")})
    try:
        amount = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            {
                field: ValidationError(
                    _("“%(value)s” is not a number.") % {"value": str(raw)[:40]}, "wrong_type"
                )
            }
        ) from None
    column = Price._meta.get_field(field)
    places = column.decimal_places
    try:
        decimal_check(amount, max_digits=column.max_digits, decimal_places=places)
    except ValidationError as exc:
        raise ValidationError(
            {field: ValidationError(_("A price %(rule)s") % {"rule": exc.messages[0]}, exc.code)}
        ) from None
    if amount < 0:
        raise ValidationError(
            {field: ValidationError(_("A price cannot be negative."), "below_min")}
        )
    step = Decimal(1).scaleb(-places)
    if amount != amount.quantize(step):
        raise ValidationError(
            {
                field: ValidationError(
                    _("A price has at most %(places)s decimals.") % {"places": places},
                    "too_precise",
                )
            }
        )
    return amount.quantize(step)


def _prices_cleaned(prices):
    """(key, item, amount, sale amount) per price item, checked; amount None means remove."""
    seen = set()
    for item in prices:
        channel, audience = item["channel"], item.get("audience")
        key = (channel.pk, item["currency"], audience.pk if audience else None)
        if key in seen:
            raise ValidationError(
                {
                    "prices": _("The price for %(channel)s %(currency)s is given twice.")
                    % {"channel": channel.code, "currency": item["currency"]}
                }
            )
        seen.add(key)
        amount = price_amount_clean(item.get("amount"))
        sale = price_amount_clean(item.get("sale_amount"), field="sale_amount")
        if amount is None and sale is not None:
            raise ValidationError({"amount": _("A sale price needs a regular price.")})
        yield key, item, amount, sale


def _check_price_rights(user) -> None:
    if user is not None and not user.has_perm("catalog.change_price"):
        raise PermissionDenied(_("You may not edit prices."))


@transaction.atomic
def product_prices_set(
    *, product: Product, prices, user=None, replace: bool = False, scope=None
) -> bool:
    """Create, change or (amount None) remove prices; returns whether anything changed.

    ``prices``: iterable of dicts with channel, currency, audience (or None), amount and
    sale_amount. A change raises the product's version so API clients and delta syncs see it.
    With a ``scope`` (an API client's ChannelScope) only prices of its channel and audience
    may be given, and ``replace`` removes only those.
    """
    _check_price_rights(user)
    prices = list(prices)
    if scope is not None:
        scope.check_prices(prices)
    existing = {
        (p.channel_id, p.currency, p.audience_id): p
        # Model ordering joins the nullable audience; PostgreSQL refuses FOR UPDATE on it.
        for p in Price.objects.select_for_update().filter(product=product).order_by("pk")
    }
    seen, changed = set(), False
    for key, item, amount, sale in _prices_cleaned(prices):
        seen.add(key)
        price = existing.get(key)
        if amount is None:
            if price is not None:
                price.delete()
                changed = True
            continue
        if price is None:
            price = Price(
                product=product,
                channel=item["channel"],
                currency=item["currency"],
                audience=item.get("audience"),
            )
        elif price.amount == amount and price.sale_amount == sale:
            continue
        price.amount, price.sale_amount = amount, sale
        price.full_clean()
        price.save()
        changed = True
    if replace:
        for key, price in existing.items():
            if key not in seen and (scope is None or scope.covers_price(price)):
                price.delete()
                changed = True
    if changed:
        product.version += 1
        if user is not None:
            product._history_user = user
        product.save(update_fields=["version", "updated_at"])
    return changed


def prices_build(*, product: Product, prices, user=None, scope=None) -> list[Price]:
    """The unsaved prices of a product not saved yet, checked as product_prices_set checks
    them (raises ValidationError or PermissionDenied); save them with prices_create."""
    prices = list(prices)
    if not prices:
        return []
    _check_price_rights(user)
    if scope is not None:
        scope.check_prices(prices)
    built = []
    for _key, item, amount, sale in _prices_cleaned(prices):
        if amount is None:
            continue
        price = Price(
            product=product,
            channel=item["channel"],
            currency=item["currency"],
            audience=item.get("audience"),
            amount=amount,
            sale_amount=sale,
        )
        # The product has no row yet, so its new prices cannot collide with stored ones (and
        # not with each other: checked above); channel and audience are loaded instances.
        price.full_clean(exclude=["product", "channel", "audience"], validate_constraints=False)
        built.append(price)
    return built


def prices_create(*, prices: list[Price], user=None) -> None:
    """Insert prices from prices_build (their products saved since), with history."""
    if prices:
        bulk_create_with_history(prices, Price, batch_size=500, default_user=user)
