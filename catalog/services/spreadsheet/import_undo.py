"""Undoing an import whose later batch failed, or whose process was killed: the durable
journal of applied batches (snapshots in a file under ``VAR_DIR/imports/journal/``), the short
transactions that restore them, newest first, and the recovery of journals left by dead
processes.
"""

import fcntl
import io
import itertools
import logging
import os
import pickle
import re
import socket
import struct
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils.translation import gettext as _

from catalog.durable import fsync_dir
from catalog.jobs import runner_id, runner_is_dead, stale_seconds
from catalog.models import (
    Price,
    Product,
)
from catalog.services.completeness import completeness_deferred
from catalog.services.spreadsheet.export import _Relations
from catalog.services.spreadsheet.import_rows import ImportProblem

logger = logging.getLogger(__name__)


@dataclass
class _Snapshot:
    """A product as it was before the import touched it."""

    row: int
    fields: dict
    categories: list[int]
    channels: list[int]
    prices: dict[tuple, tuple]  # (channel id, currency, audience id) -> (amount, sale)
    version: int | None = None  # before the import: still so if its batch never committed


# A record's length prefix: a record cut short by a kill is ignored (its batch never committed:
# a batch's record is written and fsynced before the batch commits).
_LENGTH = struct.Struct(">Q")


def journal_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports" / "journal"


@dataclass
class _Journal:
    """What the applied batches did, so that a failure, or a recovery after a kill, can undo it.

    The journal is a file under ``journal_dir()``, one pickled record per batch, written and
    fsynced before the batch commits: a process killed mid-import leaves it behind, and
    ``import_journals_recover`` undoes the import from it. Its owner holds an exclusive
    ``flock`` on it while it lives (the kernel releases it when the process dies). Memory keeps
    only ids and versions: an import that updates 50,000 products does not hold their
    snapshots.

    A batch whose record was written but which did not commit is harmless to undo: its new
    products do not exist (or carry another SKU), its updated products still have the
    version they had before it, and both are skipped.
    """

    created: dict[int, tuple[int, str]] = field(default_factory=dict)  # id -> (row, sku)
    before: dict[int, _Snapshot] = field(default_factory=dict)  # this batch's snapshots
    versions: dict[int, int] = field(default_factory=dict)  # product id -> version we left
    undone: set[int] = field(default_factory=set)  # already undone (by a recovery that died)
    path: Path | None = None
    owner: str = ""
    user_id: int | None = None
    job_id: str = ""
    _file: object = None
    _end: int = 0  # after the last whole record (a kill may have cut the next one short)
    _batches: list[int] = field(default_factory=list)  # offsets of records with snapshots

    @classmethod
    def create(cls, *, job_id: str = "", user_id: int | None = None) -> "_Journal":
        folder = journal_dir()
        folder.mkdir(parents=True, exist_ok=True)
        name = job_id if _JOB_ID.match(job_id or "") else uuid.uuid4().hex
        journal = cls(path=folder / f"{name}.journal", user_id=user_id, job_id=job_id)
        descriptor = os.open(journal.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        journal._file = os.fdopen(descriptor, "r+b")
        fcntl.flock(journal._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        header = {"owner": runner_id(), "job": job_id, "user": user_id, "at": time.time()}
        journal._append(header)
        fsync_dir(folder)
        return journal

    def _append(self, record: dict) -> int:
        data = pickle.dumps(record, pickle.HIGHEST_PROTOCOL)
        offset = self._file.seek(0, io.SEEK_END)
        self._file.write(_LENGTH.pack(len(data)) + data)
        self._file.flush()
        os.fsync(self._file.fileno())
        return offset + _LENGTH.size  # where the record's data starts

    def merge(self, batch: "_Journal") -> None:
        """Record a batch before it commits (call inside its transaction, after its writes)."""
        self.created.update(batch.created)
        self.versions.update(batch.versions)
        record = {"created": batch.created, "versions": batch.versions}
        if batch.before:
            record["before"] = list(batch.before.items())
        offset = self._append(record)
        if batch.before:
            self._batches.append(offset)

    def mark_undone(self, ids: list[int]) -> None:
        """Note products undone (committed): a recovery after a kill does not undo them again."""
        self.undone.update(ids)
        if self._file is not None and ids:
            self._append({"undone": list(ids)})

    def touch(self) -> None:
        """Show that the owner lives (the heartbeat of a journal is its modification time)."""
        if self.path is not None:
            os.utime(self.path)

    def snapshots_newest_first(self) -> Iterator[tuple[int, _Snapshot]]:
        for offset in reversed(self._batches):
            self._file.seek(offset - _LENGTH.size)
            (length,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
            # Our own pickles, in a folder only this application writes.
            record = pickle.loads(self._file.read(length))  # noqa: S301
            for pk, snapshot in reversed(record["before"]):
                if pk not in self.undone:
                    yield pk, snapshot

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def remove(self) -> None:
        """The import finished (or was undone): its journal goes."""
        self.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    @classmethod
    def _load(cls, path: Path, handle) -> "_Journal":
        """Read a journal left behind (``handle`` is open and locked by the caller)."""
        journal = cls(path=path)
        journal._file = handle
        handle.seek(0)
        offset = 0
        header = True
        while True:
            prefix = handle.read(_LENGTH.size)
            if len(prefix) < _LENGTH.size:
                break
            (length,) = _LENGTH.unpack(prefix)
            data = handle.read(length)
            if len(data) < length:
                break  # cut short by the kill: that batch never committed
            record = pickle.loads(data)  # noqa: S301 - see snapshots_newest_first
            if header:
                journal.user_id, journal.job_id = record.get("user"), record.get("job", "")
                journal.owner = record.get("owner", "")
                header = False
            elif "undone" in record:
                journal.undone.update(record["undone"])
            else:
                journal.created.update(record["created"])
                journal.versions.update(record["versions"])
                if "before" in record:
                    journal._batches.append(offset + _LENGTH.size)
            offset += _LENGTH.size + length
        journal._end = offset
        return journal


_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


_UNDO_BATCH = 50


# SQLite has no queue for its write lock: a waiting writer sleeps and retries (up to 100 ms
# between tries once it has waited a while). Back-to-back batches would starve it, so the
# import pauses that long between batches.
_SQLITE_PAUSE = 0.1


def _let_others_write() -> None:
    if connection.vendor == "sqlite":
        time.sleep(_SQLITE_PAUSE)


_SNAPSHOT_SKIP = {"id", "version", "created_at", "updated_at"}


def _snapshots(rows: dict[int, int]) -> dict[int, _Snapshot]:
    """The current state of these products (locked until the batch commits)."""
    names = [f.attname for f in Product._meta.concrete_fields if f.attname not in _SNAPSHOT_SKIP]
    ids = list(rows)
    found = (
        Product.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by()
        .values("pk", "version", *names)
    )
    relations = _Relations.load(ids)
    return {
        data["pk"]: _Snapshot(
            row=rows[data["pk"]],
            fields={name: data[name] for name in names},
            categories=list(relations.categories[data["pk"]]),
            channels=list(relations.channels[data["pk"]]),
            prices=dict(relations.prices[data["pk"]]),
            version=data["version"],
        )
        for data in found
    }


def _undo(journal: _Journal, user) -> list[ImportProblem]:
    """Undo committed batches, newest first, in short transactions; returns what could not be.

    New products are deleted. Updated products get back every field, category, channel and
    price they had, as a new version (API clients that synced the imported state see the
    change) with its own history entry. A product someone else changed after the import
    touched it is left alone and reported: their change is not overwritten.
    """
    problems: list[ImportProblem] = []
    created = [pk for pk in list(journal.created)[::-1] if pk not in journal.undone]
    for start in range(0, len(created), _UNDO_BATCH):
        ids = created[start : start + _UNDO_BATCH]
        try:
            with transaction.atomic():
                # The SKU too: a batch that never committed left no product, and SQLite may
                # have given its ids to products created since.
                mine = [
                    pk
                    for pk, sku in Product.objects.filter(pk__in=ids).values_list("pk", "sku")
                    if sku == journal.created[pk][1]
                ]
                Product.objects.filter(pk__in=mine).delete()
            journal.mark_undone(ids)
            _let_others_write()
        except Exception as exc:  # noqa: BLE001 - reported, and the rest is still undone
            logger.exception("Could not delete imported products %s.", ids)
            problems.extend(_undo_problem(journal.created[pk][0], exc) for pk in ids)
    updated = journal.snapshots_newest_first()
    while part := list(itertools.islice(updated, _UNDO_BATCH)):
        try:
            with completeness_deferred(), transaction.atomic():
                problems.extend(_restore(part, journal, user))
            journal.mark_undone([pk for pk, _snapshot in part])
            _let_others_write()
        except Exception as exc:  # noqa: BLE001
            logger.exception("Could not restore products after a failed import.")
            problems.extend(_undo_problem(snapshot.row, exc) for _pk, snapshot in part)
    return problems


def _undo_problem(row: int, exc: Exception) -> ImportProblem:
    return ImportProblem(
        row,
        "sku",
        _("This row's change could not be undone: %(error)s") % {"error": exc},
        "not_undone",
    )


def _restore(part: list[tuple[int, _Snapshot]], journal: _Journal, user) -> list:
    problems = []
    ids = [pk for pk, _snapshot in part]
    products = {p.pk: p for p in Product.objects.select_for_update().filter(pk__in=ids)}
    prices = defaultdict(dict)
    for price in Price.objects.select_for_update().filter(product_id__in=ids).order_by("pk"):
        prices[price.product_id][(price.channel_id, price.currency, price.audience_id)] = price
    for pk, snapshot in part:
        product = products.get(pk)
        if product is not None and snapshot.version == product.version:
            continue  # its batch never committed (the import was killed before it did)
        if product is None or product.version != journal.versions.get(pk):
            problems.append(
                ImportProblem(
                    snapshot.row,
                    "sku",
                    _(
                        "Someone else changed or deleted this product during the import, so "
                        "its imported change was not undone; check it."
                    ),
                    "not_undone",
                )
            )
            continue
        # Relations first, so that the history entry of the save lists them as restored.
        product.categories.set(snapshot.categories)
        product.channels.set(snapshot.channels)
        for name, value in snapshot.fields.items():
            setattr(product, name, value)
        product.version += 1
        if user is not None:
            product._history_user = user
        product.save()
        current = prices[pk]
        for key, price in current.items():
            if key not in snapshot.prices:
                price.delete()
        for (channel_id, currency, audience_id), (amount, sale) in snapshot.prices.items():
            price = current.get((channel_id, currency, audience_id)) or Price(
                product=product, channel_id=channel_id, currency=currency, audience_id=audience_id
            )
            if price.pk and (price.amount, price.sale_amount) == (amount, sale):
                continue
            price.amount, price.sale_amount = amount, sale
            price.save()
    return problems


@dataclass
class RecoveredImport:
    """An import whose process died mid-apply, undone from its journal."""

    job_id: str
    owner: str
    problems: list[ImportProblem]


def _owner_is_dead(owner: str, path: Path) -> bool:
    """Whether the process that wrote a journal has died (the caller holds its lock).

    Known dead (the worker supervisor saw it end); on this host, no such process; or no sign of
    life (the journal's modification time) for ``PIM_JOB_STALE_SECONDS``, which also covers an
    owner on another host and a process id reused since.
    """
    if runner_is_dead(owner):
        return True
    host, _sep, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # a process of another user has that id now
    try:
        return path.stat().st_mtime < time.time() - stale_seconds()
    except FileNotFoundError:
        return False


def import_journals_recover() -> list[RecoveredImport]:
    """Undo the imports whose process died while applying (SIGKILL, power loss), from their
    journals, newest batch first, by the rules of a failed import's undo; then remove the
    journals.

    A journal whose owner still holds its lock, or shows signs of life, is left alone. Run by
    the worker's housekeeping and before each ``import_products``.
    """
    recovered = []
    try:
        paths = sorted(journal_dir().glob("*.journal"))
    except FileNotFoundError:
        return []
    for path in paths:
        try:
            handle = path.open("r+b")  # noqa: SIM115 - closed by the journal
        except FileNotFoundError:
            continue  # finished meanwhile
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()  # its owner (or another recovery) holds it: alive
            continue
        journal = _Journal._load(path, handle)
        if not path.exists() or not _owner_is_dead(journal.owner, path):
            journal.close()
            continue
        handle.truncate(journal._end)  # the undo's records follow the last whole one
        user = None
        if journal.user_id is not None:
            user = get_user_model().objects.filter(pk=journal.user_id).first()
        logger.warning("Undoing the import of %s, whose process %s died.", path, journal.owner)
        try:
            problems = _undo(journal, user)
        except BaseException:
            journal.close()  # kept: the next housekeeping carries on where this one stopped
            raise
        journal.remove()
        recovered.append(RecoveredImport(journal.job_id, journal.owner, problems))
    return recovered
