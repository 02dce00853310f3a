"""Asset and price inlines of the product admin: uploads checked before anything is stored;
previews made after the save, shown as "processing" until then."""

import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog.models import Asset, AssetKind, Price
from tests.factories import (
    admin_form_data,
    image_bytes,
    make_product,
    make_user,
    pdf_bytes,
    value,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user("root", superuser=True))
    return client


@pytest.fixture
def lamp(lamp_family, web):
    return make_product(lamp_family, sku="LAMP-1", channels=[web], values={"weight": value("1.5")})


def change_url(product):
    return reverse("admin:catalog_product_change", args=[product.pk])


def post_upload(client, product, upload, **fields):
    data = admin_form_data(client.get(change_url(product)))
    data.update(
        {
            "assets-TOTAL_FORMS": "1",
            "assets-0-upload": upload,
            "assets-0-role": "main",
            "assets-0-position": "0",
            **fields,
        }
    )
    return client.post(change_url(product), data)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_uploaded_image_becomes_an_asset_with_a_thumbnail(
    superuser_client, lamp, settings, django_capture_on_commit_callbacks
):
    """The upload is stored once, renditions are made after commit and completeness counts
    the main image."""
    before = lamp.completeness.get(locale="en").ratio
    upload = SimpleUploadedFile("lamp.png", image_bytes(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(superuser_client, lamp, upload, **{"assets-0-alt_text_fa": "چراغ"})
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    asset = Asset.objects.get(product=lamp)
    assert asset.kind == AssetKind.IMAGE
    assert asset.alt_text_fa == "چراغ"
    assert asset.file.name.startswith("assets/")
    assert any("renditions" in str(p) and "-thumb." in p.name for p in stored_files(settings))
    assert lamp.completeness.get(locale="en").ratio > before
    html = superuser_client.get(change_url(lamp)).content.decode()
    assert 'class="pim-thumb"' in html


def test_identical_uploads_are_stored_once(superuser_client, lamp, lamp_family, settings):
    """Two assets with the same content share one stored file."""
    content = image_bytes()
    post_upload(superuser_client, lamp, SimpleUploadedFile("a.png", content))
    other = make_product(lamp_family, sku="LAMP-2")
    post_upload(superuser_client, other, SimpleUploadedFile("b.png", content))
    assert Asset.objects.count() == 2
    originals = [p for p in stored_files(settings) if "assets" in p.parts]
    assert len(originals) == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("lamp.jpg", image_bytes("PNG"), "is a PNG image but is named .jpg"),
        ("notes.png", b"just some text", "neither a PDF nor an image"),
        ("big.png", None, "the limit is"),
    ],
)
def test_a_bad_upload_is_refused_and_nothing_is_stored(
    superuser_client, lamp, settings, name, content, reason
):
    """A mismatched, unreadable or too large file is refused on the inline, naming the file."""
    if content is None:
        settings.PIM_MAX_UPLOAD_BYTES = 1024 * 1024
        content = b"\x00" * (1024 * 1024 + 1)
    response = post_upload(superuser_client, lamp, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][0].formset.errors)
    assert name in errors and reason in errors
    assert not Asset.objects.exists()
    assert stored_files(settings) == []


def test_an_image_whose_preview_is_not_built_yet_shows_processing(
    superuser_client, lamp, settings, django_capture_on_commit_callbacks
):
    """Until the worker has made the thumbnail the inline says so: no broken image, and the
    build is queued, never done in the request."""
    with (
        mock.patch("catalog.tasks_renditions.asset_renditions_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        upload = SimpleUploadedFile("lamp.png", image_bytes(size=(900, 600)))
        assert post_upload(superuser_client, lamp, upload).status_code == 302
        html = superuser_client.get(change_url(lamp)).content.decode()
    assert task.enqueue.called
    assert not [p for p in stored_files(settings) if "renditions" in p.parts]
    assert "pim-thumb-processing" in html
    assert 'class="pim-thumb"' not in html


def test_a_preview_that_failed_shows_why(superuser_client, lamp, settings):
    with mock.patch("catalog.tasks_renditions.asset_renditions_task"):
        post_upload(superuser_client, lamp, SimpleUploadedFile("lamp.png", image_bytes()))
    Asset.objects.update(rendition_error="The image could not be decoded: broken data")
    html = superuser_client.get(change_url(lamp)).content.decode()
    assert "pim-thumb-failed" in html and "broken data" in html


def test_a_fake_pdf_is_refused_on_the_field(superuser_client, lamp, settings):
    """The error names the file and says why, on the inline's upload field."""
    fake = SimpleUploadedFile("manual.pdf", b"%PDF-1.4\nplain text\n%%EOF\n")
    response = post_upload(superuser_client, lamp, fake, **{"assets-0-role": "manual"})
    assert response.status_code == 200
    form_errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert "“manual.pdf” is not a valid PDF" in str(form_errors["upload"])
    assert not Asset.objects.exists()
    real = SimpleUploadedFile("manual.pdf", pdf_bytes())
    response = post_upload(superuser_client, lamp, real, **{"assets-0-role": "manual"})
    assert response.status_code == 302
    assert Asset.objects.get().mime_type == "application/pdf"


def test_a_decompression_bomb_is_refused(superuser_client, lamp, settings):
    """An image whose pixel count is over the limit is refused before decoding."""
    settings.PIM_MAX_IMAGE_PIXELS = 1000
    buffer = io.BytesIO()
    Image.new("RGB", (100, 100)).save(buffer, "PNG")
    response = post_upload(
        superuser_client, lamp, SimpleUploadedFile("bomb.png", buffer.getvalue())
    )
    assert response.status_code == 200
    assert "bomb.png" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert stored_files(settings) == []


def test_a_price_is_added_through_the_inline(superuser_client, lamp, web):
    """Prices per channel and currency are edited on the product page."""
    data = admin_form_data(superuser_client.get(change_url(lamp)))
    data.update(
        {
            "prices-TOTAL_FORMS": "1",
            "prices-0-channel": str(web.pk),
            "prices-0-currency": "EUR",
            "prices-0-amount": "19.90",
            "prices-0-sale_amount": "15.00",
        }
    )
    response = superuser_client.post(change_url(lamp), data)
    assert response.status_code == 302
    price = Price.objects.get(product=lamp)
    assert str(price.amount) == "19.90" and str(price.sale_amount) == "15.00"


def test_uploads_are_checked_before_the_admin_opens_its_transaction(superuser_client, lamp):
    """Decoding an upload takes seconds; on SQLite a transaction holds the write lock from its
    start, so the check runs outside the admin view's transaction (once per file)."""
    from django.db import connection

    from catalog.services import assets

    outside = len(connection.atomic_blocks)  # the test's own transaction
    depths = []
    real_check = assets.upload_check

    def check(**kwargs):
        depths.append(len(connection.atomic_blocks))
        return real_check(**kwargs)

    with mock.patch.object(assets, "upload_check", check):
        upload = SimpleUploadedFile("lamp.png", image_bytes(), content_type="image/png")
        assert post_upload(superuser_client, lamp, upload).status_code == 302
    assert depths == [outside]
