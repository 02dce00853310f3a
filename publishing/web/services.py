"""Content version for page caching, the web channel and the reader's audience."""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import Audience, Channel
from publishing.web.models import ContentVersion

CATALOG_KEY = "catalog"
AUDIENCE_SALT = "publishing.web.audience"


@dataclass(frozen=True)
class Version:
    value: int
    changed_at: datetime.datetime


# The version read last by this process and when: cached hits then cost no query at all.
# Other processes see an edit within PIM_WEB_VERSION_TTL seconds; this one at once.
_memo: dict[str, object] = {}


def content_version_bump() -> None:
    """Raise the version in the same transaction as the change it announces."""
    _memo.clear()
    now = timezone.now()
    updated = ContentVersion.objects.filter(key=CATALOG_KEY).update(
        value=F("value") + 1, changed_at=now
    )
    if not updated:
        try:
            with transaction.atomic():
                ContentVersion.objects.create(key=CATALOG_KEY, value=2)
        except IntegrityError:
            content_version_bump()


def content_version_get() -> Version:
    """At most one query; the first request ever creates the row."""
    ttl = float(getattr(settings, "PIM_WEB_VERSION_TTL", 1.0))
    now = time.monotonic()
    cached = _memo.get("version")
    if cached is not None and ttl > 0 and now - _memo["read_at"] < ttl:
        return cached
    version = _content_version_read()
    _memo.update(version=version, read_at=now)
    return version


def _content_version_read() -> Version:
    row = ContentVersion.objects.filter(key=CATALOG_KEY).values_list("value", "changed_at").first()
    if row is None:
        row_obj, _created = ContentVersion.objects.get_or_create(key=CATALOG_KEY)
        row = (row_obj.value, row_obj.changed_at)
    return Version(value=row[0], changed_at=row[1])


def web_channel() -> Channel | None:
    """The channel the public pages show: settings.PIM_WEB_CHANNEL (default "web")."""
    code = getattr(settings, "PIM_WEB_CHANNEL", "web")
    return Channel.objects.filter(code=code).first()


def audience_token(*, audience_code: str) -> str:
    """A signed value for ``?audience=`` links (e.g. the technician view of the site)."""
    return signing.dumps(audience_code, salt=AUDIENCE_SALT, compress=True)


def audience_from_token(token: str) -> str | None:
    max_age = getattr(settings, "PIM_AUDIENCE_LINK_MAX_AGE", 60 * 60 * 24 * 365)
    try:
        return signing.loads(token, salt=AUDIENCE_SALT, max_age=max_age)
    except signing.BadSignature:
        return None


def dealer_audience_code() -> str:
    return getattr(settings, "PIM_DEALER_AUDIENCE", "dealer")


def reader_audience_code(*, token: str | None, user) -> str | None:
    """None for the public; a signed link wins; logged-in dealers see dealer prices."""
    if token:
        code = audience_from_token(token)
        if code:
            return code
    if user is not None and user.is_authenticated:
        dealer = dealer_audience_code()
        if any(group.name == dealer for group in user.groups.all()):
            return dealer
    return None


def audience_by_code(code: str | None) -> Audience | None:
    if not code:
        return None
    return Audience.objects.filter(code=code).first()
