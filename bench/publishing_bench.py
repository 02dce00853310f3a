"""Print benchmark for issue 3: a 500-product catalog with images, a 1,000-label A4 sheet.

    .venv/bin/python bench/publishing_bench.py [--products 500] [--labels 1000] [--locale fi]
        [--only catalog|labels] [--keep]

Uses a throwaway SQLite database and media folder in a temporary directory (removed at the
end unless --keep). Each render goes through publication_render, exactly as the background
task does, and prints wall time, pages per second, WeasyPrint's layout/PDF split and peak
memory (resource.getrusage, the process's high-water mark). Targets on a 2-core machine:
catalog < 60 s and < 1.5 GB; label sheet < 20 s. See bench/README.md.
"""

import argparse
import io
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="pim-publishing-bench-"))
os.environ.setdefault("PIM_VAR_DIR", str(WORK))
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["PIM_TASK_BACKEND"] = "immediate"

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from catalog.languages import language_codes  # noqa: E402
from catalog.models import (  # noqa: E402
    Attribute,
    Category,
    Channel,
    Family,
    FamilyAttribute,
    FamilyChannelRequirement,
    Price,
    Product,
)
from catalog.services.assets import asset_create  # noqa: E402
from catalog.services.completeness import completeness_recompute  # noqa: E402
from publishing.services import publication_create, publication_render  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mb() -> float:
    """The largest RSS high-water mark of any finished child (parallel label parts)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def ean13(number: int) -> str:
    body = f"200{number:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def jpeg(number: int) -> bytes:
    image = Image.new("RGB", (600, 600), ((number * 37) % 255, (number * 91) % 255, 180))
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 100, 500, 500), fill=(250, 250, 250))
    draw.rectangle((250, 150, 350, 450), fill=((number * 13) % 255, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def build(products: int, labels: int) -> Channel:
    locales = language_codes()
    channel = Channel.objects.create(code="print", name_en="Print", kind="print", locales=locales)
    family = Family.objects.create(code="lamps", name_en="Lamps")
    weight = Attribute.objects.create(
        code="weight",
        label_en="Weight",
        label_fi="Paino",
        type="decimal",
        unit="kg",
        is_key=True,
        is_technical=True,
    )
    power = Attribute.objects.create(
        code="power", label_en="Power", label_fi="Teho", type="integer", unit="W", is_key=True
    )
    for position, attribute in enumerate((weight, power)):
        FamilyAttribute.objects.create(family=family, attribute=attribute, position=position)
    requirement = FamilyChannelRequirement.objects.create(
        family=family, channel=channel, translated_fields=["name"]
    )
    requirement.attributes.set([weight])
    categories = [
        Category.objects.create(
            code=f"cat-{n}",
            position=n,
            **{f"name_{code}": f"Category {n} {code}" for code in locales},
        )
        for n in range(10)
    ]
    count = max(products, labels)
    rows = []
    for number in range(count):
        product = Product(
            sku=f"P{number:05d}",
            family=family,
            status="approved",
            gtin=ean13(number),
            brand="Bench",
        )
        for code in locales:
            setattr(product, f"name_{code}", f"Valaisin {number} ({code})")
            setattr(product, f"short_description_{code}", "Lämmin valo, himmennettävä, IP44.")
        product.values = {
            "weight": [{"locale": None, "channel": None, "data": f"{1 + number % 9}.5"}],
            "power": [{"locale": None, "channel": None, "data": 5 + number % 60}],
        }
        rows.append(product)
    with transaction.atomic():
        created = Product.objects.bulk_create(rows, batch_size=500)
        Product.channels.through.objects.bulk_create(
            [Product.channels.through(product_id=p.pk, channel_id=channel.pk) for p in created]
        )
        Product.categories.through.objects.bulk_create(
            [
                Product.categories.through(product_id=p.pk, category_id=categories[i % 10].pk)
                for i, p in enumerate(created)
            ]
        )
        Price.objects.bulk_create(
            [
                Price(product_id=p.pk, channel=channel, currency="EUR", amount=f"{19 + i % 80}.90")
                for i, p in enumerate(created)
            ]
        )
    completeness_recompute()
    for number, product in enumerate(created[:products]):
        asset_create(
            owner=product,
            role="main",
            upload=SimpleUploadedFile(f"p{number}.jpg", jpeg(number), content_type="image/jpeg"),
        )
    return channel


def run(label: str, **parameters) -> None:
    publication = publication_create(**parameters)
    started = time.perf_counter()
    publication = publication_render(publication=publication)
    wall = time.perf_counter() - started
    if publication.status != "done":
        print(f"{label}: FAILED {publication.error}")
        return
    pages = publication.page_count
    print(
        f"{label}: {wall:.1f} s wall, {pages} pages, {pages / wall:.1f} pages/s, "
        f"peak RSS so far {peak_mb():.0f} MB, "
        f"largest child {children_peak_mb():.0f} MB"
    )
    # Pages written and parallel parts (if any): the log is in the publication's language.
    for line in publication.log.splitlines()[-2:]:
        print(f"    {line[9:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--locale", default="fi")
    parser.add_argument("--only", choices=("catalog", "labels"), help="render only this")
    parser.add_argument("--keep", action="store_true", help=f"keep {WORK}")
    args = parser.parse_args()
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        channel = build(args.products, args.labels)
        built = time.perf_counter() - started
        print(
            f"data: {args.products} products with 600x600 JPEGs, {args.labels} for labels, "
            f"built in {built:.0f} s; peak RSS {peak_mb():.0f} MB"
        )
        skus = list(Product.objects.order_by("sku").values_list("sku", flat=True))
        if args.only != "labels":
            run(
                f"catalog ({args.products} products, {args.locale}, A4)",
                kind="catalog",
                channel=channel,
                locale=args.locale,
                skus=skus[: args.products],
            )
        if args.only != "catalog":
            run(
                f"label sheet ({args.labels} labels, A4 3x8)",
                kind="labels",
                channel=channel,
                locale=args.locale,
                skus=skus[: args.labels],
                label_format="a4-3x8",
            )
        if args.only is None:
            run(
                "catalog again, unchanged (reuses the file)",
                kind="catalog",
                channel=channel,
                locale=args.locale,
                skus=skus[: args.products],
            )
    finally:
        if args.keep:
            print(f"kept {WORK}")
        else:
            shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
