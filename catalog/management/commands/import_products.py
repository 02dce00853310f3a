from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.jobs import batch_priority
from catalog.services.spreadsheet import products_import
from catalog.tasks import imports_recover_stale


class Command(BaseCommand):
    help = (
        "Import products from a CSV (UTF-8) or XLSX file (upsert by SKU, all or nothing). "
        "Use --dry-run to see what would change; it takes no database write lock."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        batch_priority()  # pages and scans on this machine come first
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        # An earlier import killed mid-apply (this command or the worker) is undone first.
        imports_recover_stale()

        def progress(done, total):
            # Called while checking and again while applying.
            self.stderr.write(f"  {done}/{total} rows", ending="\r")

        with path.open("rb") as handle:
            report = products_import(
                fileobj=handle, name=path.name, dry_run=options["dry_run"], progress=progress
            )
        self.stderr.write("")
        counts = report.counts()
        for outcome in report.rows:
            if outcome.action != "unchanged":
                changed = ", ".join(outcome.changed[:8]) + (
                    " …" if len(outcome.changed) > 8 else ""
                )
                self.stdout.write(f"row {outcome.row}: {outcome.action} {outcome.sku} ({changed})")
        for problem in report.problems:
            where = f"row {problem.row}, column {problem.column}" if problem.row else "file"
            if problem.row and not problem.column:
                where = f"row {problem.row}"
            self.stdout.write(self.style.ERROR(f"{where}: {problem.message}"))
        summary = (
            f"{counts['create']} to create, {counts['update']} to update, "
            f"{counts['unchanged']} unchanged"
        )
        not_undone = [p for p in report.problems if p.code == "not_undone"]
        if not_undone:
            raise CommandError(
                f"{len(report.problems)} problem(s); the import was undone except for "
                f"{len(not_undone)} row(s) listed above."
            )
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s); nothing was changed.")
        if report.dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run: {summary}; nothing was changed."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
