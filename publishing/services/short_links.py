"""Short links for printed QR codes."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from publishing.models import ShortLink


def short_link_get_or_create(
    *, locale: str, product=None, campaign=None, publication=None, channel=None
) -> ShortLink:
    """One stable code per (target, printed piece, channel, language)."""
    link, _created = ShortLink.objects.get_or_create(
        product=product,
        campaign=campaign,
        publication=publication,
        channel=channel,
        locale=locale,
    )
    return link


def short_links_get_or_create(
    *, product_ids: Iterable[int], locale: str, publication=None, channel=None
) -> dict[int, ShortLink]:
    """Short links of many products for one printed piece, by product id.

    The same links ``short_link_get_or_create`` gives one at a time, in one query that reads
    the existing ones and one insert for the missing ones (a 1,000-label sheet otherwise
    spends seconds on a query and an insert per label).
    """
    wanted = list(dict.fromkeys(product_ids))
    scope = {"campaign": None, "publication": publication, "channel": channel, "locale": locale}
    links: dict[int, ShortLink] = {}
    with transaction.atomic():
        # Chunked so that the id list stays under every backend's parameter limit.
        for start in range(0, len(wanted), 500):
            existing = ShortLink.objects.filter(product_id__in=wanted[start : start + 500], **scope)
            for link in existing.order_by("pk"):
                links.setdefault(link.product_id, link)
        missing = [ShortLink(product_id=pk, **scope) for pk in wanted if pk not in links]
        for link in ShortLink.objects.bulk_create(missing, batch_size=500):
            links[link.product_id] = link
    return links


def short_link_url(link: ShortLink) -> str:
    """The absolute URL printed in the QR code."""
    return f"{settings.PIM_PUBLIC_BASE_URL.rstrip('/')}/q/{link.code}"
