"""Pictures and documents for the demo catalog, drawn locally with Pillow (no network)."""

import io
import math

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = 800


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _gradient(top, bottom, size=SIZE):
    mask = Image.linear_gradient("L").resize((size, size))
    return Image.composite(
        Image.new("RGB", (size, size), bottom), Image.new("RGB", (size, size), top), mask
    )


def _glow(canvas, centre, radius, colour, strength=150):
    """A soft light halo, blurred on a small layer to stay fast."""
    layer = Image.new("RGBA", (SIZE // 4, SIZE // 4), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy, r = centre[0] / 4, centre[1] / 4, radius / 4
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*colour, strength))
    layer = layer.filter(ImageFilter.GaussianBlur(r / 2.5)).resize((SIZE, SIZE))
    canvas.alpha_composite(layer)


def _shadow(canvas, box):
    layer = Image.new("RGBA", (SIZE // 4, SIZE // 4), (0, 0, 0, 0))
    ImageDraw.Draw(layer).ellipse([v / 4 for v in box], fill=(0, 0, 0, 70))
    canvas.alpha_composite(layer.filter(ImageFilter.GaussianBlur(3.5)).resize((SIZE, SIZE)))


def _shade(colour, factor):
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


WARM = (255, 214, 140)


def _table_lamp(c, d, body, accent):
    _glow(c, (400, 430), 330, WARM, 120)
    _shadow(c, (240, 655, 560, 705))
    d.ellipse((270, 630, 530, 690), fill=_shade(body, 0.8))
    d.rectangle((270, 600, 530, 660), fill=body)
    d.ellipse((270, 575, 530, 625), fill=_shade(body, 1.15))
    d.rectangle((388, 330, 412, 600), fill=accent)
    d.polygon([(250, 360), (550, 360), (480, 170), (320, 170)], fill=_shade(body, 1.05))
    d.polygon([(250, 360), (550, 360), (540, 340), (260, 340)], fill=_shade(body, 0.85))
    d.ellipse((330, 350, 470, 380), fill=WARM)


def _pendant(c, d, body, accent):
    d.line((400, 0, 400, 300), fill=_shade(accent, 0.6), width=6)
    d.rectangle((370, 0, 430, 24), fill=accent)
    _glow(c, (400, 520), 300, WARM, 140)
    d.pieslice((190, 280, 610, 700), 180, 360, fill=body)
    d.rectangle((380, 270, 420, 300), fill=accent)
    d.ellipse((190, 470, 610, 510), fill=_shade(body, 0.75))
    d.ellipse((320, 472, 480, 508), fill=WARM)


def _outdoor(c, d, body, accent):
    for y in range(0, SIZE, 60):
        offset = 0 if (y // 60) % 2 else 90
        for x in range(-offset, SIZE, 180):
            d.rectangle((x + 4, y + 4, x + 176, y + 56), outline=(0, 0, 0, 25), width=2)
    cone = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    cd = ImageDraw.Draw(cone)
    cd.polygon([(340, 250), (460, 250), (560, 0), (240, 0)], fill=(*WARM, 90))
    cd.polygon([(340, 550), (460, 550), (580, 800), (220, 800)], fill=(*WARM, 90))
    c.alpha_composite(cone.filter(ImageFilter.BoxBlur(12)))
    d.rounded_rectangle((300, 230, 500, 570), radius=28, fill=body)
    d.rounded_rectangle((330, 280, 470, 520), radius=14, fill=_shade(body, 0.7))
    d.rounded_rectangle((345, 300, 455, 500), radius=10, fill=WARM)
    d.rectangle((300, 390, 500, 410), fill=accent)


def _bulb(c, d, body, accent):
    _glow(c, (400, 330), 300, WARM, 160)
    _shadow(c, (310, 700, 490, 735))
    d.ellipse((240, 130, 560, 450), fill=(255, 246, 225), outline=(230, 205, 160), width=4)
    d.polygon([(320, 420), (480, 420), (455, 540), (345, 540)], fill=(255, 246, 225))
    for i in range(5):
        y = 545 + i * 28
        d.rounded_rectangle((340, y, 460, y + 22), radius=8, fill=_shade(accent, 0.9 + i * 0.03))
    d.polygon([(360, 685), (440, 685), (420, 715), (380, 715)], fill=(60, 60, 60))
    for x0 in (340, 375, 410, 445):
        d.arc((x0, 240, x0 + 20, 300), 180, 360, fill=(255, 150, 40), width=4)
    d.line((360, 300, 360, 520), fill=(150, 130, 100), width=3)
    d.line((440, 300, 440, 520), fill=(150, 130, 100), width=3)


def _strip(c, d, body, accent):
    points = [(80 + t * 6.4, 400 + 170 * math.sin(t / 100 * 2 * math.pi)) for t in range(101)]
    glow = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    ImageDraw.Draw(glow).line(points, fill=(*body, 170), width=70)
    c.alpha_composite(glow.filter(ImageFilter.BoxBlur(18)))
    d.line(points, fill=(245, 245, 240), width=26, joint="curve")
    for x, y in points[::3]:
        d.rectangle((x - 6, y - 6, x + 6, y + 6), fill=_mix(body, (255, 255, 255), 0.5))
    d.rounded_rectangle((560, 600, 720, 700), radius=16, fill=(40, 40, 44))
    d.ellipse((610, 620, 670, 680), fill=accent)


def _headlamp(c, d, body, accent):
    _shadow(c, (200, 640, 600, 700))
    d.ellipse((170, 230, 630, 650), outline=_shade(body, 0.8), width=44)
    d.ellipse((190, 250, 610, 630), outline=_shade(body, 1.1), width=8)
    d.rounded_rectangle((270, 300, 530, 500), radius=60, fill=(46, 46, 50))
    d.rounded_rectangle((285, 315, 515, 485), radius=52, fill=accent)
    _glow(c, (400, 400), 180, (255, 250, 235), 200)
    d.ellipse((330, 330, 470, 470), fill=(230, 236, 240), outline=(90, 90, 95), width=8)
    d.ellipse((370, 370, 430, 430), fill=(255, 255, 250))


DRAWERS = {
    "table-lamps": _table_lamp,
    "pendants": _pendant,
    "outdoor-lights": _outdoor,
    "led-bulbs": _bulb,
    "led-strips": _strip,
    "headlamps": _headlamp,
}
BACKDROPS = {
    "table-lamps": ((246, 238, 226), (214, 200, 182)),
    "pendants": ((236, 240, 236), (196, 206, 198)),
    "outdoor-lights": ((84, 92, 108), (46, 52, 64)),
    "led-bulbs": ((250, 246, 236), (226, 214, 190)),
    "led-strips": ((36, 40, 52), (18, 20, 28)),
    "headlamps": ((212, 226, 236), (150, 172, 190)),
}


def product_picture(
    *, family: str, body, accent=(120, 120, 124), variant: int = 0, fmt: str = "JPEG"
) -> bytes:
    """An 800×800 product shot: the family's object in the product's colours.

    ``variant`` 1 is a gallery view: a tinted backdrop and a softly lit floor line.
    """
    top, bottom = BACKDROPS[family]
    if variant:
        top, bottom = _mix(top, body, 0.25), _mix(bottom, accent, 0.2)
    canvas = _gradient(top, bottom).convert("RGBA")
    draw = ImageDraw.Draw(canvas)
    if variant:
        draw.rectangle((0, 700, SIZE, SIZE), fill=(*_shade(bottom, 0.85), 255))
        for i in range(6):
            x, y, r = 90 + i * 130, 90 + (i % 3) * 45, 24 + (i % 2) * 14
            _glow(canvas, (x, y), r * 2, _mix(WARM, body, 0.3), 70)
    DRAWERS[family](canvas, draw, tuple(body), tuple(accent))
    buffer = io.BytesIO()
    if fmt == "PNG":
        canvas.convert("RGB").save(buffer, "PNG")
    else:
        canvas.convert("RGB").save(buffer, "JPEG", quality=86)
    return buffer.getvalue()


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType
        return ImageFont.load_default()


def technical_drawing(*, family: str, title: str, dimensions: list[tuple[str, str]]) -> bytes:
    """A blueprint-style PNG: the object's outline, dimension lines and a title block."""
    ink = (28, 66, 120)
    image = Image.new("RGB", (SIZE, SIZE), (250, 251, 253))
    d = ImageDraw.Draw(image)
    for x in range(0, SIZE, 40):
        d.line((x, 0, x, SIZE), fill=(226, 233, 243))
        d.line((0, x, SIZE, x), fill=(226, 233, 243))
    d.rectangle((20, 20, SIZE - 20, SIZE - 20), outline=ink, width=3)
    # Front view: a simplified outline of the product.
    d.rectangle((150, 160, 450, 560), outline=ink, width=3)
    d.line((300, 140, 300, 580), fill=ink, width=1)
    d.line((130, 360, 470, 360), fill=ink, width=1)
    d.ellipse((230, 290, 370, 430), outline=ink, width=3)
    # Side view.
    d.rectangle((540, 160, 640, 560), outline=ink, width=3)
    # Dimension lines with arrows.
    d.line((150, 600, 450, 600), fill=ink, width=2)
    d.polygon([(150, 600), (165, 593), (165, 607)], fill=ink)
    d.polygon([(450, 600), (435, 593), (435, 607)], fill=ink)
    d.line((100, 160, 100, 560), fill=ink, width=2)
    d.polygon([(100, 160), (93, 175), (107, 175)], fill=ink)
    d.polygon([(100, 560), (93, 545), (107, 545)], fill=ink)
    font, small = _font(22), _font(16)
    if dimensions:
        d.text((300, 612), dimensions[0][1], fill=ink, font=font, anchor="ma")
    if len(dimensions) > 1:
        d.text((90, 360), dimensions[1][1], fill=ink, font=font, anchor="rm")
    d.rectangle((460, 650, SIZE - 20, SIZE - 20), outline=ink, width=2)
    d.text((475, 662), "LUMORA", fill=ink, font=font)
    d.text((475, 692), title[:34], fill=ink, font=small)
    for row, (label, text) in enumerate(dimensions[:2]):
        d.text((475, 716 + row * 20), f"{label}: {text}", fill=ink, font=small)
    d.text((40, 740), f"{family.upper()} · 1:5 · mm", fill=ink, font=small)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def _pdf_text(text: str) -> str:
    data = text.encode("cp1252", "replace").decode("latin-1")
    return data.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def manual_pdf(*, title: str, sections: list[tuple[str, list[str]]]) -> bytes:
    """A small, valid A5 PDF (Helvetica, WinAnsi text) written by hand: one page per section."""
    pages = []
    for heading, lines in sections:
        ops = ["BT", "/F2 16 Tf", "40 540 Td", f"({_pdf_text(title)}) Tj", "ET"]
        ops += ["BT", "/F2 12 Tf", "40 505 Td", f"({_pdf_text(heading)}) Tj", "ET"]
        y = 480
        for line in lines:
            for chunk in _wrap(line, 70):
                ops += ["BT", "/F1 10 Tf", f"40 {y} Td", f"({_pdf_text(chunk)}) Tj", "ET"]
                y -= 15
            y -= 6
        ops += ["0.16 0.26 0.47 RG", "2 w", "40 560 m 380 560 l S"]
        pages.append("\n".join(ops).encode("latin-1"))
    objects: list[bytes] = []
    count = len(pages)
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )  # noqa: E501
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )  # noqa: E501
    for index, stream in enumerate(pages):
        content_ref = 6 + 2 * index
        objects.append(
            (
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] "
                f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {content_ref} 0 R >>"
            ).encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def brand_logo(*, name: str, primary: str, accent: str) -> bytes:
    """A 480×120 PNG wordmark: a glowing bulb mark beside the brand name.

    On a white rounded plate, so it reads on the white web header and on a coloured band.
    """
    width, height = 480, 120
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    ink, light = _hex(primary), _hex(accent)
    d.rounded_rectangle((0, 0, width - 1, height - 1), radius=24, fill=(255, 255, 255, 255))
    d.ellipse((14, 14, 106, 106), fill=(*light, 255))
    d.ellipse((34, 34, 86, 86), fill=(255, 236, 190, 255))
    for angle in range(0, 360, 45):  # rays
        rad = math.radians(angle)
        inner, outer = 49, 56
        d.line(
            (
                60 + inner * math.cos(rad),
                60 + inner * math.sin(rad),
                60 + outer * math.cos(rad),
                60 + outer * math.sin(rad),
            ),
            fill=(*ink, 255),
            width=4,
        )
    d.text((128, 60), name.upper(), fill=(*ink, 255), font=_font(64), anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
