"""Asset uploads (validated before anything is stored) and cached image renditions."""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from catalog.models import Asset, AssetKind, AssetRole
from catalog.models.asset import asset_upload_to
from catalog.services.completeness import completeness_recompute

IMAGE_FORMATS = {"JPEG": ("image/jpeg", {".jpg", ".jpeg"}), "PNG": ("image/png", {".png"}),
                 "WEBP": ("image/webp", {".webp"}), "GIF": ("image/gif", {".gif"})}  # fmt: skip
DOCUMENT_SUFFIXES = {".pdf"}


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


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    kind: str
    mime_type: str
    suffix: str
    width: int | None
    height: int | None
    content_hash: str


def upload_check(*, name: str, content: bytes, expected_kind: str | None = None) -> CheckedFile:
    """Refuse a file that is too large, not what its name claims, or a decompression bomb."""
    limit = settings.PIM_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": round(len(content) / 1048576, 1), "limit": limit // 1048576},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if content.startswith(b"%PDF-"):
        kind, mime, width, height = AssetKind.DOCUMENT, "application/pdf", None, None
        if suffix not in DOCUMENT_SUFFIXES:
            raise ValidationError(
                _("“%(name)s” is a PDF but is named %(suffix)s.")
                % {"name": name, "suffix": suffix or _("without extension")},
                code="mismatch",
            )
        if b"%%EOF" not in content[-2048:]:
            raise ValidationError(
                _("“%(name)s” is not a complete PDF file.") % {"name": name}, code="corrupt"
            )
    else:
        kind = AssetKind.IMAGE
        mime, width, height = _check_image(name, content, suffix)
    if expected_kind and kind != expected_kind:
        raise ValidationError(
            _("“%(name)s” is a %(kind)s, not a %(expected)s.")
            % {
                "name": name,
                "kind": AssetKind(kind).label,
                "expected": AssetKind(expected_kind).label,
            },
            code="mismatch",
        )
    return CheckedFile(
        content=content,
        kind=kind,
        mime_type=mime,
        suffix=suffix,
        width=width,
        height=height,
        content_hash=hashlib.sha256(content).hexdigest(),
    )


def _check_image(name: str, content: bytes, suffix: str):
    limit = settings.PIM_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > limit:
                    raise ValidationError(
                        _("“%(name)s” is %(w)s×%(h)s pixels; the limit is %(limit)s megapixels.")
                        % {"name": name, "w": width, "h": height, "limit": limit // 1_000_000},
                        code="too_many_pixels",
                    )
                fmt = image.format
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # verify() misses truncated pixel data
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” would decompress to an enormous image and was refused.") % {"name": name},
            code="decompression_bomb",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("“%(name)s” is neither a PDF nor an image we can read (JPEG, PNG, WebP, GIF).")
            % {"name": name},
            code="unsupported",
        ) from None
    if fmt not in IMAGE_FORMATS:
        raise ValidationError(
            _("“%(name)s” is a %(format)s image; use JPEG, PNG, WebP or GIF.")
            % {"name": name, "format": fmt},
            code="unsupported",
        )
    mime, suffixes = IMAGE_FORMATS[fmt]
    if suffix not in suffixes:
        raise ValidationError(
            _("“%(name)s” is a %(format)s image but is named %(suffix)s.")
            % {"name": name, "format": fmt, "suffix": suffix or _("without extension")},
            code="mismatch",
        )
    return mime, width, height


def asset_store_file(*, asset: Asset, checked: CheckedFile, name: str) -> None:
    """Point the asset at its content-addressed file, writing it only if new."""
    asset.content_hash = checked.content_hash
    path = asset_upload_to(asset, name)
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(checked.content))
        if saved != path:  # another writer raced us; keep one copy
            default_storage.delete(saved)
    asset.file.name = path
    asset.kind = checked.kind
    asset.mime_type = checked.mime_type
    asset.size = len(checked.content)
    asset.width, asset.height = checked.width, checked.height
    asset.original_name = name[:255]


def asset_validate(*, asset: Asset) -> None:
    errors = {}
    if asset.kind == AssetKind.LINK:
        if not asset.url:
            errors["url"] = _("A video or podcast link needs its URL.")
        else:
            try:
                URLValidator(schemes=["http", "https"])(asset.url)
            except ValidationError:
                errors["url"] = _("Not a valid http(s) URL.")
        if asset.file:
            errors["file"] = _("A link has no file; choose kind image or document.")
    elif not asset.file:
        errors["file"] = _("Upload a file for an image or document.")
    if asset.kind == AssetKind.DOCUMENT and asset.role in (AssetRole.MAIN, AssetRole.GALLERY):
        errors["role"] = _("Main and gallery assets must be images.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def asset_create(
    *,
    owner,
    role: str,
    upload=None,
    url: str = "",
    language: str = "",
    texts: dict | None = None,
    position: int = 0,
) -> Asset:
    """Create an asset for a product or product model from an uploaded file or a link."""
    from catalog.models import Product

    asset = Asset(role=role, language=language or "", position=position)
    if isinstance(owner, Product):
        asset.product = owner
    else:
        asset.product_model = owner
    if upload is not None:
        content = upload.read()
        checked = upload_check(name=upload.name, content=content)
        asset_store_file(asset=asset, checked=checked, name=upload.name)
    else:
        asset.kind = AssetKind.LINK
        asset.url = url
    for field, by_language in (texts or {}).items():
        for code, text in by_language.items():
            setattr(asset, f"{field}_{code}", text)
    asset_validate(asset=asset)
    asset.full_clean(exclude=["file"])
    asset.save()
    asset_refresh_completeness(asset=asset)
    if asset.kind == AssetKind.IMAGE:
        for spec in RENDITIONS:
            asset_rendition(asset=asset, spec=spec)
    return asset


def asset_refresh_completeness(*, asset: Asset) -> None:
    if asset.product_id:
        completeness_recompute(product_ids=[asset.product_id])
    elif asset.product_model_id:
        completeness_recompute(
            product_ids=list(asset.product_model.variants.values_list("pk", flat=True))
        )


def rendition_path(content_hash: str, spec: str, fmt: str) -> str:
    return f"renditions/{content_hash[:2]}/{content_hash}-{spec}.{fmt}"


# Rendition paths are content-addressed, so once found they never change: remember them per
# process instead of asking the storage (a network round trip on S3) on every page and feed.
_KNOWN_RENDITIONS: dict[tuple[str, str, str], str] = {}


def _rendition_key(content_hash: str, spec: str) -> tuple[str, str, str]:
    # The storage location is part of the key: tests and tools may switch MEDIA_ROOT.
    return (str(getattr(default_storage, "location", "")), content_hash, spec)


def rendition_url(*, asset: Asset, spec: str) -> str:
    """Public URL of an image rendition (made on first use)."""
    path = asset_rendition(asset=asset, spec=spec)
    return default_storage.url(path) if path else ""


def asset_rendition(*, asset: Asset, spec: str) -> str | None:
    """Storage path of a resized copy, made once per (content, spec) and then reused."""
    if asset.kind != AssetKind.IMAGE:
        return None
    return image_rendition(content_hash=asset.content_hash, file_name=asset.file.name, spec=spec)


def image_rendition(*, content_hash: str, file_name: str, spec: str) -> str | None:
    """``asset_rendition`` for an image known by its stored columns (no model instance)."""
    if not content_hash:
        return None
    rendition = RENDITIONS[spec]
    key = _rendition_key(content_hash, spec)
    known = _KNOWN_RENDITIONS.get(key)
    if known is not None:
        return known
    for fmt in ("jpg", "png"):
        path = rendition_path(content_hash, spec, fmt)
        if default_storage.exists(path):
            _KNOWN_RENDITIONS[key] = path
            return path
    with default_storage.open(file_name, "rb") as source, Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        image.thumbnail((rendition.max_side, rendition.max_side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if has_alpha:
            fmt = "png"
            image.convert("RGBA").save(buffer, "PNG", optimize=True)
        else:
            fmt = "jpg"
            image.convert("RGB").save(
                buffer, "JPEG", quality=rendition.quality, optimize=True, progressive=True
            )
    path = rendition_path(content_hash, spec, fmt)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(buffer.getvalue()))
    _KNOWN_RENDITIONS[key] = path
    return path


@transaction.atomic
def asset_save(*, asset: Asset, checked: CheckedFile | None = None, name: str = "") -> Asset:
    """Save an asset edited in a form: store a new, already checked file (once per content),
    validate, refresh the owner's completeness and make the renditions."""
    if checked is not None:
        asset_store_file(asset=asset, checked=checked, name=name)
    elif not asset.file and asset.url:
        asset.kind = AssetKind.LINK
    asset_validate(asset=asset)
    asset.full_clean(exclude=["file", "product", "product_model"])
    asset.save()
    asset_refresh_completeness(asset=asset)
    if asset.kind == AssetKind.IMAGE:
        for spec in RENDITIONS:
            asset_rendition(asset=asset, spec=spec)
    return asset
