"""Spreadsheet import and export: all or nothing, row/column errors, lossless round trip."""

import csv
import io
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Price, Product
from catalog.services.spreadsheet import products_export, products_import
from tests.factories import make_attribute, make_audience, make_category, make_product, value

NAMES = {
    "en": "Desk lamp",
    "tr": "Masa lambası İı",
    "fi": "Pöytävalaisin",
    "az": "Masa lampası ə",
    "fa": "چراغ رومیزی",
}


@pytest.fixture
def family(lamp_family):
    note = make_attribute("note", "text", is_scopable=True)
    local_note = make_attribute("local-note", "text", is_scopable=True, is_localizable=True)
    tags = make_attribute("tags", "multi_select", options=("eco", "led", "usb"))
    for position, attribute in enumerate([note, local_note, tags], 10):
        lamp_family.family_attributes.create(attribute=attribute, position=position)
    return lamp_family


def csv_file(rows: list[list[str]]) -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def run(rows, **kwargs):
    return products_import(fileobj=csv_file(rows), name="products.csv", **kwargs)


def export_csv() -> bytes:
    buffer = io.BytesIO()
    products_export(fileobj=buffer, fmt="csv")
    return buffer.getvalue()


def test_import_creates_products_with_texts_values_and_prices(family, web):
    make_category("lighting")
    make_audience("dealer")
    report = run(
        [
            [
                "sku",
                "family",
                "categories",
                "channels",
                "name-fi",
                "description-fa",
                "weight",
                "claim-fi",
                "note-web",
                "local-note-fi-web",
                "tags",
                "price-web-EUR",
                "price-web-EUR-dealer",
                "sale_price-web-EUR",
            ],
            [
                "L-1",
                "lamps",
                "lighting",
                "web",
                "Valaisin",
                "<p>چراغ</p>",
                "1.25",
                "Kirkas",
                "Web only",
                "Vain verkossa",
                "eco,led",
                "19.90",
                "15.00",
                "17.50",
            ],
        ]
    )
    assert report.ok, report.problems
    product = Product.objects.get(sku="L-1")
    assert product.name_fi == "Valaisin" and product.description_fa == "<p>چراغ</p>"
    assert product.values["weight"] == value("1.25")
    assert product.values["local-note"] == value("Vain verkossa", "fi", "web")
    assert product.values["tags"] == value(["eco", "led"])
    assert [c.code for c in product.categories.all()] == ["lighting"]
    prices = {(p.audience.code if p.audience else None): p for p in product.prices.all()}
    assert str(prices[None].amount) == "19.90" and str(prices[None].sale_amount) == "17.50"
    assert str(prices["dealer"].amount) == "15.00"


def test_every_problem_is_reported_with_row_column_and_reason_and_nothing_changes(family, web):
    make_product(family, sku="KEEP", names={"en": "Old"})
    report = run(
        [
            ["sku", "family", "name-en", "weight", "colour", "claim-fi", "gtin"],
            ["KEEP", "lamps", "New name", "2", "red", "", ""],
            ["BAD-1", "lamps", "x", "500", "green", "", ""],
            ["BAD-2", "nope", "x", "", "", "", ""],
            ["BAD-3", "lamps", "x", "", "", "", "4006381333932"],
        ]
    )
    assert not report.ok and not report.applied
    found = {(p.row, p.column) for p in report.problems}
    assert (3, "weight") in found  # above the maximum
    assert (3, "colour") in found  # unknown option
    assert (4, "family") in found  # unknown family
    assert (5, "gtin") in found  # wrong check digit
    messages = " ".join(p.message for p in report.problems)
    assert "green" in messages and "nope" in messages
    assert Product.objects.get(sku="KEEP").name_en == "Old"  # all or nothing
    assert not Product.objects.filter(sku__startswith="BAD").exists()


def test_unknown_columns_are_reported_on_the_header_row(family):
    report = run([["sku", "family", "colour-fi", "price-mars-EUR"], ["A", "lamps", "red", "1"]])
    assert {(p.row, p.column) for p in report.problems} == {(1, "colour-fi"), (1, "price-mars-EUR")}


def test_dry_run_shows_changes_and_changes_nothing(family):
    make_product(family, sku="A", names={"en": "Lamp"})
    report = run(
        [["sku", "name-en", "weight"], ["A", "Better lamp", "3"], ["B", "x", ""]], dry_run=True
    )
    # B has no family: a dry run reports the same problems as the real import.
    assert [(p.row, p.column) for p in report.problems] == [(3, "family")]
    report = run([["sku", "name-en", "weight"], ["A", "Better lamp", "3"]], dry_run=True)
    assert report.ok and not report.applied
    (outcome,) = report.rows
    assert outcome.action == "update" and outcome.changed == ["name-en", "weight"]
    assert Product.objects.get(sku="A").name_en == "Lamp"


def test_import_is_idempotent(family):
    rows = [["sku", "family", "name-en", "weight"], ["A", "lamps", "Lamp", "1.5"]]
    assert run(rows).applied
    version = Product.objects.get(sku="A").version
    report = run(rows)
    assert report.counts() == {"create": 0, "update": 0, "unchanged": 1}
    assert Product.objects.get(sku="A").version == version


def test_export_then_import_changes_nothing_in_all_languages(family, web):
    make_audience("dealer")
    product = make_product(
        family,
        sku="RT-1",
        channels=[web],
        names=NAMES,
        values={
            "weight": value("1.5"),
            "claim": [{"locale": c, "channel": None, "data": f"{NAMES[c]}!"} for c in NAMES],
            "local-note": value("یادداشت", "fa", "web"),
            "tags": value(["usb", "eco"]),
        },
        gtin="4006381333931",
    )
    Price.objects.create(product=product, channel=web, currency="EUR", amount="10.00")
    before = {p.sku: (p.version, p.values, p.name_fa) for p in Product.objects.all()}
    exported = export_csv()
    assert "چراغ رومیزی" in exported.decode("utf-8-sig")
    report = products_import(fileobj=io.BytesIO(exported), name="export.csv")
    assert report.ok and report.counts()["unchanged"] == 1
    after = {p.sku: (p.version, p.values, p.name_fa) for p in Product.objects.all()}
    assert after == before


def test_xlsx_round_trip_keeps_right_to_left_text(family, web):
    make_product(family, sku="X-1", names=NAMES, values={"weight": value("2")})
    buffer = io.BytesIO()
    products_export(fileobj=buffer, fmt="xlsx")
    buffer.seek(0)
    report = products_import(fileobj=buffer, name="products.xlsx")
    assert report.ok and report.counts()["unchanged"] == 1
    # Change the Persian name in the sheet and import again.
    from openpyxl import load_workbook

    buffer.seek(0)
    workbook = load_workbook(buffer)
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("name-fa") + 1, value="لامپ جدید")
    edited = io.BytesIO()
    workbook.save(edited)
    edited.seek(0)
    report = products_import(fileobj=edited, name="edited.xlsx")
    assert report.applied and report.rows[0].changed == ["name-fa"]
    assert Product.objects.get(sku="X-1").name_fa == "لامپ جدید"


def test_commands_import_with_dry_run_and_export(family, tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(csv_file([["sku", "family", "name-en"], ["C-1", "lamps", "Lamp"]]).read())
    out = io.StringIO()
    call_command("import_products", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "Dry run" in out.getvalue() and not Product.objects.filter(sku="C-1").exists()
    call_command("import_products", str(path), stdout=out, stderr=io.StringIO())
    assert Product.objects.filter(sku="C-1").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([["sku", "family"], ["C-2", "nope"]]).read())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_products", str(bad), stdout=out, stderr=io.StringIO())
    assert "row 2, column family" in out.getvalue()
    target = tmp_path / "out.csv"
    call_command("export_products", "--output", str(target), stderr=io.StringIO())
    assert "C-1" in target.read_text("utf-8-sig")


def many_rows(count: int, start: int = 0) -> list[list[str]]:
    rows = [
        [
            "sku",
            "family",
            "categories",
            "channels",
            "name-en",
            "name-fi",
            "weight",
            "claim-fi",
            "tags",
            "price-web-EUR",
        ]
    ]
    for number in range(start, start + count):
        rows.append(
            [
                f"M-{number}",
                "lamps",
                "lighting",
                "web",
                f"Lamp {number}",
                f"Valo {number}",
                "1.5",
                "Kirkas",
                "eco,led",
                "9.90",
            ]
        )
    return rows


@pytest.mark.parametrize("count", [30, 300])
def test_a_large_import_uses_a_bounded_number_of_queries(family, web, count, settings):
    """New rows are validated and saved per batch: no query per row.

    Only multi-row INSERTs grow with the file, because a statement may carry at most 999
    parameters on SQLite (about 14 product rows); every other query count is constant per
    batch. With time to spare the batches double (20, 40, 80, ... rows), so a file of n rows
    takes about log2(n / 20) + 1 batches.
    """
    settings.PIM_IMPORT_BATCH_MS = 600_000
    make_category("lighting")
    with CaptureQueriesContext(connection) as captured:
        report = run(many_rows(count))
    assert report.applied and report.counts()["create"] == count
    statements = [q["sql"].split(None, 1)[0].upper() for q in captured.captured_queries]
    batches = math.ceil(math.log2(count / 20)) + 1
    assert len([s for s in statements if s not in ("INSERT", "SAVEPOINT", "RELEASE")]) <= (
        30 + 25 * batches
    )
    assert statements.count("INSERT") <= 10 * batches + count // 5
    with CaptureQueriesContext(connection) as captured:
        assert run(many_rows(count)).counts()["unchanged"] == count
    assert len(captured.captured_queries) <= 20


def test_products_created_in_bulk_are_like_those_created_one_by_one(family, web):
    """Same slugs, values, relations, completeness; one history entry with the relations."""
    make_category("lighting")
    assert run(many_rows(3)).applied
    bulk = Product.objects.get(sku="M-1")
    single = make_product(
        family, sku="S-1", channels=[web], names={"en": "Lamp 1"}, values={"weight": value("1.5")}
    )
    assert bulk.slug_en == "lamp-1" and single.slug_en == "lamp-1-s-1"
    assert bulk.values["tags"] == value(["eco", "led"])
    assert [c.code for c in bulk.channels.all()] == ["web"]
    assert {(r.locale, r.ratio) for r in bulk.completeness.all()} >= {("fi", 75), ("en", 50)}
    (entry,) = bulk.history.all()
    assert entry.history_type == "+" and entry.version == 1
    assert [c.category.code for c in entry.categories.all()] == ["lighting"]
    assert [c.channel.code for c in entry.channels.all()] == ["web"]
    price = bulk.prices.get()
    assert str(price.amount) == "9.90" and price.history.count() == 1


def test_rows_of_one_file_are_checked_against_each_other(family, web):
    """Slugs and GTINs of earlier new rows count as taken, as if each row had been saved."""
    report = run(
        [
            ["sku", "family", "name-en", "slug-fi", "gtin"],
            ["A", "lamps", "Lamp", "valo", "4006381333931"],
            ["B", "lamps", "Lamp", "", ""],
            ["C", "lamps", "Other", "valo", "4006381333931"],
        ]
    )
    assert {(p.row, p.column) for p in report.problems} == {(4, "slug-fi"), (4, "gtin")}
    assert "already" in " ".join(p.message for p in report.problems)
    report = run([["sku", "family", "name-en"], ["A", "lamps", "Lamp"], ["B", "lamps", "Lamp"]])
    assert report.applied
    assert Product.objects.get(sku="B").slug_en == "lamp-b"


def test_a_translator_may_not_create_products_by_import(family):
    from django.contrib.auth.models import Permission

    from tests.factories import make_user

    translator = make_user("kaisa", role="translator", languages=["fi"])
    translator.user_permissions.add(Permission.objects.get(codename="add_product"))
    report = run([["sku", "family", "name-fi"], ["T-1", "lamps", "Valo"]], user=translator)
    assert [(p.row, p.code) for p in report.problems] == [(2, "permission")]
    assert not Product.objects.filter(sku="T-1").exists()


def test_a_dry_run_reports_status_changes_the_workflow_refuses(family):
    """Checked before anything is written: draft -> retired is not a step of the workflow."""
    make_product(family, sku="A")
    report = run(
        [["sku", "family", "status"], ["A", "lamps", "retired"], ["B", "lamps", "retired"]],
        dry_run=True,
    )
    assert {(p.row, p.column) for p in report.problems} == {(2, "status"), (3, "status")}


def test_an_approval_refused_when_applied_undoes_the_whole_import(family, web):
    """Completeness is known once the row is saved; an incomplete product cannot be approved,
    and the rows applied before it are undone."""
    make_product(family, sku="OLD", names={"en": "Old"})
    report = run(
        [
            ["sku", "family", "channels", "name-en", "status"],
            ["OLD", "lamps", "web", "Renamed", ""],
            ["NEW", "lamps", "web", "Lamp", ""],
            ["B", "lamps", "web", "Lamp B", "approved"],
        ]
    )
    assert [(p.row, p.column) for p in report.problems] == [(4, "status")]
    assert "cannot be approved" in report.problems[0].message
    assert set(Product.objects.values_list("sku", flat=True)) == {"OLD"}
    old = Product.objects.get(sku="OLD")
    assert old.name_en == "Old" and not old.channels.exists()
