"""QR codes and retail barcodes for print, made once and cached in media by content.

QR codes are PNGs with one pixel per module, printed scaled up without interpolation
(``image-rendering: pixelated``): inline SVG QR codes are very slow to lay out in WeasyPrint
(see PERF-NOTES), and WeasyPrint converts 1-bit and palette PNGs to RGB and re-encodes them,
so they are 8-bit greyscale, which it embeds as they are. Barcodes are vector SVGs drawn from
python-barcode's module pattern, one stroked path per bar width, so they stay sharp at any
print size; WeasyPrint draws that form about twice as fast as filled rectangles.
"""

import hashlib
import io
from dataclasses import dataclass

import barcode
import qrcode
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

QR_FOLDER = "publishing/qr"
BARCODE_FOLDER = "publishing/barcodes"
# Quiet zones of the symbologies in modules (GS1 General Specifications 5.2.3.4).
_QUIET = {"ean13": (11, 7), "upca": (9, 9), "ean8": (7, 7)}
_BAR_HEIGHT = 60  # modules; about 20 mm at the nominal 0.33 mm module
_BARCODE_STYLE = "s1"  # in file names: stroked bars (earlier files had filled rectangles)
_QR_MASK = 4
_QR_BORDER = 4  # modules (ISO/IEC 18004 quiet zone)
_QR_STYLE = "m1"  # in file names: one pixel per module (earlier files were 8)


@dataclass(frozen=True)
class BarcodeImage:
    symbology: str  # "ean13", "upca", "ean8"
    digits: str  # what the scanner reads
    url: str  # media URL of the SVG


def qr_code_png(data: str) -> bytes:
    """A QR code for ``data`` as a greyscale PNG, one pixel per module, quiet zone included."""
    # A fixed mask skips scoring all eight masks (most of qrcode's time); any mask decodes.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=_QR_BORDER, mask_pattern=_QR_MASK)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    buffer = io.BytesIO()
    Image.frombytes("L", (len(matrix), len(matrix)), pixels).save(buffer, "PNG")
    return buffer.getvalue()


def qr_code_url(data: str) -> str:
    """Media URL of a QR code PNG for ``data`` (created on first use)."""
    digest = hashlib.sha256(data.encode()).hexdigest()[:32]
    name = f"{QR_FOLDER}/{digest[:2]}/{digest}-{_QR_STYLE}.png"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(qr_code_png(data)))
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
    """A vector SVG in module units, quiet zones included: each bar a stroked vertical line.

    Bars of the same width share one path (a barcode has widths 1 to 4), so WeasyPrint parses
    three numbers per bar instead of a filled rectangle's five.
    """
    modules = _modules(symbology, digits)
    left, right = _QUIET[symbology]
    width = left + len(modules) + right
    by_width: dict[int, list[str]] = {}
    position = 0
    while position < len(modules):
        if modules[position] == "1":
            start = position
            while position < len(modules) and modules[position] == "1":
                position += 1
            bar = position - start
            by_width.setdefault(bar, []).append(f"M{left + start + bar / 2:g} 0V{_BAR_HEIGHT}")
        else:
            position += 1
    paths = "".join(
        f'<path stroke-width="{bar}" d="{"".join(lines)}"/>'
        for bar, lines in sorted(by_width.items())
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_BAR_HEIGHT}" '
        f'width="{width}" height="{_BAR_HEIGHT}" preserveAspectRatio="none">'
        f'<g stroke="#000" fill="none">{paths}</g></svg>'
    )


def barcode_image(gtin: str) -> BarcodeImage | None:
    """The cached barcode for a GTIN, or None when the GTIN has no retail symbology."""
    found = gtin_symbology(gtin)
    if found is None:
        return None
    symbology, digits = found
    name = f"{BARCODE_FOLDER}/{symbology}-{digits}-{_BARCODE_STYLE}.svg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(barcode_svg(symbology, digits).encode()))
    return BarcodeImage(symbology=symbology, digits=digits, url=default_storage.url(name))
