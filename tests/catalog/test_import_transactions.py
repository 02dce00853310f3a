"""Imports never hold the database's write lock for long, and stay all or nothing.

Checking (and a whole dry run) reads without any transaction; applying writes in short
batches; a failure in a later batch undoes the earlier ones.
"""

import csv
import io
import sqlite3

import pytest
from django.db import connection
from django.db.models import F

from catalog.models import Completeness, Price, Product
from catalog.services.spreadsheet import importing, products_import
from tests.factories import make_category, make_product, make_user, value

pytestmark = pytest.mark.django_db(transaction=True)


def csv_file(rows) -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


HEADER = ["sku", "family", "categories", "channels", "name-en", "weight", "price-web-EUR", "gtin"]


def rows(count: int, start: int = 0, overrides: dict | None = None) -> list[list[str]]:
    result = [HEADER]
    for number in range(start, start + count):
        row = [f"N-{number}", "lamps", "lighting", "web", f"Lamp {number}", "1.5", "9.90", ""]
        for index, cell in (overrides or {}).get(number, {}).items():
            row[HEADER.index(index)] = cell
        result.append(row)
    return result


class Statements:
    """Every SQL statement with whether it ran inside a transaction."""

    def __init__(self):
        self.seen: list[tuple[bool, str]] = []

    def __call__(self, execute, sql, params, many, context):
        self.seen.append((connection.in_atomic_block, sql.split(None, 1)[0].upper()))
        return execute(sql, params, many, context)


def test_a_dry_run_runs_no_transaction_and_writes_nothing(lamp_family, web):
    make_category("lighting")
    make_product(lamp_family, sku="N-0", names={"en": "Old"})
    statements = Statements()
    with connection.execute_wrapper(statements):
        report = products_import(fileobj=csv_file(rows(30)), name="p.csv", dry_run=True)
    assert report.ok and report.counts() == {"create": 29, "update": 1, "unchanged": 0}
    assert statements.seen, "the dry run read nothing?"
    assert not [s for s in statements.seen if s[0]], "a dry run opened a transaction"
    assert {kind for _atomic, kind in statements.seen} == {"SELECT"}


def test_an_import_with_problems_writes_nothing_and_opens_no_transaction(lamp_family, web):
    make_category("lighting")
    statements = Statements()
    with connection.execute_wrapper(statements):
        report = products_import(
            fileobj=csv_file(rows(30, overrides={20: {"family": "nope"}})), name="p.csv"
        )
    assert {(p.row, p.column) for p in report.problems} == {(22, "family")}
    assert not [s for s in statements.seen if s[0] or s[1] != "SELECT"]
    assert not Product.objects.exists()


def test_a_dry_run_does_not_block_another_writer(lamp_family, web):
    """While a dry run is under way, another connection takes the write lock at once.

    On SQLite (the test database is shared in-memory) a second connection asks for the lock
    with BEGIN IMMEDIATE and no waiting; on PostgreSQL the same is checked by the statements
    (no transaction; test above).
    """
    make_category("lighting")
    attempts = []

    def progress(done, total):
        if connection.vendor != "sqlite":
            attempts.append("not sqlite")
            return
        name = connection.creation._get_test_db_name()
        other = sqlite3.connect(name, uri=True, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            attempts.append("got the lock")
        except sqlite3.OperationalError as exc:
            attempts.append(str(exc))
        finally:
            other.close()

    report = products_import(
        fileobj=csv_file(rows(1200)), name="p.csv", dry_run=True, progress=progress
    )
    assert report.ok
    assert attempts and set(attempts) <= {"got the lock", "not sqlite"}, attempts


def test_applying_writes_in_short_batches(lamp_family, web, settings, monkeypatch):
    """Each transaction writes a few rows: the batch size follows PIM_IMPORT_BATCH_MS."""
    make_category("lighting")
    settings.PIM_IMPORT_BATCH_MS = 1  # every batch takes longer: batches shrink to one row
    commits = []
    original = connection.commit

    def commit():
        commits.append(Product.objects.count())
        original()

    monkeypatch.setattr(connection, "commit", commit)
    report = products_import(fileobj=csv_file(rows(60)), name="p.csv")
    monkeypatch.undo()
    assert report.applied and Product.objects.count() == 60
    created = [b - a for a, b in zip([0, *commits], commits, strict=False) if b != a]
    assert len(created) >= 10  # far from one transaction for the whole file
    assert max(created) <= importing._FIRST_BATCH


def snapshot() -> dict:
    """The catalog content an import may touch (versions and times excluded)."""
    products = {}
    for product in Product.objects.order_by("sku"):
        data = {
            f.attname: getattr(product, f.attname)
            for f in Product._meta.concrete_fields
            if f.attname not in ("version", "updated_at")
        }
        data["categories"] = sorted(product.categories.values_list("code", flat=True))
        data["channels"] = sorted(product.channels.values_list("code", flat=True))
        products[product.sku] = data
    prices = sorted(
        Price.objects.values_list(
            "product__sku", "channel__code", "currency", "amount", "sale_amount"
        )
    )
    completeness = sorted(
        Completeness.objects.values_list("product__sku", "channel__code", "locale", "ratio")
    )
    return {"products": products, "prices": prices, "completeness": completeness}


def test_a_failing_batch_in_the_middle_undoes_the_batches_before_it(lamp_family, web, monkeypatch):
    """The catalog ends exactly as before: new products gone, updated ones restored.

    Between checking and applying, someone else takes a GTIN that row 45 wants; the batch of
    row 45 fails, and every batch already committed is undone.
    """
    monkeypatch.setattr(importing, "_FIRST_BATCH", 4)
    monkeypatch.setattr(importing, "_MAX_BATCH", 4)
    lighting = make_category("lighting")
    make_category("outdoor")
    for number in range(0, 40, 4):  # every 4th row updates an existing product
        product = make_product(
            lamp_family,
            sku=f"N-{number}",
            channels=[web],
            names={"en": f"Old {number}", "fi": "Vanha"},
            values={"weight": value("3")},
            brand="Before",
        )
        product.categories.set([lighting] if number % 8 else [])
        Price.objects.create(product=product, channel=web, currency="EUR", amount="5.00")
    before = snapshot()
    history_before = Product.history.count()
    gtin = "4006381333931"
    overrides = {n: {"categories": "outdoor", "price-web-EUR": "7.00"} for n in range(0, 40, 8)}
    overrides[43] = {"gtin": gtin}
    calls = []

    def progress(done, total):
        calls.append(done)
        if calls == [0, 60]:  # read, then checked; not yet applied
            make_product(lamp_family, sku="OTHER", gtin=gtin)

    user = make_user("boss", superuser=True)
    report = products_import(
        fileobj=csv_file(rows(60, overrides=overrides)), name="p.csv", user=user, progress=progress
    )
    assert not report.applied
    assert {(p.row, p.column) for p in report.problems} == {(45, "gtin")}
    after = snapshot()
    del after["products"]["OTHER"]
    after["completeness"] = [c for c in after["completeness"] if c[0] != "OTHER"]
    assert after == before
    # The undo is recorded: each restored product has a newer version and history entry.
    assert Product.history.count() > history_before
    assert all(p.version > 1 for p in Product.objects.exclude(sku="OTHER"))


def test_the_undo_leaves_alone_a_product_someone_else_changed(lamp_family, web, monkeypatch):
    """An editor's save after the import touched a product is not overwritten by the undo."""
    monkeypatch.setattr(importing, "_FIRST_BATCH", 2)
    monkeypatch.setattr(importing, "_MAX_BATCH", 2)
    make_category("lighting")
    make_product(lamp_family, sku="N-0", names={"en": "Old"})
    gtin = "4006381333931"
    original = importing._apply_batch
    applied = []

    def apply_batch(batch, catalog, user, journal):
        original(batch, catalog, user, journal)
        applied.append(batch)
        if len(applied) == 2:  # the first batch (which updated N-0) has committed
            Product.objects.filter(sku="N-0").update(name_en="Editor's", version=F("version") + 1)

    def progress(done, total):
        if done and not applied and not Product.objects.filter(sku="OTHER").exists():
            make_product(lamp_family, sku="OTHER", gtin=gtin)

    monkeypatch.setattr(importing, "_apply_batch", apply_batch)
    report = products_import(
        fileobj=csv_file(rows(10, overrides={5: {"gtin": gtin}})), name="p.csv", progress=progress
    )
    assert not report.applied
    assert {(p.row, p.column, p.code) for p in report.problems} == {
        (7, "gtin", "unique"),
        (2, "sku", "not_undone"),
    }
    assert Product.objects.get(sku="N-0").name_en == "Editor's"
    assert set(Product.objects.values_list("sku", flat=True)) == {"N-0", "OTHER"}
