"""`manage.py publish` while another process holds SQLite's write lock (a file database, as in
production): it waits and finishes, or fails with the reason; it never leaves a request queued."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR

pytestmark = pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"], reason="SQLite's file lock"
)


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )


@pytest.fixture(scope="module")
def file_database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("busy")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pim.settings_test",
        "PIM_VAR_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "PIM_TASK_BACKEND": "immediate",
    }
    migrated = _manage(env, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    made = _manage(env, "shell", "-c", "from tests.factories import make_channel; make_channel()")
    assert made.returncode == 0, made.stderr
    return folder / "db.sqlite3", env


def _hold_write_lock(path):
    holder = sqlite3.connect(path, isolation_level=None, timeout=30)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def _statuses(path) -> list[str]:
    with sqlite3.connect(path) as reader:
        return [row[0] for row in reader.execute("SELECT status FROM publishing_publication")]


def test_publish_waits_for_a_held_write_lock_and_finishes(file_database, tmp_path):
    path, env = file_database
    before = len(_statuses(path))
    holder = _hold_write_lock(path)
    command = ["publish", "catalog", "--channel", "web", "--locale", "en"]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *command, "-o", str(tmp_path / "out.pdf")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    waited = False
    try:
        # Released only once the command has found the database busy and said it waits.
        for line in process.stderr:
            if "Database busy" in line:
                waited = True
                break
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    stdout, stderr = process.communicate(timeout=600)
    assert waited, "the command never reported waiting for the lock"
    assert process.returncode == 0, stderr
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert _statuses(path)[before:] == ["done"]


def test_publish_gives_up_with_a_clear_message_and_leaves_nothing_queued(file_database, tmp_path):
    path, env = file_database
    holder = _hold_write_lock(path)
    try:
        completed = _manage(
            {**env, "PIM_DB_BUSY_SECONDS": "1"},
            *("publish", "catalog", "--channel", "web", "--locale", "en"),
            *("-o", str(tmp_path / "out.pdf")),
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert completed.returncode != 0
    assert "The database stayed busy" in completed.stderr
    assert "queued" not in _statuses(path)
