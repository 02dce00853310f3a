"""Every output copes with an image whose renditions the worker has not built yet: pages, feeds
and the API show the original (never a broken image or an error) and queue the build; a PDF
render, which runs in the worker anyway, builds them itself."""

from unittest import mock

import pytest
from django.core.files.storage import default_storage

from catalog.models import Asset
from catalog.services.renditions import rendition_lookup
from publishing.feeds.base import feed_products, merchant_fields
from tests.publishing.printing import pdf_path, render


@pytest.fixture
def no_worker():
    """The after-commit enqueue is recorded but nothing runs it (the worker is behind)."""
    with mock.patch("catalog.tasks_renditions.asset_renditions_task") as task:
        yield task.enqueue


@pytest.fixture
def lamp(publish, no_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = publish("LAMP-1")
    asset = Asset.objects.get(product=product)
    assert rendition_lookup(content_hash=asset.content_hash, spec="web") is None
    return product, asset


def test_a_product_page_shows_the_original_until_the_renditions_exist(
    client, lamp, no_worker, django_capture_on_commit_callbacks
):
    product, asset = lamp
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/en/p/{product.slug_en}/")
    assert response.status_code == 200
    body = response.content.decode()
    original = default_storage.url(asset.file.name)
    assert f'src="{original}"' in body
    # The original at its own width: the browser is not told it is a 240-pixel thumbnail.
    assert f'srcset="{original} {asset.width}w"' in body
    assert "/renditions/" not in body
    no_worker.assert_called_with(asset.content_hash, asset.file.name)


def test_a_merchant_feed_links_the_original_until_the_renditions_exist(lamp, web):
    product, asset = lamp
    (view,) = [v for v in feed_products(channel=web, locale="en") if v.sku == product.sku]
    link = merchant_fields(view)["image_link"]
    assert link.endswith(default_storage.url(asset.file.name))


def test_a_pdf_render_builds_the_missing_renditions_it_prints(lamp, web):
    """The render runs in the worker: it builds what it needs instead of printing originals."""
    product, asset = lamp
    publication = render("technical_sheet", channel=web, locale="en", skus=[product.sku])
    assert pdf_path(publication).exists()
    assert rendition_lookup(content_hash=asset.content_hash, spec="web")
