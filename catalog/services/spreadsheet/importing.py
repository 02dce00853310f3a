"""``products_import``: check every row as the services will, then apply them in short
transactions (see the package docstring for why), undoing the applied batches on failure.
"""

import copy
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.jobs import Heartbeat
from catalog.models import (
    Product,
)
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
from catalog.services.spreadsheet.columns import _Catalog
from catalog.services.spreadsheet.import_rows import (
    ImportProblem,
    RowOutcome,
    _Action,
    _Lookups,
    _price_items,
    _problems_from,
    _row_actions,
    parse_header,
)
from catalog.services.spreadsheet.import_undo import _Journal, _let_others_write, _snapshots, _undo
from catalog.services.spreadsheet_files import (
    SpreadsheetError,
    read_rows,
)
from catalog.services.status import product_set_status, product_status_check
from catalog.services.values import value_schema_for_family

logger = logging.getLogger(__name__)


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


def products_import(
    *,
    fileobj,
    name: str,
    user=None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    job_id: str = "",
) -> ImportReport:
    """Import a CSV or XLSX file of products; see the module docstring for the rules.

    ``progress(done, total)`` is called after each chunk of rows, while checking and again
    while applying. ``job_id`` names the undo journal of a background import, so that the
    recovery of a killed one can fail its job with the reason.
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
    failure = _apply(body, columns, catalog, user, report, progress, job_id)
    if failure:
        report.rows = checked
    return _sorted(report)


def _filled(cells) -> bool:
    return any(not isinstance(c, str) or c.strip() for c in cells)


def _sorted(report: ImportReport) -> ImportReport:
    report.rows.sort(key=lambda outcome: outcome.row)
    report.problems.sort(key=lambda problem: problem.row)
    return report


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


class _Failed(Exception):
    def __init__(self, problems: list[ImportProblem]):
        super().__init__(problems)
        self.problems = problems


_FIRST_BATCH = 20


_MAX_BATCH = 500


def _apply(body, columns, catalog, user, report, progress, job_id) -> bool:
    """Apply the checked rows in batches of about PIM_IMPORT_BATCH_MS each; True if it failed.

    Each batch is one short transaction (completeness of its products follows in another).
    The batch size adapts to the measured time per row. On any failure the batches already
    committed are undone (see _undo) and the problems are reported.
    """
    journal = _Journal.create(job_id=job_id, user_id=getattr(user, "pk", None))
    lookups = _Lookups()
    problems: list[ImportProblem] = []
    target = settings.PIM_IMPORT_BATCH_MS / 1000
    size = _FIRST_BATCH
    try:
        with Heartbeat(journal.touch):
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
                            # On disk before the batch commits: a kill after the commit
                            # leaves what a recovery needs to undo it.
                            journal.merge(batch_journal)
                        elapsed = time.monotonic() - started
                    _let_others_write()
                    report.rows.extend(a.outcome() for a in batch)
                    per_row = max(elapsed, 0.001) / len(batch)
                    size = max(1, min(_MAX_BATCH, size * 2, int(target / per_row)))
                if progress is not None:
                    progress(done, len(body))
    except _Failed as failed:
        report.problems.extend(failed.problems)
        report.problems.extend(_undo(journal, user))
        journal.remove()
        return True
    except BaseException:
        logger.exception("Import failed; undoing the batches already applied.")
        _undo(journal, user)
        journal.remove()
        raise
    finally:
        # An undo that raised keeps the journal: the recovery undoes the rest.
        journal.close()
    journal.remove()
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
        journal.created[item.product.pk] = (action.number, item.product.sku)
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
