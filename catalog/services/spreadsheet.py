"""Products to and from spreadsheets (CSV, XLSX): one column per field, language, channel.

Columns: ``sku, family, parent, gtin, brand, status, categories, channels``; translated text
as ``<field>-<language>`` (``name-fi``, ``description-fa``); attribute values as ``<code>``,
``<code>-<locale>``, ``<code>-<channel>`` or ``<code>-<locale>-<channel>`` (``weight``,
``claim-fi``, ``note-web``, ``note-fi-web``); prices as ``price-<channel>-<currency>`` and
``price-<channel>-<currency>-<audience>`` with matching ``sale_price-...`` columns.

Import upserts by SKU through the product services (the admin's validation), all or
nothing: one bad row changes nothing, and every problem is reported with its row, column
and reason. Rows whose cells equal the product's export are left alone, so exporting and
importing again changes nothing.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.languages import language_codes
from catalog.models import (
    Attribute,
    AttributeType,
    Audience,
    Category,
    Channel,
    Family,
    Price,
    Product,
    ProductModel,
)
from catalog.models.product import PRODUCT_TEXT_FIELDS
from catalog.services.completeness import completeness_deferred
from catalog.services.prices import product_prices_set
from catalog.services.products import (
    NewProduct,
    product_build,
    product_update,
    products_create_many,
)
from catalog.services.status import product_set_status

BASE_COLUMNS = ("sku", "family", "parent", "gtin", "brand", "status", "categories", "channels")
LIST_SEPARATOR = ","
_CHUNK = 500


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


# --- Export -----------------------------------------------------------------------------------


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
        )  # fmt: skip
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
                )  # fmt: skip
            )
    return columns


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
    """Write products to an open binary file as CSV or XLSX; returns the number of rows."""
    header, rows = products_export_rows(queryset=queryset)
    count = 0
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("products")
        sheet.append(header)
        for row in rows:
            sheet.append([row[name] for name in header])
            count += 1
        workbook.save(fileobj)
        return count
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[name] for name in header])
        count += 1
    text.flush()
    text.detach()
    return count


# --- Import -----------------------------------------------------------------------------------


@dataclass
class ImportProblem:
    row: int  # spreadsheet row number (the header is row 1)
    column: str
    message: str
    code: str = "invalid"


@dataclass
class RowOutcome:
    row: int
    sku: str
    action: str  # create | update | unchanged
    changed: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool
    rows: list[RowOutcome] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def applied(self) -> bool:
        return self.ok and not self.dry_run

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for outcome in self.rows:
            counts[outcome.action] += 1
        return counts

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "ok": self.ok,
            "applied": self.applied,
            "counts": self.counts(),
            "rows": [vars(r) for r in self.rows if r.action != "unchanged"],
            "problems": [vars(p) for p in self.problems],
        }


class _Rollback(Exception):
    pass


def read_rows(*, fileobj, name: str) -> Iterator[list[str]]:
    """Rows of a CSV or XLSX file as lists of text (the header first)."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(fileobj, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if v is None else _xlsx_text(v) for v in values]
        workbook.close()
        return
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    yield from csv.reader(text)


def _xlsx_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_header(header: list[str], catalog: _Catalog) -> tuple[list[Column | None], list]:
    """Each header cell -> Column; unknown or repeated columns are problems (row 1)."""
    locales = set(language_codes())
    columns, problems, seen = [], [], set()
    for name in header:
        name = (name or "").strip()
        column = _parse_column(name, catalog, locales) if name else None
        if name and column is None:
            problems.append(ImportProblem(1, name, _("Unknown column."), "unknown_column"))
        if name and name in seen:
            problems.append(ImportProblem(1, name, _("The column appears twice."), "duplicate"))
        seen.add(name)
        columns.append(column)
    if "sku" not in seen:
        problems.append(ImportProblem(1, "sku", _("A sku column is required."), "required"))
    return columns, problems


def _parse_column(name: str, catalog: _Catalog, locales: set[str]) -> Column | None:
    if name in BASE_COLUMNS:
        return Column(name, "base", name)
    head, _sep, rest = name.partition("-")
    if head in PRODUCT_TEXT_FIELDS and rest in locales:
        return Column(name, "text", head, rest)
    if head in ("price", "sale_price"):
        parts = rest.split("-")
        if len(parts) in (2, 3) and parts[0] in catalog.channels:
            audience = parts[2] if len(parts) == 3 else None
            if audience is None or audience in catalog.audiences:
                return Column(name, head, "", None, parts[0], parts[1], audience)
        return None
    # Attribute codes may contain "-": try the longest known code first.
    parts = name.split("-")
    for cut in range(len(parts), 0, -1):
        code = "-".join(parts[:cut])
        attribute = catalog.attributes.get(code)
        if attribute is None:
            continue
        rest_parts = parts[cut:]
        locale = rest_parts.pop(0) if attribute.is_localizable and rest_parts else None
        channel = "-".join(rest_parts) or None
        if attribute.is_localizable and locale not in locales:
            return None
        if attribute.is_scopable and channel not in catalog.channels:
            return None
        if not attribute.is_scopable and channel:
            return None
        return Column(name, "value", code, locale, channel)
    return None


def products_import(
    *,
    fileobj,
    name: str,
    user=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a CSV or XLSX file of products; see the module docstring for the rules."""
    report = ImportReport(dry_run=dry_run)
    if user is not None and not user.has_perm("catalog.add_product"):
        raise PermissionDenied(_("You may not import products."))
    catalog = _Catalog.load()
    rows = read_rows(fileobj=fileobj, name=name)
    header = next(rows, None)
    if header is None:
        report.problems.append(ImportProblem(1, "", _("The file is empty."), "empty"))
        return report
    columns, problems = parse_header(header, catalog)
    if problems:
        report.problems.extend(problems)
        return report
    body = [
        (number, cells) for number, cells in enumerate(rows, 2) if any(c.strip() for c in cells)
    ]
    try:
        # Completeness is recomputed once for every touched product, inside the transaction.
        with transaction.atomic(), completeness_deferred():
            _import_rows(body, columns, catalog, user, report, progress)
            if report.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    report.rows.sort(key=lambda outcome: outcome.row)
    report.problems.sort(key=lambda problem: problem.row)
    return report


class _Lookups:
    """Families, product models and categories by code, each looked up once per import."""

    def __init__(self):
        self.families: dict[str, Family | None] = {}
        self.models: dict[str, ProductModel | None] = {}
        self.categories: dict[str, Category | None] = {}

    def family(self, code: str) -> Family | None:
        if code not in self.families:
            self.families[code] = Family.objects.filter(code=code).first()
        return self.families[code]

    def model(self, code: str) -> ProductModel | None:
        if code not in self.models:
            self.models[code] = ProductModel.objects.filter(code=code).first()
        return self.models[code]

    def load_categories(self, codes: Iterable[str]) -> None:
        wanted = set(codes) - self.categories.keys()
        if wanted:
            self.categories.update(dict.fromkeys(wanted))
            self.categories.update(
                (c.code, c) for c in Category.objects.filter(code__in=sorted(wanted))
            )


@dataclass
class _NewRow:
    number: int
    sku: str
    changed: list[str]
    status: str
    item: NewProduct
    fields: dict
    prices: dict


def _import_rows(body, columns, catalog, user, report, progress) -> None:
    named = [c for c in columns if c is not None]
    seen_skus: dict[str, int] = {}
    lookups = _Lookups()
    category_index = next(
        (i for i, c in enumerate(columns) if c is not None and c.name == "categories"), None
    )
    for start in range(0, len(body), _CHUNK):
        chunk = body[start : start + _CHUNK]
        skus = [_cell(cells, columns, "sku") for _n, cells in chunk]
        existing = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
        relations = _Relations.load([p.pk for p in existing.values()])
        if category_index is not None:
            lookups.load_categories(
                code.strip()
                for _n, cells in chunk
                if category_index < len(cells)
                for code in cells[category_index].split(LIST_SEPARATOR)
                if code.strip()
            )
        new_rows: list[_NewRow] = []
        for number, cells in chunk:
            row = {c.name: (cells[i].strip() if i < len(cells) else "")
                   for i, c in enumerate(columns) if c is not None}  # fmt: skip
            sku = row.get("sku", "")
            if not sku:
                report.problems.append(ImportProblem(number, "sku", _("A SKU is required.")))
                continue
            if sku in seen_skus:
                report.problems.append(
                    ImportProblem(
                        number,
                        "sku",
                        _("SKU %(sku)s is also on row %(row)s.")
                        % {"sku": sku, "row": seen_skus[sku]},
                        "duplicate",
                    )  # fmt: skip
                )
                continue
            seen_skus[sku] = number
            product = existing.get(sku)
            if product is None:
                new_row = _new_row(number, row, named, catalog, lookups, report)
                if new_row is not None:
                    new_rows.append(new_row)
                continue
            current = product_row(product, named, catalog, relations)
            changed = [c.name for c in named if _differs(row[c.name], current[c.name])]
            if not changed:
                report.rows.append(RowOutcome(number, sku, "unchanged"))
                continue
            # Rows are applied in file order: the new products of earlier rows are saved
            # first, so that this row's slugs are checked against theirs.
            _create_rows(new_rows, user, report)
            _import_update(number, row, named, product, changed, catalog, lookups, user, report)
        _create_rows(new_rows, user, report)
        if progress is not None:
            progress(min(start + _CHUNK, len(body)), len(body))


def _cell(cells, columns, name) -> str:
    for index, column in enumerate(columns):
        if column is not None and column.name == name:
            return cells[index].strip() if index < len(cells) else ""
    return ""


def _row_data(number, row, columns, product, catalog, lookups, problems):
    """The row as service arguments: (fields, m2m, texts, values, prices)."""
    fields, m2m = _base_fields(number, row, product, catalog, lookups, problems)
    texts: dict[str, dict[str, str]] = {}
    values: dict[str, list] = {}
    prices: dict[tuple, dict] = {}
    for column in columns:
        cell = row[column.name]
        if column.kind == "text":
            texts.setdefault(column.key, {})[column.locale] = cell
        elif column.kind == "value":
            values.setdefault(column.key, []).append(
                {
                    "locale": column.locale,
                    "channel": column.channel,
                    "data": _cell_data(catalog.attributes[column.key], cell),
                }  # fmt: skip
            )
        elif column.kind in ("price", "sale_price"):
            key = (column.channel, column.currency, column.audience)
            slot = prices.setdefault(key, {})
            slot["amount" if column.kind == "price" else "sale_amount"] = cell or None
    if product is not None:
        # Entries of an attribute that the file has no column for stay as they are.
        for code, entries in values.items():
            given = {(e["locale"], e["channel"]) for e in entries}
            kept = [
                e for e in product.values.get(code, ())
                if (e.get("locale"), e.get("channel")) not in given
            ]  # fmt: skip
            values[code] = kept + [e for e in entries if e["data"] not in (None, "")]
    else:
        values = {
            code: kept
            for code, entries in values.items()
            if (kept := [e for e in entries if e["data"] not in (None, "")])
        }
    return fields, m2m, texts, values, prices


def _price_items(prices, product, catalog) -> list[dict]:
    items = []
    for (channel, currency, audience), slot in prices.items():
        amount = slot.get("amount")
        if "amount" not in slot and product is not None:
            existing = product.prices.filter(
                channel=catalog.channels[channel], currency=currency,
                audience=catalog.audiences.get(audience) if audience else None,
            ).first()  # fmt: skip
            amount = existing.amount if existing else None
        items.append(
            {
                "channel": catalog.channels[channel],
                "currency": currency,
                "audience": catalog.audiences[audience] if audience else None,
                "amount": amount,
                "sale_amount": slot.get("sale_amount"),
            }
        )
    return items


def _new_row(number, row, columns, catalog, lookups, report) -> _NewRow | None:
    """A new product for products_create_many, or None when the row has problems."""
    changed = [c.name for c in columns if row[c.name]]
    problems: list[ImportProblem] = []
    fields, m2m, texts, values, prices = _row_data(
        number, row, columns, None, catalog, lookups, problems
    )
    if problems:
        report.problems.extend(problems)
        return None
    try:
        product = product_build(sku=row["sku"], texts=texts, values=values, **fields)
    except ValidationError as exc:
        report.problems.extend(_problems_from(number, exc, fields, prices))
        return None
    item = NewProduct(
        product=product,
        categories=m2m.get("categories", ()),
        channels=m2m.get("channels", ()),
        prices=_price_items(prices, None, catalog),
    )
    return _NewRow(number, row["sku"], changed, row.get("status", ""), item, fields, prices)


def _create_rows(new_rows: list[_NewRow], user, report) -> None:
    """Save the pending new products in one batch; report each row's problems."""
    if not new_rows:
        return
    failures = products_create_many(items=[r.item for r in new_rows], user=user)
    for index, new_row in enumerate(new_rows):
        exc = failures.get(index)
        product = new_row.item.product
        try:
            if exc is not None:
                raise exc
            if new_row.status and new_row.status != product.status:
                with transaction.atomic():
                    product_set_status(product=product, status=new_row.status, user=user)
        except ValidationError as exc:
            report.problems.extend(_problems_from(new_row.number, exc, new_row.fields,
                                                  new_row.prices))  # fmt: skip
            continue
        except PermissionDenied as exc:
            report.problems.append(ImportProblem(new_row.number, "sku", str(exc), "permission"))
            continue
        report.rows.append(RowOutcome(new_row.number, new_row.sku, "create", new_row.changed))
    new_rows.clear()


def _import_update(number, row, columns, product, changed, catalog, lookups, user, report):
    sku = row["sku"]
    problems: list[ImportProblem] = []
    fields, m2m, texts, values, prices = _row_data(
        number, row, columns, product, catalog, lookups, problems
    )
    if problems:
        report.problems.extend(problems)
        return
    try:
        with transaction.atomic():
            product = product_update(
                product=product,
                user=user,
                texts=texts,
                values=values,
                categories=m2m.get("categories"),
                channels=m2m.get("channels"),
                **fields,
            )
            if prices:
                product_prices_set(
                    product=product, prices=_price_items(prices, product, catalog), user=user
                )
            status = row.get("status")
            if status and status != product.status:
                product_set_status(product=product, status=status, user=user)
    except ValidationError as exc:
        report.problems.extend(_problems_from(number, exc, fields, prices))
        return
    except PermissionDenied as exc:
        report.problems.append(ImportProblem(number, "sku", str(exc), "permission"))
        return
    report.rows.append(RowOutcome(number, sku, "update", changed))


def _differs(new: str, old: str) -> bool:
    if new == old:
        return False
    if LIST_SEPARATOR in new or LIST_SEPARATOR in old:
        split = lambda text: sorted(p.strip() for p in text.split(LIST_SEPARATOR) if p.strip())  # noqa: E731
        return split(new) != split(old)
    return True


def _base_fields(number, row, product, catalog, lookups, problems) -> tuple[dict, dict]:
    fields, m2m = {}, {}
    if "family" in row:
        code = row["family"]
        family = lookups.family(code) if code else None
        if family is None and (code or product is None):
            problems.append(
                ImportProblem(
                    number,
                    "family",
                    _("Unknown family “%(code)s”.") % {"code": code}
                    if code
                    else _("A family is required."),
                    "unknown_code",
                )  # fmt: skip
            )
        elif family is not None:
            fields["family"] = family
    elif product is None:
        problems.append(ImportProblem(number, "family", _("A family is required."), "required"))
    if "parent" in row:
        code = row["parent"]
        model = lookups.model(code) if code else None
        if code and model is None:
            problems.append(
                ImportProblem(
                    number,
                    "parent",
                    _("Unknown product model “%(code)s”.") % {"code": code},
                    "unknown_code",
                )  # fmt: skip
            )
        fields["model"] = model
    for name in ("gtin", "brand"):
        if name in row:
            fields[name] = row[name] or (None if name == "gtin" else "")
    if "status" in row and row["status"]:
        from catalog.models import ProductStatus

        if row["status"] not in ProductStatus.values:
            problems.append(
                ImportProblem(
                    number,
                    "status",
                    _("Unknown status “%(status)s”; use %(known)s.")
                    % {"status": row["status"], "known": ", ".join(ProductStatus.values)},
                    "unknown_code",
                )  # fmt: skip
            )
    for name, known in (("categories", None), ("channels", catalog.channels)):
        if name not in row:
            continue
        codes = [c.strip() for c in row[name].split(LIST_SEPARATOR) if c.strip()]
        if name == "categories":
            lookups.load_categories(codes)
            found = {code: lookups.categories[code] for code in codes if lookups.categories[code]}
        else:
            found = {code: known[code] for code in codes if code in known}
        missing = [c for c in codes if c not in found]
        if missing:
            problems.append(
                ImportProblem(
                    number,
                    name,
                    _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(missing)},
                    "unknown_code",
                )  # fmt: skip
            )
        m2m[name] = [found[c] for c in codes if c in found]
    return fields, m2m


def _cell_data(attribute: Attribute, cell: str):
    if cell == "":
        return None
    if attribute.type == AttributeType.MULTI_SELECT:
        return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]
    if attribute.type == AttributeType.INTEGER:
        try:
            return int(cell)
        except ValueError:
            return cell
    if attribute.type == AttributeType.MEDIA:
        return cell
    return cell


def _problems_from(number: int, exc: ValidationError, fields, prices) -> list[ImportProblem]:
    problems = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [("", exc.error_list)]
    for name, errors in items:
        for error in errors:
            params = error.params if isinstance(error.params, dict) else {}
            message = error.message % error.params if error.params else error.message
            column = _column_for(name, params, fields, prices)
            problems.append(ImportProblem(number, column, str(message), error.code or "invalid"))
    return problems


def _column_for(name: str, params: dict, fields, prices) -> str:
    if params.get("attribute"):
        return value_column_name(params["attribute"], params.get("locale"), params.get("channel"))
    for code in language_codes():
        if name.endswith(f"_{code}") and name[: -len(code) - 1] in PRODUCT_TEXT_FIELDS:
            return f"{name[: -len(code) - 1]}-{code}"
    if name == "model":
        return "parent"
    if name in ("amount", "sale_amount", "prices") and prices:
        channel, currency, audience = next(iter(prices))
        prefix = "sale_price" if name == "sale_amount" else "price"
        return price_column_name(prefix, channel, currency, audience)
    return name or "sku"
