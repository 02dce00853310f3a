"""Uploads are checked before anything is stored; identical files are stored once."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Asset
from catalog.services.assets import asset_create, asset_rendition, upload_check
from tests.factories import image_bytes, image_upload, make_product

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def png_bomb(width=8000, height=8000) -> bytes:
    """A tiny PNG whose header claims an enormous canvas."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def product(lamp_family, web):
    return make_product(lamp_family, channels=[web])


def test_an_image_upload_stores_the_file_and_its_renditions(product, settings):
    asset = asset_create(
        owner=product,
        role="main",
        upload=image_upload(size=(3000, 1500)),
        texts={"alt_text": {"en": "Red lamp", "fa": "چراغ قرمز"}},
    )
    assert (asset.kind, asset.mime_type, asset.width, asset.height) == (
        "image",
        "image/png",
        3000,
        1500,
    )
    assert asset.alt_text_fa == "چراغ قرمز"
    assert asset.file.name == f"assets/{asset.content_hash[:2]}/{asset.content_hash}.png"
    thumb = asset_rendition(asset=asset, spec="thumb")
    with default_storage.open(thumb) as handle:
        from PIL import Image

        assert max(Image.open(handle).size) == 240


def test_identical_files_are_stored_once(product, settings):
    first = asset_create(owner=product, role="main", upload=image_upload("a.png"))
    second = asset_create(owner=product, role="gallery", upload=image_upload("b.png"))
    assert first.file.name == second.file.name
    assert len([n for n in stored_files(settings) if n.startswith(first.content_hash + ".")]) == 1


def test_a_pdf_document_is_accepted(product):
    upload = SimpleUploadedFile("manual.pdf", MINIMAL_PDF)
    asset = asset_create(owner=product, role="manual", upload=upload)
    assert (asset.kind, asset.mime_type) == ("document", "application/pdf")


def test_a_video_link_needs_a_valid_url(product):
    asset = asset_create(owner=product, role="video", url="https://video.example.com/v/1")
    assert asset.kind == "link"
    with pytest.raises(ValidationError) as caught:
        asset_create(owner=product, role="video", url="javascript:alert(1)")
    assert "url" in caught.value.message_dict


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("lamp.jpg", image_bytes("PNG"), "is a PNG image but is named .jpg"),
        ("manual.png", MINIMAL_PDF, "is a PDF but is named .png"),
        ("lamp.png", b"this is not an image", "neither a PDF nor an image"),
        ("truncated.png", image_bytes("PNG", size=(400, 400))[:200], "neither a PDF nor an image"),
        ("bomb.png", png_bomb(), "megapixels"),
        ("cut.pdf", MINIMAL_PDF[:-10], "not a complete PDF"),
        ("empty.png", b"", "is empty"),
        ("lamp.bmp", image_bytes("BMP"), "use JPEG, PNG, WebP or GIF"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(product, settings, name, content, reason):
    with pytest.raises(ValidationError) as caught:
        asset_create(owner=product, role="gallery", upload=SimpleUploadedFile(name, content))
    assert reason in caught.value.messages[0]
    assert name in caught.value.messages[0]
    assert stored_files(settings) == []
    assert not Asset.objects.exists()


def test_files_over_the_size_limit_are_refused(settings):
    settings.PIM_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        upload_check(name="big.png", content=image_bytes(size=(400, 400)) + b"\0" * 2048)
    assert "the limit is" in caught.value.messages[0]


def test_a_bomb_beyond_pillows_own_limit_is_refused(settings):
    """Even when Pillow itself raises DecompressionBombError, the user gets our message."""
    settings.PIM_MAX_IMAGE_PIXELS = 10**12
    with pytest.raises(ValidationError) as caught:
        upload_check(name="bomb.png", content=png_bomb(65000, 65000))
    assert "enormous" in caught.value.messages[0]


def test_a_pdf_cannot_be_the_main_image(product):
    with pytest.raises(ValidationError) as caught:
        asset_create(owner=product, role="main", upload=SimpleUploadedFile("m.pdf", MINIMAL_PDF))
    assert "role" in caught.value.message_dict


def test_transparent_images_keep_their_transparency_in_renditions(product):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buffer, "PNG")
    asset = asset_create(
        owner=product, role="gallery", upload=SimpleUploadedFile("t.png", buffer.getvalue())
    )
    assert asset_rendition(asset=asset, spec="web").endswith(".png")
