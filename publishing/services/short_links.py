"""Short links for printed QR codes."""

from django.conf import settings

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


def short_link_url(link: ShortLink) -> str:
    """The absolute URL printed in the QR code."""
    return f"{settings.PIM_PUBLIC_BASE_URL.rstrip('/')}/q/{link.code}"
