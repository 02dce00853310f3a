"""Background jobs of the catalog (django-tasks): large spreadsheet imports with progress.

A job's state lives in the shared cache (seen by the web server and the worker): queued,
running (rows done of total), done (the report) or failed (the reason). While it runs, a thread
beats in its own key, so an import whose worker died is noticed (see catalog.jobs): the import
page and the worker's housekeeping then fail it with that reason and remove its upload. Uploads
that no job claims are removed after ``PIM_ORPHAN_UPLOAD_HOURS``.
"""

import logging
import re
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from catalog.jobs import Heartbeat, runner_id, runner_is_dead, stale_seconds, task_status
from catalog.services.spreadsheet import products_import
from catalog.services.spreadsheet.import_undo import RecoveredImport, import_journals_recover

logger = logging.getLogger(__name__)

PROGRESS_TTL = 24 * 3600
UPLOAD_FOLDER = "imports"
_UPLOAD_NAME = re.compile(r"^(?P<job>[0-9a-f]{32})-")


def import_progress_key(job_id: str) -> str:
    return f"catalog-import:{job_id}"


def _beat_key(job_id: str) -> str:
    return f"catalog-import:{job_id}:beat"


def _task_key(job_id: str) -> str:
    return f"catalog-import:{job_id}:task"


def _set_state(job_id: str, state: dict) -> None:
    caches["shared"].set(import_progress_key(job_id), {**state, "at": time.time()}, PROGRESS_TTL)


def _beat(job_id: str, runner: str) -> None:
    caches["shared"].set(_beat_key(job_id), {"at": time.time(), "runner": runner}, PROGRESS_TTL)


def import_job_start(*, upload, user_id: int | None, dry_run: bool) -> str:
    """Store an uploaded spreadsheet and queue its import; returns the job id."""
    job_id = uuid.uuid4().hex
    path = default_storage.save(f"{UPLOAD_FOLDER}/{job_id}-{upload.name}", upload)
    _set_state(job_id, {"state": "queued", "path": path})
    result = products_import_task.enqueue(job_id, path, upload.name, user_id, dry_run)
    caches["shared"].set(_task_key(job_id), str(result.id), PROGRESS_TTL)
    return job_id


def import_progress(job_id: str) -> dict | None:
    """What a job reports: state, done, total, report or error.

    An abandoned job (its worker died) is failed here with the reason, so the page that asks
    never shows a job running forever.
    """
    state = caches["shared"].get(import_progress_key(job_id))
    if state is not None and _abandoned(job_id, state):
        state = _fail_abandoned(job_id, state)
    return state


def _abandoned(job_id: str, state: dict) -> bool:
    cutoff = time.time() - stale_seconds()
    if state.get("state") == "running":
        beat = caches["shared"].get(_beat_key(job_id)) or {}
        last = max(beat.get("at", 0), state.get("at", 0))
        return runner_is_dead(beat.get("runner", "")) or last < cutoff
    if state.get("state") == "queued" and state.get("at", 0) < cutoff:
        status = task_status(caches["shared"].get(_task_key(job_id)) or "")
        return status in ("SUCCESSFUL", "FAILED", "MISSING")
    return False


def _fail_abandoned(job_id: str, state: dict) -> dict:
    beat = caches["shared"].get(_beat_key(job_id)) or {}
    if state.get("state") != "running":
        reason = _(
            "The import task ended without running (its worker stopped); the import failed. "
            "Upload the file again."
        )
    elif runner_is_dead(beat.get("runner", "")):
        reason = _(
            "The worker stopped while importing (its process %(runner)s ended); the import "
            "failed. Upload the file again."
        ) % {"runner": beat["runner"]}
    else:
        reason = _(
            "The worker stopped while importing (no sign of life for %(seconds)s s); the import "
            "failed. Upload the file again."
        ) % {"seconds": stale_seconds()}
    # Only if nothing was recorded meanwhile (the job may have finished after all).
    if caches["shared"].get(import_progress_key(job_id)) != state:
        return caches["shared"].get(import_progress_key(job_id))
    failed = {"state": "failed", "error": reason, "path": state.get("path", "")}
    _set_state(job_id, failed)
    logger.warning("Import %s: %s", job_id, reason)
    _remove_upload(state.get("path", ""))
    return caches["shared"].get(import_progress_key(job_id)) or failed


def _fail_undone(recovered: RecoveredImport) -> None:
    """The job of an import undone after its process died: failed, saying it was undone."""
    if recovered.problems:
        reason = _(
            "The worker stopped while importing (its process %(runner)s ended); the rows "
            "already applied were undone, except %(count)s that someone changed meanwhile: "
            "%(rows)s. Check them, then upload the file again."
        ) % {
            "runner": recovered.owner,
            "count": len(recovered.problems),
            "rows": ", ".join(str(p.row) for p in recovered.problems[:20]),
        }
    else:
        reason = _(
            "The worker stopped while importing (its process %(runner)s ended); the rows "
            "already applied were undone, so nothing changed. Upload the file again."
        ) % {"runner": recovered.owner}
    state = caches["shared"].get(import_progress_key(recovered.job_id)) or {}
    problems = [vars(p) for p in recovered.problems]
    _set_state(
        recovered.job_id,
        {"state": "failed", "error": reason, "undo_problems": problems, "undone": True},
    )
    logger.warning("Import %s: %s", recovered.job_id, reason)
    _remove_upload(state.get("path", ""))


def _remove_upload(path: str) -> None:
    if path and default_storage.exists(path):
        default_storage.delete(path)


def imports_recover_stale() -> list[str]:
    """Housekeeping: undo and fail imports killed mid-apply; fail abandoned imports; remove
    uploads no live job claims.

    An import whose process died while applying is undone from its journal (see
    ``import_journals_recover``) and its job, if it ran in the worker, failed with a reason
    saying so. An upload is kept while its job is queued or running; removed once its job has
    finished or failed, and when no job state is known for it after ``PIM_ORPHAN_UPLOAD_HOURS``.
    """
    for recovered in import_journals_recover():
        if recovered.job_id:
            _fail_undone(recovered)
    try:
        _folders, files = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return []
    removed = []
    orphan_cutoff = timezone.now() - timedelta(hours=settings.PIM_ORPHAN_UPLOAD_HOURS)
    for name in files:
        path = f"{UPLOAD_FOLDER}/{name}"
        match = _UPLOAD_NAME.match(name)
        state = import_progress(match["job"]) if match else None
        if state is not None and state.get("state") in ("queued", "running"):
            continue
        if state is None:
            try:
                if default_storage.get_modified_time(path) >= orphan_cutoff:
                    continue
            except FileNotFoundError:
                continue
        if default_storage.exists(path):
            default_storage.delete(path)
            removed.append(path)
    if removed:
        logger.warning("Removed import uploads no job claims: %s", ", ".join(removed))
    return removed


@task()
def products_import_task(
    job_id: str, path: str, name: str, user_id: int | None = None, dry_run: bool = False
) -> dict:
    """Import a stored spreadsheet; progress and the final report go to the shared cache."""
    runner = runner_id()
    _beat(job_id, runner)
    _set_state(job_id, {"state": "running", "done": 0, "total": None, "path": path})
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None

    def progress(done: int, total: int) -> None:
        _set_state(job_id, {"state": "running", "done": done, "total": total, "path": path})

    try:
        with Heartbeat(lambda: _beat(job_id, runner)), default_storage.open(path, "rb") as handle:
            report = products_import(
                fileobj=handle,
                name=name,
                user=user,
                dry_run=dry_run,
                progress=progress,
                job_id=job_id,
            )
    except Exception as exc:
        _set_state(job_id, {"state": "failed", "error": str(exc)})
        raise
    finally:
        _remove_upload(path)
    result = report.as_dict()
    _set_state(job_id, {"state": "done", "report": result})
    return result
