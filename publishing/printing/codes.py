"""QR codes and retail barcodes for print, made once and cached in media by content.

QR codes are small 1-bit PNGs (inline SVG QR codes are very slow to lay out in WeasyPrint,
see PERF-NOTES); barcodes are vector SVGs with a single path, drawn from python-barcode's
module pattern, so they stay sharp at any print size.
"""

import hashlib
import io
from dataclasses import dataclass

import barcode
import qrcode
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from qrcode.constants import ERROR_CORRECT_M

QR_FOLDER = "publishing/qr"
BARCODE_FOLDER = "publishing/barcodes"
# Quiet zones of the symbologies in modules (GS1 General Specifications 5.2.3.4).
_QUIET = {"ean13": (11, 7), "upca": (9, 9), "ean8": (7, 7)}
_BAR_HEIGHT = 60  # modules; about 20 mm at the nominal 0.33 mm module
_QR_MASK = 4


@dataclass(frozen=True)
class BarcodeImage:
    symbology: str  # "ean13", "upca", "ean8"
    digits: str  # what the scanner reads
    url: str  # media URL of the SVG


def qr_code_url(data: str) -> str:
    """Media URL of a QR code PNG for ``data`` (created on first use)."""
    digest = hashlib.sha256(data.encode()).hexdigest()[:32]
    name = f"{QR_FOLDER}/{digest[:2]}/{digest}.png"
    if not default_storage.exists(name):
        # A fixed mask skips scoring all eight masks (most of qrcode's time); any mask decodes.
        code = qrcode.QRCode(
            error_correction=ERROR_CORRECT_M, box_size=8, border=4, mask_pattern=_QR_MASK
        )
        code.add_data(data)
        code.make(fit=True)
        image = code.make_image().get_image().convert("1")
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        default_storage.save(name, ContentFile(buffer.getvalue()))
    return default_storage.url(name)


def gtin_symbology(gtin: str) -> tuple[str, str] | None:
    """Which retail barcode prints this GTIN, and its digits; None if none fits."""
    if not gtin or not gtin.isdigit():
        return None
    if len(gtin) == 14 and gtin.startswith("0"):
        gtin = gtin[1:]
    if len(gtin) == 13:
        return ("upca", gtin[1:]) if gtin.startswith("0") else ("ean13", gtin)
    if len(gtin) == 12:
        return "upca", gtin
    if len(gtin) == 8:
        return "ean8", gtin
    return None


def _modules(symbology: str, digits: str) -> str:
    if symbology == "upca":
        code = barcode.get("upca", digits[:11])
    else:
        code = barcode.get(symbology, digits[:-1])
    if code.get_fullcode() != digits:  # the catalog validated the check digit already
        raise ValueError(f"Check digit mismatch for {digits}")
    return "".join(code.build())


def barcode_svg(symbology: str, digits: str) -> str:
    """An SVG with one path: bars in module units, quiet zones included."""
    modules = _modules(symbology, digits)
    left, right = _QUIET[symbology]
    width = left + len(modules) + right
    path, position = [], 0
    while position < len(modules):
        if modules[position] == "1":
            start = position
            while position < len(modules) and modules[position] == "1":
                position += 1
            path.append(f"M{left + start} 0h{position - start}v{_BAR_HEIGHT}h-{position - start}z")
        else:
            position += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_BAR_HEIGHT}" '
        f'width="{width}" height="{_BAR_HEIGHT}" preserveAspectRatio="none">'
        f'<rect width="{width}" height="{_BAR_HEIGHT}" fill="#fff"/>'
        f'<path d="{"".join(path)}" fill="#000"/></svg>'
    )


def barcode_image(gtin: str) -> BarcodeImage | None:
    """The cached barcode for a GTIN, or None when the GTIN has no retail symbology."""
    found = gtin_symbology(gtin)
    if found is None:
        return None
    symbology, digits = found
    name = f"{BARCODE_FOLDER}/{symbology}-{digits}.svg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(barcode_svg(symbology, digits).encode()))
    return BarcodeImage(symbology=symbology, digits=digits, url=default_storage.url(name))
