"""Asset uploads: validated before anything is stored, stored by content hash.

Checking a file decodes it, which takes time: it happens before the short transaction that
writes the asset row, and the renditions are built afterwards in the background
(catalog.services.renditions).
"""

import contextlib
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
from PIL import Image, ImageFile, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from catalog.models import Asset, AssetKind, AssetRole
from catalog.models.asset import asset_upload_to
from catalog.services.completeness import completeness_recompute
from catalog.services.renditions import asset_renditions_queue

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", {".jpg", ".jpeg"}),
    "PNG": ("image/png", {".png"}),
    "WEBP": ("image/webp", {".webp"}),
    "GIF": ("image/gif", {".gif"}),
}
DOCUMENT_SUFFIXES = {".pdf"}

# A valid image is decoded at 1/8 scale where the format allows it (JPEG) to prove that its
# pixel data is complete; other formats are decoded once at full size, then released.
CHECK_DRAFT_SCALE = 8


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
        _check_pdf(name, content)
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


def upload_check_file(*, upload) -> CheckedFile:
    """``upload_check`` of an uploaded file, done once per file object: the admin checks a
    request's files before its transaction begins, and the form then reuses the result."""
    outcome = getattr(upload, "_pim_checked", None)
    if outcome is None:
        upload.seek(0)
        try:
            outcome = upload_check(name=upload.name, content=upload.read())
        except ValidationError as exc:
            outcome = exc
        upload._pim_checked = outcome
    if isinstance(outcome, ValidationError):
        raise outcome
    return outcome


def _check_pdf(name: str, content: bytes) -> int:
    """The page count of a PDF that really parses: cross-reference table, catalog, page tree.

    pypdf bounds its own effort (page tree depth and entries, cycles, decompressed sizes);
    content streams are not read. A PDF that needs a password to open is refused: the outputs
    link to it for everyone, who could not open it.
    """
    invalid = _("“%(name)s” is not a valid PDF: %(reason)s")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise ValidationError(
                _("“%(name)s” is protected by a password; upload a copy without one.")
                % {"name": name},
                code="encrypted",
            )
        if not len(reader.pages):
            raise ValidationError(
                invalid % {"name": name, "reason": _("it has no pages")}, code="corrupt"
            )
        reader.pages[0]  # walks the whole page tree, not just the /Count it claims
        return len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        # pypdf reports damage with its own errors and, for some malformed objects, with
        # Python's: either way the file is not a PDF anyone can open.
        raise ValidationError(
            invalid % {"name": name, "reason": str(exc)[:200] or type(exc).__name__},
            code="corrupt",
        ) from None


def _opens_without_password(reader: PdfReader) -> bool:
    """True for a PDF encrypted only to restrict printing or copying (common in suppliers'
    manuals): anyone can open it."""
    try:
        return bool(reader.decrypt(""))
    except DependencyError:  # AES without the cryptography package: cannot tell
        return False


@contextlib.contextmanager
def _strict_decoding():
    """Truncated pixel data is an error while checking an upload.

    WeasyPrint sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES`` when it is imported, which
    would let a cut-off upload through; it is switched off for the check only (web workers and
    the task worker check one upload at a time per thread)."""
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


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
            with _strict_decoding(), Image.open(io.BytesIO(content)) as image:
                # verify() misses truncated pixel data: decode it, at a reduced scale where
                # the decoder can (JPEG), else once at full size (within the pixel limit).
                scale = CHECK_DRAFT_SCALE
                image.draft(None, (max(1, width // scale), max(1, height // scale)))
                try:
                    image.load()
                finally:
                    image.close()  # frees the pixels at once (Pillow's ``with`` does not)
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


def asset_create(
    *,
    owner,
    role: str,
    upload=None,
    checked: CheckedFile | None = None,
    url: str = "",
    language: str = "",
    texts: dict | None = None,
    position: int = 0,
) -> Asset:
    """Create an asset for a product or product model from an uploaded file or a link.

    The upload is checked (decoded) and stored before the transaction that writes the row,
    unless the caller passes it already ``checked``; renditions are queued after commit."""
    from catalog.models import Product

    asset = Asset(role=role, language=language or "", position=position)
    if isinstance(owner, Product):
        asset.product = owner
    else:
        asset.product_model = owner
    if upload is not None:
        if checked is None:
            checked = upload_check(name=upload.name, content=upload.read())
        asset_store_file(asset=asset, checked=checked, name=upload.name)
    else:
        asset.kind = AssetKind.LINK
        asset.url = url
    for field, by_language in (texts or {}).items():
        for code, text in by_language.items():
            setattr(asset, f"{field}_{code}", text)
    asset_validate(asset=asset)
    asset.full_clean(exclude=["file"])
    with transaction.atomic():
        asset.save()
        asset_refresh_completeness(asset=asset)
    # After the row's transaction (storage lookups stay out of it); the build itself is queued
    # for after the caller's transaction, if any, commits.
    asset_renditions_queue(asset=asset)
    return asset


def asset_refresh_completeness(*, asset: Asset) -> None:
    if asset.product_id:
        completeness_recompute(product_ids=[asset.product_id])
    elif asset.product_model_id:
        completeness_recompute(
            product_ids=list(asset.product_model.variants.values_list("pk", flat=True))
        )


@transaction.atomic
def asset_save(*, asset: Asset, checked: CheckedFile | None = None, name: str = "") -> Asset:
    """Save an asset edited in a form: store a new, already checked file (once per content),
    validate, refresh the owner's completeness and queue the renditions (built after commit)."""
    if checked is not None:
        asset_store_file(asset=asset, checked=checked, name=name)
    elif not asset.file and asset.url:
        asset.kind = AssetKind.LINK
    asset_validate(asset=asset)
    asset.full_clean(exclude=["file", "product", "product_model"])
    asset.save()
    asset_refresh_completeness(asset=asset)
    asset_renditions_queue(asset=asset)
    return asset
