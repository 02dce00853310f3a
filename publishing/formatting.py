"""Numbers, prices and dates formatted for the reader's locale (CLDR data via Babel)."""

import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal

_NATIVE_DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}


@lru_cache(maxsize=32)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=32)
def _digit_table(code: str) -> dict[int, str] | None:
    digits = _NATIVE_DIGITS.get(_locale(code).default_numbering_system)
    return str.maketrans("0123456789", digits) if digits else None


def native_digits(text: str, locale: str) -> str:
    """Persian readers get Persian digits; other locales keep their own."""
    table = _digit_table(locale)
    return text.translate(table) if table else text


def format_number(value: Decimal | int | float, locale: str) -> str:
    return native_digits(
        format_decimal(value, locale=_locale(locale), numbering_system="default"), locale
    )


def format_price(amount: Decimal, currency: str, locale: str) -> str:
    return native_digits(
        format_currency(amount, currency, locale=_locale(locale), numbering_system="default"),
        locale,
    )


def format_date(value: datetime.date, locale: str) -> str:
    return native_digits(babel_format_date(value, format="long", locale=_locale(locale)), locale)


def text_direction(locale: str) -> str:
    return _locale(locale).text_direction
