"""Scans while another process holds the database's write lock (the import, a publication):
no 5xx, no scan lost, the landing page answers politely.

A real second process and a real lock: on SQLite a file database (copied from the test
database) that another connection holds with BEGIN IMMEDIATE for longer than the busy timeout;
on PostgreSQL the scan table locked against inserts.
"""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BUSY_TIMEOUT_MS = 1000  # the scan process's ordinary busy timeout; the lock outlasts it
THREADS, PER_THREAD = 4, 3


def _sqlite_copy(tmp_path: Path) -> tuple[str, object]:
    """The test database as a WAL file another process can open, and a lock on it."""
    connection.ensure_connection()
    path = tmp_path / "busy.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as a long import holds it
    return f"sqlite:///{path}", holder


def _postgres_lock() -> tuple[str, object]:
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    holder = psycopg.connect(**{k: v for k, v in params.items() if v not in (None, "")})
    holder.execute("LOCK TABLE engagement_scanevent IN EXCLUSIVE MODE")  # no inserts
    holder.execute("LOCK TABLE engagement_discountcode IN EXCLUSIVE MODE")
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return url, holder


@pytest.mark.django_db(transaction=True)
def test_scans_during_a_long_write_lock_are_neither_lost_nor_errors(brochure, tmp_path):
    if connection.vendor == "sqlite":
        url, holder = _sqlite_copy(tmp_path)
    else:
        url, holder = _postgres_lock()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pim.settings_test",
        "DATABASE_URL": url,
        "PIM_SQLITE_BUSY_TIMEOUT_MS": str(BUSY_TIMEOUT_MS),
        "PIM_VAR_DIR": str(tmp_path / "var"),
        "PIM_SCAN_SPOOL_DIR": str(tmp_path / "spool"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PIM_LANDING_CODES_PER_HOUR": "1000",
    }
    locked_at = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.engagement.scan_storm", brochure["link"].code]
        + [str(THREADS), str(PER_THREAD)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    # Never leave the lock behind, whatever happens to the other process.
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    try:
        during = json.loads(process.stdout.readline())
        # The lock outlasts the ordinary busy timeout: without the spool these would be 500s.
        time.sleep(max(0.0, BUSY_TIMEOUT_MS / 1000 + 0.5 - (time.monotonic() - locked_at)))
    finally:
        holder.rollback() if hasattr(holder, "rollback") else None
        holder.close()
    process.stdin.write("released\n")
    process.stdin.flush()
    after = json.loads(process.stdout.readline())
    process.wait(timeout=60)
    watchdog.cancel()

    requested = THREADS * PER_THREAD
    assert during["scans"] == [302] * requested, "no scan failed"
    assert during["pages"] == [200] * requested, "every landing page answered"
    assert during["stored_while_locked"] == 0 and during["codes_while_locked"] == 0
    assert after["reload"] == 200 and after["issued_after_release"] == 1
    assert after["flushed"] == requested and after["flushed_again"] == 0
    assert after["stored"] == after["distinct"] == requested, "every scan counted once"
    assert after["codes_linked"] == 1, "the code joins its scan's journey after the flush"
    assert process.returncode == 0
