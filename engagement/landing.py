"""What a landing page shows: the printed piece's theme, copy and products, and the offer.

Built from publishing.selection and publishing.context like the piece itself, so the page and
the brochure show the same images and text.
"""

import time
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from catalog.languages import default_language
from catalog.models import Product
from engagement.models import DiscountCode, Offer
from engagement.services import (
    BUSY_ERRORS,
    bounded_write,
    discount_code_issue,
    landing_rate_allows,
    link_offer,
)
from publishing.context import ProductView, build_product_views
from publishing.formatting import format_date
from publishing.links import product_public_url
from publishing.models import ShortLink, Theme
from publishing.selection import publishable_locales, select_products
from publishing.web.pages import ImageSource, default_theme, image_source
from publishing.web.services import web_channel

# A reader waits this long in all for a new code while the database is busy (two tries),
# then sees the page without one and is asked to reload.
LANDING_DB_WAIT_MS = 1000
LANDING_DB_TRIES = 2


@dataclass(frozen=True)
class LandingProduct:
    product: ProductView
    image: ImageSource | None
    url: str  # the product's web page in this language, or "" when it has none


@dataclass(frozen=True)
class LandingPage:
    title: str
    message: str
    theme: Theme | None
    products: tuple[LandingProduct, ...]
    offer: Offer | None
    offer_open: bool
    discount_text: str
    discount_language: str
    terms: str
    valid_until: str


def _text(obj, field: str, locale: str) -> str:
    return (getattr(obj, f"{field}_{locale}", None) or "") if obj is not None else ""


def landing_page(*, link: ShortLink, locale: str) -> LandingPage:
    publication = link.publication
    campaign = link.campaign or (publication.campaign if publication else None)
    theme = (
        (publication.theme if publication else None)
        or (campaign.theme if campaign else None)
        or default_theme()
    )
    if link.product_id:
        skus = list(Product.objects.filter(pk=link.product_id).values_list("sku", flat=True))
    elif campaign is not None:
        skus = list(campaign.products.values_list("sku", flat=True))
    elif publication is not None:
        skus = list(publication.products.values_list("sku", flat=True))
    else:
        skus = []
    web = web_channel()
    channel = publication.channel if publication else (link.channel or web)
    views: list[ProductView] = []
    if skus and channel is not None:
        audience = publication.audience if publication else None
        try:
            selection = select_products(
                channel=channel, locale=locale, audience=audience, skus=skus
            )
        except ValidationError:  # the piece's channel lacks this language: use the web's
            selection = (
                select_products(channel=web, locale=locale, skus=skus)
                if web is not None and locale in web.locales
                else None
            )
        if selection is not None:
            views = build_product_views(selection, image_specs=("thumb", "web"))
    on_web = (
        publishable_locales(channel=web, product_ids=[v.id for v in views])
        if web is not None and views
        else {}
    )
    products = tuple(
        LandingProduct(
            product=view,
            image=image_source(view.main_image) if view.main_image else None,
            url=(
                product_public_url(locale, view.slug_for(locale))
                if locale in on_web.get(view.id, ()) and view.slug_for(locale)
                else ""
            ),
        )
        for view in views
    )
    offer = link_offer(link)
    # An untranslated offer shows its default-language text, marked with its language.
    discount_text, discount_language = _text(offer, "discount_text", locale), locale
    if offer is not None and not discount_text:
        discount_language = default_language()
        discount_text = _text(offer, "discount_text", discount_language)
    title = _text(campaign, "title", locale) or (
        products[0].product.name if products else (publication.title if publication else "")
    )
    return LandingPage(
        title=title,
        message=_text(campaign, "message", locale),
        theme=theme,
        products=products,
        offer=offer,
        offer_open=bool(offer and offer.is_open()),
        discount_text=discount_text,
        discount_language=discount_language,
        terms=_text(offer, "terms", locale),
        valid_until=(
            format_date(offer.valid_until.date(), locale) if offer and offer.valid_until else ""
        ),
    )


@dataclass(frozen=True)
class CodeOutcome:
    code: DiscountCode | None
    # Why there is no code: "" (there is one, or nothing to say), "no_scan" (the page was not
    # reached through a scan), "limited" (too many codes for this address) or "busy".
    reason: str = ""


def code_for_scan(
    *, offer: Offer, locale: str, scan_uid: uuid.UUID | None, client: str, allow_new: bool = True
) -> CodeOutcome:
    """One code per signed scan: reloading, sharing or replaying the page's URL shows the same
    code; a page reached without a scan, a crawler or an address over its hourly share gets
    none; a busy database means "reload in a moment", never an error page."""
    if scan_uid is None:
        return CodeOutcome(None, "no_scan")
    if not allow_new:
        return CodeOutcome(None)
    try:
        found = DiscountCode.objects.filter(scan_uid=scan_uid).first()
    except BUSY_ERRORS:
        return CodeOutcome(None, "busy")
    if found is not None:
        return CodeOutcome(found)
    if not landing_rate_allows(client=client):
        return CodeOutcome(None, "limited")
    for attempt in range(LANDING_DB_TRIES):
        try:
            with bounded_write(wait_ms=LANDING_DB_WAIT_MS // LANDING_DB_TRIES):
                code = discount_code_issue(offer=offer, language=locale, scan_uid=scan_uid)
        except BUSY_ERRORS:
            time.sleep(0.05 * (attempt + 1))
            continue
        return CodeOutcome(code)
    return CodeOutcome(None, "busy")
