"""The life of a publication: requested (queued), rendered in the background, done or failed.

A publication stores its parameters, progress, a readable log, the checksum of the content it
was built from and its result file. Re-publishing unchanged content reuses the earlier file;
a render writes to a temporary file and moves it into place, so a half-written PDF is never
served, and rendering again gives the same file: a render is safe to repeat.

Recovery: a render beats (``heartbeat_at``) from a thread while it runs. A running render
without a heartbeat for ``PIM_JOB_STALE_SECONDS`` (its process died: SIGKILL, out of memory) is
re-queued, at most ``PIM_JOB_MAX_ATTEMPTS`` renders in all, then failed with the reason; its
temporary file is removed (``publications_recover_stale``, run by the worker's housekeeping and
on the admin pages). Every write is a short statement of its own, retried while the database is
busy, never a transaction held during layout.
"""

import logging
import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.jobs import (
    Heartbeat,
    dead_runners,
    is_busy_database_error,
    retry_on_busy,
    runner_id,
    runner_is_dead,
    stale_seconds,
    task_status,
)
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


def _write(publication_pk: int, *, seconds: float | None = None, **fields) -> int:
    """One short UPDATE of the publication row, retried while the database is busy."""
    return retry_on_busy(
        lambda: Publication.objects.filter(pk=publication_pk).update(**fields), seconds=seconds
    )


def publication_enqueue(*, publication: Publication) -> Publication:
    """Hand the render to the configured task backend (it may run at once: "immediate").

    Asked by a person ("Render again", a new request): the attempts and the log start again.
    """
    _write(
        publication.pk,
        log="",
        status=PublicationStatus.QUEUED,
        progress=0,
        attempts=0,
        heartbeat_at=timezone.now(),
        runner="",
    )
    return _enqueue(publication)


def _enqueue(publication: Publication) -> Publication:
    from publishing.tasks import publication_render_task

    result = publication_render_task.enqueue(publication.pk)
    _write(publication.pk, task_id=str(result.id))
    publication.refresh_from_db()
    return publication


class _Recorder:
    """Writes progress and log lines to the publication row as the render goes.

    Progress is informative: a write that still finds the database busy after a short retry is
    skipped (the next one carries the latest state) rather than failing the render.
    """

    def __init__(
        self, publication: Publication, on_progress: Progress | None, *, lines: list[str]
    ) -> None:
        self.publication = publication
        self.on_progress = on_progress
        self.lines = lines

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
        try:
            _write(
                self.publication.pk,
                seconds=_PROGRESS_RETRY_SECONDS,
                progress=self.publication.progress,
                log=self.publication.log,
            )
        except OperationalError as exc:
            if not is_busy_database_error(exc):
                raise
            logger.warning("Publication %s: progress not recorded (%s)", self.publication.pk, exc)


# A progress line is worth a short wait for a busy database, not a long one.
_PROGRESS_RETRY_SECONDS = 10


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


# ".<target name>.<32 hex>.part" beside the target while a render writes it (see below).
_PART_SUFFIX = ".part"
# Labels laid out in parallel parts add ".<n>" for each part.
_PART_PATTERN = re.compile(r"^\..+-(?P<pk>\d+)-[0-9a-f]{10}\.pdf\.[0-9a-f]{32}\.part(\.\d+)?$")
# Without local media (S3), a render writes into the temporary folder first.
_TEMPORARY_PREFIX = "pim-publication-"


def _store_atomically(render: Callable[[Path], object], name: str) -> object:
    """Render into a temporary file beside the target, then move it into place in one step."""
    if isinstance(default_storage, FileSystemStorage):
        target = Path(default_storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}{_PART_SUFFIX}")
        try:
            result = render(temporary)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        return result
    with tempfile.NamedTemporaryFile(prefix=_TEMPORARY_PREFIX, suffix=".pdf") as handle:
        result = render(Path(handle.name))
        handle.seek(0)
        default_storage.save(name, File(handle))
    return result


def publication_render(
    *, publication: Publication, on_progress: Progress | None = None
) -> Publication:
    """Render one publication to PDF, recording progress, log, checksum and outcome.

    Never raises for a failed render: the reason is recorded on the publication (status
    failed), so the background worker and the admin see the same thing. Only a database that
    stays busy past ``PIM_DB_BUSY_SECONDS`` raises (OperationalError): then the outcome could not
    be written, and the worker's housekeeping takes the render up again.
    """
    now = timezone.now()
    runner = runner_id()
    # The first write: if the database stays busy past PIM_DB_BUSY_SECONDS this raises, and the
    # request stays queued for the worker's housekeeping to take up again.
    _write(
        publication.pk,
        status=PublicationStatus.RUNNING,
        started_at=now,
        finished_at=None,
        progress=0,
        error="",
        heartbeat_at=now,
        runner=runner,
        attempts=F("attempts") + 1,
    )
    publication.refresh_from_db()
    # A render taken up again after its worker died keeps the earlier log (it says why); a new
    # request starts with an empty one (publication_enqueue).
    lines = publication.log.splitlines()
    recorder = _Recorder(publication, on_progress, lines=lines)
    with Heartbeat(lambda: _beat(publication.pk, runner)):
        _render(publication, recorder)
    publication.refresh_from_db()
    return publication


def _beat(publication_pk: int, runner: str) -> None:
    Publication.objects.filter(
        pk=publication_pk, status=PublicationStatus.RUNNING, runner=runner
    ).update(heartbeat_at=timezone.now())


def _render(publication: Publication, recorder: _Recorder) -> None:
    from publishing.printing import documents

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
                _finish(
                    publication,
                    file=previous.file.name,
                    checksum=source.checksum,
                    pages=previous.page_count,
                    reused_from=previous,
                )
                recorder.progress(100, _("Done"))
                return
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
        if is_busy_database_error(exc):
            reason = _("The database stayed busy for too long (%(error)s).") % {"error": exc}
        recorder.log(_("Failed: %(reason)s") % {"reason": reason})
        _write(
            publication.pk,
            status=PublicationStatus.FAILED,
            error=reason,
            finished_at=timezone.now(),
        )


def _finish(publication: Publication, *, file: str, checksum: str, pages, reused_from=None):
    _write(
        publication.pk,
        status=PublicationStatus.DONE,
        file=file,
        checksum=checksum,
        page_count=pages,
        reused_from=reused_from,
        finished_at=timezone.now(),
    )
    publication.refresh_from_db()


def publication_fail(*, publication: Publication, reason: str) -> Publication:
    """Record that a render cannot happen, with the reason (e.g. the database stayed busy)."""
    line = f"{timezone.localtime():%H:%M:%S} " + _("Failed: %(reason)s") % {"reason": reason}
    publication.refresh_from_db()
    log = "\n".join(filter(None, [publication.log, line]))
    _write(
        publication.pk,
        status=PublicationStatus.FAILED,
        error=reason,
        log=log,
        finished_at=timezone.now(),
    )
    publication.refresh_from_db()
    return publication


# --- Recovery ----------------------------------------------------------------------------------


def _last_sign_of_life():
    return Coalesce("heartbeat_at", "started_at", "created_at")


def publication_recover(*, publication: Publication) -> Publication:
    """Take up a render whose process died: re-queue it, or fail it after too many attempts.

    Only a publication that is still abandoned when written changes (one conditional UPDATE),
    so two processes recovering at once re-queue it once.
    """
    abandoned = Q(pk=publication.pk, status=publication.status, runner=publication.runner)
    if publication.status != PublicationStatus.RUNNING:
        abandoned &= Q(task_id=publication.task_id)
        cause = _("The request was not taken up (its task ended or was lost)")
    elif runner_is_dead(publication.runner):
        cause = _("The worker stopped while rendering (its process %(runner)s ended)") % {
            "runner": publication.runner
        }
    else:
        cause = _("The worker stopped while rendering (no sign of life for %(seconds)s s)") % {
            "seconds": stale_seconds()
        }
    stamp = f"{timezone.localtime():%H:%M:%S} "
    if publication.attempts >= settings.PIM_JOB_MAX_ATTEMPTS:
        reason = _("%(cause)s; failed after %(attempts)s attempts.") % {
            "cause": cause,
            "attempts": publication.attempts,
        }
        log = "\n".join(filter(None, [publication.log, stamp + reason]))
        Publication.objects.filter(abandoned).update(
            status=PublicationStatus.FAILED, error=reason, log=log, finished_at=timezone.now()
        )
        publication.refresh_from_db()
        return publication
    reason = _("%(cause)s; re-queued (attempt %(next)s of %(max)s).") % {
        "cause": cause,
        "next": publication.attempts + 1,
        "max": settings.PIM_JOB_MAX_ATTEMPTS,
    }
    log = "\n".join(filter(None, [publication.log, stamp + reason]))
    taken = Publication.objects.filter(abandoned).update(
        status=PublicationStatus.QUEUED,
        progress=0,
        log=log,
        task_id="",
        runner="",
        heartbeat_at=timezone.now(),
    )
    if taken:
        logger.warning("Publication %s: %s", publication.pk, reason)
        return _enqueue(publication)
    publication.refresh_from_db()
    return publication


def publication_is_abandoned(publication: Publication, *, now=None) -> bool:
    """A running render without a recent heartbeat, or one whose runner is known dead; or a
    queued request no task will pick up (its task finished or vanished, or it never had one)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    last = publication.heartbeat_at or publication.started_at or publication.created_at
    if publication.status == PublicationStatus.RUNNING:
        return runner_is_dead(publication.runner) or last < cutoff
    if publication.status != PublicationStatus.QUEUED or last >= cutoff:
        return False
    if not publication.task_id:
        return True
    return task_status(publication.task_id) in ("SUCCESSFUL", "FAILED", "MISSING")


def publications_recover_stale() -> list[Publication]:
    """Housekeeping: recover every abandoned render, then remove leftover temporary files."""
    cutoff = timezone.now() - timedelta(seconds=stale_seconds())
    candidates = Publication.objects.annotate(last=_last_sign_of_life()).filter(
        Q(status=PublicationStatus.RUNNING, last__lt=cutoff)
        | Q(status=PublicationStatus.QUEUED, last__lt=cutoff)
        | Q(status=PublicationStatus.RUNNING, runner__in=dead_runners())
    )
    recovered = [
        publication_recover(publication=publication)
        for publication in candidates
        if publication_is_abandoned(publication)
    ]
    publication_temporary_files_remove()
    return recovered


def publication_temporary_files_remove() -> list[str]:
    """Remove ``.part`` files no live render is writing (older than the stale bound)."""
    removed: list[str] = []
    cutoff = time.time() - stale_seconds()
    if isinstance(default_storage, FileSystemStorage):
        folder = Path(default_storage.path("publications"))
        candidates = folder.glob(f".*{_PART_SUFFIX}*") if folder.is_dir() else []
        for path in candidates:
            match = _PART_PATTERN.match(path.name)
            pk = int(match["pk"]) if match else None
            live = (
                pk is not None
                and Publication.objects.filter(
                    pk=pk,
                    status=PublicationStatus.RUNNING,
                    heartbeat_at__gte=timezone.now() - timedelta(seconds=stale_seconds()),
                ).exists()
            )
            if not live and _older_than(path, cutoff):
                path.unlink(missing_ok=True)
                removed.append(path.name)
    # Temporary files of renders to remote storage, on this machine, are a day's grace away.
    for path in Path(tempfile.gettempdir()).glob(f"{_TEMPORARY_PREFIX}*.pdf"):
        if _older_than(path, time.time() - 24 * 3600):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    if removed:
        logger.warning("Removed leftover render files: %s", ", ".join(removed))
    return removed


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False
