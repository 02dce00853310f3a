"""Background work that recovers: heartbeats, busy-database retries, worker liveness, housekeeping.

A job shows it is alive by a heartbeat written every few seconds by a thread of the process that
runs it (a render's thread writes the publication row; an import's thread writes the shared
cache), so a long PDF layout or XLSX read still beats. A job without a heartbeat for
``PIM_JOB_STALE_SECONDS`` is taken as abandoned by a dead process; the worker's housekeeping (and
the admin pages, on view) then re-queue or fail it with its reason.

Housekeeping hooks: apps register zero-argument callables here in their ``AppConfig.ready()``;
the worker runs them at start, after a worker process died, and every
``PIM_HOUSEKEEPING_SECONDS``. The registry lives in catalog, the lowest app, so every app can
register without catalog importing any of them.

Worker liveness: the worker supervisor (``manage.py run_worker``) writes a short-lived entry in
the shared cache while its worker process lives; the admin shows a banner when tasks wait and
no worker has written one recently.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, connection, connections
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

T = TypeVar("T")

# --- Heartbeats -------------------------------------------------------------------------------


def runner_id() -> str:
    """Who runs a job: host and process id, so the process supervising it knows when it died."""
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_seconds() -> int:
    return max(1, settings.PIM_JOB_STALE_SECONDS)


def heartbeat_seconds() -> float:
    """How often a job beats: six beats fit in the stale bound, so one slow beat is harmless."""
    return max(0.5, stale_seconds() / 6)


# Runners known to be dead in this process (the supervisor adds its worker child when it dies),
# so their jobs are recovered at once instead of after the stale bound.
_dead_runners: set[str] = set()


def runner_mark_dead(runner: str) -> None:
    _dead_runners.add(runner)


def runner_is_dead(runner: str) -> bool:
    return bool(runner) and runner in _dead_runners


def dead_runners() -> list[str]:
    return sorted(_dead_runners)


class Heartbeat:
    """Call ``beat`` every ``heartbeat_seconds()`` in a daemon thread while the block runs.

    A failing beat is logged and retried at the next interval; it never stops the job. The
    thread closes the database connections it opened.
    """

    def __init__(self, beat: Callable[[], object], *, interval: float | None = None) -> None:
        self.beat = beat
        self.interval = interval if interval is not None else heartbeat_seconds()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "Heartbeat":
        # Inside a transaction (a job run in-process within a request or a test), what the job
        # wrote is invisible to the thread's own connection: there is nothing it could update.
        if not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._run, name="pim-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 10)

    def _run(self) -> None:
        from django.db import connections

        try:
            while not self._stop.wait(self.interval):
                try:
                    self.beat()
                except Exception:
                    logger.warning("Heartbeat failed; trying again", exc_info=True)
        finally:
            connections.close_all()


# --- A busy database --------------------------------------------------------------------------


def is_busy_database_error(exc: BaseException) -> bool:
    """SQLite's "database is locked" and PostgreSQL's lock, deadlock and serialization errors."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc).lower()
    return any(
        word in text
        for word in ("locked", "busy", "deadlock", "could not serialize", "lock timeout")
    )


def retry_on_busy(func: Callable[[], T], *, seconds: float | None = None) -> T:
    """Call ``func``; while the database is busy, try again with backoff for up to ``seconds``.

    Only outside a transaction: inside one, the failed statement has spoiled the transaction
    and the whole of it must be retried by its owner.
    """
    budget = settings.PIM_DB_BUSY_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + budget
    delay = 0.1
    while True:
        try:
            return func()
        except OperationalError as exc:
            if (
                not is_busy_database_error(exc)
                or connection.in_atomic_block
                or time.monotonic() + delay > deadline
            ):
                raise
            logger.warning("Database busy (%s); trying again in %.1f s", exc, delay)
        time.sleep(delay)
        delay = min(delay * 2, 2.0)


def close_old_connections() -> None:
    """Django's close_old_connections, but never inside a transaction (a job run in-process
    within a request or a test), where closing would lose the transaction."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


# --- Housekeeping hooks -----------------------------------------------------------------------

_hooks: list[Callable[[], object]] = []


def housekeeping_register(hook: Callable[[], object]) -> Callable[[], object]:
    """Have the worker call ``hook()`` periodically (registering twice adds it once)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def housekeeping_hooks() -> list[Callable[[], object]]:
    return list(_hooks)


def housekeeping_run() -> list[str]:
    """Run every hook; one failing hook is logged and does not stop the others.

    Returns the names of the hooks that failed.
    """
    failed = []
    for hook in housekeeping_hooks():
        close_old_connections()
        try:
            hook()
        except Exception:
            name = f"{hook.__module__}.{getattr(hook, '__qualname__', hook)}"
            logger.exception("Housekeeping %s failed", name)
            failed.append(name)
    close_old_connections()
    return failed


# --- Worker liveness --------------------------------------------------------------------------

ALIVE_KEY = "pim-worker:alive"
WORKER_PREFIX = "pim-"


def worker_key(worker_id: str) -> str:
    return f"pim-worker:{worker_id}"


def worker_heartbeat(*, worker_id: str, runner: str) -> None:
    """Record that the worker ``worker_id`` lives (seen by every process: the shared cache)."""
    entry = {"worker_id": worker_id, "runner": runner, "at": time.time()}
    cache = caches["shared"]
    cache.set(worker_key(worker_id), entry, stale_seconds())
    cache.set(ALIVE_KEY, entry, stale_seconds())


def worker_gone(*, worker_id: str) -> None:
    caches["shared"].delete(worker_key(worker_id))


def worker_is_alive(worker_id: str) -> bool:
    return caches["shared"].get(worker_key(worker_id)) is not None


def any_worker_alive() -> bool:
    return caches["shared"].get(ALIVE_KEY) is not None


def _database_backend():
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    backend = task_backends["default"]
    return backend if isinstance(backend, DatabaseBackend) else None


def _rq_backend_has_no_worker() -> bool:
    from django_tasks import task_backends
    from django_tasks_rq import RQBackend

    if not isinstance(task_backends["default"], RQBackend):
        return False
    import django_rq
    from rq import Worker

    try:
        queue = django_rq.get_queue("default")
        return queue.count > 0 and Worker.count(queue=queue) == 0
    except Exception:  # Redis unreachable: the banner is no place to report it
        logger.warning("Could not ask Redis about RQ workers", exc_info=True)
        return False


def tasks_wait_without_worker() -> bool:
    """True when background tasks are waiting and no worker is alive to run them.

    Database backend: tasks ready to run and no worker heartbeat. RQ: jobs in the queue and no
    registered RQ worker. In-process ("immediate") backend: never.
    """
    backend = _database_backend()
    if backend is None:
        try:
            return _rq_backend_has_no_worker()
        except ImportError:
            return False
    from django_tasks_db.models import DBTaskResult

    if any_worker_alive():
        return False
    return DBTaskResult.objects.ready().filter(backend_name=backend.alias).exists()


def no_worker_message() -> str:
    return _(
        "Background jobs are waiting, but no worker is running to do them. Start it with "
        "“python manage.py run_worker” (scripts/run starts it for you)."
    )


# --- Task results of dead workers ---------------------------------------------------------------


class WorkerStopped(Exception):
    """Recorded on a task result whose worker process died while running it."""


def task_results_recover(*, worker_ids: set[str] | None = None) -> int:
    """Mark running task results of dead workers failed, with the reason.

    ``worker_ids``: workers known dead; otherwise, workers started by ``run_worker`` (their ids
    start with ``pim-``) whose liveness entry has expired. Workers started otherwise
    (plain ``db_worker``) write no liveness entry and are left alone.
    """
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    backend = _database_backend()
    if backend is None:
        return 0
    recovered = 0
    running = DBTaskResult.objects.running().filter(backend_name=backend.alias)
    for result in running.only("id", "worker_ids"):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker_ids is not None:
            dead = worker in worker_ids
        else:
            dead = worker.startswith(WORKER_PREFIX) and not worker_is_alive(worker)
        if not dead:
            continue
        reason = _("The worker %(worker)s stopped while running this task.") % {"worker": worker}
        recovered += retry_on_busy(
            lambda pk=result.pk, reason=reason: DBTaskResult.objects.filter(
                pk=pk, status="RUNNING"
            ).update(
                status="FAILED",
                finished_at=timezone.now(),
                exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
                traceback=f"{WorkerStopped.__qualname__}: {reason}\n",
            )
        )
    return recovered


def task_results_recover_stale() -> None:
    """Housekeeping hook: see ``task_results_recover``."""
    task_results_recover()


def task_status(task_id: str) -> str | None:
    """The backend's status of a task ("READY", "RUNNING", "FAILED", "SUCCESSFUL"), "MISSING"
    when the backend has no such task, or None when the backend cannot tell (immediate)."""
    from django_tasks import task_backends
    from django_tasks.exceptions import TaskResultDoesNotExist

    backend = task_backends["default"]
    if not task_id or not backend.supports_get_result:
        return None
    try:
        return str(backend.get_result(task_id).status)
    except TaskResultDoesNotExist:
        return "MISSING"
    except Exception:
        logger.warning("Could not read the status of task %s", task_id, exc_info=True)
        return None


def batch_priority() -> None:
    """Run the calling process at the worker's CPU priority (``PIM_WORKER_NICE``).

    Command-line batch work (imports, publications) is the same kind of work as the worker's
    and shares the machine with the web server: pages and QR scans come first.
    """
    wanted = settings.PIM_WORKER_NICE
    current = os.nice(0)
    if wanted > current:
        os.nice(wanted - current)
