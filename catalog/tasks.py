"""Background jobs of the catalog (django-tasks): large spreadsheet imports with progress."""

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.storage import default_storage
from django_tasks import task

from catalog.services.spreadsheet import products_import

PROGRESS_TTL = 24 * 3600


def import_progress_key(job_id: str) -> str:
    return f"catalog-import:{job_id}"


def import_progress(job_id: str) -> dict | None:
    """What a running or finished import job reports: state, done, total, report."""
    return caches["shared"].get(import_progress_key(job_id))


@task()
def products_import_task(
    job_id: str, path: str, name: str, user_id: int | None = None, dry_run: bool = False
) -> dict:
    """Import a stored spreadsheet; progress and the final report go to the shared cache."""
    key = import_progress_key(job_id)
    caches["shared"].set(key, {"state": "running", "done": 0, "total": None}, PROGRESS_TTL)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None

    def progress(done: int, total: int) -> None:
        caches["shared"].set(key, {"state": "running", "done": done, "total": total}, PROGRESS_TTL)

    try:
        with default_storage.open(path, "rb") as handle:
            report = products_import(
                fileobj=handle, name=name, user=user, dry_run=dry_run, progress=progress
            )
    except Exception as exc:
        caches["shared"].set(key, {"state": "failed", "error": str(exc)}, PROGRESS_TTL)
        raise
    finally:
        default_storage.delete(path)
    result = report.as_dict()
    caches["shared"].set(key, {"state": "done", "report": result}, PROGRESS_TTL)
    return result
