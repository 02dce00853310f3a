"""Reading uploaded CSV and XLSX files within limits, as rows of text.

Everything a file can do to the reader is bounded before it costs memory or time:

- XLSX: the zip directory is read first (milliseconds, nothing decompressed); a file whose
  members add up to more than ``PIM_IMPORT_MAX_MB`` uncompressed, or whose compression ratio
  is above ``PIM_IMPORT_MAX_XLSX_RATIO``, is refused before openpyxl opens it (zip bombs).
  Python's zipfile never inflates a member beyond its declared size, so the directory's
  figures are an upper bound. The sheet is then streamed (openpyxl read-only mode), with
  formulas kept as formulas (``data_only=False``) so that formula cells can be reported
  instead of silently dropped (a read-only sheet has no cached values for them).
- CSV: at most ``PIM_IMPORT_MAX_MB``; UTF-8 (with or without a byte order mark) decoded line
  by line, so that a malformed byte is reported with its line; NUL bytes are refused.
- Both: at most ``PIM_IMPORT_MAX_ROWS`` rows, ``PIM_IMPORT_MAX_COLUMNS`` columns,
  ``PIM_IMPORT_MAX_CELLS`` non-empty cells in all and ``PIM_IMPORT_MAX_CELL_CHARS``
  characters per cell.

A limit that makes the rest of the file unreadable raises :class:`SpreadsheetError` (with a
row and column where known); a cell that is merely unusable (a formula, an overlong text) is
returned as a :class:`CellProblem` for the importer to report with its row and column.
"""

import csv
import datetime
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

from catalog.cells import cell_unsafe

ACCEPTED_ENCODINGS = "UTF-8"  # with or without a byte order mark


class SpreadsheetError(Exception):
    """The file cannot be read (any further); ``row`` 0 means the file as a whole."""

    def __init__(self, message: str, *, row: int = 0, column: str = "", code: str = "invalid"):
        super().__init__(message)
        self.message, self.row, self.column, self.code = message, row, column, code


@dataclass(frozen=True)
class CellProblem:
    """A cell that cannot be imported; the importer reports it and the row is not applied."""

    message: str
    code: str


def _limits_error(message: str, **kwargs) -> SpreadsheetError:
    return SpreadsheetError(message, code="limit", **kwargs)


def is_xlsx(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def read_rows(*, fileobj, name: str) -> Iterator[list]:
    """Rows of a CSV or XLSX file (the header first) as lists of cells.

    A cell is its text (with :func:`catalog.cells.cell_unsafe` applied, so exported cells
    read back unchanged) or a :class:`CellProblem`. Trailing empty cells are dropped.
    """
    rows = _xlsx_rows(fileobj) if is_xlsx(name) else _csv_rows(fileobj)
    max_rows = settings.PIM_IMPORT_MAX_ROWS + 1  # the header is not a product
    max_columns = settings.PIM_IMPORT_MAX_COLUMNS
    max_cells = settings.PIM_IMPORT_MAX_CELLS
    cells = 0
    for number, row in enumerate(rows, 1):
        while row and row[-1] == "":
            row.pop()
        # Blank rows count too: a sheet can claim a million of them in a few bytes.
        if number > max_rows:
            raise _limits_error(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": settings.PIM_IMPORT_MAX_ROWS},
                row=number,
            )
        if len(row) > max_columns:
            raise _limits_error(
                _("Row %(row)s has more than %(max)s columns.")
                % {"row": number, "max": max_columns},
                row=number,
            )
        cells += sum(1 for cell in row if cell != "")
        if cells > max_cells:
            raise _limits_error(
                _("The file has more than %(max)s filled cells; split it into smaller files.")
                % {"max": max_cells},
                row=number,
            )
        yield row


def _too_long(length: int) -> CellProblem:
    return CellProblem(
        _("The cell has %(length)s characters; at most %(max)s are imported.")
        % {"length": length, "max": settings.PIM_IMPORT_MAX_CELL_CHARS},
        "too_long",
    )


def _text_cell(text: str):
    if len(text) > settings.PIM_IMPORT_MAX_CELL_CHARS:
        return _too_long(len(text))
    if "\x00" in text:
        return CellProblem(_("The cell contains a NUL character."), "nul")
    return cell_unsafe(text)


# --- CSV ------------------------------------------------------------------------------------


def _file_size(fileobj) -> int | None:
    try:
        position = fileobj.tell()
        size = fileobj.seek(0, 2)
        fileobj.seek(position)
        return size - position
    except (AttributeError, OSError, ValueError):
        return None


def _csv_rows(fileobj) -> Iterator[list]:
    max_bytes = settings.PIM_IMPORT_MAX_MB * 1024 * 1024
    size = _file_size(fileobj)
    if size is not None and size > max_bytes:
        raise _limits_error(
            _("The file is %(size)s MB; at most %(max)s MB are imported.")
            % {"size": size // (1024 * 1024), "max": settings.PIM_IMPORT_MAX_MB}
        )
    reader = csv.reader(_decoded_lines(fileobj, max_bytes))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The csv module refuses fields above its own limit (131,072 characters) and
            # cannot go on after that.
            if "field larger than field limit" in str(exc):
                raise SpreadsheetError(
                    _(
                        "Line %(line)s has a cell longer than %(max)s characters; "
                        "nothing after it can be read."
                    )
                    % {"line": reader.line_num, "max": settings.PIM_IMPORT_MAX_CELL_CHARS},
                    row=reader.line_num,
                    code="too_long",
                ) from None
            raise SpreadsheetError(
                _("Line %(line)s is not valid CSV: %(error)s")
                % {"line": reader.line_num, "error": exc},
                row=reader.line_num,
            ) from None
        yield [_text_cell(cell) for cell in cells]


def _decoded_lines(fileobj, max_bytes: int) -> Iterator[str]:
    """The file's lines as text; UTF-8 only, so a wrong byte is reported with its line.

    Splitting on b"\\n" before decoding is safe: in UTF-8 that byte never occurs inside a
    multi-byte character.
    """
    read = 0
    for number, raw in enumerate(iter(lambda: fileobj.readline(max_bytes + 1), b""), 1):
        if isinstance(raw, str):  # a text stream: already decoded
            raw = raw.encode("utf-8")
        read += len(raw)
        if read > max_bytes:
            raise _limits_error(
                _("The file is larger than %(max)s MB.") % {"max": settings.PIM_IMPORT_MAX_MB}
            )
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(
                _(
                    "Line %(line)s is not valid %(encodings)s text (byte %(byte)s at position "
                    "%(position)s). Save the file as CSV UTF-8 and import it again."
                )
                % {
                    "line": number,
                    "encodings": ACCEPTED_ENCODINGS,
                    "byte": f"0x{raw[exc.start]:02X}",
                    "position": exc.start + 1,
                },
                row=number,
                code="encoding",
            ) from None
        if "\x00" in line:
            raise SpreadsheetError(
                _("Line %(line)s contains a NUL byte; is this really a CSV file?")
                % {"line": number},
                row=number,
                code="nul",
            )
        yield line


# --- XLSX -----------------------------------------------------------------------------------


def xlsx_check_archive(fileobj) -> None:
    """Refuse zip bombs and non-XLSX files from the zip directory alone (nothing inflated)."""
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(
            _("This is not an XLSX file (it is not a valid zip archive)."), code="format"
        ) from None
    max_bytes = settings.PIM_IMPORT_MAX_MB * 1024 * 1024
    max_ratio = settings.PIM_IMPORT_MAX_XLSX_RATIO
    with archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > max_bytes:
            raise _limits_error(
                _(
                    "The XLSX file unpacks to %(size)s MB; at most %(max)s MB are imported. "
                    "Split it into smaller files."
                )
                % {"size": total // (1024 * 1024), "max": settings.PIM_IMPORT_MAX_MB}
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > max_ratio:
                raise _limits_error(
                    _(
                        "The XLSX file is compressed %(ratio)s to 1 (%(member)s); more than "
                        "%(max)s to 1 is refused as a possible zip bomb."
                    )
                    % {"ratio": int(ratio), "member": info.filename, "max": max_ratio}
                )
        sheet = _first_sheet_member(archive)
        rows = _count_rows(archive, sheet)
        if rows > settings.PIM_IMPORT_MAX_ROWS + 1:
            raise _limits_error(
                _("The sheet has %(rows)s rows; at most %(max)s are imported at once.")
                % {"rows": rows, "max": settings.PIM_IMPORT_MAX_ROWS},
                row=settings.PIM_IMPORT_MAX_ROWS + 2,
            )
    fileobj.seek(0)


_SMALL_PART = 1024 * 1024
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _first_sheet_member(archive: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the one openpyxl imports)."""
    not_xlsx = SpreadsheetError(_("This zip archive is not an XLSX workbook."), code="format")
    names = set(archive.namelist())
    if not {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"} <= names:
        raise not_xlsx
    parts = []
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if archive.getinfo(name).file_size > _SMALL_PART:  # a few KB in any real workbook
            raise not_xlsx
        try:
            parts.append(ElementTree.fromstring(archive.read(name)))
        except (ElementTree.ParseError, zipfile.BadZipFile, ValueError):
            raise not_xlsx from None
    workbook, relations = parts
    sheet = next((e for e in workbook.iter() if e.tag.endswith("}sheet")), None)
    if sheet is None:
        raise not_xlsx
    targets = {e.get("Id"): e.get("Target", "") for e in relations}
    target = targets.get(sheet.get(_RELATIONSHIP_ID), "")
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    if member not in names:
        raise not_xlsx
    return member


_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"|<(?:\w+:)?row\b")


def _count_rows(archive: zipfile.ZipFile, member: str) -> int:
    """The rows a sheet holds (or pads up to), from a fast scan of its XML.

    openpyxl loads the shared strings before the first row; a sheet with a million rows is
    refused here in a second instead of after that.
    """
    count = highest = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1024 * 1024):
            data = tail + chunk
            cut = data.rfind(b"<")
            data, tail = (data[:cut], data[cut:]) if cut > len(data) - 200 else (data, b"")
            for match in _ROW.finditer(data):
                count += 1
                if match.group(1):
                    highest = max(highest, int(match.group(1)))
    return max(count, highest)


def _xlsx_rows(fileobj) -> Iterator[list]:
    from openpyxl import load_workbook

    xlsx_check_archive(fileobj)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise SpreadsheetError(
            _("The XLSX file cannot be read: %(error)s") % {"error": exc}, code="format"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # A sheet that says it is too wide is refused at once; one that lies about its
        # size is caught by read_rows, which counts the real rows and cells.
        claimed_columns = sheet.max_column
        if claimed_columns and claimed_columns > settings.PIM_IMPORT_MAX_COLUMNS:
            raise _limits_error(
                _("The sheet has %(columns)s columns; at most %(max)s are imported.")
                % {"columns": claimed_columns, "max": settings.PIM_IMPORT_MAX_COLUMNS}
            )
        sheet.reset_dimensions()
        for cells in sheet.iter_rows():
            yield [_xlsx_cell(cell) for cell in cells]
    finally:
        workbook.close()


def _xlsx_cell(cell):
    value = cell.value
    if value is None:
        return ""
    if cell.data_type == "f" or not isinstance(
        value, str | int | float | bool | datetime.date | datetime.time | datetime.timedelta
    ):
        return CellProblem(
            _("Formula cells are not imported; paste the values instead (Paste special → Values)."),
            "formula",
        )
    if isinstance(value, str):
        return _text_cell(value)
    return xlsx_text(value)


def xlsx_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)
