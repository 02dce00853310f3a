"""Benchmark for issue 5: API page, JSON Lines export, Merchant feed, 10,000-row import.

    .venv/bin/python bench/api_bench.py [--products 100000] [--import-rows 10000]

Uses its own SQLite database under var/bench-api/ (or DATABASE_URL). The catalog is made
once with bulk_create + completeness_recompute and reused by later runs.
"""

import argparse
import gc
import io
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PIM_VAR_DIR", str(ROOT / "var" / "bench-api"))
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from catalog.languages import language_codes  # noqa: E402
from catalog.models import (  # noqa: E402
    Attribute,
    AttributeOption,
    Channel,
    Family,
    FamilyAttribute,
    FamilyChannelRequirement,
    Price,
    Product,
)
from catalog.services.completeness import completeness_recompute  # noqa: E402


def build_catalog(count: int) -> Channel:
    channel, _ = Channel.objects.get_or_create(
        code="web", defaults={"name_en": "Web", "kind": "web", "locales": language_codes()}
    )
    family = Family.objects.filter(code="bench").first()
    if family is None:
        family = Family.objects.create(code="bench", name_en="Bench")
        weight = Attribute.objects.create(
            code="weight", label_en="Weight", type="decimal", unit="kg"
        )
        claim = Attribute.objects.create(
            code="claim", label_en="Claim", type="text", is_localizable=True
        )
        colour = Attribute.objects.create(code="colour", label_en="Colour", type="select")
        for code in ("red", "blue", "green"):
            AttributeOption.objects.create(attribute=colour, code=code, label_en=code.title())
        for position, attribute in enumerate((weight, claim, colour)):
            FamilyAttribute.objects.create(family=family, attribute=attribute, position=position)
        requirement = FamilyChannelRequirement.objects.create(
            family=family, channel=channel, translated_fields=["name"]
        )
        requirement.attributes.set([weight, claim])
    have = Product.objects.filter(family=family).count()
    if have >= count:
        return channel
    print(f"creating {count - have} products ...", flush=True)
    started = time.perf_counter()
    locales = language_codes()
    batch = 5000
    for start in range(have, count, batch):
        products = []
        for number in range(start, min(start + batch, count)):
            sku = f"B{number:07d}"
            product = Product(
                sku=sku, family=family, status="approved", brand="Bench", gtin=None, version=1
            )
            for locale in locales:
                setattr(product, f"name_{locale}", f"Lamp {number} {locale} چراغ")
                setattr(product, f"slug_{locale}", f"lamp-{number}-{locale}")
                setattr(product, f"short_description_{locale}", f"Short text {locale}")
            product.values = {
                "weight": [{"locale": None, "channel": None, "data": str(1 + number % 50)}],
                "claim": [{"locale": c, "channel": None, "data": f"Bright {c}"} for c in locales],
                "colour": [{"locale": None, "channel": None, "data": "red"}],
            }
            products.append(product)
        with transaction.atomic():
            created = Product.objects.bulk_create(products, batch_size=1000)
            Product.channels.through.objects.bulk_create(
                [Product.channels.through(product_id=p.pk, channel_id=channel.pk) for p in created],
                batch_size=2000,
            )
            Price.objects.bulk_create(
                [
                    Price(product_id=p.pk, channel=channel, currency="EUR", amount="19.90")
                    for p in created
                ],
                batch_size=2000,
            )
        print(f"  {min(start + batch, count)} products", flush=True)
    completeness_recompute(family_ids=[family.pk])
    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum would gather soon after a bulk load; without
        # them PostgreSQL takes the new tables for empty and picks nested loops (minutes).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"catalog built in {time.perf_counter() - started:.0f} s", flush=True)
    return channel


def bench_api(channel: Channel, pages: int = 30) -> None:
    from api.models import ApiClient
    from api.services import api_client_create

    ApiClient.objects.filter(name="bench").delete()
    _client, token = api_client_create(name="bench", channel=channel, throttle_rate="100000/min")
    http = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = "/api/v1/products?limit=100"
    http.get(url)  # warm up
    # A server worker freezes its start-up heap and raises the collection threshold
    # (pim/wsgi.py); do the same here.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    timings, queries = [], set()
    for _ in range(pages):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = http.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        assert len(body["results"]) == 100
        queries.add(len(captured.captured_queries))
        url = body["next"] or "/api/v1/products?limit=100"
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"API page of 100 products, all 5 languages: median {statistics.median(timings):.1f} ms,"
        f" p95 {p95:.1f} ms, queries per page {sorted(queries)} ({pages} consecutive pages)"
    )


def child(kind: str, locale: str) -> None:
    """Run one feed in this process and report its rate and peak memory."""
    from publishing.feeds import feed_iter

    channel = Channel.objects.get(code="web")
    started, cpu_started = time.perf_counter(), time.process_time()
    first_chunk = None
    size = 0
    for chunk in feed_iter(kind=kind, channel=channel, locale=locale):
        first_chunk = first_chunk or time.perf_counter() - started
        size += len(chunk)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    count = Product.objects.filter(status="approved", channels=channel).count()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU time as well as wall time: on a shared machine the wall time includes waiting.
    print(
        f"{kind} feed ({locale}): {count} products in {elapsed:.1f} s = {count / elapsed:.0f}"
        f" products/s (CPU {cpu:.1f} s = {count / cpu:.0f}/s), first bytes after"
        f" {first_chunk:.2f} s, {size / 1e6:.0f} MB written, peak RSS {peak:.0f} MB"
    )


def bench_import(rows: int) -> None:
    from catalog.services.spreadsheet import products_import

    Product.objects.filter(sku__startswith="IMP").delete()
    locales = language_codes()
    header = ["sku", "family", "channels", "weight", "colour", "price-web-EUR"]
    header += [f"name-{c}" for c in locales] + [f"claim-{c}" for c in locales]
    lines = [",".join(header)]
    for number in range(rows):
        cells = [f"IMP{number:06d}", "bench", "web", "2.5", "blue", "9.90"]
        cells += [f"Imported {number} {c}" for c in locales] + [f"Claim {c}" for c in locales]
        lines.append(",".join(cells))
    data = ("\n".join(lines) + "\n").encode()
    for label, dry_run in (
        ("dry run", True),
        ("import (new products)", False),
        ("same file again (all unchanged)", False),
    ):
        probe = _start_lock_probe()
        started = time.perf_counter()
        report = products_import(fileobj=io.BytesIO(data), name="bench.csv", dry_run=dry_run)
        elapsed = time.perf_counter() - started
        assert report.ok, report.problems[:5]
        print(
            f"{label} of {rows} CSV rows: {elapsed:.1f} s = {rows / elapsed:.0f} rows/s, "
            f"{report.counts()}"
        )
        _stop_lock_probe(probe)


def _start_lock_probe():
    """Another process that writes every 20 ms meanwhile (SQLite only): how long it waits."""
    if connection.vendor != "sqlite":
        return None
    probe = subprocess.Popen(
        [sys.executable, __file__, "--probe", str(connection.settings_dict["NAME"])],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)  # it sets Django up first
    return probe


def _stop_lock_probe(probe) -> None:
    if probe is not None:
        probe.send_signal(signal.SIGTERM)
        print("  " + probe.communicate()[0].strip())


def lock_probe(path: str) -> None:
    import sqlite3

    stop = []
    signal.signal(signal.SIGTERM, lambda *args: stop.append(True))
    db = sqlite3.connect(path, timeout=5, isolation_level=None)
    db.execute("CREATE TABLE IF NOT EXISTS bench_lock_probe (t REAL)")
    waits, failed = [], 0
    while not stop:
        started = time.perf_counter()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO bench_lock_probe VALUES (?)", (started,))
            db.execute("COMMIT")
        except sqlite3.OperationalError:
            failed += 1
        waits.append(time.perf_counter() - started)
        time.sleep(0.02)
    db.execute("DROP TABLE bench_lock_probe")
    waits.sort()
    print(
        f"another writer meanwhile: {len(waits)} writes, {failed} failed, wait p50 "
        f"{waits[len(waits) // 2] * 1000:.0f} ms, p99 {waits[int(len(waits) * 0.99)] * 1000:.0f}"
        f" ms, max {waits[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "LOCALE"))
    parser.add_argument("--probe", metavar="SQLITE_PATH", help=argparse.SUPPRESS)
    parser.add_argument("--skip", nargs="*", default=[], help="api jsonl merchant import")
    args = parser.parse_args()
    if args.probe:
        lock_probe(args.probe)
        return
    if args.child:
        child(*args.child)
        return
    call_command("migrate", verbosity=0)
    channel = build_catalog(args.products)
    print(f"catalog: {Product.objects.count()} products, database {connection.vendor}")
    if "api" not in args.skip:
        bench_api(channel)
    for kind, locale in (("jsonl", "fa"), ("merchant", "fi")):
        if kind not in args.skip:
            subprocess.run([sys.executable, __file__, "--child", kind, locale], check=True)
    if "import" not in args.skip:
        bench_import(args.import_rows)


if __name__ == "__main__":
    main()
