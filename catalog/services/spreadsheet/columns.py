"""Spreadsheet columns: what each one holds, how it is named, and which the export writes.

Names: ``<base field>``, ``<text field>-<language>``, ``<attribute>[-<locale>][-<channel>]``
and ``price-<channel>-<currency>[-<audience>]`` (with ``sale_price-...``); see the package
docstring.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from catalog.languages import language_codes
from catalog.models import (
    Attribute,
    Audience,
    Category,
    Channel,
    Family,
    Price,
    Product,
    ProductModel,
)
from catalog.models.product import PRODUCT_TEXT_FIELDS

BASE_COLUMNS = ("sku", "family", "parent", "gtin", "brand", "status", "categories", "channels")


LIST_SEPARATOR = ","


@dataclass(frozen=True)
class Column:
    """What one spreadsheet column holds."""

    name: str
    kind: str  # base | text | value | price | sale_price
    key: str = ""  # base field, text field or attribute code
    locale: str | None = None
    channel: str | None = None
    currency: str = ""
    audience: str | None = None


def value_column_name(code: str, locale: str | None, channel: str | None) -> str:
    return "-".join(part for part in (code, locale, channel) if part)


def price_column_name(prefix: str, channel: str, currency: str, audience: str | None) -> str:
    return "-".join(part for part in (prefix, channel, currency, audience) if part)


@dataclass
class _Catalog:
    """Codes and attribute definitions, loaded once."""

    attributes: dict[str, Attribute]
    channels: dict[str, Channel]
    audiences: dict[str, Audience]
    category_codes: dict[int, str]
    channel_codes: dict[int, str]
    audience_codes: dict[int, str]
    family_codes: dict[int, str]
    model_codes: dict[int, str]

    @classmethod
    def load(cls) -> "_Catalog":
        channels = {c.code: c for c in Channel.objects.all()}
        audiences = {a.code: a for a in Audience.objects.all()}
        return cls(
            attributes={a.code: a for a in Attribute.objects.all()},
            channels=channels,
            audiences=audiences,
            category_codes=dict(Category.objects.values_list("pk", "code")),
            channel_codes={c.pk: code for code, c in channels.items()},
            audience_codes={a.pk: code for code, a in audiences.items()},
            family_codes=dict(Family.objects.values_list("pk", "code")),
            model_codes=dict(ProductModel.objects.values_list("pk", "code")),
        )


def _attribute_columns(attribute: Attribute, channels: Iterable[str]) -> list[Column]:
    locales = language_codes() if attribute.is_localizable else [None]
    scopes = list(channels) if attribute.is_scopable else [None]
    return [
        Column(
            value_column_name(attribute.code, locale, channel),
            "value",
            attribute.code,
            locale,
            channel,
        )
        for locale in locales
        for channel in scopes
    ]


def export_columns(*, queryset=None, catalog: _Catalog | None = None) -> list[Column]:
    """Every column the exported products need (attributes of their families, their prices)."""
    catalog = catalog or _Catalog.load()
    queryset = Product.objects.all() if queryset is None else queryset
    columns = [Column(name, "base", name) for name in BASE_COLUMNS]
    columns += [
        Column(f"{name}-{code}", "text", name, code)
        for name in PRODUCT_TEXT_FIELDS
        for code in language_codes()
    ]
    family_ids = set(queryset.values_list("family_id", flat=True).distinct())
    codes = (
        Family.attributes.through.objects.filter(family_id__in=family_ids)
        .order_by("attribute__position", "attribute__code")
        .values_list("attribute__code", flat=True)
        .distinct()
    )
    for code in dict.fromkeys(codes):
        columns += _attribute_columns(catalog.attributes[code], catalog.channels)
    keys = (
        Price.objects.filter(product__in=queryset)
        .order_by("channel__code", "currency", "audience__code")
        .values_list("channel_id", "currency", "audience_id")
        .distinct()
    )
    for channel_id, currency, audience_id in dict.fromkeys(keys):
        channel = catalog.channel_codes[channel_id]
        audience = catalog.audience_codes.get(audience_id)
        for prefix in ("price", "sale_price"):
            columns.append(
                Column(
                    price_column_name(prefix, channel, currency, audience),
                    prefix,
                    "",
                    None,
                    channel,
                    currency,
                    audience,
                )
            )
    return columns
