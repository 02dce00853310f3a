import sys

from django.core.management.base import BaseCommand

from catalog.services.spreadsheet import products_export


class Command(BaseCommand):
    help = "Export every product as CSV or XLSX in the import format (a lossless round trip)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", "-o", default="-", help="File path or - (stdout).")

    def handle(self, *args, **options):
        if options["output"] == "-":
            count = products_export(fileobj=sys.stdout.buffer, fmt=options["format"])
        else:
            with open(options["output"], "wb") as handle:
                count = products_export(fileobj=handle, fmt=options["format"])
        self.stderr.write(self.style.SUCCESS(f"Exported {count} products."))
