"""The life of a publication: requested (queued), rendered in the background, done or failed.

A publication stores its parameters, progress, a readable log, the checksum of the content it
was built from and its result file. Re-publishing unchanged content reuses the earlier file;
a render writes to a temporary file and moves it into place, so a half-written PDF is never
served.
"""

import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.models import Audience, Category, Channel, Product
from publishing.models import Campaign, PaperSize, Publication, PublicationStatus, Theme
from publishing.printing.labels import LABEL_FORMATS

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


def publication_create(
    *,
    kind: str,
    channel: Channel,
    locale: str,
    audience: Audience | None = None,
    category_codes: Sequence[str] = (),
    skus: Sequence[str] = (),
    campaign: Campaign | None = None,
    theme: Theme | None = None,
    paper_size: str = PaperSize.A4,
    label_format: str = "",
    show_prices: bool = True,
    fallback_locale: str = "",
    title: str = "",
    requested_by=None,
) -> Publication:
    """Record a request to publish (status queued); nothing is rendered yet."""
    if locale not in channel.locales:
        raise ValidationError(
            {
                "locale": _("Channel %(channel)s does not publish in %(locale)s.")
                % {"channel": channel.code, "locale": locale}
            }
        )
    if label_format and label_format not in LABEL_FORMATS:
        raise ValidationError(
            {
                "label_format": _("Unknown label format %(code)s (known: %(known)s).")
                % {"code": label_format, "known": ", ".join(LABEL_FORMATS)}
            }
        )
    categories = list(Category.objects.filter(code__in=category_codes))
    unknown = set(category_codes) - {c.code for c in categories}
    if unknown:
        raise ValidationError(
            {
                "categories": _("Unknown category: %(codes)s.")
                % {"codes": ", ".join(sorted(unknown))}
            }
        )
    products = list(Product.objects.filter(sku__in=skus))
    unknown = set(skus) - {p.sku for p in products}
    if unknown:
        raise ValidationError(
            {"products": _("Unknown SKU: %(skus)s.") % {"skus": ", ".join(sorted(unknown))}}
        )
    publication = Publication(
        kind=kind,
        title=title,
        channel=channel,
        locale=locale,
        fallback_locale=fallback_locale,
        audience=audience,
        campaign=campaign,
        theme=theme,
        paper_size=paper_size,
        label_format=label_format,
        show_prices=show_prices,
        requested_by=requested_by,
    )
    publication.full_clean()
    with transaction.atomic():
        publication.save()
        publication.categories.set(categories)
        publication.products.set(products)
    return publication


def publication_enqueue(*, publication: Publication) -> Publication:
    """Hand the render to the configured task backend (it may run at once: "immediate")."""
    from publishing.tasks import publication_render_task

    Publication.objects.filter(pk=publication.pk).update(
        status=PublicationStatus.QUEUED, progress=0
    )
    result = publication_render_task.enqueue(publication.pk)
    Publication.objects.filter(pk=publication.pk).update(task_id=str(result.id))
    publication.refresh_from_db()
    return publication


class _Recorder:
    """Writes progress and log lines to the publication row as the render goes."""

    def __init__(self, publication: Publication, on_progress: Progress | None) -> None:
        self.publication = publication
        self.on_progress = on_progress
        self.lines: list[str] = []

    def log(self, line: str) -> None:
        self.lines.append(f"{timezone.localtime():%H:%M:%S} {line}")
        self._save()

    def progress(self, percent: int, message: str = "") -> None:
        self.publication.progress = max(0, min(100, percent))
        self._save()
        if self.on_progress:
            self.on_progress(self.publication.progress, message)

    def _save(self) -> None:
        self.publication.log = "\n".join(self.lines)
        Publication.objects.filter(pk=self.publication.pk).update(
            progress=self.publication.progress, log=self.publication.log
        )


def _result_name(publication: Publication, checksum: str) -> str:
    return (
        f"publications/{publication.kind}-{publication.channel.code}-{publication.locale}"
        f"-{publication.pk}-{checksum[:10]}.pdf"
    )


def _reusable(publication: Publication, checksum: str) -> Publication | None:
    previous = (
        Publication.objects.filter(status=PublicationStatus.DONE, checksum=checksum)
        .exclude(pk=publication.pk)
        .exclude(file="")
        .order_by("-finished_at")
        .first()
    )
    if previous and default_storage.exists(previous.file.name):
        return previous
    return None


def _store_atomically(render: Callable[[Path], object], name: str) -> object:
    """Render into a temporary file beside the target, then move it into place in one step."""
    if isinstance(default_storage, FileSystemStorage):
        target = Path(default_storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
        try:
            result = render(temporary)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        return result
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        result = render(Path(handle.name))
        handle.seek(0)
        default_storage.save(name, File(handle))
    return result


def publication_render(
    *, publication: Publication, on_progress: Progress | None = None
) -> Publication:
    """Render one publication to PDF, recording progress, log, checksum and outcome.

    Never raises for a failed render: the reason is recorded on the publication (status
    failed), so the background worker and the admin see the same thing.
    """
    from publishing.printing import documents

    now = timezone.now()
    Publication.objects.filter(pk=publication.pk).update(
        status=PublicationStatus.RUNNING, started_at=now, finished_at=None, progress=0, error=""
    )
    publication.status, publication.started_at, publication.error = "running", now, ""
    recorder = _Recorder(publication, on_progress)
    try:
        with translation.override(publication.locale):
            recorder.progress(5, _("Selecting products"))
            source = documents.print_source(publication, build_renditions=True)
            recorder.log(
                _("%(count)s products selected for %(channel)s / %(locale)s")
                % {
                    "count": len(source.views),
                    "channel": publication.channel.code,
                    "locale": publication.locale,
                }
            )
            for line in source.log:
                recorder.log(line)
            recorder.progress(35, _("Content collected"))
            previous = _reusable(publication, source.checksum)
            if previous is not None:
                recorder.log(
                    _("Content unchanged since publication #%(pk)s: its file is reused.")
                    % {"pk": previous.pk}
                )
                _finish(publication, file=previous.file.name, checksum=source.checksum,
                        pages=previous.page_count, reused_from=previous)  # fmt: skip
                recorder.progress(100, _("Done"))
                return publication
            context = documents.print_context(publication, source, progress=recorder.progress)
            for line in context["log"]:
                recorder.log(line)
            # Labels are laid out in parallel parts (pages independent); the rest in one.
            parts = documents.print_html_parts(
                publication, context, parts=documents.print_workers()
            )
            recorder.progress(60, _("Laying out pages"))
            name = _result_name(publication, source.checksum)
            result = _store_atomically(
                lambda path: documents.pdf_write_parts(parts, path, progress=recorder.progress),
                name,
            )
            for refused in result.refused:
                recorder.log(_("Not loaded: %(reason)s") % {"reason": refused})
            recorder.log(
                _("%(pages)s pages written (layout %(layout).1f s, PDF %(write).1f s)")
                % {
                    "pages": result.pages,
                    "layout": result.seconds_layout,
                    "write": result.seconds_write,
                }
            )
            if result.parts > 1:
                recorder.log(
                    _("Laid out in %(parts)s parallel parts, merged in page order")
                    % {"parts": result.parts}
                )
            _finish(publication, file=name, checksum=source.checksum, pages=result.pages)
            recorder.progress(100, _("Done"))
    except Exception as exc:
        if isinstance(exc, ValidationError):
            reason = " ".join(exc.messages)
        else:
            reason = f"{type(exc).__name__}: {exc}"
            logger.exception("Publication %s failed", publication.pk)
        recorder.log(_("Failed: %(reason)s") % {"reason": reason})
        Publication.objects.filter(pk=publication.pk).update(
            status=PublicationStatus.FAILED, error=reason, finished_at=timezone.now()
        )
    publication.refresh_from_db()
    return publication


def _finish(publication: Publication, *, file: str, checksum: str, pages, reused_from=None):
    Publication.objects.filter(pk=publication.pk).update(
        status=PublicationStatus.DONE,
        file=file,
        checksum=checksum,
        page_count=pages,
        reused_from=reused_from,
        finished_at=timezone.now(),
    )
    publication.refresh_from_db()
