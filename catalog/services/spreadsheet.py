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

How an import stays all or nothing without holding the database's write lock (SQLite has one
lock for the whole file, and with ``transaction_mode: IMMEDIATE`` every transaction takes it
when it begins, even one that only reads):

1. Read: the file is read within the limits of ``catalog.services.spreadsheet_files`` (zip
   bombs, rows, columns, cell sizes, encodings). Nothing touches the database.
2. Check: every row is checked as the services will check it (``product_validate``, the
   editing rights, the price rules), with reads only and no transaction. A dry run stops
   here, so it never takes the write lock; so does an import with any problem.
3. Apply: rows are written through the same services in batches, each one short
   transaction sized to take about ``PIM_IMPORT_BATCH_MS`` (the batch size adapts to the
   measured time per row); completeness of a batch's products is recomputed right after it
   in its own transaction. Scans, edits and other writers get the lock between batches.
   Before a batch changes a product it snapshots the product's fields, categories, channels
   and prices (in the same transaction, under the row lock) and notes the version it leaves;
   new products' ids are noted too.
4. Undo: if a batch fails (a service refuses a row, for example because the catalog changed
   since the check, or anything raises), its own transaction rolls back and the batches
   already committed are undone, newest first, in short transactions: new products are
   deleted, updated products get back their snapshot as a new version with its own history
   entry (so API clients that synced the imported state see the change). A product someone
   else changed after the import touched it is not overwritten; it is reported instead.

While a large import applies, readers may see the rows of the batches committed so far; the
history shows each batch's changes and, after a failure, their undoing. A process killed
outright (SIGKILL, power loss) in step 3 cannot undo: the journal lives in memory.

Exports write every text cell through ``catalog.cells.cell_safe`` (no spreadsheet runs a
cell as a formula); imports take the apostrophe off again (``cell_unsafe``), so a round trip
changes nothing. Formula cells in an imported XLSX are reported, never dropped.
"""

import copy
import csv
import io
import itertools
import logging
import pickle
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from catalog.cells import cell_safe
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
from catalog.services.prices import prices_build, product_prices_set
from catalog.services.products import (
    EditConflict,
    NewProduct,
    ProductKeysInUse,
    _check_relation_rights,
    product_build,
    product_check_edit_rights,
    product_update,
    product_validate,
    products_create_many,
)
from catalog.services.spreadsheet_files import (
    CellProblem,
    SpreadsheetError,
    read_rows,
)
from catalog.services.status import product_set_status, product_status_check
from catalog.services.values import decimal_check, value_schema_for_family

logger = logging.getLogger(__name__)

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
            # Some applied rows could not be undone (someone changed them meanwhile).
            "partly_undone": any(p.code == "not_undone" for p in self.problems),
        }


def parse_header(header: list[str], catalog: _Catalog) -> tuple[list[Column | None], list]:
    """Each header cell -> Column; unknown or repeated columns are problems (row 1)."""
    locales = set(language_codes())
    columns, problems, seen = [], [], set()
    for name in header:
        if isinstance(name, CellProblem):
            problems.append(ImportProblem(1, "", name.message, name.code))
            columns.append(None)
            continue
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
    """Import a CSV or XLSX file of products; see the module docstring for the rules.

    ``progress(done, total)`` is called after each chunk of rows, while checking and again
    while applying.
    """
    report = ImportReport(dry_run=dry_run)
    if user is not None and not user.has_perm("catalog.add_product"):
        raise PermissionDenied(_("You may not import products."))
    catalog = _Catalog.load()
    try:
        rows = read_rows(fileobj=fileobj, name=name)
        header = next(rows, None)
        if header is None:
            report.problems.append(ImportProblem(1, "", _("The file is empty."), "empty"))
            return report
        columns, problems = parse_header(header, catalog)
        if problems:
            report.problems.extend(problems)
            return report
        body = [(number, cells) for number, cells in enumerate(rows, 2) if _filled(cells)]
    except SpreadsheetError as exc:
        report.problems.append(ImportProblem(exc.row, exc.column, exc.message, exc.code))
        return report
    if progress is not None:
        progress(0, len(body))  # read: the total is known from here on
    _check(body, columns, catalog, user, report, progress)
    if report.problems or dry_run:
        return _sorted(report)
    checked = report.rows
    report.rows = []
    failure = _apply(body, columns, catalog, user, report, progress)
    if failure:
        report.rows = checked
    return _sorted(report)


def _filled(cells) -> bool:
    return any(not isinstance(c, str) or c.strip() for c in cells)


def _sorted(report: ImportReport) -> ImportReport:
    report.rows.sort(key=lambda outcome: outcome.row)
    report.problems.sort(key=lambda problem: problem.row)
    return report


# --- Import: rows as actions ---------------------------------------------------------------


@dataclass
class _Action:
    """What one row asks for, as service arguments."""

    number: int
    sku: str
    kind: str  # create | update | unchanged
    changed: list[str] = field(default_factory=list)
    product: Product | None = None  # update: as loaded when the row was read
    fields: dict = field(default_factory=dict)
    m2m: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    prices: dict = field(default_factory=dict)
    status: str = ""

    def outcome(self) -> RowOutcome:
        return RowOutcome(self.number, self.sku, self.kind, self.changed)


def _row_actions(body, columns, catalog, lookups, problems) -> Iterator[tuple[int, list]]:
    """(rows done, actions) per chunk of rows, compared with the catalog as it is now.

    Rows with problems (added to ``problems``) give no action.
    """
    named = [c for c in columns if c is not None]
    sku_index = next(i for i, c in enumerate(columns) if c is not None and c.name == "sku")
    category_index = next(
        (i for i, c in enumerate(columns) if c is not None and c.name == "categories"), None
    )
    seen_skus: dict[str, int] = {}
    for start in range(0, len(body), _CHUNK):
        chunk = body[start : start + _CHUNK]
        skus = [_text_at(cells, sku_index).strip() for _n, cells in chunk]
        existing = {p.sku: p for p in Product.objects.filter(sku__in=[s for s in skus if s])}
        relations = _Relations.load([p.pk for p in existing.values()])
        if category_index is not None:
            lookups.load_categories(
                code.strip()
                for _n, cells in chunk
                for code in _text_at(cells, category_index).split(LIST_SEPARATOR)
                if code.strip()
            )
        actions = []
        for number, cells in chunk:
            row_problems: list[ImportProblem] = []
            row = _row_cells(number, cells, columns, row_problems)
            sku = row.get("sku", "")
            if not sku and not row_problems:
                row_problems.append(ImportProblem(number, "sku", _("A SKU is required.")))
            elif sku in seen_skus:
                row_problems.append(
                    ImportProblem(
                        number,
                        "sku",
                        _("SKU %(sku)s is also on row %(row)s.")
                        % {"sku": sku, "row": seen_skus[sku]},
                        "duplicate",
                    )  # fmt: skip
                )
            elif sku:
                seen_skus[sku] = number
            if row_problems:
                problems.extend(row_problems)
                continue
            product = existing.get(sku)
            if product is None:
                changed = [c.name for c in named if row[c.name]]
            else:
                current = product_row(product, named, catalog, relations)
                changed = [c.name for c in named if _differs(row[c.name], current[c.name])]
                if not changed:
                    actions.append(_Action(number, sku, "unchanged"))
                    continue
            fields, m2m, texts, values, prices = _row_data(
                number, row, named, product, catalog, lookups, row_problems
            )
            if row_problems:
                problems.extend(row_problems)
                continue
            actions.append(
                _Action(
                    number,
                    sku,
                    "create" if product is None else "update",
                    changed,
                    product,
                    fields,
                    m2m,
                    texts,
                    values,
                    prices,
                    row.get("status", ""),
                )  # fmt: skip
            )
        yield start + len(chunk), actions


def _text_at(cells, index: int) -> str:
    cell = cells[index] if index < len(cells) else ""
    return cell if isinstance(cell, str) else ""


def _row_cells(number: int, cells, columns, problems) -> dict[str, str]:
    """The row's cells by column name; unreadable and overlong cells become problems."""
    row = {}
    for index, column in enumerate(columns):
        if column is None:
            continue
        cell = cells[index] if index < len(cells) else ""
        if isinstance(cell, CellProblem):
            problems.append(ImportProblem(number, column.name, cell.message, cell.code))
            cell = ""
        cell = cell.strip()
        if column.kind in ("price", "sale_price") and cell:
            problem = _amount_problem(cell)
            if problem:
                problems.append(ImportProblem(number, column.name, problem, "invalid_number"))
        row[column.name] = cell
    return row


def _amount_problem(cell: str) -> str | None:
    """Why a price cell can never be stored (not finite, too many digits), or None.

    Other mistakes (not a number, negative, too many decimals) are the price service's.
    """
    try:
        amount = Decimal(cell.replace(",", "."))
    except InvalidOperation:
        return None
    field_ = Price._meta.get_field("amount")
    try:
        decimal_check(amount, max_digits=field_.max_digits, decimal_places=field_.decimal_places)
    except ValidationError as exc:
        return _("A price %(rule)s") % {"rule": exc.messages[0]}
    return None


# --- Import: checking (reads only) -------------------------------------------------------


def _check(body, columns, catalog, user, report, progress) -> None:
    """Every row checked as the services will check it, without writing anything.

    No transaction is opened: on SQLite a transaction takes the write lock when it begins,
    so even a dry run would block every other writer for its whole length. New rows claim
    their SKU, GTIN and slugs (``ProductKeysInUse``) so that later rows are checked against
    them as if they had been saved; updated rows claim their new keys too.
    """
    claimed = ProductKeysInUse([])
    lookups = _Lookups()
    schemas: dict[int, object] = {}
    for done, actions in _row_actions(body, columns, catalog, lookups, report.problems):
        creates = [a for a in actions if a.kind == "create"]
        built = {}
        for action in creates:
            try:
                built[action.number] = product_build(
                    sku=action.sku, texts=action.texts, values=action.values, **action.fields
                )
            except ValidationError as exc:
                report.problems.extend(_problems_from(action.number, exc, {}, action.prices))
        keys = ProductKeysInUse(built.values())
        _merge_claims(keys, claimed)
        for action in actions:
            if action.kind == "unchanged":
                report.rows.append(action.outcome())
                continue
            try:
                if action.kind == "create":
                    if action.number not in built:
                        continue
                    product = built[action.number]
                    family_id = product.family_id
                    if family_id not in schemas:
                        schemas[family_id] = value_schema_for_family(product.family)
                    product_validate(product=product, keys=keys, schema=schemas[family_id])
                    product_check_edit_rights(user=user, before=None, after=product)
                else:
                    product = _updated_copy(action)
                    family_id = product.family_id
                    if family_id not in schemas:
                        schemas[family_id] = value_schema_for_family(product.family)
                    product_validate(product=product, schema=schemas[family_id])
                    product_check_edit_rights(user=user, before=action.product, after=product)
                    _check_relation_rights(
                        action.product,
                        user,
                        categories=action.m2m.get("categories"),
                        channels=action.m2m.get("channels"),
                    )
                if action.prices:
                    prices_build(
                        product=product,
                        prices=_price_items(action.prices, action.product, catalog),
                        user=user,
                    )
                if action.status:
                    # Whether an approval's completeness is met is known only once the
                    # row's content is saved: that is checked when the row is applied.
                    current = product.status if action.product is None else action.product.status
                    product_status_check(current=current, status=action.status, user=user)
            except ValidationError as exc:
                report.problems.extend(
                    _problems_from(action.number, exc, action.fields, action.prices)
                )
                continue
            except PermissionDenied as exc:
                report.problems.append(ImportProblem(action.number, "sku", str(exc), "permission"))
                continue
            keys.claim(product)
            claimed.claim(product)
            report.rows.append(action.outcome())
        if progress is not None:
            progress(done, len(body))


def _merge_claims(keys: ProductKeysInUse, claimed: ProductKeysInUse) -> None:
    keys.skus |= claimed.skus
    keys.gtins |= claimed.gtins
    for code, slugs in claimed.slugs.items():
        keys.slugs.setdefault(code, set()).update(slugs)
    for model_id, variants in claimed.variants.items():
        keys.variants[model_id].extend(variants)


def _updated_copy(action: _Action) -> Product:
    """The product as the row would leave it, in memory (the loaded one stays as it was)."""
    product = copy.copy(action.product)  # Django copies _state and its cache too
    for name, value in action.fields.items():
        setattr(product, name, value)
    for field_name, by_language in action.texts.items():
        for code, text in by_language.items():
            setattr(product, f"{field_name}_{code}", text)
    merged = dict(product.values or {})
    for code, entries in action.values.items():
        if entries in (None, []):
            merged.pop(code, None)
        else:
            merged[code] = entries
    product.values = merged
    return product


# --- Import: applying in short transactions, undone on failure ---------------------------


class _Failed(Exception):
    def __init__(self, problems: list[ImportProblem]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class _Snapshot:
    """A product as it was before the import touched it."""

    row: int
    fields: dict
    categories: list[int]
    channels: list[int]
    prices: dict[tuple, tuple]  # (channel id, currency, audience id) -> (amount, sale)


@dataclass
class _Journal:
    """What the applied batches did, so that a later failure can undo it.

    Snapshots go to a temporary file, one pickle per batch: an import that updates 50,000
    products keeps only ids and versions in memory.
    """

    created: dict[int, int] = field(default_factory=dict)  # product id -> row
    before: dict[int, _Snapshot] = field(default_factory=dict)  # this batch's snapshots
    versions: dict[int, int] = field(default_factory=dict)  # product id -> version we left
    _spool: object = None
    _batches: list[tuple[int, int]] = field(default_factory=list)  # (offset, length)

    def merge(self, batch: "_Journal") -> None:
        """Add a committed batch's journal."""
        self.created.update(batch.created)
        self.versions.update(batch.versions)
        if batch.before:
            if self._spool is None:
                self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            data = pickle.dumps(list(batch.before.items()), pickle.HIGHEST_PROTOCOL)
            offset = self._spool.seek(0, io.SEEK_END)
            self._spool.write(data)
            self._batches.append((offset, len(data)))

    def snapshots_newest_first(self) -> Iterator[tuple[int, _Snapshot]]:
        for offset, length in reversed(self._batches):
            self._spool.seek(offset)
            # Our own pickles, written above by this process.
            yield from reversed(pickle.loads(self._spool.read(length)))  # noqa: S301

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


_FIRST_BATCH = 20
_MAX_BATCH = 500
_UNDO_BATCH = 50
# SQLite has no queue for its write lock: a waiting writer sleeps and retries (up to 100 ms
# between tries once it has waited a while). Back-to-back batches would starve it, so the
# import pauses that long between batches.
_SQLITE_PAUSE = 0.1


def _let_others_write() -> None:
    if connection.vendor == "sqlite":
        time.sleep(_SQLITE_PAUSE)


def _apply(body, columns, catalog, user, report, progress) -> bool:
    """Apply the checked rows in batches of about PIM_IMPORT_BATCH_MS each; True if it failed.

    Each batch is one short transaction (completeness of its products follows in another).
    The batch size adapts to the measured time per row. On any failure the batches already
    committed are undone (see _undo) and the problems are reported.
    """
    journal = _Journal()
    lookups = _Lookups()
    problems: list[ImportProblem] = []
    target = settings.PIM_IMPORT_BATCH_MS / 1000
    size = _FIRST_BATCH
    try:
        for done, actions in _row_actions(body, columns, catalog, lookups, problems):
            if problems:
                raise _Failed(problems)
            pending = [a for a in actions if a.kind != "unchanged"]
            report.rows.extend(a.outcome() for a in actions if a.kind == "unchanged")
            while pending:
                batch, pending = pending[:size], pending[size:]
                batch_journal = _Journal()
                with completeness_deferred():
                    started = time.monotonic()
                    with transaction.atomic():
                        _apply_batch(batch, catalog, user, batch_journal)
                    elapsed = time.monotonic() - started
                    # Committed: noted before completeness runs, which could fail too.
                    journal.merge(batch_journal)
                _let_others_write()
                report.rows.extend(a.outcome() for a in batch)
                per_row = max(elapsed, 0.001) / len(batch)
                size = max(1, min(_MAX_BATCH, size * 2, int(target / per_row)))
            if progress is not None:
                progress(done, len(body))
    except _Failed as failed:
        report.problems.extend(failed.problems)
        report.problems.extend(_undo(journal, user))
        return True
    except BaseException:
        logger.exception("Import failed; undoing the batches already applied.")
        _undo(journal, user)
        raise
    finally:
        journal.close()
    return False


def _apply_batch(batch: list[_Action], catalog, user, journal: _Journal) -> None:
    updates = [a for a in batch if a.kind == "update"]
    if updates:
        journal.before.update(_snapshots({a.product.pk: a.number for a in updates}))
    creates: list[_Action] = []
    for action in batch:
        if action.kind == "create":
            creates.append(action)
            continue
        # Rows are applied in file order: the new products of earlier rows are saved first,
        # so that this row's slugs are checked against theirs.
        _create(creates, catalog, user, journal)
        _update(action, catalog, user)
    _create(creates, catalog, user, journal)
    touched = [*journal.created, *(a.product.pk for a in updates)]
    journal.versions.update(Product.objects.filter(pk__in=touched).values_list("pk", "version"))


def _create(actions: list[_Action], catalog, user, journal: _Journal) -> None:
    if not actions:
        return
    items = []
    for action in actions:
        try:
            product = product_build(
                sku=action.sku, texts=action.texts, values=action.values, **action.fields
            )
        except ValidationError as exc:
            problems = _problems_from(action.number, exc, action.fields, action.prices)
            raise _Failed(problems) from None
        items.append(
            NewProduct(
                product=product,
                categories=action.m2m.get("categories", ()),
                channels=action.m2m.get("channels", ()),
                prices=_price_items(action.prices, None, catalog),
            )
        )
    failures = products_create_many(items=items, user=user)
    problems = []
    for index, exc in failures.items():
        problems.extend(_service_problems(actions[index], exc))
    if problems:
        raise _Failed(problems)
    for action, item in zip(actions, items, strict=True):
        journal.created[item.product.pk] = action.number
        if action.status and action.status != item.product.status:
            try:
                product_set_status(product=item.product, status=action.status, user=user)
            except (ValidationError, PermissionDenied) as exc:
                raise _Failed(_service_problems(action, exc)) from None
    actions.clear()


def _update(action: _Action, catalog, user) -> None:
    try:
        product = product_update(
            product=action.product,
            user=user,
            expected_version=action.product.version,
            texts=action.texts,
            values=action.values,
            categories=action.m2m.get("categories"),
            channels=action.m2m.get("channels"),
            **action.fields,
        )
        if action.prices:
            product_prices_set(
                product=product,
                prices=_price_items(action.prices, product, catalog),
                user=user,
            )
        if action.status and action.status != product.status:
            product_set_status(product=product, status=action.status, user=user)
    except (ValidationError, PermissionDenied, EditConflict) as exc:
        raise _Failed(_service_problems(action, exc)) from None


def _service_problems(action: _Action, exc: Exception) -> list[ImportProblem]:
    if isinstance(exc, ValidationError):
        return _problems_from(action.number, exc, action.fields, action.prices)
    code = "permission" if isinstance(exc, PermissionDenied) else "conflict"
    return [ImportProblem(action.number, "sku", str(exc), code)]


_SNAPSHOT_SKIP = {"id", "version", "created_at", "updated_at"}


def _snapshots(rows: dict[int, int]) -> dict[int, _Snapshot]:
    """The current state of these products (locked until the batch commits)."""
    names = [f.attname for f in Product._meta.concrete_fields if f.attname not in _SNAPSHOT_SKIP]
    ids = list(rows)
    found = Product.objects.select_for_update().filter(pk__in=ids).order_by().values("pk", *names)
    relations = _Relations.load(ids)
    return {
        data["pk"]: _Snapshot(
            row=rows[data["pk"]],
            fields={name: data[name] for name in names},
            categories=list(relations.categories[data["pk"]]),
            channels=list(relations.channels[data["pk"]]),
            prices=dict(relations.prices[data["pk"]]),
        )
        for data in found
    }


def _undo(journal: _Journal, user) -> list[ImportProblem]:
    """Undo committed batches, newest first, in short transactions; returns what could not be.

    New products are deleted. Updated products get back every field, category, channel and
    price they had, as a new version (API clients that synced the imported state see the
    change) with its own history entry. A product someone else changed after the import
    touched it is left alone and reported: their change is not overwritten.
    """
    problems: list[ImportProblem] = []
    created = list(journal.created)[::-1]
    for start in range(0, len(created), _UNDO_BATCH):
        ids = created[start : start + _UNDO_BATCH]
        try:
            with transaction.atomic():
                Product.objects.filter(pk__in=ids).delete()
            _let_others_write()
        except Exception as exc:  # noqa: BLE001 - reported, and the rest is still undone
            logger.exception("Could not delete imported products %s.", ids)
            problems.extend(_undo_problem(journal.created[pk], exc) for pk in ids)
    updated = journal.snapshots_newest_first()
    while part := list(itertools.islice(updated, _UNDO_BATCH)):
        try:
            with completeness_deferred(), transaction.atomic():
                problems.extend(_restore(part, journal, user))
            _let_others_write()
        except Exception as exc:  # noqa: BLE001
            logger.exception("Could not restore products after a failed import.")
            problems.extend(_undo_problem(snapshot.row, exc) for _pk, snapshot in part)
    return problems


def _undo_problem(row: int, exc: Exception) -> ImportProblem:
    return ImportProblem(
        row,
        "sku",
        _("This row's change could not be undone: %(error)s") % {"error": exc},
        "not_undone",
    )


def _restore(part: list[tuple[int, _Snapshot]], journal: _Journal, user) -> list:
    problems = []
    ids = [pk for pk, _snapshot in part]
    products = {p.pk: p for p in Product.objects.select_for_update().filter(pk__in=ids)}
    prices = defaultdict(dict)
    for price in Price.objects.select_for_update().filter(product_id__in=ids).order_by("pk"):
        prices[price.product_id][(price.channel_id, price.currency, price.audience_id)] = price
    for pk, snapshot in part:
        product = products.get(pk)
        if product is None or product.version != journal.versions.get(pk):
            problems.append(
                ImportProblem(
                    snapshot.row,
                    "sku",
                    _(
                        "Someone else changed or deleted this product during the import, so "
                        "its imported change was not undone; check it."
                    ),
                    "not_undone",
                )  # fmt: skip
            )
            continue
        # Relations first, so that the history entry of the save lists them as restored.
        product.categories.set(snapshot.categories)
        product.channels.set(snapshot.channels)
        for name, value in snapshot.fields.items():
            setattr(product, name, value)
        product.version += 1
        if user is not None:
            product._history_user = user
        product.save()
        current = prices[pk]
        for key, price in current.items():
            if key not in snapshot.prices:
                price.delete()
        for (channel_id, currency, audience_id), (amount, sale) in snapshot.prices.items():
            price = current.get((channel_id, currency, audience_id)) or Price(
                product=product, channel_id=channel_id, currency=currency, audience_id=audience_id
            )
            if price.pk and (price.amount, price.sale_amount) == (amount, sale):
                continue
            price.amount, price.sale_amount = amount, sale
            price.save()
    return problems


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
