"""Chunked reading of a channel's catalog as view objects, and the fields feeds share."""

import re
from collections.abc import Iterator
from html import unescape

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf

from catalog.models import Audience, Channel
from publishing.context import ProductView, ProductViewBuilder
from publishing.selection import select_products_in_chunks

CHUNK_SIZE = 500
MERCHANT_AVAILABILITY = {"in_stock", "out_of_stock", "preorder", "backorder"}
MERCHANT_CONDITIONS = {"new", "refurbished", "used"}
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def feed_products(
    *,
    channel: Channel,
    locale: str,
    audience: Audience | None = None,
    chunk_size: int = CHUNK_SIZE,
    image_specs=("web",),
) -> Iterator[ProductView]:
    """Every product the channel may show in ``locale``, built ``chunk_size`` at a time.

    One view builder serves every chunk, so what all products share (attributes, categories,
    formatted prices and values) is loaded and formatted once per feed.
    """
    builder = ProductViewBuilder(channel=channel, audience=audience, image_specs=image_specs)
    for selection in select_products_in_chunks(
        channel=channel, locale=locale, audience=audience, chunk_size=chunk_size
    ):
        yield from builder.build(selection)


def absolute(url: str) -> str:
    if not url or "://" in url:
        return url
    return settings.PIM_PUBLIC_BASE_URL.rstrip("/") + "/" + url.lstrip("/")


def product_link(view: ProductView) -> str:
    """The product's public page; the web app owns the URL pattern (publishing.links)."""
    if not view.slug:
        return ""
    if _PLAIN_SLUG.match(view.slug):
        template = _link_template(view.locale)
        if template:
            return template[0] + view.slug + template[1]
    return absolute(_product_path(view.locale, view.slug))


def _product_path(locale: str, slug: str) -> str:
    try:
        from publishing.links import product_public_url

        return product_public_url(locale, slug)
    except (ImportError, NoReverseMatch):
        return f"/{locale}/p/{slug}/"


# Reversing a URL costs more than building the rest of a feed item. A slug of ASCII letters,
# digits, "-" and "_" comes out of reverse() unchanged (nothing to quote), so its link is the
# probe's link with the slug put in; any other slug is reversed.
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_SLUG_PROBE = "feed-slug-probe-0"
_LINK_TEMPLATES: dict[tuple, tuple[str, str] | tuple[()]] = {}


def _link_template(locale: str) -> tuple[str, str] | tuple[()]:
    key = (
        locale,
        get_urlconf(),
        settings.ROOT_URLCONF,
        get_script_prefix(),
        settings.PIM_PUBLIC_BASE_URL,
    )
    template = _LINK_TEMPLATES.get(key)
    if template is None:
        link = absolute(_product_path(locale, _SLUG_PROBE))
        head, found, tail = link.partition(_SLUG_PROBE)
        template = (head, tail) if found and _SLUG_PROBE not in tail else ()
        _LINK_TEMPLATES[key] = template
    return template


def plain_text(html: str) -> str:
    return _SPACES.sub(" ", unescape(_TAGS.sub(" ", html or ""))).strip()


def attribute_raw(view: ProductView, code: str):
    for attribute in view.attributes:
        if attribute.code == code:
            return attribute.raw
    return None


# Google Merchant Center's attributes, in feed order: the Merchant XML's items and the CSV's
# columns.
MERCHANT_FIELDS = (
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "additional_image_link",
    "price",
    "sale_price",
    "availability",
    "gtin",
    "mpn",
    "brand",
    "condition",
    "google_product_category",
    "product_type",
    "item_group_id",
)


def merchant_fields(view: ProductView) -> dict:
    """The Google Merchant Center fields of one product (also the CSV columns)."""
    mapping = getattr(settings, "PIM_FEED_ATTRIBUTES", {})
    raw = {attribute.code: attribute.raw for attribute in reversed(view.attributes)}
    availability = raw.get(mapping.get("availability", "availability"))
    availability = availability if availability in MERCHANT_AVAILABILITY else "in_stock"
    condition = raw.get(mapping.get("condition", "condition"))
    condition = condition if condition in MERCHANT_CONDITIONS else "new"
    mpn = raw.get(mapping.get("mpn", "mpn")) or view.sku
    category = raw.get(mapping.get("google_product_category", "google_product_category"))
    main = view.main_image
    others = [image for image in view.images if image is not main][:10]
    price = view.price
    return {
        "id": view.sku,
        "title": view.name[:150],
        "description": plain_text(view.description or view.short_description)[:5000],
        "link": product_link(view),
        "image_link": absolute(main.url("web")) if main else "",
        "additional_image_link": [absolute(image.url("web")) for image in others],
        "price": f"{price.amount} {price.currency}" if price else "",
        "sale_price": (
            f"{price.sale_amount} {price.currency}"
            if price and price.sale_amount is not None
            else ""
        ),
        "availability": availability,
        "gtin": view.gtin,
        "mpn": str(mpn),
        "brand": view.brand,
        "condition": condition,
        "google_product_category": str(category or ""),
        "product_type": " > ".join(view.categories[0].path) if view.categories else "",
        "item_group_id": view.model_code,
    }


FEED_FORMATS = {
    "merchant": ("application/rss+xml; charset=utf-8", "xml"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
}


def feed_content_type(kind: str) -> str:
    return FEED_FORMATS[kind][0]


def feed_iter(*, kind: str, channel: Channel, locale: str, audience=None) -> Iterator[bytes]:
    """The whole feed as a stream of byte chunks."""
    from publishing.feeds import merchant, tabular

    products = feed_products(channel=channel, locale=locale, audience=audience)
    if kind == "merchant":
        return merchant.merchant_rss(products, channel=channel, locale=locale)
    if kind == "csv":
        return tabular.feed_csv(products)
    if kind == "jsonl":
        return tabular.feed_jsonl(products)
    raise ValueError(kind)
