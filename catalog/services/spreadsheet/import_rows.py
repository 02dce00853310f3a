"""Import: a file's header and rows read into service arguments (``_Action``).

Each row is compared with the product's export (unchanged rows do nothing); cells that can
never be stored and unknown codes become problems with their row and column. Reads only.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.languages import language_codes
from catalog.models import (
    Attribute,
    AttributeType,
    Category,
    Family,
    Price,
    Product,
    ProductModel,
)
from catalog.models.product import PRODUCT_TEXT_FIELDS
from catalog.services.spreadsheet.columns import (
    BASE_COLUMNS,
    LIST_SEPARATOR,
    Column,
    _Catalog,
    price_column_name,
    value_column_name,
)
from catalog.services.spreadsheet.export import _CHUNK, _Relations, product_row
from catalog.services.spreadsheet_files import (
    CellProblem,
)
from catalog.services.values import decimal_check


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
                    )
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
                )
            )
        yield start + len(chunk), actions


def _text_at(cells, index: int) -> str:
    cell = cells[index] if index < len(cells) else ""
    return cell if isinstance(cell, str) else ""


def _row_cells(number: int, cells, columns, problems) -> dict[str, str]:
    """The row's cells by column name; unreadable cells and impossible amounts become
    problems (text lengths are the services' rule: values.text_fields_check)."""
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
                }
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
                e
                for e in product.values.get(code, ())
                if (e.get("locale"), e.get("channel")) not in given
            ]
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
                channel=catalog.channels[channel],
                currency=currency,
                audience=catalog.audiences.get(audience) if audience else None,
            ).first()
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
                )
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
                )
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
                )
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
                )
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
