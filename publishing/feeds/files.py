"""Feeds written as files (by a background task or a command), never half-written."""

import hashlib
import os
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django_tasks import task

from catalog.models import Audience, Channel
from publishing.feeds.base import FEED_FORMATS, feed_iter


def feed_path(*, kind: str, channel: Channel, locale: str, audience=None) -> str:
    suffix = f"-{audience.code}" if audience is not None else ""
    return f"feeds/{channel.code}/{locale}/products{suffix}.{FEED_FORMATS[kind][1]}"


def feed_write(fileobj, *, kind: str, channel: Channel, locale: str, audience=None) -> str:
    """Stream the feed into an open binary file; returns its SHA-256."""
    digest = hashlib.sha256()
    for chunk in feed_iter(kind=kind, channel=channel, locale=locale, audience=audience):
        digest.update(chunk)
        fileobj.write(chunk)
    return digest.hexdigest()


def feed_export_file(*, kind: str, channel: Channel, locale: str, audience=None) -> str:
    """Write the feed to storage under its stable name; the old file stays until the new one
    is complete. Returns the storage path."""
    path = feed_path(kind=kind, channel=channel, locale=locale, audience=audience)
    local = _local_path(path)
    directory = os.path.dirname(local) if local else None
    if directory:
        os.makedirs(directory, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed after closing
        "w+b", suffix=".partial", dir=directory, delete=False
    )
    try:
        with tmp:
            feed_write(tmp, kind=kind, channel=channel, locale=locale, audience=audience)
            if local is None:
                tmp.flush()
                tmp.seek(0)
                if default_storage.exists(path):
                    default_storage.delete(path)
                default_storage.save(path, File(tmp))
        if local is not None:
            os.replace(tmp.name, local)  # atomic: readers see the old or the new file
    finally:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)
    return path


def _local_path(path: str) -> str | None:
    try:
        local = default_storage.path(path)
    except NotImplementedError:
        return None
    return local


@task()
def feed_export_task(
    channel_code: str, locale: str, kind: str, audience_code: str | None = None
) -> str:
    """Background job: build one feed file; returns its storage path."""
    channel = Channel.objects.get(code=channel_code)
    audience = Audience.objects.get(code=audience_code) if audience_code else None
    return feed_export_file(kind=kind, channel=channel, locale=locale, audience=audience)
