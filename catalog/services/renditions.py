"""Image renditions: resized copies of an uploaded image, made once per content and cached.

Building a rendition decodes the original, which for a large image takes seconds and hundreds
of megabytes. So it never happens in a web request or inside a database transaction: an upload
queues ``asset_renditions_task`` after its transaction commits, and readers that find a
rendition missing either fall back to the original's URL and queue the build again (web pages,
feeds, API, admin) or build it themselves when they run in the worker anyway (PDF renders).

Memory stays bounded: a JPEG is decoded at a reduced scale (``draft``); any other format is
decoded once at full size, then shrunk in horizontal strips by an integer factor (each strip
converted to the working mode on its own), so at most one full-size decoded copy exists.
"""

import hashlib
import io
import math
import os
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import ExifTags, Image

from catalog.models import Asset, AssetKind


@dataclass(frozen=True)
class RenditionSpec:
    name: str
    max_side: int
    quality: int


RENDITIONS = {
    "thumb": RenditionSpec("thumb", 240, 80),
    "web": RenditionSpec("web", 1200, 85),
    "print": RenditionSpec("print", 2400, 92),
}
# Rows of the full-size image converted at a time while shrinking (times the reduce factor).
STRIP_ROWS = 64
# How long a queued build counts as pending before the next reader queues it again (a build
# whose worker died is retried after this).
REQUEST_RETRY_SECONDS = 600
# What a damaged or unreadable original raises while decoding.
RENDITION_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)
# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def rendition_path(content_hash: str, spec: str, fmt: str) -> str:
    return f"renditions/{content_hash[:2]}/{content_hash}-{spec}.{fmt}"


# Rendition paths are content-addressed, so once found they never change: remember them per
# process instead of asking the storage (a network round trip on S3) on every page and feed.
_KNOWN_RENDITIONS: dict[tuple[str, str, str], str] = {}


def _storage_location() -> str:
    # Part of every key: tests and tools may switch MEDIA_ROOT.
    return str(getattr(default_storage, "location", ""))


def rendition_lookup(*, content_hash: str, spec: str) -> str | None:
    """Storage path of an already built rendition, or None (never builds)."""
    if not content_hash:
        return None
    key = (_storage_location(), content_hash, spec)
    known = _KNOWN_RENDITIONS.get(key)
    if known is not None:
        return known
    for fmt in ("jpg", "png"):
        path = rendition_path(content_hash, spec, fmt)
        if default_storage.exists(path):
            _KNOWN_RENDITIONS[key] = path
            return path
    return None


def image_rendition(
    *, content_hash: str, file_name: str, spec: str, build: bool = False
) -> str | None:
    """Path of an image's rendition; a missing one is built here if ``build`` (for callers
    that run in the worker anyway), else queued for the worker and None is returned."""
    path = rendition_lookup(content_hash=content_hash, spec=spec)
    if path is not None or not content_hash or not file_name:
        return path
    if build:
        try:
            return renditions_build(content_hash=content_hash, file_name=file_name).get(spec)
        except RENDITION_ERRORS:
            return None  # recorded on the asset (admin); the original stands in
    renditions_request(content_hash=content_hash, file_name=file_name)
    return None


def asset_rendition(*, asset: Asset, spec: str, build: bool = False) -> str | None:
    """``image_rendition`` for an asset (None for documents and links)."""
    if asset.kind != AssetKind.IMAGE:
        return None
    return image_rendition(
        content_hash=asset.content_hash, file_name=asset.file.name, spec=spec, build=build
    )


def asset_renditions_build(*, asset: Asset) -> dict[str, str]:
    """Build an image asset's renditions now (idempotent); {} for other kinds."""
    if asset.kind != AssetKind.IMAGE or not asset.file:
        return {}
    return renditions_build(content_hash=asset.content_hash, file_name=asset.file.name)


def rendition_url(*, asset: Asset, spec: str) -> str:
    """Public URL of an image's rendition; the original's while the rendition is being built,
    so that a page never shows a broken image."""
    if asset.kind != AssetKind.IMAGE or not asset.file:
        return ""
    path = asset_rendition(asset=asset, spec=spec)
    return default_storage.url(path or asset.file.name)


def renditions_request(*, content_hash: str, file_name: str) -> None:
    """Queue the build of an image's renditions once the current transaction commits.

    Readers call this on every miss, so it is deduplicated through the shared cache: one build
    is queued per content until REQUEST_RETRY_SECONDS pass (then a build whose worker died is
    queued again)."""
    if not content_hash or not file_name:
        return
    key = (
        "renditions-queued:"
        + hashlib.sha256(f"{_storage_location()}\0{content_hash}".encode()).hexdigest()
    )
    if not caches["shared"].add(key, 1, timeout=REQUEST_RETRY_SECONDS):
        return

    def enqueue() -> None:
        from catalog.tasks_renditions import asset_renditions_task

        asset_renditions_task.enqueue(content_hash, file_name)

    transaction.on_commit(enqueue)


def asset_renditions_queue(*, asset: Asset) -> None:
    """Queue an uploaded image's renditions (after commit, unless they exist already)."""
    if asset.kind != AssetKind.IMAGE or not asset.content_hash:
        return
    if all(rendition_lookup(content_hash=asset.content_hash, spec=s) for s in RENDITIONS):
        return
    renditions_request(content_hash=asset.content_hash, file_name=asset.file.name)


def renditions_build(*, content_hash: str, file_name: str) -> dict[str, str]:
    """Build every missing rendition of one image; returns spec -> storage path.

    Idempotent: existing renditions are kept, the same input gives the same bytes, and each
    file appears under its final name only when complete. Run it outside any transaction: the
    only database writes are the one-statement updates of ``rendition_error``.
    """
    paths = {spec: rendition_lookup(content_hash=content_hash, spec=spec) for spec in RENDITIONS}
    missing = [spec for spec, path in paths.items() if path is None]
    if not missing:
        return paths
    try:
        built = _build(file_name, [RENDITIONS[spec] for spec in missing])
    except RENDITION_ERRORS as exc:
        Asset.objects.filter(content_hash=content_hash).update(
            rendition_error=(_("The image could not be decoded: %(reason)s") % {"reason": exc})[
                :500
            ]
        )
        raise
    for spec, (fmt, data) in built.items():
        path = rendition_path(content_hash, spec, fmt)
        if not default_storage.exists(path):
            _save_complete(path, data)
        _KNOWN_RENDITIONS[(_storage_location(), content_hash, spec)] = path
        paths[spec] = path
    Asset.objects.filter(content_hash=content_hash).exclude(rendition_error="").update(
        rendition_error=""
    )
    return paths


def _save_complete(path: str, data: bytes) -> None:
    """Write a file so that it never exists half-written under its final name."""
    try:
        final = default_storage.path(path)
    except NotImplementedError:  # object storage: one PUT, atomic already
        default_storage.save(path, ContentFile(data))
        return
    os.makedirs(os.path.dirname(final), exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=os.path.dirname(final), prefix=os.path.basename(final) + ".", suffix=".part"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, final)
    except BaseException:
        os.unlink(temporary)
        raise


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` shrunk (never enlarged) to fit a ``side`` × ``side`` box, aspect kept."""
    width, height = size
    if max(width, height) <= side:
        return width, height
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _build(file_name: str, specs: list[RenditionSpec]) -> dict[str, tuple[str, bytes]]:
    largest = max(spec.max_side for spec in specs)
    with default_storage.open(file_name, "rb") as source:
        image = Image.open(source)
        try:
            width, height = image.size
            if width * height > settings.PIM_MAX_IMAGE_PIXELS:
                raise ValueError(
                    _("%(w)s×%(h)s pixels is over the limit.") % {"w": width, "h": height}
                )
            orientation = image.getexif().get(ExifTags.Base.Orientation)
            has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
                "transparency" in image.info
            )
            working = image_shrink(image, _fit(image.size, largest), has_alpha=has_alpha)
        finally:
            # Frees the full-size pixels now (Pillow's ``with`` does not): the resizing and
            # encoding below never coexist with them.
            image.close()
    if orientation in _ORIENTATION:
        working = working.transpose(_ORIENTATION[orientation])
    built = {}
    for spec in sorted(specs, key=lambda s: -s.max_side):
        resized = working.resize(_fit(working.size, spec.max_side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if has_alpha:
            resized.convert("RGBA").save(buffer, "PNG", optimize=True)
            built[spec.name] = ("png", buffer.getvalue())
        else:
            resized.convert("RGB").save(
                buffer, "JPEG", quality=spec.quality, optimize=True, progressive=True
            )
            built[spec.name] = ("jpg", buffer.getvalue())
    working.close()
    return built


def image_shrink(image: Image.Image, target: tuple[int, int], *, has_alpha: bool) -> Image.Image:
    """An opened, not yet loaded image decoded and shrunk by an integer factor so that it is
    still at least ``target``, in the working mode ("RGBa", premultiplied, if it has alpha;
    else "RGB" or "L").

    JPEG is decoded at 1/2, 1/4 or 1/8 scale by the decoder itself (``draft``). Other formats
    are decoded once at full size and reduced strip by strip: the mode conversion (palette to
    colour, premultiplying alpha) and the reduction never hold a second full-size copy.
    """
    gray = image.mode in ("1", "L", "LA", "La", "I", "I;16", "F") and not has_alpha
    mode = "RGBa" if has_alpha else ("L" if gray else "RGB")
    if image.format == "JPEG":
        image.draft("L" if gray else "RGB", target)
    image.load()
    width, height = image.size
    factor = max(1, min(width // max(1, target[0]), height // max(1, target[1])))
    if factor == 1 and image.mode == mode:
        return image.copy()
    result = Image.new(mode, (math.ceil(width / factor), math.ceil(height / factor)))
    step = STRIP_ROWS * factor
    for top in range(0, height, step):
        strip = image.crop((0, top, width, min(top + step, height)))
        strip = _to_mode(strip, mode)
        if factor > 1:
            strip = strip.reduce(factor)
        result.paste(strip, (0, top // factor))
    return result


def _to_mode(image: Image.Image, mode: str) -> Image.Image:
    if image.mode == mode:
        return image
    if mode == "RGBa":
        return image.convert("RGBA").convert("RGBa")
    if image.mode in ("I", "I;16", "F") and mode == "L":
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image.convert(mode)
