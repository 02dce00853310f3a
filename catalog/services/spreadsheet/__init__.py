"""Products to and from spreadsheets (CSV, XLSX): one column per field, language, channel.

Modules, by concern: ``columns`` (what a column holds, the export's columns), ``export``
(products as rows and files), ``import_rows`` (a file's header and rows read into service
arguments and problems), ``importing`` (``products_import``: check, then apply in short
transactions) and ``import_undo`` (the journal that undoes applied batches after a failure).
Reading the files themselves, within limits, is ``catalog.services.spreadsheet_files``.

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
history shows each batch's changes and, after a failure, their undoing.

5. Recovery: the journal is a file under ``VAR_DIR/imports/journal/`` (named by the job id of a
   background import), each batch's record written and fsynced before the batch commits; its
   owner holds a ``flock`` on it. A process killed outright (SIGKILL, power loss) in step 3
   leaves it behind; the worker's housekeeping and the next ``import_products`` undo such an
   import from it (owner known dead, no such process on this host, or no sign of life for
   ``PIM_JOB_STALE_SECONDS``), by the rules of step 4, fail its job saying it was undone, and
   remove the journal. Each undo step is noted in the journal once committed, so a recovery
   killed in turn carries on where it stopped. A finished import removes its journal.

Exports write every text cell through ``catalog.cells.cell_safe`` (no spreadsheet runs a
cell as a formula); imports take the apostrophe off again (``cell_unsafe``), so a round trip
changes nothing. Formula cells in an imported XLSX are reported, never dropped.
"""

from catalog.services.spreadsheet.columns import (
    BASE_COLUMNS,
    LIST_SEPARATOR,
    Column,
    export_columns,
    price_column_name,
    value_column_name,
)
from catalog.services.spreadsheet.export import (
    cell_text,
    product_row,
    products_export,
    products_export_rows,
)
from catalog.services.spreadsheet.import_rows import ImportProblem, RowOutcome, parse_header
from catalog.services.spreadsheet.importing import ImportReport, products_import

__all__ = [
    "BASE_COLUMNS",
    "LIST_SEPARATOR",
    "Column",
    "ImportProblem",
    "ImportReport",
    "RowOutcome",
    "cell_text",
    "export_columns",
    "parse_header",
    "price_column_name",
    "product_row",
    "products_export",
    "products_export_rows",
    "products_import",
    "value_column_name",
]
