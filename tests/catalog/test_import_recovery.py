"""Background imports whose worker died are failed with the reason (shown on the import page,
never "0 of None rows" forever); uploads no live job claims are removed."""

import os
import time
import uuid

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from catalog import jobs
from catalog.admin import imports as import_admin
from catalog.tasks import (
    _beat_key,
    import_progress,
    import_progress_key,
    imports_recover_stale,
)
from tests.factories import make_user

PAGE = "/admin/catalog/import-export/"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_shared_cache():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def _upload(job_id: str, *, age_hours: float = 0) -> str:
    path = default_storage.save(f"imports/{job_id}-products.csv", ContentFile(b"sku\nA\n"))
    if age_hours:
        old = time.time() - age_hours * 3600
        os.utime(default_storage.path(path), (old, old))
    return path


def _state(job_id: str, state: dict, *, seconds_ago: float = 0, runner="elsewhere:99") -> None:
    at = time.time() - seconds_ago
    caches["shared"].set(import_progress_key(job_id), {**state, "at": at}, 3600)
    if state["state"] == "running":
        caches["shared"].set(_beat_key(job_id), {"at": at, "runner": runner}, 3600)


@pytest.mark.django_db
def test_a_killed_import_is_shown_failed_with_the_reason(client):
    client.force_login(make_user("boss", superuser=True))
    job = uuid.uuid4().hex
    path = _upload(job)
    _state(job, {"state": "running", "done": 0, "total": None, "path": path}, seconds_ago=600)
    page = client.get(f"{PAGE}?job={job}").content.decode()
    assert 'class="errornote"' in page
    assert "The worker stopped while importing (no sign of life for 60 s)" in page
    assert "of None" not in page
    assert not default_storage.exists(path), "its upload is removed"
    assert import_progress(job)["state"] == "failed"


@pytest.mark.django_db
def test_an_import_still_reading_its_file_says_so(client):
    client.force_login(make_user("boss", superuser=True))
    job = uuid.uuid4().hex
    _state(job, {"state": "running", "done": 0, "total": None, "path": _upload(job)})
    page = client.get(f"{PAGE}?job={job}").content.decode()
    assert "Reading the file…" in page and "of None" not in page
    _state(job, {"state": "running", "done": 500, "total": 3000, "path": ""})
    assert "500 of 3000 rows checked" in client.get(f"{PAGE}?job={job}").content.decode()


@pytest.mark.django_db
def test_an_import_whose_process_is_known_dead_fails_at_once(monkeypatch):
    monkeypatch.setattr(jobs, "_dead_runners", {"host:5"})
    job = uuid.uuid4().hex
    _state(job, {"state": "running", "done": 10, "total": 99, "path": ""}, runner="host:5")
    state = import_progress(job)
    assert state["state"] == "failed"
    assert state["error"].startswith("The worker stopped while importing (its process host:5")


@pytest.mark.django_db
def test_a_queued_import_waits_for_the_worker_with_a_banner(client, monkeypatch):
    """Database backend, no worker alive: the page says it waits and why nothing happens."""
    monkeypatch.setattr(import_admin, "BACKGROUND_BYTES", 5)
    client.force_login(make_user("boss", superuser=True))
    with override_settings(TASKS=DATABASE_TASKS):
        upload = SimpleUploadedFile("big.csv", b"sku,family\nX-1,lamps\n", "text/csv")
        response = client.post(PAGE, {"file": upload, "dry_run": "on"}, follow=True)
    page = response.content.decode()
    assert "Waiting for the worker…" in page
    assert 'id="pim-no-worker"' in page
    assert default_storage.listdir("imports")[1], "the upload waits for its job"


@pytest.mark.django_db
def test_uploads_no_live_job_claims_are_removed(settings):
    settings.PIM_ORPHAN_UPLOAD_HOURS = 24
    orphan, fresh, queued, done, stale, live = (uuid.uuid4().hex for _ in range(6))
    paths = {
        "orphan": _upload(orphan, age_hours=25),
        "fresh": _upload(fresh),
        "queued": _upload(queued, age_hours=25),
        "done": _upload(done),
        "stale": _upload(stale),
        "live": _upload(live, age_hours=25),
        "unknown": default_storage.save("imports/notes.txt", ContentFile(b"x")),
    }
    _state(queued, {"state": "queued", "path": paths["queued"]})
    _state(done, {"state": "done", "report": {}})
    _state(stale, {"state": "running", "done": 1, "total": 2}, seconds_ago=600)
    _state(live, {"state": "running", "done": 1, "total": 2})
    removed = imports_recover_stale()
    assert sorted(removed) == sorted([paths["orphan"], paths["done"], paths["stale"]])
    for name in ("fresh", "queued", "live", "unknown"):
        assert default_storage.exists(paths[name]), name
    assert import_progress(stale)["state"] == "failed"
    # Files under no job pattern follow the same age bound.
    old = time.time() - 25 * 3600
    os.utime(default_storage.path(paths["unknown"]), (old, old))
    assert imports_recover_stale() == [paths["unknown"]]
