"""Background work that recovers: busy-database retries, the worker that waits out database
errors, the supervisor that restarts it, housekeeping hooks and the no-worker banner."""

import io
import os
import shutil
import subprocess

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from catalog import jobs, worker
from tests.factories import make_user

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}


@task()
def record_call(value: str) -> str:
    """A task for the worker tests."""
    return value.upper()


@pytest.fixture(autouse=True)
def _fresh_shared_cache():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


# --- Busy database ------------------------------------------------------------------------------


def _failing(times: int, message: str = "database is locked"):
    calls = []

    def func():
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError(message)
        return "written"

    return func, calls


def test_a_write_is_retried_while_the_database_is_busy():
    func, calls = _failing(2)
    assert jobs.retry_on_busy(func, seconds=30) == "written"
    assert len(calls) == 3


def test_a_busy_database_past_the_budget_raises():
    func, calls = _failing(1000)
    with pytest.raises(OperationalError, match="locked"):
        jobs.retry_on_busy(func, seconds=2)
    assert 1 < len(calls) < 1000


def test_other_database_errors_are_not_retried():
    func, calls = _failing(1, "no such table: nope")
    with pytest.raises(OperationalError, match="no such table"):
        jobs.retry_on_busy(func, seconds=30)
    assert len(calls) == 1


# --- Housekeeping hooks -------------------------------------------------------------------------


@pytest.mark.django_db
def test_housekeeping_runs_every_hook_even_when_one_fails(monkeypatch):
    monkeypatch.setattr(jobs, "_hooks", [])
    seen = []

    def broken():
        raise RuntimeError("boom")

    def counting():
        seen.append("ran")

    jobs.housekeeping_register(broken)
    jobs.housekeeping_register(counting)
    jobs.housekeeping_register(counting)  # once only
    failed = jobs.housekeeping_run()
    assert seen == ["ran"]
    assert failed == [
        f"{__name__}.test_housekeeping_runs_every_hook_even_when_one_fails.<locals>.broken"
    ]


def test_the_apps_register_their_recovery_hooks():
    from catalog.tasks import imports_recover_stale
    from publishing.services.publications import publications_recover_stale

    hooks = jobs.housekeeping_hooks()
    assert imports_recover_stale in hooks
    assert publications_recover_stale in hooks
    assert jobs.task_results_recover_stale in hooks


# --- The worker ---------------------------------------------------------------------------------


def _worker(**overrides) -> worker.PimWorker:
    options = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": False,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": 1,
        "worker_id": "pim-test-1",
        "excluded_queue_names": [],
        **overrides,
    }
    return worker.PimWorker(**options)


@pytest.mark.django_db
def test_the_worker_waits_out_a_locked_database_instead_of_exiting(monkeypatch):
    """db_worker exited on "database is locked"; this worker backs off and goes on."""
    with override_settings(TASKS=DATABASE_TASKS):
        result = record_call.enqueue("hello")
        original = worker.exclusive_transaction
        attempts = []

        def locked_twice(using=None):
            attempts.append(1)
            if len(attempts) <= 2:
                raise OperationalError("database is locked")
            return original(using)

        monkeypatch.setattr(worker, "exclusive_transaction", locked_twice)
        pim_worker = _worker()
        slept = []
        pim_worker.sleep = slept.append
        pim_worker.run()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.return_value == "HELLO"
    assert slept == [0.5, 1.0]  # backoff between the attempts


@pytest.mark.django_db
def test_an_idle_worker_takes_no_write_lock(monkeypatch):
    """With nothing to do, a poll only reads (SQLite: the claim takes the write lock)."""

    def forbidden(using=None):
        raise AssertionError("claimed without a ready task")

    monkeypatch.setattr(worker, "exclusive_transaction", forbidden)
    with override_settings(TASKS=DATABASE_TASKS):
        assert _worker().run_once() is False


@pytest.mark.django_db(transaction=True)
def test_recording_an_outcome_is_retried_while_the_database_is_busy(monkeypatch):
    """Outside a test transaction, as in the worker: a busy write can only be retried there."""
    with override_settings(TASKS=DATABASE_TASKS):
        result = record_call.enqueue("x")
        original = DBTaskResult.save
        calls = []

        def busy_once(self, *args, **kwargs):
            if kwargs.get("update_fields") and "return_value" in kwargs["update_fields"]:
                calls.append(1)
                if len(calls) <= 4:  # more than the library's own three tries
                    raise OperationalError("database is locked")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(DBTaskResult, "save", busy_once)
        _worker().run()
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db
def test_running_tasks_of_a_dead_worker_are_failed_with_the_reason():
    with override_settings(TASKS=DATABASE_TASKS):
        dead = record_call.enqueue("a")
        alive = record_call.enqueue("b")
        foreign = record_call.enqueue("c")
        for result, worker_id in ((dead, "pim-dead"), (alive, "pim-alive"), (foreign, "other")):
            DBTaskResult.objects.filter(pk=result.id).update(
                status="RUNNING", worker_ids=[worker_id]
            )
        jobs.worker_heartbeat(worker_id="pim-alive", runner="host:1")
        assert jobs.task_results_recover() == 1
    rows = {str(r.pk): r for r in DBTaskResult.objects.all()}
    assert rows[str(dead.id)].status == "FAILED"
    assert "pim-dead stopped while running" in rows[str(dead.id)].traceback
    assert rows[str(dead.id)].exception_class_path == "catalog.jobs.WorkerStopped"
    # Alive, or not started by run_worker (plain db_worker writes no heartbeat): left alone.
    assert rows[str(alive.id)].status == "RUNNING"
    assert rows[str(foreign.id)].status == "RUNNING"


# --- The supervisor -----------------------------------------------------------------------------


class FakeChild:
    """A worker process that exits with ``code`` after ``polls`` polls."""

    count = 0

    def __init__(self, command, code=-9, polls=1):
        FakeChild.count += 1
        self.pid = 90000 + FakeChild.count
        self.command = command
        self.code, self.polls = code, polls
        self.returncode = None

    def poll(self):
        self.polls -= 1
        if self.polls < 0:
            self.returncode = self.code
        return self.returncode


@pytest.mark.django_db
def test_the_supervisor_restarts_a_crashed_worker_and_says_so(monkeypatch, settings):
    said, children, kept_house = [], [], []
    monkeypatch.setattr(jobs, "_hooks", [lambda: kept_house.append(1)])
    settings.PIM_WORKER_NICE = 0

    def spawn(command):
        children.append(FakeChild(command))
        return children[-1]

    supervisor = worker.Supervisor(say=said.append, spawn=spawn)
    restart_at = next_beat = next_housekeeping = 0.0
    supervisor.restarts = 0
    # Start; the child lives one poll, is killed, and is started again after the backoff.
    restart_at, next_beat, next_housekeeping = supervisor.tick(0.0, 0.0, float("inf"))
    assert len(children) == 1 and jobs.any_worker_alive()
    assert children[0].command[2:5] == ["run_worker", "--child", "--worker-id"]
    restart_at, next_beat, next_housekeeping = supervisor.tick(restart_at, 0.0, float("inf"))
    assert "stopped (killed by SIGKILL)" in said[-1] and "restarting it in 1 s" in said[-1]
    assert kept_house, "the dead worker's jobs are recovered at once"
    assert jobs.runner_is_dead(f"{jobs.socket.gethostname()}:{children[0].pid}")
    supervisor.tick(0.0, 0.0, float("inf"))
    assert len(children) == 2 and "Worker restarted" in said[-1]
    # A worker that keeps dying is restarted less and less often.
    assert supervisor.child_died(1) == 2.0


def test_the_supervisor_starts_a_real_run_worker_command(settings):
    """The command line a supervisor starts is a working `manage.py run_worker --child`, at a
    lower CPU priority so that pages and scans answer while it renders."""
    settings.PIM_WORKER_NICE = 10
    command = worker.child_command(worker_id="pim-x", options=["--interval", "0"])
    assert command[:3] == [shutil.which("nice"), "-n", "10"]
    settings.PIM_WORKER_NICE = 0
    assert worker.child_command(worker_id="pim-x", options=[]) == command[3:6] + [
        "--child",
        "--worker-id",
        "pim-x",
        "--supervisor-pid",
        str(os.getpid()),
    ]
    completed = subprocess.run(
        [*command[:6], "--help"], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0 and "--queue-name" in completed.stdout


# --- The banner ---------------------------------------------------------------------------------


BANNER = b'id="pim-no-worker"'


@pytest.mark.django_db
def test_the_admin_warns_when_jobs_wait_and_no_worker_is_alive(client):
    client.force_login(make_user("boss", superuser=True))
    pages = [
        reverse("admin:index"),
        reverse("admin:publishing_publication_changelist"),
        reverse("admin:catalog_import_export"),
    ]
    with override_settings(TASKS=DATABASE_TASKS):
        for url in pages:
            assert BANNER not in client.get(url).content, "nothing waits: no banner"
        record_call.enqueue("waiting")
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200
            assert BANNER in response.content, url
            assert b"manage.py run_worker" in response.content
        jobs.worker_heartbeat(worker_id="pim-live", runner="host:1")
        for url in pages:
            assert BANNER not in client.get(url).content, "a worker lives: no banner"


@pytest.mark.django_db
def test_no_banner_with_the_in_process_backend(client):
    client.force_login(make_user("boss", superuser=True))
    with override_settings(TASKS=DATABASE_TASKS):
        record_call.enqueue("left from another setup")
    assert DBTaskResult.objects.ready().exists()
    # Tests run tasks in-process ("immediate"): nothing ever waits for a worker.
    assert BANNER not in client.get(reverse("admin:index")).content


@pytest.mark.django_db
def test_with_rq_the_banner_asks_redis_for_workers(client, monkeypatch):
    import django_rq
    from rq import Worker

    class Queue:
        count = 3

    monkeypatch.setattr(django_rq, "get_queue", lambda name: Queue())
    workers = []
    monkeypatch.setattr(Worker, "count", classmethod(lambda cls, queue=None: len(workers)))
    client.force_login(make_user("boss", superuser=True))
    with override_settings(TASKS=RQ_TASKS):
        assert BANNER in client.get(reverse("admin:index")).content
        workers.append("one")
        assert BANNER not in client.get(reverse("admin:index")).content


def test_command_line_imports_and_publications_yield_the_cpu(db, monkeypatch, settings, tmp_path):
    """`import_products` runs at the worker's nice level (so does `publish`: same helper)."""
    from django.core.management import call_command

    calls = []
    monkeypatch.setattr(jobs.os, "nice", lambda step: calls.append(step) or 0)
    settings.PIM_WORKER_NICE = 10
    sheet = tmp_path / "empty.csv"
    sheet.write_text("sku,family\n")
    call_command("import_products", str(sheet), "--dry-run", stdout=io.StringIO())
    assert calls == [0, 10]
