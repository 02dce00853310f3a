"""The demo's print-to-digital journey: a theme, a spring campaign with an offer, API clients.

Loaded after the demo catalog (``demo.catalog``) and idempotent like it: everything
is looked up by its code or name first and only missing objects are created. The campaign's
validity is relative to the first load (60 days either side), so a fresh demo always has an
open offer.

The demo API clients get well-known tokens derived from the demo password, so the README can
show a working ``curl`` line; a deployment that sets $PIM_DEMO_PASSWORD gets other tokens.
"""

import base64
import datetime
import hashlib
import hmac
from collections import Counter

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from api.models import ApiClient
from api.services import api_client_create, token_hash
from catalog.languages import language_codes
from catalog.models import Audience, Channel, Product
from demo.catalog import DemoSummary, demo_load, demo_password
from demo.content import BRAND
from demo.media import brand_logo
from engagement.models import Offer
from publishing.models import Campaign, Theme

THEME_CODE = "lumora"
CAMPAIGN_CODE = "spring"
CAMPAIGN_PRODUCTS = 8
OFFER_DAYS = 60
PRIMARY, ACCENT = "#14506e", "#a15c00"  # both readable on white (WCAG AA)

# Fixture data: written per language by design (the loader keeps the configured ones).
THEME_NAME = {"en": BRAND, "tr": BRAND, "fi": BRAND, "az": BRAND, "fa": "لومورا"}
CAMPAIGN_TITLE = {
    "en": "Spring light",
    "tr": "Bahar ışığı",
    "fi": "Kevään valo",
    "az": "Bahar işığı",
    "fa": "نور بهار",
}
CAMPAIGN_MESSAGE = {
    "en": "Brighter evenings are coming: spring prices on our favourite lamps, for a short time.",
    "tr": "Akşamlar aydınlanıyor: en sevilen lambalarımızda kısa bir süre için bahar fiyatları.",
    "fi": "Illat kirkastuvat: suosikkivalaisimemme kevään hinnoin, vain lyhyen aikaa.",
    "az": "Axşamlar işıqlanır: sevimli lampalarımız qısa müddətə bahar qiymətləri ilə.",
    "fa": "شب‌ها روشن‌تر می‌شوند: قیمت‌های بهاری برای چراغ‌های محبوب ما، فقط برای مدتی کوتاه.",
}
DISCOUNT_TEXT = {
    "en": "15 % off your next order",
    "tr": "Bir sonraki siparişinizde %15 indirim",
    "fi": "15 % alennus seuraavasta ostoksestasi",
    "az": "Növbəti sifarişinizə 15% endirim",
    "fa": "۱۵٪ تخفیف برای خرید بعدی شما",
}
TERMS = {
    "en": "One code per customer, valid once online or in a Lumora store until the date shown. "
    "Cannot be combined with other offers.",
    "tr": "Müşteri başına bir kod; gösterilen tarihe kadar çevrimiçi veya bir Lumora "
    "mağazasında bir kez geçerlidir. Diğer kampanyalarla birleştirilemez.",
    "fi": "Yksi koodi asiakasta kohden, käytettävissä kerran verkkokaupassa tai Lumoran "
    "myymälässä näytettyyn päivään asti. Ei voi yhdistää muihin etuihin.",
    "az": "Hər müştəriyə bir kod; göstərilən tarixədək onlayn və ya Lumora mağazasında bir "
    "dəfə keçərlidir. Digər təkliflərlə birləşdirilə bilməz.",
    "fa": "هر مشتری یک کد؛ تا تاریخ نشان‌داده‌شده یک بار در فروشگاه اینترنتی یا فروشگاه‌های "
    "لومورا معتبر است. با پیشنهادهای دیگر قابل جمع نیست.",
}
# (key, name, channel, audience). An API client reads one catalog channel; whether a code was
# redeemed online or in a store is said by each redemption request, so the till reads the
# web shop's catalog and prices.
API_CLIENTS = [
    ("web-shop", "Lumora web shop (demo)", "web", "end-customer"),
    ("store", "Lumora store Helsinki, till (demo)", "web", "end-customer"),
]


def demo_api_token(*, password: str, client: str) -> str:
    """The demo client's token: an HMAC of its key under the demo password (deterministic)."""
    digest = hmac.new(password.encode(), f"pim-demo-api:{client}".encode(), hashlib.sha256)
    return "pim_demo_" + base64.urlsafe_b64encode(digest.digest()).decode()[:32]


def demo_load_all(*, products: int | None = None, password: str | None = None) -> DemoSummary:
    """The demo catalog, then its campaign journey (theme, campaign, offer, API clients)."""
    summary = demo_load(products=products, password=password)
    demo_journey_load(summary=summary, password=password)
    return summary


def demo_journey_load(*, summary: DemoSummary, password: str | None = None) -> DemoSummary:
    """Create what is missing of the journey; report the demo API tokens it may show.

    Tokens are reported when their client is created, and on every run unless the password
    came from $PIM_DEMO_PASSWORD (the default password's tokens are in the README anyway).
    """
    languages = language_codes()
    with transaction.atomic():
        theme = _theme(languages, summary)
        campaign = _campaign(languages, theme, summary)
        if campaign is not None:
            _offer(languages, campaign, summary)
        _api_clients(demo_password(password), summary)
    return summary


def _texts(field_name: str, texts: dict[str, str], languages) -> dict[str, str]:
    return {f"{field_name}_{code}": texts[code] for code in languages if code in texts}


def _theme(languages, summary: DemoSummary) -> Theme:
    theme = Theme.objects.filter(code=THEME_CODE).first()
    if theme is not None:
        return theme
    theme = Theme(
        code=THEME_CODE,
        primary_colour=PRIMARY,
        accent_colour=ACCENT,
        is_default=not Theme.objects.filter(is_default=True).exists(),
        **_texts("name", THEME_NAME, languages),
    )
    logo = brand_logo(name=BRAND, primary=PRIMARY, accent="#c8891c")
    theme.logo = SimpleUploadedFile(f"{THEME_CODE}-logo.png", logo, content_type="image/png")
    theme.full_clean()
    theme.save()
    summary.add("themes")
    return theme


def _campaign_candidates(exclude_ids) -> list[Product]:
    """Approved products on the web and in print, complete in every language of both."""
    channels = list(Channel.objects.filter(code__in=("web", "print")))
    if len(channels) < 2:
        return []
    candidates = Product.objects.approved()
    for channel in channels:
        candidates = candidates.filter(pk__in=Product.objects.in_channel(channel).values("pk"))
        for locale in channel.locales:
            complete = Product.objects.complete_for(channel, locale).values("pk")
            candidates = candidates.filter(pk__in=complete)
    return list(candidates.exclude(pk__in=exclude_ids).order_by("pk"))


def _varied(candidates: list[Product], count: int) -> list[Product]:
    """Up to ``count`` products, families taken in turn; a second variant of a model last."""
    per_family: Counter = Counter()
    models: set[int] = set()
    rank = {}
    for product in candidates:
        repeat = product.model_id is not None and product.model_id in models
        models.add(product.model_id)
        rank[product.pk] = (repeat, per_family[product.family_id], product.pk)
        if not repeat:
            per_family[product.family_id] += 1
    return sorted(candidates, key=lambda product: rank[product.pk])[:count]


def _campaign(languages, theme: Theme, summary: DemoSummary) -> Campaign | None:
    campaign = Campaign.objects.filter(code=CAMPAIGN_CODE).first()
    if campaign is None:
        now = timezone.now()
        campaign = Campaign(
            code=CAMPAIGN_CODE,
            theme=theme,
            starts_at=now - datetime.timedelta(days=OFFER_DAYS),
            ends_at=now + datetime.timedelta(days=OFFER_DAYS),
            **_texts("title", CAMPAIGN_TITLE, languages),
            **_texts("message", CAMPAIGN_MESSAGE, languages),
        )
        campaign.full_clean()
        campaign.save()
        summary.add("campaigns")
    # A small demo that grows later fills its campaign up to the full set.
    chosen = list(campaign.products.values_list("pk", flat=True))
    missing = CAMPAIGN_PRODUCTS - len(chosen)
    if missing > 0:
        added = _varied(_campaign_candidates(chosen), missing)
        if added:
            campaign.products.add(*added)
            summary.add("campaign products", len(added))
    return campaign


def _offer(languages, campaign: Campaign, summary: DemoSummary) -> Offer:
    offer = Offer.objects.filter(campaign=campaign).first()
    if offer is not None:
        return offer
    offer = Offer(
        campaign=campaign,
        valid_from=campaign.starts_at,
        valid_until=campaign.ends_at,
        code_prefix="SPRING",
        **_texts("discount_text", DISCOUNT_TEXT, languages),
        **_texts("terms", TERMS, languages),
    )
    offer.full_clean()
    offer.save()
    summary.add("offers")
    return offer


def _api_clients(password: str, summary: DemoSummary) -> None:
    channels = {c.code: c for c in Channel.objects.filter(code__in=[c[2] for c in API_CLIENTS])}
    audiences = {a.code: a for a in Audience.objects.filter(code__in=[c[3] for c in API_CLIENTS])}
    for key, name, channel_code, audience_code in API_CLIENTS:
        if channel_code not in channels:
            continue
        token = demo_api_token(password=password, client=key)
        client = ApiClient.objects.filter(name=name).first()
        if client is None:
            api_client_create(
                name=name,
                channel=channels[channel_code],
                audience=audiences.get(audience_code),
                token=token,
            )
            summary.add("API clients")
            summary.api_tokens[name] = token
        elif not summary.password_from_env and client.token_hash == token_hash(token):
            summary.api_tokens[name] = token
