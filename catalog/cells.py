"""Text cells that are safe to open in a spreadsheet program.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets (OWASP, "CSV Injection"). Every export that a
person may open (spreadsheet exports, CSV feeds, analytics) writes text through
:func:`cell_safe`, which puts an apostrophe in front; :func:`cell_unsafe` takes it off again
on import, so an export re-imports unchanged.

Plain numbers (``-2``, ``+3.5``) are left alone: a spreadsheet reads them as numbers, never as
formulas, and prices and measurements must stay numbers.
"""

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _starts_formula(text: str) -> bool:
    return text[:1] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(text)


def cell_safe(value):
    """The value as a spreadsheet cell that is never run as a formula.

    Non-text values (numbers, dates, None) are returned unchanged. Text that would start a
    formula gets an apostrophe in front; text that already starts with apostrophes in front of
    such a character gets one more, so that :func:`cell_unsafe` restores it exactly.
    """
    if not isinstance(value, str) or not value:
        return value
    if _starts_formula(value.lstrip("'")) and (value[0] == "'" or _starts_formula(value)):
        return "'" + value
    return value


def cell_unsafe(value):
    """Undo :func:`cell_safe` on a value read back from an exported spreadsheet."""
    if isinstance(value, str) and value[:1] == "'" and _starts_formula(value.lstrip("'")):
        return value[1:]
    return value
