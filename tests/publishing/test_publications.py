"""A publication's life: progress, log, reuse of unchanged content, failures, task backends,
the admin pages and the command line; and what WeasyPrint may read."""

import io
import socket
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from catalog.models import Product
from catalog.services.products import product_update
from publishing.models import Publication
from publishing.printing import documents
from publishing.printing.fetcher import (
    PRINT_BASE_URL,
    FetchRefused,
    ProjectFilesFetcher,
    resolve_print_url,
)
from publishing.services import publication_create, publication_enqueue
from tests.factories import make_user
from tests.publishing.pdf_tools import page_texts
from tests.publishing.printing import make_print_catalog, pdf_path, render
from tests.tools import tool_missing


@pytest.fixture
def catalog(publish):
    return make_print_catalog(publish)


def test_a_render_records_progress_log_checksum_and_pages(catalog, web):
    publication = render("catalog", channel=web, locale="fi")
    assert publication.status == "done" and publication.progress == 100
    assert publication.started_at <= publication.finished_at
    assert len(publication.checksum) == 64 and publication.page_count == 4
    # The log is written in the language of the publication, like the rest of the render.
    assert "3 tuotetta valittu: web / fi" in publication.log
    assert "1 tuote ohitettiin: keskeneräinen kielellä fi (NOFI-1)" in publication.log
    assert "4 sivua kirjoitettu" in publication.log


def test_republishing_unchanged_content_reuses_the_file(catalog, web):
    first = render("catalog", channel=web, locale="en")
    second = render("catalog", channel=web, locale="en")
    assert second.file.name == first.file.name and second.reused_from == first
    assert "file is reused" in second.log
    product_update(product=catalog["LAMP-1"], texts={"name": {"en": "Desk lamp II"}})
    third = render("catalog", channel=web, locale="en")
    assert third.file.name != first.file.name and third.reused_from is None
    assert "Desk lamp II" in "\n".join(page_texts(pdf_path(third)))


def test_a_failing_render_is_recorded_and_leaves_no_partial_file(catalog, web, monkeypatch):
    def explode(html, target, progress=None):
        Path(target).write_bytes(b"%PDF-1.7 half written")
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(documents, "pdf_write", explode)
    publication = render("catalog", channel=web, locale="en")
    assert publication.status == "failed"
    assert publication.error == "RuntimeError: printer on fire"
    assert "Failed: RuntimeError: printer on fire" in publication.log
    assert not publication.file
    folder = Path(default_storage.path("publications"))
    assert list(folder.iterdir()) == []


def test_requests_are_validated_before_anything_is_queued(web):
    with pytest.raises(Exception, match="does not publish in xx"):
        publication_create(kind="catalog", channel=web, locale="xx")
    with pytest.raises(Exception, match="Unknown label format"):
        publication_create(kind="labels", channel=web, locale="en", label_format="9x9")
    assert not Publication.objects.exists()


def test_the_task_backend_renders_an_enqueued_publication(catalog, web):
    """Tests use the immediate backend: enqueueing renders at once and stores the task id."""
    publication = publication_create(kind="catalog", channel=web, locale="en")
    publication = publication_enqueue(publication=publication)
    assert publication.status == "done" and publication.task_id


def _redis_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_a_publication_renders_through_the_redis_backend_and_an_rq_worker(catalog, web):
    """Enqueued on RQ (Redis at 127.0.0.1:6379), rendered by a real RQ worker in burst mode."""
    if not _redis_available():
        tool_missing("needs Redis on 127.0.0.1:6379")
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    rq_queues = {"default": {"URL": "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    with override_settings(TASKS=tasks, RQ_QUEUES=rq_queues):
        queue = django_rq.get_queue("default", job_class=Job)
        queue.empty()
        publication = publication_create(kind="labels", channel=web, locale="fi")
        publication = publication_enqueue(publication=publication)
        assert publication.status == "queued" and len(queue) == 1
        # In-process worker: it shares this test's database connection (SQLite or PostgreSQL).
        worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
        assert worker.work(burst=True)
    publication.refresh_from_db()
    assert publication.status == "done", publication.error
    assert "Pöytävalaisin" in "\n".join(page_texts(pdf_path(publication)))


# --- What WeasyPrint may read ------------------------------------------------------------------


def test_the_fetcher_serves_static_and_media_files(settings):
    assert resolve_print_url(PRINT_BASE_URL + "static/publishing/print/print.css").is_file()
    media = Path(settings.MEDIA_ROOT) / "assets" / "ab" / "ok.png"
    media.parent.mkdir(parents=True)
    media.write_bytes(b"png")
    assert resolve_print_url(PRINT_BASE_URL + "media/assets/ab/ok.png") == media.resolve()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://example.com/static/publishing/print/print.css",
        "http://print.invalid/static/publishing/print/print.css",
        PRINT_BASE_URL + "static/../../../../etc/passwd",
        PRINT_BASE_URL + "static/%2e%2e/%2e%2e/pim/settings.py",
        PRINT_BASE_URL + "media/../../etc/passwd",
        PRINT_BASE_URL + "media/imports/1-products.xlsx",
        PRINT_BASE_URL + "media/assets/%2e%2e/imports/1-products.xlsx",
        PRINT_BASE_URL + "etc/passwd",
        "ftp://print.invalid/static/x",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(FetchRefused):
        resolve_print_url(url)


def test_a_document_cannot_pull_in_other_files(tmp_path):
    fetcher = ProjectFilesFetcher()
    html = '<img src="file:///etc/passwd"><img src="https://example.com/x.png"><p>ok</p>'
    from weasyprint import HTML

    HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=fetcher).write_pdf(tmp_path / "x.pdf")
    assert len(fetcher.refused) == 2


# --- Admin and command line ----------------------------------------------------------------------


def test_the_admin_creates_a_publication_and_shows_status_preview_and_download(
    catalog, web, client
):
    client.force_login(make_user("boss", superuser=True))
    response = client.post(
        reverse("admin:publishing_publication_add"),
        {
            "kind": "catalog",
            "channel": web.pk,
            "locale": "fa",
            "paper_size": "A4",
            "show_prices": "on",
            "title": "کاتالوگ",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    publication = Publication.objects.get()
    assert publication.status == "done"
    change = client.get(reverse("admin:publishing_publication_change", args=[publication.pk]))
    assert b"pim-progress-bar" in change.content and b"publication.js" in change.content
    status = client.get(reverse("admin:publishing_publication_status", args=[publication.pk]))
    assert status.json()["status"] == "done" and status.json()["progress"] == 100
    preview = client.get(reverse("admin:publishing_publication_preview", args=[publication.pk]))
    assert '<html lang="fa" dir="rtl">' in preview.content.decode()
    download = client.get(reverse("admin:publishing_publication_download", args=[publication.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_product_list_offers_label_and_technical_sheet_actions(catalog, web, client):
    client.force_login(make_user("boss", superuser=True))
    ids = [catalog["LAMP-1"].pk, catalog["LAMP-2"].pk]
    response = client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "print_labels", "_selected_action": ids},
    )
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/publishing/publication/{publication.pk}/change/")
    assert publication.kind == "labels" and publication.status == "done"
    assert sorted(publication.products.values_list("sku", flat=True)) == ["LAMP-1", "LAMP-2"]
    client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "print_technical_sheets", "_selected_action": ids[:1]},
    )
    assert Publication.objects.filter(kind="technical_sheet", status="done").count() == 1


def test_the_publish_command_writes_the_pdf(catalog, web, tmp_path):
    output = tmp_path / "labels.pdf"
    stdout = io.StringIO()
    call_command(
        "publish",
        "labels",
        "--channel",
        "web",
        "--locale",
        "az",
        "--sku",
        "LAMP-2",
        "--label-format",
        "62x29",
        "-o",
        str(output),
        stdout=stdout,
    )
    assert output.read_bytes().startswith(b"%PDF")
    assert "Döşəmə lampası" in page_texts(output)[0]
    assert "1 pages" in stdout.getvalue()
    assert Product.objects.filter(sku="LAMP-2").exists()
