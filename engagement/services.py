"""Scans, discount codes and redemptions: the one write path for views, API and admin."""

import datetime
import re
import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.languages import default_language, language_codes
from engagement.models import (
    DeviceType,
    DiscountCode,
    Offer,
    RedemptionChannel,
    ScanEvent,
)
from publishing.models import ShortLink

SHORT_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
SCAN_SALT = "engagement.scan"
# Unambiguous characters: no 0/O, 1/I/L, so codes read aloud at a till survive.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

_BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|facebookexternalhit|whatsapp|curl|wget|"
    r"python-requests|httpclient|headless|lighthouse",
    re.IGNORECASE,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))", re.IGNORECASE)
_MOBILE = re.compile(r"mobi|iphone|ipod|android|blackberry|opera mini|iemobile", re.IGNORECASE)


def device_type(user_agent: str) -> str:
    """Coarse device class from a User-Agent header; the header itself is never stored."""
    user_agent = user_agent or ""
    if not user_agent.strip() or _BOT.search(user_agent):
        return DeviceType.BOT
    if _TABLET.search(user_agent):
        return DeviceType.TABLET
    if _MOBILE.search(user_agent):
        return DeviceType.MOBILE
    return DeviceType.DESKTOP


@dataclass(frozen=True)
class Resolved:
    link: ShortLink | None
    status: str  # "ok", "unknown", "expired"


def short_link_resolve(*, code: str) -> Resolved:
    """The link behind a printed code; malformed codes never reach the database."""
    if not SHORT_CODE_RE.match(code or ""):
        return Resolved(None, "unknown")
    link = ShortLink.objects.select_related("campaign", "publication").filter(code=code).first()
    if link is None:
        return Resolved(None, "unknown")
    if link.expires_at is not None and link.expires_at <= timezone.now():
        return Resolved(link, "expired")
    return Resolved(link, "ok")


@dataclass(frozen=True)
class ScanTarget:
    """Just what a scan needs to know about its link: one narrow query, no model loading."""

    pk: int
    code: str
    locale: str
    product_id: int | None
    campaign_id: int | None
    publication_id: int | None
    channel_id: int | None
    expires_at: datetime.datetime | None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def language(self) -> str:
        return self.locale if self.locale in language_codes() else default_language()


def scan_target(*, code: str) -> ScanTarget | None:
    if not SHORT_CODE_RE.match(code or ""):
        return None
    row = (
        ShortLink.objects.filter(code=code)
        .values_list(
            "pk",
            "code",
            "locale",
            "product_id",
            "campaign_id",
            "publication__campaign_id",
            "publication_id",
            "channel_id",
            "publication__channel_id",
            "expires_at",
        )
        .order_by()[:1]
    )
    if not row:
        return None
    pk, code, locale, product, campaign, piece_campaign, piece, channel, piece_channel, ends = row[
        0
    ]
    return ScanTarget(
        pk=pk,
        code=code,
        locale=locale,
        product_id=product,
        campaign_id=campaign or piece_campaign,
        publication_id=piece,
        channel_id=channel or piece_channel,
        expires_at=ends,
    )


def scan_record(*, target: ScanTarget, user_agent: str) -> ScanEvent:
    """One row per scan: the code, where it was printed, language, device class and time."""
    return ScanEvent.objects.create(
        code=target.code,
        short_link_id=target.pk,
        campaign_id=target.campaign_id,
        publication_id=target.publication_id,
        channel_id=target.channel_id,
        product_id=target.product_id,
        language=target.language,
        device=device_type(user_agent),
    )


def scan_token(scan: ScanEvent) -> str:
    """Carries the scan to the landing page without a session write on the redirect."""
    return signing.dumps(scan.pk, salt=SCAN_SALT)


def scan_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=SCAN_SALT, max_age=60 * 60 * 24)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def link_offer(link: ShortLink) -> Offer | None:
    campaign_id = link.campaign_id or (link.publication.campaign_id if link.publication else None)
    if campaign_id is None:
        return None
    return Offer.objects.filter(campaign_id=campaign_id).first()


def _new_code(prefix: str) -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{prefix.upper()}-{body}" if prefix else body


def discount_code_issue(*, offer: Offer, language: str, scan_id: int | None = None) -> DiscountCode:
    """A fresh, unique code for one landing visit, valid until the offer ends."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return DiscountCode.objects.create(
                    offer=offer,
                    code=_new_code(offer.code_prefix),
                    scan_id=scan_id,
                    language=language,
                    expires_at=offer.valid_until,
                )
        except IntegrityError:  # a collision in 31^10 codes: try another
            continue
    raise RuntimeError("Could not issue a unique discount code.")


class RedemptionError(Exception):
    """A refused redemption, with the HTTP status and a stable machine-readable code."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Redemption:
    code: DiscountCode
    created: bool  # False: the same order redeemed it before (an idempotent repeat)


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


def discount_code_redeem(
    *, code: str, channel: str, order_reference: str, client=None
) -> Redemption:
    """Redeem a code once. Repeating the same order's request returns the first result.

    The winner of concurrent attempts is decided by one conditional UPDATE, so exactly one
    request redeems a code whatever the database or the number of server processes.
    """
    code = normalize_code(code)
    order_reference = (order_reference or "").strip()
    if channel not in RedemptionChannel.values:
        raise RedemptionError(400, "invalid_channel", _("The channel must be “web” or “store”."))
    if not order_reference:
        raise RedemptionError(400, "missing_order", _("An order reference is required."))
    found = DiscountCode.objects.select_related("offer").filter(code=code).first()
    if found is None:
        raise RedemptionError(404, "unknown_code", _("This discount code does not exist."))
    if found.redeemed_at is not None:
        return _already(found, order_reference, client)
    now = timezone.now()
    if found.expires_at is not None and found.expires_at <= now:
        raise RedemptionError(410, "expired", _("This discount code has expired."))
    if not found.offer.is_active:
        raise RedemptionError(410, "offer_withdrawn", _("This offer has been withdrawn."))
    won = DiscountCode.objects.filter(pk=found.pk, redeemed_at__isnull=True).update(
        redeemed_at=now,
        redeemed_channel=channel,
        order_reference=order_reference[:100],
        redeemed_by=client,
    )
    found.refresh_from_db()
    if not won:
        return _already(found, order_reference, client)
    return Redemption(found, created=True)


def _already(found: DiscountCode, order_reference: str, client) -> Redemption:
    same_client = client is None or found.redeemed_by_id in (None, client.pk)
    if found.order_reference == order_reference[:100] and same_client:
        return Redemption(found, created=False)
    raise RedemptionError(
        409, "already_redeemed", _("This discount code has already been redeemed.")
    )
