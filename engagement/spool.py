"""A durable spool for scans the database could not take at once.

One small JSON file per scan, written to a temporary name, fsynced and renamed into place, so
a file is either complete or absent whatever crashes, and any number of processes may spool and
flush at the same time without locking each other out. Each file is named by its scan's
``uid``: the flush inserts by that id and ignores ids already stored, so a flush that dies
half-way and runs again never counts a scan twice.
"""

import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings

from catalog.durable import fsync_dir

SUFFIX = ".json"
REQUIRED = ("uid", "code", "language", "device", "scanned_at")


def spool_dir() -> Path:
    return Path(settings.PIM_SCAN_SPOOL_DIR)


def spool_write(event: dict) -> Path:
    """Store one event durably; returns its file. ``event["uid"]`` must be set."""
    directory = spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    uid = uuid.UUID(str(event["uid"])).hex
    # Nanoseconds first: a flush takes the oldest scans first.
    final = directory / f"{time.time_ns()}-{uid}{SUFFIX}"
    temporary = directory / f".{uid}.tmp"
    data = json.dumps(event, separators=(",", ":")).encode()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, final)
    fsync_dir(directory)
    return final


def spool_pending(limit: int) -> list[Path]:
    """The oldest spooled files, at most ``limit``."""
    directory = spool_dir()
    try:
        names = sorted(
            entry.name
            for entry in os.scandir(directory)
            if entry.name.endswith(SUFFIX) and not entry.name.startswith(".")
        )
    except FileNotFoundError:
        return []
    return [directory / name for name in names[:limit]]


def spool_has_pending() -> bool:
    try:
        with os.scandir(spool_dir()) as entries:
            return any(e.name.endswith(SUFFIX) and not e.name.startswith(".") for e in entries)
    except FileNotFoundError:
        return False


def spool_read(path: Path) -> dict | None:
    """The event in a file, or None when it is unreadable (moved aside, never retried)."""
    try:
        event = json.loads(path.read_bytes())
        uuid.UUID(str(event["uid"]))
        if not all(isinstance(event[key], str) and event[key] for key in REQUIRED):
            raise ValueError("incomplete event")
        return event
    except FileNotFoundError:
        return None  # another flush took it
    except (ValueError, KeyError, TypeError):
        spool_set_aside(path)
        return None


def spool_set_aside(path: Path) -> None:
    """Keep a file that cannot be stored for a look, out of every later flush."""
    with suppress(FileNotFoundError):
        path.replace(path.with_suffix(".bad"))


def spool_remove(paths: list[Path]) -> None:
    for path in paths:
        with suppress(FileNotFoundError):
            path.unlink()
    if paths:
        fsync_dir(paths[0].parent)


@contextmanager
def spool_flush_lock() -> Iterator[bool]:
    """True when this process may flush now; False while another one is flushing.

    Flushing twice at once would still count each scan once (ids are unique); the lock only
    saves the duplicated work.
    """
    directory = spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / ".flush.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
