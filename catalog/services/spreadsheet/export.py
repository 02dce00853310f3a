"""Products as spreadsheet rows, and written to CSV or XLSX (every text cell formula-safe).

The rows are also what an import compares a file's row with: a row equal to the product's
export changes nothing.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from catalog.cells import cell_safe
from catalog.models import (
    Attribute,
    Price,
    Product,
)
from catalog.services.spreadsheet.columns import LIST_SEPARATOR, Column, _Catalog, export_columns

_CHUNK = 500


def cell_text(attribute: Attribute | None, data) -> str:
    if data is None:
        return ""
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, list):
        return LIST_SEPARATOR.join(str(d) for d in data)
    return str(data)


@dataclass
class _Relations:
    """Category and channel ids and prices of a chunk of products, in three flat queries.

    Cheaper than prefetch_related, which builds a queryset per product and relation.
    """

    categories: dict[int, list[int]]
    channels: dict[int, list[int]]
    # product id -> {(channel id, currency, audience id): (amount, sale amount)}
    prices: dict[int, dict[tuple, tuple]]

    @classmethod
    def load(cls, product_ids: list[int]) -> "_Relations":
        relations = cls(defaultdict(list), defaultdict(list), defaultdict(dict))
        for name in ("categories", "channels"):
            through = Product._meta.get_field(name).remote_field.through
            target = Product._meta.get_field(name).m2m_reverse_field_name()
            links = getattr(relations, name)
            for product_id, target_id in through.objects.filter(
                product_id__in=product_ids
            ).values_list("product_id", f"{target}_id"):
                links[product_id].append(target_id)
        rows = Price.objects.filter(product_id__in=product_ids).values_list(
            "product_id", "channel_id", "currency", "audience_id", "amount", "sale_amount"
        )
        for product_id, channel_id, currency, audience_id, amount, sale in rows:
            relations.prices[product_id][(channel_id, currency, audience_id)] = (amount, sale)
        return relations


def product_row(
    product: Product, columns: list[Column], catalog: _Catalog, relations: _Relations
) -> dict[str, str]:
    """The product as one spreadsheet row (cells as text)."""
    codes, audiences = catalog.channel_codes, catalog.audience_codes
    prices = {
        (codes[channel_id], currency, audiences.get(audience_id)): amounts
        for (channel_id, currency, audience_id), amounts in relations.prices[product.pk].items()
    }
    row = {}
    for column in columns:
        if column.kind == "base":
            row[column.name] = _base_cell(product, column.key, catalog, relations)
        elif column.kind == "text":
            row[column.name] = getattr(product, f"{column.key}_{column.locale}", None) or ""
        elif column.kind == "value":
            data = None
            for entry in product.values.get(column.key, ()):
                if entry.get("locale") == column.locale and entry.get("channel") == column.channel:
                    data = entry.get("data")
            row[column.name] = cell_text(catalog.attributes.get(column.key), data)
        else:
            amounts = prices.get((column.channel, column.currency, column.audience))
            amount = None
            if amounts is not None:
                amount = amounts[0] if column.kind == "price" else amounts[1]
            row[column.name] = "" if amount is None else str(amount)
    return row


def _base_cell(product: Product, name: str, catalog: _Catalog, relations: _Relations) -> str:
    if name == "family":
        return catalog.family_codes.get(product.family_id, "")
    if name == "parent":
        return catalog.model_codes.get(product.model_id, "") if product.model_id else ""
    if name == "categories":
        return LIST_SEPARATOR.join(
            sorted(catalog.category_codes[pk] for pk in relations.categories[product.pk])
        )
    if name == "channels":
        return LIST_SEPARATOR.join(
            sorted(catalog.channel_codes[pk] for pk in relations.channels[product.pk])
        )
    return getattr(product, name) or ""


def products_export_rows(*, queryset=None) -> tuple[list[str], Iterator[dict[str, str]]]:
    """Header and rows of every product, read in chunks (memory stays flat)."""
    catalog = _Catalog.load()
    queryset = Product.objects.all() if queryset is None else queryset
    columns = export_columns(queryset=queryset, catalog=catalog)

    def rows():
        last = 0
        while True:
            chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:_CHUNK])
            if not chunk:
                return
            last = chunk[-1].pk
            relations = _Relations.load([product.pk for product in chunk])
            for product in chunk:
                yield product_row(product, columns, catalog, relations)

    return [c.name for c in columns], rows()


def products_export(*, fileobj, fmt: str = "csv", queryset=None) -> int:
    """Write products to an open binary file as CSV or XLSX; returns the number of rows.

    Every cell goes through ``cell_safe``: a text such as ``=HYPERLINK(...)`` is written with
    an apostrophe in front, so no spreadsheet program runs it (and openpyxl does not write it
    as a formula); the import takes the apostrophe off again.
    """
    header, rows = products_export_rows(queryset=queryset)
    count = 0
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def xlsx_cell(text: str) -> str:
            # XML cannot carry most control characters; openpyxl would raise on them.
            return cell_safe(ILLEGAL_CHARACTERS_RE.sub("", text))

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("products")
        sheet.append(header)
        for row in rows:
            sheet.append([xlsx_cell(row[name]) for name in header])
            count += 1
        workbook.save(fileobj)
        return count
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_safe(row[name]) for name in header])
        count += 1
    text.flush()
    text.detach()
    return count
