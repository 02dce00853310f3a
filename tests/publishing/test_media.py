"""Media served by the app with DEBUG off: public files with the right type and caching,
conditional and range requests; private files, hidden files, directories and every path that
could leave the media folder answer 404."""

import importlib
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import clear_url_caches, resolve

from catalog.services.assets import asset_create
from catalog.services.renditions import asset_renditions_build, rendition_url
from publishing.media import CACHE_IMMUTABLE, CACHE_SHORT, serve_media
from publishing.models import Publication, PublicationStatus, Theme
from tests.factories import image_upload, make_audience, make_product

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def production_urls(settings):
    """The URL configuration as production loads it: DEBUG off at import time."""
    import pim.urls

    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(pim.urls)
    yield
    settings.DEBUG = True
    importlib.reload(pim.urls)
    clear_url_caches()


@pytest.fixture
def product(lamp_family, web):
    return make_product(lamp_family, sku="LAMP-1", channels=[web])


@pytest.fixture
def image(product):
    return asset_create(owner=product, role="main", upload=image_upload("lamp.png"))


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def stored(name: str, content: bytes) -> str:
    return default_storage.save(name, ContentFile(content))


def publication(web, name: str, *, audience=None, status=PublicationStatus.DONE) -> Publication:
    return Publication.objects.create(
        kind="catalog", channel=web, locale="en", audience=audience, status=status, file=name
    )


# --- Public files -------------------------------------------------------------------------------


def test_the_media_route_exists_with_debug_off():
    assert resolve("/media/assets/ab/x.png").func is serve_media


def test_a_product_image_is_served_as_png_and_cached_as_immutable(client, image):
    url = image.file.url
    assert url.startswith("/media/assets/")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == CACHE_IMMUTABLE
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"] and response["Last-Modified"]
    content = body(response)
    assert content == image.file.read() and int(response["Content-Length"]) == len(content)


def test_a_rendition_is_served_as_jpeg_and_cached_as_immutable(client, image):
    asset_renditions_build(asset=image)
    url = rendition_url(asset=image, spec="thumb")
    assert url.startswith("/media/renditions/") and url.endswith(".jpg")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == CACHE_IMMUTABLE
    assert body(response)[:3] == b"\xff\xd8\xff"


def test_a_theme_logo_is_served_with_short_caching(client, db):
    theme = Theme.objects.create(code="brand", name="Brand")
    theme.logo.save("logo.png", ContentFile(image_upload().read()))
    response = client.get(theme.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == CACHE_SHORT


def test_a_logo_that_is_really_html_is_only_offered_as_a_download(client, db):
    theme = Theme.objects.create(code="brand", name="Brand")
    theme.logo.save("logo.html", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(theme.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"


def test_an_svg_is_served_without_script(client, db):
    name = stored("publishing/barcodes/ean13-5901234123457-1.svg", b"<svg/>")
    response = client.get("/media/" + name)
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_finished_public_publication_is_served_as_pdf(client, web):
    name = stored("publications/catalog-web-en-1-abc.pdf", PDF)
    publication(web, name)
    response = client.get("/media/" + name)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == CACHE_SHORT
    assert body(response) == PDF


def test_a_publication_for_a_public_audience_is_served(client, web):
    name = stored("publications/catalog-web-en-2-abc.pdf", PDF)
    publication(web, name, audience=make_audience("end-customer", is_public=True))
    assert client.get("/media/" + name).status_code == 200


def test_dealer_unfinished_and_unknown_publications_are_not_served(client, web):
    dealer = stored("publications/catalog-web-en-3-abc.pdf", PDF)
    publication(web, dealer, audience=make_audience("dealer"))
    running = stored("publications/catalog-web-en-4-abc.pdf", PDF)
    publication(web, running, status=PublicationStatus.RUNNING)
    orphan = stored("publications/catalog-web-en-5-abc.pdf", PDF)
    for name in (dealer, running, orphan):
        assert client.get("/media/" + name).status_code == 404, name


# --- Conditional and range requests --------------------------------------------------------------


def test_head_answers_the_headers_without_a_body(client, image):
    size = image.file.size
    response = client.head(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(size)
    assert body(response) == b""


def test_a_matching_etag_or_date_answers_304(client, image):
    first = client.get(image.file.url)
    again = client.get(image.file.url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and body(again) == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == CACHE_IMMUTABLE
    since = client.get(image.file.url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    other = client.get(image.file.url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_a_changed_file_gets_a_new_etag(client, web):
    name = stored("publications/catalog-web-en-6-abc.pdf", PDF)
    publication(web, name)
    first = client.get("/media/" + name)["ETag"]
    path = Path(default_storage.path(name))
    path.write_bytes(PDF + b"more")
    assert client.get("/media/" + name, headers={"If-None-Match": first}).status_code == 200


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-9", 0, 9), ("bytes=10-", 10, None), ("bytes=-5", -5, None), ("bytes=0-0", 0, 0)],
)
def test_a_single_range_answers_206_with_those_bytes(client, web, header, start, end):
    name = stored("publications/catalog-web-en-7-abc.pdf", PDF)
    publication(web, name)
    response = client.get("/media/" + name, headers={"Range": header})
    assert response.status_code == 206
    expected = PDF[start:] if end is None else PDF[start : end + 1]
    first = start if start >= 0 else len(PDF) + start
    assert body(response) == expected
    assert response["Content-Length"] == str(len(expected))
    assert response["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(PDF)}"


def test_a_range_past_the_end_is_clamped(client, web):
    name = stored("publications/catalog-web-en-8-abc.pdf", PDF)
    publication(web, name)
    response = client.get("/media/" + name, headers={"Range": "bytes=100-999999"})
    assert response.status_code == 206
    assert body(response) == PDF[100:]
    assert response["Content-Range"] == f"bytes 100-{len(PDF) - 1}/{len(PDF)}"


@pytest.mark.parametrize("header", ["bytes=999999-", "bytes=-0"])
def test_an_unsatisfiable_range_answers_416(client, web, header):
    name = stored("publications/catalog-web-en-9-abc.pdf", PDF)
    publication(web, name)
    response = client.get("/media/" + name, headers={"Range": header})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PDF)}"
    assert body(response) == b""


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "bytes=9-2", "lines=1-2", "bytes=x-"])
def test_several_or_malformed_ranges_get_the_whole_file(client, web, header):
    name = stored("publications/catalog-web-en-10-abc.pdf", PDF)
    publication(web, name)
    response = client.get("/media/" + name, headers={"Range": header})
    assert response.status_code == 200 and body(response) == PDF


def test_a_range_for_an_outdated_copy_gets_the_whole_file(client, web):
    name = stored("publications/catalog-web-en-11-abc.pdf", PDF)
    publication(web, name)
    etag = client.get("/media/" + name)["ETag"]
    same = client.get("/media/" + name, headers={"Range": "bytes=0-3", "If-Range": etag})
    assert same.status_code == 206 and body(same) == PDF[:4]
    old = client.get("/media/" + name, headers={"Range": "bytes=0-3", "If-Range": '"old"'})
    assert old.status_code == 200 and body(old) == PDF


def test_head_with_a_range_answers_206_headers(client, web):
    name = stored("publications/catalog-web-en-12-abc.pdf", PDF)
    publication(web, name)
    response = client.head("/media/" + name, headers={"Range": "bytes=0-9"})
    assert response.status_code == 206 and response["Content-Length"] == "10"
    assert body(response) == b""


def test_writes_are_not_allowed(client, image):
    assert client.post(image.file.url).status_code == 405


# --- What is never served ------------------------------------------------------------------------


def test_import_uploads_feeds_and_temporary_files_are_private(client, web, settings):
    names = [
        stored("imports/1-products.xlsx", b"PK\x03\x04 import"),
        stored("feeds/web/en/products-dealer.xml", b"<rss/>"),
        stored("publications/.catalog-web-en-1-abc.pdf.0123.part", PDF),
        stored("assets/ab/upload.part", b"half"),
        stored("somewhere-new/file.png", b"png"),
        stored("assets/ab/.hidden.png", b"png"),
    ]
    for name in names:
        assert Path(settings.MEDIA_ROOT, name).is_file()
        assert client.get("/media/" + name).status_code == 404, name
    # Also when the .part file belongs to a finished publication's name.
    part = stored("publications/catalog-web-en-13-abc.pdf.part", PDF)
    publication(web, part)
    assert client.get("/media/" + part).status_code == 404


def test_directories_are_not_listed(client, image):
    folder = os.path.dirname(image.file.name)
    for url in ("/media/", "/media/assets/", f"/media/{folder}", f"/media/{folder}/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "url",
    [
        "/media/../secret.txt",
        "/media/assets/../../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/assets/%2E%2E/%2e%2e/secret.txt",
        "/media/assets/..%2f..%2fsecret.txt",
        "/media//SECRET_ABSOLUTE",
        "/media/%2FSECRET_ABSOLUTE",
        "/media/assets/ab\\..\\..\\secret.txt",
        "/media/assets/./ab/x.png",
    ],
)
def test_paths_that_leave_the_media_folder_answer_404(client, db, settings, url):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    secret = media.parent / "secret.txt"
    secret.write_bytes(b"database password")
    url = url.replace("SECRET_ABSOLUTE", str(secret).lstrip("/"))
    response = client.get(url)
    assert response.status_code == 404
    assert b"database password" not in body(response)


def test_symbolic_links_are_not_followed(client, image, settings):
    media = Path(settings.MEDIA_ROOT)
    outside = media.parent / "outside.png"
    outside.write_bytes(image.file.read())
    private = Path(default_storage.path(stored("imports/1-x.png", b"private")))
    folder = media / "assets" / "zz"
    folder.mkdir(parents=True)
    (folder / "out.png").symlink_to(outside)
    (folder / "private.png").symlink_to(private)
    (media / "assets" / "linked").symlink_to(media / "imports", target_is_directory=True)
    assert client.get("/media/assets/zz/out.png").status_code == 404
    assert client.get("/media/assets/zz/private.png").status_code == 404
    assert client.get("/media/assets/linked/1-x.png").status_code == 404


def test_a_missing_file_answers_404(client, db):
    assert client.get("/media/assets/ab/" + "0" * 64 + ".png").status_code == 404


def test_media_can_be_left_to_a_front_web_server(client, image, settings):
    settings.PIM_SERVE_MEDIA = False
    assert client.get(image.file.url).status_code == 404
