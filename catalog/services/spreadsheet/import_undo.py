"""Undoing an import whose later batch failed: the journal of applied batches (snapshots
spooled to a temporary file) and the short transactions that restore them, newest first.
"""

import io
import itertools
import logging
import pickle
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

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


@dataclass
class _Journal:
    """What the applied batches did, so that a later failure can undo it.

    Snapshots go to a temporary file, one pickle per batch: an import that updates 50,000
    products keeps only ids and versions in memory.
    """

    created: dict[int, int] = field(default_factory=dict)  # product id -> row
    before: dict[int, _Snapshot] = field(default_factory=dict)  # this batch's snapshots
    versions: dict[int, int] = field(default_factory=dict)  # product id -> version we left
    _spool: object = None
    _batches: list[tuple[int, int]] = field(default_factory=list)  # (offset, length)

    def merge(self, batch: "_Journal") -> None:
        """Add a committed batch's journal."""
        self.created.update(batch.created)
        self.versions.update(batch.versions)
        if batch.before:
            if self._spool is None:
                self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            data = pickle.dumps(list(batch.before.items()), pickle.HIGHEST_PROTOCOL)
            offset = self._spool.seek(0, io.SEEK_END)
            self._spool.write(data)
            self._batches.append((offset, len(data)))

    def snapshots_newest_first(self) -> Iterator[tuple[int, _Snapshot]]:
        for offset, length in reversed(self._batches):
            self._spool.seek(offset)
            # Our own pickles, written above by this process.
            yield from reversed(pickle.loads(self._spool.read(length)))  # noqa: S301

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


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
    found = Product.objects.select_for_update().filter(pk__in=ids).order_by().values("pk", *names)
    relations = _Relations.load(ids)
    return {
        data["pk"]: _Snapshot(
            row=rows[data["pk"]],
            fields={name: data[name] for name in names},
            categories=list(relations.categories[data["pk"]]),
            channels=list(relations.channels[data["pk"]]),
            prices=dict(relations.prices[data["pk"]]),
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
    created = list(journal.created)[::-1]
    for start in range(0, len(created), _UNDO_BATCH):
        ids = created[start : start + _UNDO_BATCH]
        try:
            with transaction.atomic():
                Product.objects.filter(pk__in=ids).delete()
            _let_others_write()
        except Exception as exc:  # noqa: BLE001 - reported, and the rest is still undone
            logger.exception("Could not delete imported products %s.", ids)
            problems.extend(_undo_problem(journal.created[pk], exc) for pk in ids)
    updated = journal.snapshots_newest_first()
    while part := list(itertools.islice(updated, _UNDO_BATCH)):
        try:
            with completeness_deferred(), transaction.atomic():
                problems.extend(_restore(part, journal, user))
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
