"""Renders whose worker died are re-queued (or failed after too many attempts) with the reason,
their leftover files removed; a render beats while it runs; `publish` never leaves a request
queued when the database is busy."""

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from catalog import jobs
from publishing.models import Publication
from publishing.printing import documents
from publishing.services import publication_create
from publishing.services.publications import (
    publication_render,
    publications_recover_stale,
)
from tests.factories import make_user
from tests.publishing.printing import make_print_catalog

LONG_AGO = timedelta(minutes=10)


@pytest.fixture
def catalog(publish):
    return make_print_catalog(publish)


@pytest.fixture(autouse=True)
def _fresh_shared_cache():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def _abandoned(web, *, attempts=1, heartbeat_ago=LONG_AGO, runner="elsewhere:4242"):
    """A render that was running at 60 % when its process died."""
    publication = publication_create(kind="catalog", channel=web, locale="en")
    Publication.objects.filter(pk=publication.pk).update(
        status="running",
        progress=60,
        attempts=attempts,
        runner=runner,
        started_at=timezone.now() - heartbeat_ago,
        heartbeat_at=timezone.now() - heartbeat_ago,
        log="10:00:00 3 products selected",
    )
    publication.refresh_from_db()
    return publication


def _leftover_part(publication, *, age_seconds=3600) -> Path:
    folder = Path(default_storage.path("publications"))
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / (f".catalog-web-en-{publication.pk}-0123456789.pdf.{'a' * 32}.part")
    part.write_bytes(b"%PDF-1.7 half written")
    old = time.time() - age_seconds
    os.utime(part, (old, old))
    return part


def test_a_render_whose_worker_died_is_requeued_and_its_part_file_removed(catalog, web):
    publication = _abandoned(web)
    part = _leftover_part(publication)
    publications_recover_stale()
    publication.refresh_from_db()
    # Tests run tasks in-process: the re-queued render ran at once.
    assert publication.status == "done", publication.error
    assert publication.attempts == 2
    assert (
        "The worker stopped while rendering (no sign of life for 60 s); re-queued "
        "(attempt 2 of 3)." in publication.log
    )
    assert "3 products selected" in publication.log  # the earlier log is kept
    assert not part.exists()


def test_a_render_that_keeps_killing_its_worker_is_failed_with_the_reason(catalog, web):
    publication = _abandoned(web, attempts=3)
    publications_recover_stale()
    publication.refresh_from_db()
    assert publication.status == "failed"
    assert publication.error == (
        "The worker stopped while rendering (no sign of life for 60 s); failed after 3 attempts."
    )
    assert publication.error in publication.log


def test_a_render_with_a_recent_heartbeat_is_left_alone(catalog, web):
    publication = _abandoned(web, heartbeat_ago=timedelta(seconds=5))
    part = _leftover_part(publication)
    publications_recover_stale()
    publication.refresh_from_db()
    assert publication.status == "running" and publication.progress == 60
    assert part.exists(), "a live render's temporary file is kept"


def test_a_render_whose_process_is_known_dead_is_recovered_at_once(catalog, web, monkeypatch):
    """The supervisor saw its worker die: no need to wait for the stale bound."""
    monkeypatch.setattr(jobs, "_dead_runners", {"host:77"})
    publication = _abandoned(web, heartbeat_ago=timedelta(seconds=1), runner="host:77")
    publications_recover_stale()
    publication.refresh_from_db()
    assert publication.status == "done"
    assert "(its process host:77 ended); re-queued" in publication.log


def test_a_request_never_taken_up_is_queued_again(catalog, web):
    """E.g. `publish` killed between recording the request and rendering it."""
    publication = publication_create(kind="catalog", channel=web, locale="en")
    Publication.objects.filter(pk=publication.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    publications_recover_stale()
    publication.refresh_from_db()
    assert publication.status == "done"
    assert "The request was not taken up" in publication.log


def test_leftover_files_of_no_live_render_are_removed(web):
    publication = publication_create(kind="catalog", channel=web, locale="en")
    Publication.objects.filter(pk=publication.pk).update(status="failed")
    old = _leftover_part(publication)
    unknown = old.with_name(".something-else.part")
    unknown.write_bytes(b"x")
    os.utime(unknown, (time.time() - 3600, time.time() - 3600))
    part_of_labels = old.with_name(old.name.replace("a" * 32, "c" * 32) + ".1")
    part_of_labels.write_bytes(b"x")
    os.utime(part_of_labels, (time.time() - 3600, time.time() - 3600))
    fresh = _leftover_part(publication, age_seconds=0)
    fresh = fresh.rename(fresh.with_name(fresh.name.replace("a" * 32, "b" * 32)))
    publications_recover_stale()
    assert not old.exists() and not unknown.exists() and not part_of_labels.exists()
    assert fresh.exists(), "a file just created may belong to a render starting now"


def test_the_admin_recovers_an_abandoned_render_when_asked_for_its_status(catalog, web, client):
    client.force_login(make_user("boss", superuser=True))
    publication = _abandoned(web, attempts=3)
    status = client.get(reverse("admin:publishing_publication_status", args=[publication.pk]))
    assert status.json()["status"] == "failed"
    assert "The worker stopped while rendering" in status.json()["error"]


def test_the_publications_list_recovers_abandoned_renders(catalog, web, client):
    client.force_login(make_user("boss", superuser=True))
    publication = _abandoned(web, attempts=3)
    response = client.get(reverse("admin:publishing_publication_changelist"))
    assert response.status_code == 200
    publication.refresh_from_db()
    assert publication.status == "failed"


@pytest.mark.django_db(transaction=True)
def test_a_render_beats_while_it_lays_out(web, settings, monkeypatch):
    """Even in one long layout call the heartbeat moves (a thread writes it)."""
    settings.PIM_JOB_STALE_SECONDS = 3  # a beat every half second
    publication = publication_create(kind="catalog", channel=web, locale="en")
    beats = []

    def slow_layout(html, target, progress=None):
        first = Publication.objects.get(pk=publication.pk).heartbeat_at
        for _ in range(600):  # up to a minute on a busy machine
            time.sleep(0.1)
            now = Publication.objects.get(pk=publication.pk).heartbeat_at
            if now != first:
                beats.append(now)
                break
        Path(target).write_bytes(b"%PDF-1.7\n%%EOF\n")
        return documents.PdfResult(pages=1, refused=(), seconds_layout=0, seconds_write=0)

    monkeypatch.setattr(documents, "pdf_write", slow_layout)
    publication = publication_render(publication=publication)
    assert publication.status == "done", publication.error
    assert beats, "the heartbeat did not move during layout"


# --- `publish` and a busy database ----------------------------------------------------------------


def test_publish_fails_the_publication_when_the_database_stays_busy(catalog, web, monkeypatch):
    """The render cannot even record that it started: failed with the reason, exit non-zero."""
    original = QuerySet.update

    def busy_when_starting(self, **fields):
        if self.model is Publication and fields.get("status") == "running":
            raise OperationalError("database is locked")
        return original(self, **fields)

    monkeypatch.setattr(QuerySet, "update", busy_when_starting)
    with pytest.raises(CommandError, match="failed: The database stayed busy for too long"):
        call_command(
            *("publish", "catalog", "--channel", "web", "--locale", "en", "-o", "/dev/null"),
            stdout=io.StringIO(),
        )
    publication = Publication.objects.get()
    assert publication.status == "failed"
    assert "database is locked" in publication.error
