"""Media in S3-compatible object storage (django-storages), against a local moto server on
127.0.0.1: uploads land in the bucket, their URLs point there and work, and a PDF built from
them embeds the image, read through the storage API rather than from local disk.

moto and django-storages are in the dev extra: when they are missing this module fails (an
import error), it never skips."""

import html
import importlib
import io
import re
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer
from pypdf import PdfReader
from storages.backends.s3 import S3Storage

from catalog.services import renditions
from catalog.services.renditions import asset_renditions_build, rendition_url
from publishing.printing.fetcher import PRINT_BASE_URL, ProjectFilesFetcher
from tests.publishing.printing import render

BUCKET = "pim-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """Media storage as pim/settings.py configures it from the environment."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1",
        "PIM_S3_BUCKET": BUCKET,
        "PIM_S3_ENDPOINT_URL": s3_endpoint,
        "PIM_S3_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    import pim.settings

    configured = importlib.reload(pim.settings)
    storages, serve_media = configured.STORAGES, configured.PIM_SERVE_MEDIA
    monkeypatch.delenv("PIM_S3_BUCKET")
    importlib.reload(pim.settings)  # back to local media for whatever imports it later
    assert serve_media is False  # the bucket serves media, not the app
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = storages
    # Renditions known to this process belong to another storage (or an emptied bucket).
    monkeypatch.setattr(renditions, "_KNOWN_RENDITIONS", {})
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def download(url: str) -> bytes:
    assert url.startswith("http://127.0.0.1:")  # never anywhere else
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.read()


def test_uploads_renditions_and_a_pdf_live_in_object_storage(
    s3, s3_endpoint, publish, web, settings
):
    product = publish("LAMP-1")
    asset = product.assets.get(role="main")
    asset_renditions_build(asset=asset)
    assert isinstance(asset.file.storage, S3Storage)

    s3.head_object(Bucket=BUCKET, Key=asset.file.name)  # stored in the bucket
    assert not Path(settings.MEDIA_ROOT, asset.file.name).exists()
    original_url = asset.file.url
    assert original_url.startswith(f"{s3_endpoint}/{BUCKET}/assets/")
    assert download(original_url)[:8] == b"\x89PNG\r\n\x1a\n"

    url = rendition_url(asset=asset, spec="print")
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/renditions/")
    assert download(url)[:3] == b"\xff\xd8\xff"

    publication = render("technical_sheet", channel=web, locale="en", skus=["LAMP-1"])
    assert publication.status == "done", publication.error or publication.log
    assert "Not loaded" not in publication.log
    s3.head_object(Bucket=BUCKET, Key=publication.file.name)
    with default_storage.open(publication.file.name, "rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    assert sum(len(page.images) for page in pdf.pages) >= 1


def test_product_pages_link_images_in_the_bucket(s3, s3_endpoint, publish, client):
    """og:image and JSON-LD keep the bucket's absolute URL (no site address in front)."""
    product = publish("LAMP-3")
    asset_renditions_build(asset=product.assets.get(role="main"))
    page = client.get(f"/en/p/{product.slug_en}/").content.decode()
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)
    og_image = html.unescape(og_image)
    assert og_image.startswith(f"{s3_endpoint}/{BUCKET}/renditions/")
    assert download(og_image)[:3] == b"\xff\xd8\xff"
    srcs = [html.unescape(src) for src in re.findall(r'<img[^>]* src="([^"]+)"', page)]
    assert srcs and all(download(src) for src in srcs if BUCKET in src)


def test_the_print_fetcher_reads_storage_urls_through_the_storage_api(s3, publish, tmp_path):
    from weasyprint import HTML

    product = publish("LAMP-2")
    asset_renditions_build(asset=product.assets.get(role="main"))
    url = rendition_url(asset=product.assets.get(role="main"), spec="print")
    private = default_storage.save("imports/1-products.png", ContentFile(b"private"))
    fetcher = ProjectFilesFetcher()
    html = f'<img src="{url}"><img src="{default_storage.url(private)}"><p>x</p>'
    HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=fetcher).write_pdf(tmp_path / "x.pdf")
    assert len(fetcher.refused) == 1 and "private media" in fetcher.refused[0]
    pdf = PdfReader(tmp_path / "x.pdf")
    assert sum(len(page.images) for page in pdf.pages) == 1
