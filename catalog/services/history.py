"""Reading the change history of a product's prices and assets (kept in their own tables)."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from catalog.models import Asset, Price

_KINDS = {
    "+": pgettext_lazy("history action", "added"),
    "~": pgettext_lazy("history action", "changed"),
    "-": pgettext_lazy("history action", "deleted"),
}


@dataclass(frozen=True)
class RelatedChange:
    when: datetime
    who: str
    what: str  # "price" or "asset", translated
    action: str
    summary: str
    kind: str = ""  # "price" or "asset"
    record_id: int = 0  # the history row to restore


def product_related_history(*, product, limit: int = 50) -> list[RelatedChange]:
    """Who changed which price or asset of the product, and to what, newest first."""
    changes = []
    prices = (
        Price.history.filter(product_id=product.pk)
        .select_related("history_user", "channel", "audience")
        .order_by("-history_date")[:limit]
    )
    for record in prices:
        audience = f" ({record.audience.code})" if record.audience_id and record.audience else ""
        sale = f", {_('sale')} {record.sale_amount}" if record.sale_amount is not None else ""
        changes.append(
            RelatedChange(
                when=record.history_date,
                who=str(record.history_user or "—"),
                what=_("price"),
                action=str(_KINDS.get(record.history_type, record.history_type)),
                summary=f"{record.channel.code}{audience}: {record.amount} {record.currency}{sale}",
                kind="price",
                record_id=record.history_id,
            )
        )
    assets = (
        Asset.history.filter(product_id=product.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    for record in assets:
        changes.append(
            RelatedChange(
                when=record.history_date,
                who=str(record.history_user or "—"),
                what=_("asset"),
                action=str(_KINDS.get(record.history_type, record.history_type)),
                summary=f"{record.role}: {record.original_name or record.url}",
                kind="asset",
                record_id=record.history_id,
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


@transaction.atomic
def price_restore(*, product, record_id: int, user=None) -> Price:
    """Put a price back as it was in one history row (recreating it if it was deleted)."""
    if user is not None and not user.has_perm("catalog.change_price"):
        raise PermissionDenied(_("You may not edit prices."))
    record = Price.history.get(history_id=record_id, product_id=product.pk)
    # No default ordering: it joins the nullable audience, which PostgreSQL cannot lock.
    price = Price.objects.order_by().select_for_update().filter(pk=record.id).first()
    if price is None:
        # Deleted since: reuse the price that now holds the same key, or make a new one.
        price = Price.objects.filter(
            product_id=record.product_id,
            channel_id=record.channel_id,
            currency=record.currency,
            audience_id=record.audience_id,
        ).first() or Price(product_id=record.product_id)
    price.channel_id, price.currency = record.channel_id, record.currency
    price.audience_id = record.audience_id
    price.amount, price.sale_amount = record.amount, record.sale_amount
    price.full_clean()
    if user is not None:
        price._history_user = user
    price.save()
    return price


@transaction.atomic
def asset_restore(*, product, record_id: int, user=None) -> Asset:
    """Put an asset back as it was in one history row; its stored file must still exist."""
    if user is not None and not user.has_perm("catalog.change_asset"):
        raise PermissionDenied(_("You may not edit assets."))
    record = Asset.history.get(history_id=record_id, product_id=product.pk)
    file_name = getattr(record.file, "name", record.file) or ""
    if file_name and not default_storage.exists(file_name):
        raise ValidationError(_("The file of this asset version is no longer stored."))
    asset = Asset.objects.select_for_update().filter(pk=record.id).first() or Asset(pk=record.id)
    historical = record.instance
    for field in Asset._meta.concrete_fields:
        if field.name not in ("id", "created_at"):
            setattr(asset, field.attname, getattr(historical, field.attname))
    if user is not None:
        asset._history_user = user
    asset.save()
    return asset
