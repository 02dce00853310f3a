"""manage.py publish <kind> --channel … --locale … [--category … | --sku …] -o file.pdf

Renders in this process. While another process writes (the worker, an import), every write is
retried for up to PIM_DB_BUSY_SECONDS; if the database stays busy the publication is failed
with that reason and the command exits non-zero, so no request is left queued.
"""

import shutil

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from catalog.jobs import batch_priority, retry_on_busy
from catalog.models import Audience, Channel
from publishing.models import Campaign, PaperSize, PublicationKind, PublicationStatus, Theme
from publishing.printing.labels import LABEL_FORMATS
from publishing.services import publication_create, publication_render
from publishing.services.publications import publication_fail


def _get(model, code: str | None, what: str):
    if not code:
        return None
    try:
        return model.objects.get(code=code)
    except model.DoesNotExist as exc:
        raise CommandError(f"Unknown {what}: {code}") from exc


class Command(BaseCommand):
    help = "Render a catalog, sheet, brochure or labels to PDF (in this process)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[k.value for k in PublicationKind])
        parser.add_argument("--channel", required=True, help="Channel code.")
        parser.add_argument("--locale", required=True, help="Language code, e.g. fa.")
        parser.add_argument("--fallback-locale", default="", help="Shown when incomplete.")
        parser.add_argument("--audience", help="Audience code (default: the public).")
        parser.add_argument("--category", action="append", default=[], help="Repeatable.")
        parser.add_argument("--sku", action="append", default=[], help="Repeatable.")
        parser.add_argument("--campaign", help="Campaign code (offer brochure).")
        parser.add_argument("--theme", help="Theme code (default: the default theme).")
        parser.add_argument("--paper", choices=[p.value for p in PaperSize], default="A4")
        parser.add_argument("--label-format", choices=list(LABEL_FORMATS), default="")
        parser.add_argument("--no-prices", action="store_true")
        parser.add_argument("--title", default="")
        parser.add_argument("-o", "--output", required=True, help="Where to copy the PDF.")

    def handle(self, *args, **options):
        batch_priority()  # pages and scans on this machine come first
        if options["category"] and options["sku"]:
            raise CommandError("Use --category or --sku, not both.")
        try:
            publication = self._create(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except OperationalError as exc:
            raise CommandError(
                f"The database stayed busy ({exc}); nothing was published. Try again."
            ) from exc
        try:
            publication = publication_render(
                publication=publication, on_progress=self._progress_bar()
            )
        except OperationalError as exc:
            self._fail(publication, exc)
        if self.stdout.isatty():
            self.stdout.write("")
        for line in publication.log.splitlines():
            self.stdout.write(f"  {line}")
        if publication.status != PublicationStatus.DONE:
            raise CommandError(f"Publication #{publication.pk} failed: {publication.error}")
        with (
            default_storage.open(publication.file.name, "rb") as source,
            open(options["output"], "wb") as target,
        ):
            shutil.copyfileobj(source, target)
        self.stdout.write(
            self.style.SUCCESS(
                f"Publication #{publication.pk}: {publication.page_count} pages -> "
                f"{options['output']}"
            )
        )

    def _create(self, options):
        return retry_on_busy(
            lambda: publication_create(
                kind=options["kind"],
                channel=_get(Channel, options["channel"], "channel"),
                locale=options["locale"],
                fallback_locale=options["fallback_locale"],
                audience=_get(Audience, options["audience"], "audience"),
                category_codes=options["category"],
                skus=options["sku"],
                campaign=_get(Campaign, options["campaign"], "campaign"),
                theme=_get(Theme, options["theme"], "theme"),
                paper_size=options["paper"],
                label_format=options["label_format"],
                show_prices=not options["no_prices"],
                title=options["title"],
            )
        )

    def _fail(self, publication, exc: OperationalError):
        reason = f"The database stayed busy for too long ({exc})."
        try:
            publication_fail(publication=publication, reason=reason)
        except OperationalError as again:
            raise CommandError(
                f"Publication #{publication.pk} could not be rendered: {reason} Its record "
                "could not be updated either; the worker's housekeeping will take it up again."
            ) from again
        raise CommandError(f"Publication #{publication.pk} failed: {reason}") from exc

    def _progress_bar(self):
        if not self.stdout.isatty():
            return None

        def show(percent: int, message: str) -> None:
            filled = percent * 30 // 100
            bar = "#" * filled + "-" * (30 - filled)
            self.stdout.write(f"\r[{bar}] {percent:3d}% {message[:40]:<40}", ending="")
            self.stdout.flush()

        return show
