"""Catalog benchmark: bulk-create a large catalog, recompute completeness, time the admin list.

    .venv/bin/python bench/catalog_bench.py [--products 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pim_bench .venv/bin/python bench/...

By default it uses a throwaway SQLite database in a temporary directory (removed at the end
unless --keep). It never asserts timings; it prints them. See bench/README.md.

Bulk creation (``bulk_create``) bypasses model signals, history and the services, so no
completeness is stored while loading; the benchmark then runs the full recompute
(``completeness_recompute()`` with no arguments), exactly what an import would do after a
bulk load.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["en", "tr", "fi", "az", "fa"]
FAMILIES = 5
BATCH = 1000


def configure(tmp: Path) -> None:
    """Settings from the environment, as in production, pointed at a throwaway database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "0"  # DEBUG would keep every query of the bulk load in memory
    os.environ["SECURE_COOKIES"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["PIM_VAR_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    (tmp / "staticfiles").mkdir()  # the static files middleware warns when it is missing
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


@contextmanager
def timed(label: str, results: dict):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start
    print(f"  {label:<46} {results[label]:8.2f} s", flush=True)


def _gtin(index: int) -> str:
    from stdnum import ean

    digits = f"200{index:09d}"  # GS1 prefix 20-29: for internal numbering
    return digits + ean.calc_check_digit(digits)


def build_structure():
    """Channels, audiences, categories, 30 attributes and 5 families with requirements."""
    from catalog.models import (
        Attribute,
        AttributeOption,
        Audience,
        Category,
        Channel,
        Family,
        FamilyAttribute,
        FamilyChannelRequirement,
    )

    channels = [
        Channel.objects.create(code="web", name_en="Web", kind="web", locales=LOCALES),
        Channel.objects.create(code="print", name_en="Print", kind="print", locales=LOCALES),
        Channel.objects.create(
            code="marketplace", name_en="Marketplace", kind="marketplace", locales=LOCALES[:3]
        ),
    ]
    for code in ("end-customer", "technician", "dealer"):
        Audience.objects.create(code=code, name_en=code.title(), is_public=code == "end-customer")
    categories = []
    for a in range(3):
        root = Category.objects.create(code=f"root-{a}", name_en=f"Root {a}")
        for b in range(4):
            mid = Category.objects.create(code=f"mid-{a}-{b}", parent=root, name_en=f"Mid {b}")
            for c in range(4):
                categories.append(
                    Category.objects.create(
                        code=f"leaf-{a}-{b}-{c}", parent=mid, name_en=f"Leaf {c}"
                    )
                )
    kinds = (
        ["decimal"] * 6
        + ["integer"] * 6
        + ["select"] * 4
        + ["multi_select"] * 2
        + ["boolean"] * 3
        + ["date"] * 2
        + ["text"] * 4
        + ["url"] * 2
        + ["rich_text"]
    )
    attributes = []
    for position, kind in enumerate(kinds):
        localizable = kind == "rich_text" or (kind == "text" and position % 2 == 0)
        attribute = Attribute.objects.create(
            code=f"attr_{position:02d}_{kind}",
            label_en=f"Attribute {position}",
            type=kind,
            is_localizable=localizable,
            is_key=position < 6,
            is_technical=position < 12,
        )
        if kind in ("select", "multi_select"):
            AttributeOption.objects.bulk_create(
                AttributeOption(attribute=attribute, code=f"o{n}", label_en=f"Option {n}")
                for n in range(8)
            )
        attributes.append(attribute)
    families = []
    for n in range(FAMILIES):
        family = Family.objects.create(code=f"family-{n}", name_en=f"Family {n}")
        FamilyAttribute.objects.bulk_create(
            FamilyAttribute(family=family, attribute=a, position=p)
            for p, a in enumerate(attributes)
        )
        for channel in channels:
            requirement = FamilyChannelRequirement.objects.create(
                family=family,
                channel=channel,
                translated_fields=["name", "short_description", "description"],
                asset_roles=["main"],
            )
            requirement.attributes.set(attributes[n : n + 10])
        families.append(family)
    return channels, categories, attributes, families


def _value(attribute, rng: random.Random):
    kind = attribute.type
    if kind == "decimal":
        return str(Decimal(rng.randrange(1, 100000)) / 100)
    if kind == "integer":
        return rng.randrange(1, 5000)
    if kind == "select":
        return f"o{rng.randrange(8)}"
    if kind == "multi_select":
        return [f"o{n}" for n in sorted(rng.sample(range(8), 3))]
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "date":
        return f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    if kind == "url":
        return f"https://example.com/p/{rng.randrange(10**6)}"
    if kind == "rich_text":
        return "<p>Two short sentences of rich text. With <strong>markup</strong>.</p>"
    return "Some text value"


def bulk_create_catalog(count: int, channels, categories, attributes, families) -> None:
    """Products with 30 attribute values and text in 5 locales; ~5% miss a value or image."""
    from catalog.models import Asset, Price, Product, ProductStatus

    rng = random.Random(42)
    statuses = [ProductStatus.APPROVED] * 6 + [ProductStatus.DRAFT, ProductStatus.IN_REVIEW]
    channel_link = Product.channels.through
    category_link = Product.categories.through
    for start in range(0, count, BATCH):
        products = []
        for index in range(start, min(start + BATCH, count)):
            values = {}
            for attribute in attributes:
                if rng.random() < 0.01:
                    continue  # a gap now and then, so completeness has work to report
                if attribute.is_localizable:
                    values[attribute.code] = [
                        {"locale": code, "channel": None, "data": _value(attribute, rng)}
                        for code in LOCALES
                    ]
                else:
                    values[attribute.code] = [
                        {"locale": None, "channel": None, "data": _value(attribute, rng)}
                    ]
            texts = {}
            for code in LOCALES:
                if code == "fa" and index % 23 == 0:
                    continue
                texts[f"name_{code}"] = f"Product {index} ({code})"
                texts[f"short_description_{code}"] = f"A short description of product {index}."
                texts[f"description_{code}"] = f"<p>A longer description of product {index}.</p>"
                texts[f"slug_{code}"] = f"product-{index}-{code}"
            products.append(
                Product(
                    sku=f"BENCH-{index:06d}",
                    gtin=_gtin(index),
                    family=families[index % len(families)],
                    status=statuses[index % len(statuses)],
                    brand="Bench",
                    values=values,
                    **texts,
                )
            )
        created = Product.objects.bulk_create(products, batch_size=BATCH)
        if created[0].pk is None:  # backends that do not return ids from bulk inserts
            skus = [p.sku for p in created]
            created = list(Product.objects.filter(sku__in=skus).order_by("sku"))
        channel_link.objects.bulk_create(
            [channel_link(product_id=p.pk, channel_id=c.pk) for p in created for c in channels],
            batch_size=BATCH * 3,
        )
        category_link.objects.bulk_create(
            [
                category_link(product_id=p.pk, category_id=rng.choice(categories).pk)
                for p in created
            ],
            batch_size=BATCH,
        )
        Asset.objects.bulk_create(
            [
                Asset(
                    product_id=p.pk,
                    kind="image",
                    role="main",
                    file="assets/00/bench.jpg",
                    content_hash="0" * 64,
                    mime_type="image/jpeg",
                    width=800,
                    height=800,
                )
                for n, p in enumerate(created)
                if (start + n) % 37
            ],
            batch_size=BATCH,
        )
        Price.objects.bulk_create(
            [
                Price(
                    product_id=p.pk,
                    channel=channels[0],
                    currency="EUR",
                    amount=Decimal(rng.randrange(500, 50000)) / 100,
                )
                for p in created
            ],
            batch_size=BATCH,
        )


def bench_recompute(results: dict) -> None:
    from catalog.models import Completeness, Product
    from catalog.services.completeness import completeness_recompute

    with timed("full completeness recompute (cold)", results):
        measured = completeness_recompute()
    rows = Completeness.objects.count()
    complete = Completeness.objects.filter(ratio=100).count()
    print(f"  {'':<46} {measured} products, {rows} rows, {complete} at 100 %")
    with timed("full completeness recompute (again, no change)", results):
        completeness_recompute()
    ids = list(Product.objects.order_by("?").values_list("pk", flat=True)[:50])
    start = time.perf_counter()
    for pk in ids:
        completeness_recompute(product_ids=[pk])
    per_product = (time.perf_counter() - start) / len(ids) * 1000
    results["single-product recompute (ms)"] = per_product
    print(f"  {'single-product recompute (mean of 50)':<46} {per_product:8.2f} ms")


def bench_changelist(results: dict) -> None:
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Product

    if not admin.site.is_registered(Product):
        print("  admin product changelist: NOT MEASURED - Product is not registered in the admin")
        print("  (catalog/admin/product.py registers no ModelAdmin for Product yet)")
        results["changelist"] = None
        return
    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench")
    client = Client()
    client.force_login(user)
    for label, url in (
        ("changelist", "/admin/catalog/product/"),
        ("changelist, search", "/admin/catalog/product/?q=Product+42"),
        ("changelist, page 50", "/admin/catalog/product/?p=50"),
    ):
        response = client.get(url)  # warm-up: template loading, caches
        if response.status_code != 200:
            print(f"  {label}: HTTP {response.status_code}")
            continue
        timings, queries = [], 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
        median = statistics.median(timings)
        results[label] = (median, queries)
        print(f"  admin {label:<40} {median:8.1f} ms (median of 5), {queries} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pim-bench-"))
    try:
        configure(tmp)
        from django.core.management import call_command
        from django.db import connection

        vendor = connection.vendor
        print(f"PIM catalog benchmark: {args.products} products, {vendor}, {os.cpu_count()} CPUs")
        results: dict = {}
        with timed("migrate", results):
            call_command("migrate", verbosity=0)
        with timed("structure (channels, attributes, families)", results):
            structure = build_structure()
        with timed(f"bulk creation of {args.products} products", results):
            bulk_create_catalog(args.products, *structure)
        bench_recompute(results)
        bench_changelist(results)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
