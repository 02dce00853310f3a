"""Reading the change history of a product's prices and assets (kept in their own tables)."""

from dataclasses import dataclass
from datetime import datetime

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
    what: str  # "price" or "asset"
    action: str
    summary: str


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
            )
        )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
