"""Read produced PDFs as a reader would: text per page, page sizes, fonts, decoded codes."""

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

MM_PER_POINT = 25.4 / 72


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: run scripts/test (it installs the test packages)")
    return path


def page_texts(pdf: Path) -> list[str]:
    """Text of every page, in reading order (poppler's pdftotext)."""
    count = len(PdfReader(pdf).pages)
    texts = []
    for number in range(1, count + 1):
        result = subprocess.run(
            [
                require("pdftotext"),
                "-f",
                str(number),
                "-l",
                str(number),
                "-enc",
                "UTF-8",
                str(pdf),
                "-",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        texts.append(result.stdout)
    return texts


def page_sizes_mm(pdf: Path) -> list[tuple[int, int]]:
    return [
        (
            round(float(page.mediabox.width) * MM_PER_POINT),
            round(float(page.mediabox.height) * MM_PER_POINT),
        )
        for page in PdfReader(pdf).pages
    ]


def fonts(pdf: Path) -> list[dict]:
    """pdffonts' table: name, type and whether each font is embedded."""
    output = subprocess.run(
        [require("pdffonts"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    rows = []
    for line in output:
        parts = line.split()
        # name type [type...] encoding emb sub uni object ID
        rows.append({"name": parts[0], "embedded": parts[-5] == "yes"})
    return rows


def decode_codes(pdf: Path, *, page: int | None = None, dpi: int = 400) -> list[str]:
    """Every QR code and barcode zbar finds on the rasterized pages, as 'TYPE:data'."""
    tmp = Path(pdf).with_suffix("")
    args = [require("pdftoppm"), "-r", str(dpi), "-gray", "-png"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    subprocess.run([*args, str(pdf), str(tmp)], check=True)
    images = sorted(tmp.parent.glob(f"{tmp.name}*.png"))
    found = []
    for image in images:
        result = subprocess.run(
            [require("zbarimg"), "-q", "-Supca.enable", str(image)],
            capture_output=True,
            text=True,
        )
        found += [line for line in result.stdout.splitlines() if line]
        image.unlink()
    return found
