"""Google Merchant Center product feed: RSS 2.0 with the g: namespace."""

import re
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from django.conf import settings

from catalog.models import Channel
from publishing.context import ProductView
from publishing.feeds.base import MERCHANT_FIELDS, merchant_fields

G_NS = "http://base.google.com/ns/1.0"
# Characters XML 1.0 forbids (control characters other than tab, newline, return).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Most values need neither escaping nor cleaning: one search tells, and they are used as is.
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ITEMS_PER_CHUNK = 100
_PLAIN = {"title", "description", "link"}  # RSS's own elements, no g: prefix


def _text(value: str) -> str:
    if _SPECIAL.search(value) is None:
        return value
    return escape(_INVALID_XML.sub("", value))


_TAGS = tuple((name, name if name in _PLAIN else f"g:{name}") for name in MERCHANT_FIELDS)


def merchant_item(view: ProductView) -> str:
    fields = merchant_fields(view)
    parts = ["<item>"]
    for name, tag in _TAGS:
        value = fields[name]
        if isinstance(value, list):
            parts.extend(f"<{tag}>{_text(one)}</{tag}>" for one in value if one)
        elif value:
            parts.append(f"<{tag}>{_text(value)}</{tag}>")
    parts.append("</item>\n")
    return "".join(parts)


def merchant_rss(
    products: Iterable[ProductView], *, channel: Channel, locale: str
) -> Iterator[bytes]:
    title = getattr(channel, f"name_{locale}", None) or channel.name or channel.code
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" xmlns:g="{G_NS}">\n<channel>\n'
        f"<title>{_text(title)}</title>\n"
        f"<link>{_text(settings.PIM_PUBLIC_BASE_URL)}</link>\n"
        f"<description>{_text(f'{channel.code} ({locale})')}</description>\n"
        f"<language>{_text(locale)}</language>\n"
    ).encode()
    buffer = []
    for view in products:
        buffer.append(merchant_item(view))
        if len(buffer) >= _ITEMS_PER_CHUNK:
            yield "".join(buffer).encode()
            buffer = []
    if buffer:
        yield "".join(buffer).encode()
    yield b"</channel>\n</rss>\n"
