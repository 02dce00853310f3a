"""Scans, discount codes and redemptions: the one write path for views, API and admin."""

import datetime
import logging
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from catalog.languages import default_language, language_codes
from catalog.models import Channel, Product
from engagement.models import (
    DeviceType,
    DiscountCode,
    Offer,
    RedemptionChannel,
    ScanEvent,
)
from engagement.spool import (
    spool_flush_lock,
    spool_has_pending,
    spool_pending,
    spool_read,
    spool_remove,
    spool_set_aside,
    spool_write,
)
from publishing.models import Campaign, Publication, ShortLink

logger = logging.getLogger(__name__)

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


_SCAN_TARGET_COLUMNS = (
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
_scan_target_sql: dict[str, str] = {}  # per database vendor: compiled once per process


def scan_target(*, code: str) -> ScanTarget | None:
    """The link of a printed code in one indexed query. The SQL is compiled by the ORM once per
    process and reused: on the busiest path compiling it cost more than running it."""
    if not SHORT_CODE_RE.match(code or ""):
        return None
    sql = _scan_target_sql.get(connection.vendor)
    if sql is None:
        marker = "scan-target-code-placeholder"
        query = ShortLink.objects.filter(code=marker).values_list(*_SCAN_TARGET_COLUMNS).order_by()
        sql, params = query[:1].query.sql_with_params()
        if list(params) != [marker]:  # never expected: fall back to the ORM
            rows = list(query.model.objects.filter(code=code).values_list(*_SCAN_TARGET_COLUMNS))
            return _scan_target_from(rows[0]) if rows else None
        _scan_target_sql[connection.vendor] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [code])
        row = cursor.fetchone()
    return _scan_target_from(row) if row else None


def _scan_target_from(row) -> ScanTarget:
    pk, code, locale, product, campaign, piece_campaign, piece, channel, piece_channel, ends = row
    if isinstance(ends, str):  # SQLite hands raw SQL its text form
        ends = parse_datetime(ends)
    if ends is not None and timezone.is_naive(ends):  # stored in UTC
        ends = timezone.make_aware(ends, datetime.UTC)
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


# How long a scan waits for the database before it is spooled instead. The redirect must go out
# at once; SQLite's busy handler retries with growing sleeps within this budget.
SCAN_DB_WAIT_MS = 100
# After one scan had to be spooled, the next ones in this process try the database once,
# without waiting, for this long: under a long writer every scan would otherwise wait in vain.
SCAN_BUSY_BACKOFF_S = 1.0
# A successful scan looks for spooled scans at most this often and flushes a few of them.
SPOOL_CHECK_EVERY_S = 5.0
SPOOL_FLUSH_IN_REQUEST = 200
SPOOL_FLUSH_BATCH = 500
# Scan tokens (the ``?s=`` of the landing page) are valid this long.
SCAN_TOKEN_MAX_AGE = 60 * 60 * 24
_SCAN_FOREIGN_KEYS = (
    ("short_link_id", ShortLink),
    ("campaign_id", Campaign),
    ("publication_id", Publication),
    ("channel_id", Channel),
    ("product_id", Product),
)
# Database errors that mean "busy or unreachable", as opposed to a refused write.
BUSY_ERRORS = (OperationalError, InterfaceError)


class _ScanState:
    busy_until = 0.0
    next_spool_check = 0.0


@contextmanager
def bounded_write(*, wait_ms: int) -> Iterator[None]:
    """A write transaction that waits at most ``wait_ms`` for locks, then raises
    OperationalError: SQLite's busy timeout, PostgreSQL's lock_timeout."""
    wait_ms = max(0, int(wait_ms))
    if connection.vendor == "sqlite":
        previous = int(settings.PIM_SQLITE_BUSY_TIMEOUT_MS)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {wait_ms}")
        try:
            with transaction.atomic():
                yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {previous}")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # 0 would mean "wait forever" there.
                cursor.execute(f"SET LOCAL lock_timeout = '{max(1, wait_ms)}ms'")
        yield


@dataclass(frozen=True)
class RecordedScan:
    uid: uuid.UUID
    stored: bool  # False: spooled; it reaches the database with the next flush


def scan_record(*, target: ScanTarget, user_agent: str) -> RecordedScan:
    """One row per scan: the code, where it was printed, language, device class and time.

    Never fails because the database is busy: after a short wait the scan goes to the durable
    spool (engagement.spool) and is counted once it is flushed.
    """
    event = ScanEvent(
        uid=uuid.uuid4(),
        code=target.code,
        short_link_id=target.pk,
        campaign_id=target.campaign_id,
        publication_id=target.publication_id,
        channel_id=target.channel_id,
        product_id=target.product_id,
        language=target.language,
        device=device_type(user_agent),
        scanned_at=timezone.now(),
    )
    wait = 0 if time.monotonic() < _ScanState.busy_until else SCAN_DB_WAIT_MS
    try:
        with bounded_write(wait_ms=wait):
            event.save(force_insert=True)
    except BUSY_ERRORS as exc:
        _ScanState.busy_until = time.monotonic() + SCAN_BUSY_BACKOFF_S
        try:
            spool_write(_spooled(event))
        except OSError:
            # Nowhere to keep it: the reader still gets the page; the loss is logged.
            logger.exception("Scan of %s lost: database busy (%s), spool failed", target.code, exc)
        return RecordedScan(uid=event.uid, stored=False)
    _ScanState.busy_until = 0.0
    _flush_if_due()
    return RecordedScan(uid=event.uid, stored=True)


def _spooled(event: ScanEvent) -> dict:
    return {
        "uid": event.uid.hex,
        "code": event.code,
        "language": event.language,
        "device": event.device,
        "scanned_at": event.scanned_at.isoformat(),
        **{field: getattr(event, field) for field, _model in _SCAN_FOREIGN_KEYS},
    }


def _flush_if_due() -> None:
    now = time.monotonic()
    if now < _ScanState.next_spool_check:
        return
    _ScanState.next_spool_check = now + SPOOL_CHECK_EVERY_S
    try:
        if spool_has_pending():
            scan_spool_flush(limit=SPOOL_FLUSH_IN_REQUEST, wait_ms=SCAN_DB_WAIT_MS)
    except Exception:  # the scan itself is stored: a flush problem must not fail its redirect
        logger.exception("Flushing the scan spool failed")


def scan_spool_flush(*, limit: int | None = None, wait_ms: int | None = None) -> int:
    """Store spooled scans in the database, oldest first; returns how many were flushed.

    Idempotent: a scan already stored (a flush that died after its insert) is skipped by its
    ``uid``, and its file removed. Stops quietly when the database is still busy. Called by a
    successful scan (a few at a time), before analytics are shown, by the background worker
    and by ``manage.py flush_scan_spool``.
    """
    flushed = 0
    with spool_flush_lock() as mine:
        if not mine:
            return 0
        while limit is None or flushed < limit:
            size = SPOOL_FLUSH_BATCH if limit is None else min(SPOOL_FLUSH_BATCH, limit - flushed)
            paths = spool_pending(size)
            if not paths:
                break
            read = [(path, spool_read(path)) for path in paths]
            events = [(path, event) for path, event in read if event is not None]
            try:
                _store_spooled_in(events, wait_ms=wait_ms)
            except BUSY_ERRORS:
                break  # still busy: the files stay for the next flush
            except DatabaseError:
                # One refused event must not block the others: store them one by one and set
                # the refused ones aside (kept as .bad for a look, never retried).
                try:
                    for path, event in events:
                        try:
                            _store_spooled_in([(path, event)], wait_ms=wait_ms)
                        except BUSY_ERRORS:
                            raise
                        except DatabaseError:
                            logger.exception("Spooled scan %s refused", event.get("uid"))
                            spool_set_aside(path)
                except BUSY_ERRORS:
                    break
            spool_remove(paths)
            flushed += len(events)
    return flushed


def _store_spooled_in(events: list[tuple], *, wait_ms: int | None) -> None:
    if wait_ms is None:
        with transaction.atomic():
            _store_spooled([event for _path, event in events])
    else:
        with bounded_write(wait_ms=wait_ms):
            _store_spooled([event for _path, event in events])


def _store_spooled(events: list[dict]) -> None:
    if not events:
        return
    # A link, campaign or product deleted since the scan becomes empty, as SET_NULL would do.
    existing = {}
    for field, model in _SCAN_FOREIGN_KEYS:
        ids = {event.get(field) for event in events} - {None}
        existing[field] = (
            set(model.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        )
    rows = [
        ScanEvent(
            uid=uuid.UUID(event["uid"]),
            code=str(event["code"])[:16],
            language=event["language"],
            device=event["device"],
            scanned_at=parse_datetime(event["scanned_at"]) or timezone.now(),
            **{
                field: event.get(field) if event.get(field) in existing[field] else None
                for field, _model in _SCAN_FOREIGN_KEYS
            },
        )
        for event in events
    ]
    ScanEvent.objects.bulk_create(rows, ignore_conflicts=True)
    uids = [row.uid for row in rows]
    # Codes handed out while their scan waited in the spool now join its journey.
    waiting = list(
        DiscountCode.objects.filter(scan_uid__in=uids, scan__isnull=True).values_list(
            "pk", "scan_uid"
        )
    )
    if waiting:
        stored = dict(
            ScanEvent.objects.filter(uid__in=[u for _pk, u in waiting]).values_list("uid", "pk")
        )
        for pk, scan_uid in waiting:
            DiscountCode.objects.filter(pk=pk).update(scan_id=stored.get(scan_uid))


def scan_token(*, scan_uid: uuid.UUID, code: str) -> str:
    """Carries the scan to its landing page without a session write on the redirect; bound
    to the printed code, so it means nothing on another code's page."""
    return signing.dumps(f"{scan_uid.hex}/{code}", salt=SCAN_SALT)


def scan_from_token(token: str, *, code: str) -> uuid.UUID | None:
    """The scan a signed token names, or None when it is missing, forged, too old or made
    for another code."""
    if not token:
        return None
    try:
        value = signing.loads(token, salt=SCAN_SALT, max_age=SCAN_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, str) or "/" not in value:
        return None
    uid, token_code = value.split("/", 1)
    if token_code != code:
        return None
    try:
        return uuid.UUID(uid)
    except ValueError:
        return None


def landing_rate_allows(*, client: str) -> bool:
    """Counts one new discount code for a client address in the shared cache; False once the
    address had its hourly share. The address itself is not stored, only a keyed hash."""
    limit = settings.PIM_LANDING_CODES_PER_HOUR
    if limit <= 0:
        return True
    window = int(time.time() // 3600)
    client_hash = salted_hmac("engagement.landing-rate", client or "-").hexdigest()[:32]
    key = f"engagement:codes:{client_hash}:{window}"
    cache = caches["shared"]
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= limit


def link_offer(link: ShortLink) -> Offer | None:
    campaign_id = link.campaign_id or (link.publication.campaign_id if link.publication else None)
    if campaign_id is None:
        return None
    return Offer.objects.filter(campaign_id=campaign_id).first()


def _new_code(prefix: str) -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{prefix.upper()}-{body}" if prefix else body


def discount_code_issue(
    *,
    offer: Offer,
    language: str,
    scan_id: int | None = None,
    scan_uid: uuid.UUID | None = None,
) -> DiscountCode:
    """A fresh, unique code for one landing visit, valid until the offer ends.

    With ``scan_uid`` at most one code exists per scan: a second request for the same scan
    (a reload, two tabs) gets the first code.
    """
    if scan_uid is not None:
        found = DiscountCode.objects.filter(scan_uid=scan_uid).first()
        if found is not None:
            return found
        if scan_id is None:
            scan_id = ScanEvent.objects.filter(uid=scan_uid).values_list("pk", flat=True).first()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return DiscountCode.objects.create(
                    offer=offer,
                    code=_new_code(offer.code_prefix),
                    scan_id=scan_id,
                    scan_uid=scan_uid,
                    language=language,
                    expires_at=offer.valid_until,
                )
        except IntegrityError:
            if scan_uid is not None:
                found = DiscountCode.objects.filter(scan_uid=scan_uid).first()
                if found is not None:  # the same scan won a concurrent request
                    return found
            continue  # a collision in 31^10 codes: try another
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
