"""Uploads are checked before anything is stored; identical files are stored once; renditions
are built after the upload's transaction, with bounded memory, and every output copes until
they exist."""

import io
import struct
import zlib
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from catalog.models import Asset
from catalog.services import renditions
from catalog.services.assets import asset_create, upload_check
from catalog.services.renditions import (
    RENDITIONS,
    asset_rendition,
    image_shrink,
    rendition_lookup,
    rendition_url,
    renditions_build,
)
from tests.factories import image_bytes, image_upload, make_product, pdf_bytes

# The old "is it a PDF?" test: starts with %PDF- and ends with %%EOF, but is only text.
FAKE_PDF = b"%PDF-1.4\nThis is a plain text file, not a PDF.\n%%EOF\n"


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def rendition_files(settings):
    return [name for name in stored_files(settings) if "-thumb." in name or "-web." in name]


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


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def product(lamp_family, web):
    return make_product(lamp_family, channels=[web])


@pytest.fixture
def no_enqueue():
    """Tasks queued after commit are recorded, not run (as if no worker had got to them)."""
    with mock.patch("catalog.tasks_renditions.asset_renditions_task") as task:
        yield task.enqueue


def create_committed(django_capture_on_commit_callbacks, **kwargs) -> Asset:
    """asset_create as in production: the after-commit work runs (the task backend of the
    tests is "immediate", so the renditions are built then)."""
    with django_capture_on_commit_callbacks(execute=True):
        return asset_create(**kwargs)


# --- Upload checks ------------------------------------------------------------------------------


def test_an_image_upload_stores_the_file_and_its_renditions(
    product, settings, django_capture_on_commit_callbacks
):
    asset = create_committed(
        django_capture_on_commit_callbacks,
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
    for spec, size in (("thumb", (240, 120)), ("web", (1200, 600)), ("print", (2400, 1200))):
        with default_storage.open(asset_rendition(asset=asset, spec=spec)) as handle:
            assert Image.open(handle).size == size


def test_identical_files_are_stored_once(product, settings):
    first = asset_create(owner=product, role="main", upload=image_upload("a.png"))
    second = asset_create(owner=product, role="gallery", upload=image_upload("b.png"))
    assert first.file.name == second.file.name
    assert len([n for n in stored_files(settings) if n.startswith(first.content_hash + ".")]) == 1


def test_a_real_pdf_is_accepted(product):
    upload = SimpleUploadedFile("manual.pdf", pdf_bytes(pages=3))
    asset = asset_create(owner=product, role="manual", upload=upload)
    assert (asset.kind, asset.mime_type) == ("document", "application/pdf")


def test_a_text_file_dressed_as_a_pdf_is_refused(product, settings):
    """Starting with %PDF- and ending with %%EOF is not enough: the file must parse."""
    with pytest.raises(ValidationError) as caught:
        asset_create(owner=product, role="manual", upload=SimpleUploadedFile("m.pdf", FAKE_PDF))
    assert caught.value.code == "corrupt"
    assert "“m.pdf” is not a valid PDF:" in caught.value.messages[0]
    assert stored_files(settings) == []


def test_a_pdf_without_pages_is_refused():
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    with pytest.raises(ValidationError) as caught:
        upload_check(name="empty.pdf", content=buffer.getvalue())
    assert "has no pages" in caught.value.messages[0]


def test_a_password_protected_pdf_is_refused():
    """Outputs link the file for everyone; nobody could open it."""
    with pytest.raises(ValidationError) as caught:
        upload_check(name="secret.pdf", content=pdf_bytes(password="s3cret"))
    assert caught.value.code == "encrypted"
    assert "password" in caught.value.messages[0]


def test_a_pdf_that_only_restricts_printing_is_accepted():
    """Encrypted with an owner password only: anyone can open it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert upload_check(name="manual.pdf", content=buffer.getvalue()).kind == "document"


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
        ("manual.png", pdf_bytes(), "is a PDF but is named .png"),
        ("lamp.png", b"this is not an image", "neither a PDF nor an image"),
        ("truncated.png", image_bytes("PNG", size=(400, 400))[:200], "neither a PDF nor an image"),
        ("bomb.png", png_bomb(), "megapixels"),
        ("cut.pdf", pdf_bytes()[:-200], "not a valid PDF"),
        ("fake.pdf", FAKE_PDF, "not a valid PDF"),
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


@pytest.mark.parametrize("tolerant", [False, True])
def test_a_truncated_jpeg_is_refused(monkeypatch, tolerant):
    """verify() alone accepts a JPEG whose pixel data is cut off; the (reduced) decode does not,
    even once WeasyPrint has told Pillow to load truncated images (it does on import)."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", tolerant)
    content = image_bytes("JPEG", size=(800, 600))
    with pytest.raises(ValidationError) as caught:
        upload_check(name="cut.jpg", content=content[: len(content) // 2])
    assert "neither a PDF nor an image" in caught.value.messages[0]
    assert ImageFile.LOAD_TRUNCATED_IMAGES is tolerant


def test_files_over_the_size_limit_are_refused(settings):
    settings.PIM_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        upload_check(name="big.png", content=image_bytes(size=(400, 400)) + b"\0" * 2048)
    assert "the limit is" in caught.value.messages[0]


def test_an_image_over_the_pixel_limit_is_refused_before_decoding(settings):
    """The header's size decides; the pixel data is never decoded."""
    settings.PIM_MAX_IMAGE_PIXELS = 100 * 100
    content = image_bytes("PNG", size=(101, 100))
    with (
        mock.patch.object(ImageFile.ImageFile, "load", side_effect=AssertionError("decoded")),
        pytest.raises(ValidationError) as caught,
    ):
        upload_check(name="big.png", content=content)
    assert caught.value.code == "too_many_pixels"
    upload_check(name="ok.png", content=image_bytes("PNG", size=(100, 100)))


def test_a_bomb_beyond_pillows_own_limit_is_refused(settings):
    """Even when Pillow itself raises DecompressionBombError, the user gets our message."""
    settings.PIM_MAX_IMAGE_PIXELS = 10**12
    with pytest.raises(ValidationError) as caught:
        upload_check(name="bomb.png", content=png_bomb(65000, 65000))
    assert "enormous" in caught.value.messages[0]


def test_a_jpeg_is_checked_at_a_reduced_scale():
    """Proving a JPEG's pixel data complete decodes it at 1/8 scale, not at full size."""
    decoded = []
    real_load = ImageFile.ImageFile.load

    def load(image):
        decoded.append(image.size)
        return real_load(image)

    with mock.patch.object(ImageFile.ImageFile, "load", load):
        upload_check(name="big.jpg", content=image_bytes("JPEG", size=(1600, 1200)))
    assert decoded and max(decoded) == (200, 150)


def test_a_pdf_cannot_be_the_main_image(product):
    with pytest.raises(ValidationError) as caught:
        asset_create(owner=product, role="main", upload=SimpleUploadedFile("m.pdf", pdf_bytes()))
    assert "role" in caught.value.message_dict


# --- Renditions in the background ---------------------------------------------------------------


def test_the_upload_transaction_only_queues_the_renditions(
    product, settings, django_capture_on_commit_callbacks, no_enqueue
):
    """Nothing is decoded for renditions before commit; the build is queued after it."""
    with mock.patch.object(renditions, "_build", side_effect=AssertionError("built")):
        with django_capture_on_commit_callbacks() as callbacks:
            asset = asset_create(owner=product, role="main", upload=image_upload(size=(900, 600)))
        assert rendition_files(settings) == []
        no_enqueue.assert_not_called()
        for callback in callbacks:
            callback()
    no_enqueue.assert_called_once_with(asset.content_hash, asset.file.name)
    assert rendition_files(settings) == []


def test_the_queued_task_builds_every_rendition(
    product, settings, django_capture_on_commit_callbacks
):
    from catalog.tasks_renditions import asset_renditions_task

    with (
        mock.patch("catalog.tasks_renditions.asset_renditions_task"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        asset = asset_create(owner=product, role="main", upload=image_upload(size=(900, 600)))
    assert rendition_lookup(content_hash=asset.content_hash, spec="thumb") is None
    result = asset_renditions_task.enqueue(asset.content_hash, asset.file.name)
    assert set(result.return_value) == set(RENDITIONS)
    assert rendition_lookup(content_hash=asset.content_hash, spec="thumb")


def test_building_twice_gives_the_same_files(product, settings, no_enqueue):
    asset = asset_create(owner=product, role="main", upload=image_upload(size=(900, 600)))
    first = renditions_build(content_hash=asset.content_hash, file_name=asset.file.name)
    contents = {spec: default_storage.open(path).read() for spec, path in first.items()}
    files = stored_files(settings)
    # Forget what this process knows and delete one file, as after a crash mid-build.
    renditions._KNOWN_RENDITIONS.clear()
    default_storage.delete(first["web"])
    second = renditions_build(content_hash=asset.content_hash, file_name=asset.file.name)
    assert second == first
    assert {spec: default_storage.open(path).read() for spec, path in second.items()} == contents
    assert stored_files(settings) == files
    assert not [name for name in files if name.endswith(".part")]


def test_a_build_request_is_queued_once_until_it_is_retried(
    product, settings, no_enqueue, django_capture_on_commit_callbacks
):
    """Every page view that misses a rendition asks for it; one build is queued (by the
    upload), and again only after REQUEST_RETRY_SECONDS (a build whose worker died)."""
    with django_capture_on_commit_callbacks(execute=True):
        asset = asset_create(owner=product, role="main", upload=image_upload(size=(900, 600)))
        for _view in range(3):
            assert rendition_url(asset=asset, spec="web") == asset.file.url
    assert no_enqueue.call_count == 1
    from django.core.cache import caches

    caches["shared"].clear()  # the retry period is over
    with django_capture_on_commit_callbacks(execute=True):
        rendition_url(asset=asset, spec="web")
    assert no_enqueue.call_count == 2


def test_a_rendition_not_built_yet_falls_back_to_the_original(product, no_enqueue):
    asset = asset_create(owner=product, role="main", upload=image_upload(size=(900, 600)))
    assert asset_rendition(asset=asset, spec="thumb") is None
    assert rendition_url(asset=asset, spec="thumb") == default_storage.url(asset.file.name)
    # A caller in the worker (a PDF render) builds it instead.
    path = asset_rendition(asset=asset, spec="thumb", build=True)
    assert path and default_storage.exists(path)
    assert rendition_url(asset=asset, spec="thumb") == default_storage.url(path)


def test_an_undecodable_original_is_reported_on_the_asset(product, settings, no_enqueue):
    asset = asset_create(owner=product, role="main", upload=image_upload(size=(900, 600)))
    (settings.MEDIA_ROOT / asset.file.name).write_bytes(b"\x89PNG\r\n\x1a\n broken")
    assert asset_rendition(asset=asset, spec="web", build=True) is None
    asset.refresh_from_db()
    assert asset.rendition_error.startswith("The image could not be decoded")
    assert rendition_url(asset=asset, spec="web") == asset.file.url


def test_transparent_images_keep_their_transparency_in_renditions(
    product, django_capture_on_commit_callbacks
):
    content = encoded(Image.new("RGBA", (50, 50), (0, 0, 0, 0)), "PNG")
    asset = create_committed(
        django_capture_on_commit_callbacks,
        owner=product,
        role="gallery",
        upload=SimpleUploadedFile("t.png", content),
    )
    path = asset_rendition(asset=asset, spec="web")
    assert path.endswith(".png")
    with default_storage.open(path) as handle:
        assert Image.open(handle).getpixel((10, 10))[3] == 0


def test_renditions_are_upright_for_rotated_camera_photos(product, no_enqueue):
    """A JPEG stored sideways with EXIF orientation 6 gives portrait renditions."""
    photo = Image.new("RGB", (800, 400), (10, 120, 200))
    exif = photo.getexif()
    exif[0x0112] = 6
    upload = SimpleUploadedFile("p.jpg", encoded(photo, "JPEG", exif=exif))
    asset = asset_create(owner=product, role="gallery", upload=upload)
    path = asset_rendition(asset=asset, spec="thumb", build=True)
    with default_storage.open(path) as handle:
        assert Image.open(handle).size == (120, 240)


# --- Bounded memory -----------------------------------------------------------------------------


def test_a_jpeg_is_decoded_at_a_reduced_scale_for_renditions():
    """The decoder itself shrinks a JPEG (draft): never a full-size decode for a thumbnail."""
    with Image.open(io.BytesIO(image_bytes("JPEG", size=(2400, 1600)))) as image:
        working = image_shrink(image, (240, 160), has_alpha=False)
        assert image.size == (300, 200)  # decoded at 1/8
    assert working.size == (240, 160) or working.size[0] >= 240


def test_other_formats_are_shrunk_before_their_mode_changes():
    """A palette PNG is decoded once; conversion and reduction go strip by strip, so no
    full-size converted copy ever exists."""
    palette = Image.new("RGB", (1200, 1100), (200, 30, 30)).convert("P")
    converted = []
    real_convert = Image.Image.convert

    def convert(image, *args, **kwargs):
        converted.append(image.size)
        return real_convert(image, *args, **kwargs)

    with (
        Image.open(io.BytesIO(encoded(palette, "PNG"))) as image,
        mock.patch.object(Image.Image, "convert", convert),
        mock.patch.object(renditions, "STRIP_ROWS", 16),
    ):
        working = image_shrink(image, (240, 220), has_alpha=False)
    assert working.mode == "RGB" and working.size == (240, 220)
    assert converted and max(height for _width, height in converted) <= 16 * 5


def test_a_large_png_is_reduced_by_an_integer_factor_before_resampling():
    reduced = []
    real_reduce = Image.Image.reduce

    def reduce(image, factor, box=None):
        reduced.append(factor)
        return real_reduce(image, factor, box)

    with (
        Image.open(io.BytesIO(image_bytes("PNG", size=(2000, 1000)))) as image,
        mock.patch.object(Image.Image, "reduce", reduce),
    ):
        working = image_shrink(image, (240, 120), has_alpha=False)
    assert reduced and set(reduced) == {8}
    assert working.size == (250, 125)


def test_the_full_size_original_is_released_before_the_renditions_are_resampled(
    product, no_enqueue
):
    """Only the shrunk working copy is alive while each rendition is resized and encoded."""
    asset = asset_create(owner=product, role="main", upload=image_upload(size=(1600, 1200)))
    opened, original_open_during_resize = [], []
    real_open, real_resize = Image.open, Image.Image.resize

    def open_(*args, **kwargs):
        opened.append(real_open(*args, **kwargs))
        return opened[-1]

    def still_open(image) -> bool:
        try:
            image.getpixel((0, 0))
        except ValueError:  # "Operation on closed image"
            return False
        return True

    def resize(image, *args, **kwargs):
        original_open_during_resize.append(still_open(opened[0]))
        return real_resize(image, *args, **kwargs)

    with (
        mock.patch.object(Image, "open", open_),
        mock.patch.object(Image.Image, "resize", resize),
    ):
        renditions_build(content_hash=asset.content_hash, file_name=asset.file.name)
    assert original_open_during_resize == [False, False, False]
