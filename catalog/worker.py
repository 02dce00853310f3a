"""The background worker: survives a busy database, is restarted when it dies, keeps house.

``manage.py run_worker`` is a small supervisor. It runs the worker in a child process (the
database backend's worker below, or ``rqworker`` with ``PIM_TASK_BACKEND=rq``), restarts it with
backoff when it dies and says so on the console, writes the liveness entry the admin's banner
reads while the child lives, and runs the housekeeping hooks (catalog.jobs): at start, at once
when the child died (its jobs are recovered without waiting for the stale bound) and every
``PIM_HOUSEKEEPING_SECONDS``. Housekeeping runs in the supervisor, so a long render in the child
never delays it.

The child is django-tasks-db's worker with one change: a database error (SQLite's "database
is locked" while another process writes, PostgreSQL restarting) is waited out with backoff
instead of ending the process; and an idle poll only reads, so an idle worker takes no write
lock.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from catalog.jobs import (
    WORKER_PREFIX,
    close_old_connections,
    heartbeat_seconds,
    housekeeping_run,
    retry_on_busy,
    runner_mark_dead,
    task_results_recover,
    worker_gone,
    worker_heartbeat,
)

logger = logging.getLogger(__name__)

# Restart delays after a crash: doubling from the first to the last; a child that ran this long
# counts as healthy again.
RESTART_DELAY_FIRST = 1.0
RESTART_DELAY_MAX = 30.0
HEALTHY_AFTER_SECONDS = 60.0
# How long a stopping supervisor lets its child finish the current task before killing it
# (a killed render is re-queued at the next start).
STOP_GRACE_SECONDS = 10.0


class Backoff:
    """1, 2, 4 … up to ``maximum`` seconds; ``reset`` after a success."""

    def __init__(self, first: float = RESTART_DELAY_FIRST, maximum: float = RESTART_DELAY_MAX):
        self.first, self.maximum = first, maximum
        self.current = 0.0

    def next(self) -> float:
        self.current = self.first if not self.current else min(self.current * 2, self.maximum)
        return self.current

    def reset(self) -> None:
        self.current = 0.0


def _close_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def _patient(record: Callable) -> Callable:
    def call(*args, **kwargs):
        return retry_on_busy(lambda: record(*args, **kwargs))

    return call


class PimWorker(Worker):
    """django-tasks-db's worker that waits out database errors instead of exiting."""

    sleep = staticmethod(time.sleep)

    def run(self) -> None:
        logger.info("Worker %s started (pid %s)", self.worker_id, os.getpid())
        backoff = Backoff(first=0.5)
        while self.running:
            try:
                ran = self.run_once()
            except OperationalError as exc:
                delay = backoff.next()
                logger.warning(
                    "Database error in the worker (%s); trying again in %.1f s", exc, delay
                )
                _close_broken_connections()
                if self.running:
                    self.sleep(delay)
                continue
            backoff.reset()
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Worker %s ran %s tasks; exiting", self.worker_id, self._run_tasks)
                return
            if self.batch and not ran:
                return
            if self.running and not ran:
                self.sleep(self.interval)

    def ready_tasks(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        return tasks

    def run_once(self) -> bool:
        """Claim and run one ready task; False when there was none."""
        close_old_connections()
        tasks = self.ready_tasks()
        # A plain read first: on SQLite the claim below takes the write lock, and an idle
        # worker polling every second should not compete with scans and edits for it.
        if not tasks.exists():
            return False
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is None:
                return False
            task_result.claim(self.worker_id)
        self.run_task(task_result)
        close_old_connections()
        return True

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # The library tries to record an outcome three times; a busy database may need longer.
        db_task_result.set_successful = _patient(db_task_result.set_successful)
        db_task_result.set_failed = _patient(db_task_result.set_failed)
        super().run_task(db_task_result)


def watch_supervisor(supervisor_pid: int, *, interval: float = 2.0) -> threading.Thread:
    """Stop this worker (as on SIGTERM) when its supervisor is gone, so none is left behind."""

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != supervisor_pid:
                logger.warning("The worker's supervisor is gone; the worker stops.")
                os.kill(os.getpid(), signal.SIGTERM)
                return

    thread = threading.Thread(target=watch, name="pim-supervisor-watch", daemon=True)
    thread.start()
    return thread


def child_command(*, worker_id: str, options: list[str]) -> list[str]:
    """How the supervisor starts its worker process for the configured task backend.

    The worker runs at a lower CPU priority (``PIM_WORKER_NICE``): PDF layout and imports may
    take every core, while pages and QR scans on the same machine must answer at once.
    """
    command = _worker_command(worker_id=worker_id, options=options)
    nice = shutil.which("nice")
    if settings.PIM_WORKER_NICE > 0 and nice:
        return [nice, "-n", str(settings.PIM_WORKER_NICE), *command]
    return command


def _worker_command(*, worker_id: str, options: list[str]) -> list[str]:
    manage = str(settings.BASE_DIR / "manage.py")
    if settings.PIM_TASK_BACKEND == "rq":
        return [
            sys.executable,
            manage,
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "--name",
            worker_id,
            "default",
        ]
    return [
        sys.executable,
        manage,
        "run_worker",
        "--child",
        "--worker-id",
        worker_id,
        "--supervisor-pid",
        str(os.getpid()),
        *options,
    ]


class Supervisor:
    """Runs one worker child, restarts it when it dies, beats and keeps house meanwhile."""

    def __init__(
        self,
        *,
        options: list[str] = (),
        say: Callable[[str], None] = print,
        spawn: Callable[[list[str]], subprocess.Popen] = subprocess.Popen,
    ) -> None:
        self.options = list(options)
        self.say = say
        self.spawn = spawn
        self.child: subprocess.Popen | None = None
        self.worker_id = ""
        self.started_at = 0.0
        self.restarts = 0
        self.stopping = False
        self.backoff = Backoff()
        self._count = 0

    def stop(self, signum=None, frame=None) -> None:
        self.stopping = True

    def _new_worker_id(self) -> str:
        self._count += 1
        host = socket.gethostname()[:24]
        return f"{WORKER_PREFIX}{host}-{os.getpid()}-{self._count}"[:64]

    def start_child(self) -> None:
        self.worker_id = self._new_worker_id()
        self.child = self.spawn(child_command(worker_id=self.worker_id, options=self.options))
        self.started_at = time.monotonic()
        self.beat()

    def beat(self) -> None:
        if self.child is None:
            return
        try:
            worker_heartbeat(
                worker_id=self.worker_id, runner=f"{socket.gethostname()}:{self.child.pid}"
            )
        except Exception:
            logger.warning("Could not record that the worker lives", exc_info=True)

    def housekeeping(self) -> None:
        try:
            housekeeping_run()
        except Exception:
            logger.exception("Housekeeping failed")

    def child_died(self, code: int) -> float:
        """Recover what the dead child was doing; returns the delay before the restart."""
        child, worker_id = self.child, self.worker_id
        self.child = None
        runner_mark_dead(f"{socket.gethostname()}:{child.pid}")
        try:
            worker_gone(worker_id=worker_id)
            task_results_recover(worker_ids={worker_id})
        except Exception:
            logger.exception("Could not mark the tasks of worker %s failed", worker_id)
        self.housekeeping()
        if time.monotonic() - self.started_at >= HEALTHY_AFTER_SECONDS:
            self.backoff.reset()
        return self.backoff.next()

    @staticmethod
    def describe(code: int) -> str:
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def run(self, *, poll: float = 0.5) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.stop)
        self.say(f"Worker supervisor started (pid {os.getpid()}).")
        # Jobs of workers that died before this start (a reboot, a killed supervisor).
        self.housekeeping()
        restart_at = time.monotonic()
        next_beat = next_housekeeping = time.monotonic()
        next_housekeeping += settings.PIM_HOUSEKEEPING_SECONDS
        while not self.stopping:
            try:
                restart_at, next_beat, next_housekeeping = self.tick(
                    restart_at, next_beat, next_housekeeping
                )
            except Exception:  # the supervisor is what must never die
                logger.exception("Worker supervisor error; going on")
            time.sleep(poll)
        self.shutdown()

    def tick(self, restart_at: float, next_beat: float, next_housekeeping: float):
        """One round: start or restart the child, notice its death, beat, keep house."""
        now = time.monotonic()
        if self.child is None and now >= restart_at:
            self.start_child()
            if self.restarts:
                self.say(f"Worker restarted (pid {self.child.pid}).")
            next_beat = now + heartbeat_seconds()
        if self.child is not None:
            code = self.child.poll()
            if code is not None:
                pid = self.child.pid
                delay = self.child_died(code)
                self.restarts += 1
                restart_at = time.monotonic() + delay
                self.say(
                    f"The worker (pid {pid}) stopped ({self.describe(code)}); its jobs were "
                    f"recovered; restarting it in {delay:.0f} s."
                )
            elif now >= next_beat:
                self.beat()
                next_beat = now + heartbeat_seconds()
        if now >= next_housekeeping:
            self.housekeeping()
            next_housekeeping = time.monotonic() + settings.PIM_HOUSEKEEPING_SECONDS
        return restart_at, next_beat, next_housekeeping

    def shutdown(self) -> None:
        child = self.child
        if child is None:
            return
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.say(f"The worker (pid {child.pid}) did not stop in time; killing it.")
                child.kill()
                child.wait()
        self.child_died(child.returncode)
        self.say("Worker supervisor stopped.")
