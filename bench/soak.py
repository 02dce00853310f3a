"""Soak test (issue 8): everything at once on the documented production setup.

gunicorn (DEBUG=0, 3 sync workers, a generated 64-character SECRET_KEY, ALLOWED_HOSTS=127.0.0.1)
and the background worker (``manage.py run_worker``, which supervises the task worker) on a
fresh demo database (SQLite in WAL mode by default, PostgreSQL with ``--db postgres``), then,
at the same time:

- ``wrk -c32`` on a printed code's ``/q/<code>`` for 30 s (every GET writes a scan);
- a 10,000-row CSV import from the command line (``manage.py import_products``);
- a 500-product catalog publication rendered by the worker;
- 3 large (7000×7000) PNG uploads through the asset service, from another process;
- API reads (``/api/v1/products``) with the demo web shop's token;

and while the catalog renders the task worker (run_worker's child) is SIGKILLed; run_worker
restarts it and re-queues the render. Afterwards the scan spool is flushed (``manage.py
flush_scan_spool``) and the script prints: scan requests completed vs scan events stored, 5xx
counts, scan p50/p99, import and publication outcomes and durations, the recovery after the
kill and the peak RSS (VmHWM) of every process. Targets: 0 scans lost, 0 5xx, scan p99 < 250
ms, the publication finished after the kill, every process < 500 MB.

Usage::

    .venv/bin/python bench/soak.py                       # SQLite
    .venv/bin/python bench/soak.py --db postgres         # $SOAK_PG or postgres://…/soak
    .venv/bin/python bench/soak.py --duration 10 --import-rows 2000 --products 200

Bounded in time (every wait has a timeout) and requests (wrk's duration); loopback only.
Needs ``wrk`` (Debian package). Exit status 0 when every target is met.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/soak"
LOCALE = "fi"
DEMO_PASSWORD = "demo"

# Counts 5xx answers across wrk's threads (each thread has its own Lua state).
WRK_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) server_errors = 0 end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("server_errors") end
  io.write(string.format("SERVER_ERRORS %d\n", total))
end
"""

UPLOAD = """
import json, os, time
from django.core.files.uploadedfile import SimpleUploadedFile
from catalog.models import Product
from catalog.services.assets import asset_create
results = []
paths = json.loads(os.environ["SOAK_IMAGES"])
products = list(Product.objects.filter(status="approved").order_by("pk")[: len(paths)])
for product, path in zip(products, paths):
    started = time.perf_counter()
    try:
        with open(path, "rb") as handle:
            upload = SimpleUploadedFile(os.path.basename(path), handle.read(), "image/png")
        asset_create(owner=product, role="gallery", upload=upload)
        outcome = "ok"
    except Exception as exc:  # reported, not raised: the soak goes on
        outcome = f"{type(exc).__name__}: {exc}"[:200]
    results.append({"seconds": round(time.perf_counter() - started, 2), "outcome": outcome})
print("UPLOADS " + json.dumps(results))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, timeout=900) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return result.stdout


class RssMonitor(threading.Thread):
    """Peak RSS (the kernel's VmHWM) of every process of the soak, children included."""

    def __init__(self):
        super().__init__(daemon=True)
        self.roots: dict[int, str] = {}
        self.peaks: dict[tuple[str, int], float] = {}
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def watch(self, label: str, pid: int) -> None:
        with self.lock:
            self.roots[pid] = label

    @staticmethod
    def _children() -> dict[int, list[int]]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
        return children

    def sample(self) -> None:
        children = self._children()
        with self.lock:
            roots = dict(self.roots)
        for root, label in roots.items():
            todo, depth = [(root, 0)], {}
            while todo:
                pid, level = todo.pop()
                depth[pid] = level
                todo.extend((child, level + 1) for child in children.get(pid, ()))
            for pid, level in depth.items():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                match = re.search(r"VmHWM:\s+(\d+) kB", status)
                if match:
                    name = label if level == 0 else f"{label} (child)"
                    key = (name, pid)
                    self.peaks[key] = max(self.peaks.get(key, 0.0), int(match.group(1)) / 1024)

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(0.25)


def prepare(kind: str, var_dir: Path, args) -> dict:
    (var_dir / "staticfiles").mkdir()  # whitenoise warns in every process when it is missing
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "PIM_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "PIM_TASK_BACKEND": "database",
        "PIM_DEMO_PASSWORD": DEMO_PASSWORD,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "pim.settings",
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections, as in production
    }
    env.pop("REDIS_URL", None)  # the embedded default: file cache, database task queue
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'soak.sqlite3'}"
    else:
        import psycopg

        url = os.environ.get("SOAK_PG", DEFAULT_PG)
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url
    print(f"[{kind}] migrate and load the demo…", flush=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo")
    return env


def setup_django(env: dict) -> None:
    """This process reads the same database (setup, polling, counts) as the servers do."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_catalog(products: int):
    """The demo's publishable print products, cloned (texts, values, images, prices) until
    the catalog has ``products`` of them; returns (channel, skus)."""
    from catalog.languages import language_codes
    from catalog.models import Asset, Channel, Price, Product
    from catalog.services.completeness import completeness_recompute
    from publishing.selection import publishable_products

    channel = Channel.objects.get(code="print")
    sources = list(publishable_products(channel=channel, locales=[LOCALE]).order_by("pk"))
    languages = language_codes()
    fields = [f for f in Product._meta.concrete_fields if not f.primary_key]
    clones = []
    for number in range(max(0, products - len(sources))):
        source = sources[number % len(sources)]
        clone = Product(**{f.attname: getattr(source, f.attname) for f in fields})
        clone.sku = f"SOAK-{number:05d}"
        clone.gtin = None
        for code in languages:
            slug = getattr(source, f"slug_{code}", "")
            setattr(clone, f"slug_{code}", f"{slug}-soak-{number}" if slug else slug)
        clones.append((source, clone))
    if clones:
        Product.objects.bulk_create([clone for _source, clone in clones], batch_size=200)
        channels, categories = Product.channels.through, Product.categories.through
        channel_rows, category_rows, assets, prices = [], [], [], []
        asset_fields = [f for f in Asset._meta.concrete_fields if not f.primary_key]
        price_fields = [f for f in Price._meta.concrete_fields if not f.primary_key]
        for source, clone in clones:
            channel_rows += [
                channels(product_id=clone.pk, channel_id=c)
                for c in source.channels.values_list("pk", flat=True)
            ]
            category_rows += [
                categories(product_id=clone.pk, category_id=c)
                for c in source.categories.values_list("pk", flat=True)
            ]
            for asset in Asset.objects.filter(product=source):
                copy = Asset(**{f.attname: getattr(asset, f.attname) for f in asset_fields})
                copy.product_id = clone.pk
                assets.append(copy)
            for price in Price.objects.filter(product=source):
                copy = Price(**{f.attname: getattr(price, f.attname) for f in price_fields})
                copy.product_id = clone.pk
                prices.append(copy)
        channels.objects.bulk_create(channel_rows, batch_size=500)
        categories.objects.bulk_create(category_rows, batch_size=500)
        Asset.objects.bulk_create(assets, batch_size=500)
        Price.objects.bulk_create(prices, batch_size=500)
        completeness_recompute(product_ids=[clone.pk for _source, clone in clones])
    skus = list(
        publishable_products(channel=channel, locales=[LOCALE])
        .order_by("sku")
        .values_list("sku", flat=True)[:products]
    )
    return channel, skus


def import_file(path: Path, rows: int) -> None:
    """New products of a small family of their own, like bench/api_bench.py's import."""
    from catalog.languages import language_codes
    from catalog.models import (
        Attribute,
        AttributeOption,
        Channel,
        Family,
        FamilyAttribute,
        FamilyChannelRequirement,
    )

    web = Channel.objects.get(code="web")
    family = Family.objects.create(code="soak", name_en="Soak")
    weight = Attribute.objects.create(
        code="soak_weight", label_en="Weight", type="decimal", unit="kg"
    )
    claim = Attribute.objects.create(
        code="soak_claim", label_en="Claim", type="text", is_localizable=True
    )
    colour = Attribute.objects.create(code="soak_colour", label_en="Colour", type="select")
    for code in ("red", "blue"):
        AttributeOption.objects.create(attribute=colour, code=code, label_en=code.title())
    for position, attribute in enumerate((weight, claim, colour)):
        FamilyAttribute.objects.create(family=family, attribute=attribute, position=position)
    requirement = FamilyChannelRequirement.objects.create(
        family=family, channel=web, translated_fields=["name"]
    )
    requirement.attributes.set([weight, claim])
    locales = language_codes()
    header = ["sku", "family", "channels", "soak_weight", "soak_colour", "price-web-EUR"]
    header += [f"name-{c}" for c in locales] + [f"soak_claim-{c}" for c in locales]
    lines = [",".join(header)]
    for number in range(rows):
        cells = [f"IMP{number:06d}", "soak", "web", "2.5", "blue", "9.90"]
        cells += [f"Imported {number} {c}" for c in locales] + [f"Claim {c}" for c in locales]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def big_pngs(directory: Path, count: int, side: int) -> list[str]:
    from PIL import Image

    paths = []
    for number in range(count):
        gradient = Image.linear_gradient("L").resize((side, side))
        image = Image.merge("RGB", (gradient, gradient.rotate(90), gradient.rotate(180 + number)))
        path = directory / f"large-{number}.png"
        image.save(path, optimize=False)
        paths.append(str(path))
    return paths


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "pim.wsgi", "--workers", "3", "--bind", f"127.0.0.1:{port}"]
        + ["--log-level", "warning", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    return subprocess.Popen(
        [PYTHON, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def worker_children(pid: int) -> list[int]:
    """Process ids of run_worker's children (the task worker it supervises)."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(child) for child in task.read_text().split()]
    return children


def stop(process: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def run_wrk(url: str, *, duration: int, connections: int, lua: Path) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency"]
        + ["-s", str(lua), url],
        check=True,
        capture_output=True,
        text=True,
        timeout=duration + 60,
    ).stdout
    result = {"raw": output}
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    result["server_errors"] = int(re.search(r"SERVER_ERRORS (\d+)", output).group(1))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx_3xx"] = int(non_ok.group(1)) if non_ok else 0
    socket_errors = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = socket_errors.group(1) if socket_errors else "none"
    for percentile in ("50", "99"):
        match = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)\b", output)
        value, unit = float(match.group(1)), match.group(2)
        result[f"p{percentile}"] = value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return result


def api_reads(base: str, token: str, until: threading.Event, results: dict) -> None:
    """A shop reading the catalog page by page while everything else runs."""
    latencies, statuses = [], {}
    request_url = f"{base}/api/v1/products?limit=50"
    while not until.is_set():
        request = urllib.request.Request(request_url, headers={"Authorization": f"Bearer {token}"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        until.wait(0.2)
    results["statuses"] = statuses
    results["p50"] = statistics.median(latencies) if latencies else 0.0
    results["p99"] = statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 2 else 0.0


def soak(kind: str, args) -> bool:
    var_dir = Path(tempfile.mkdtemp(prefix=f"pim-soak-{kind}-"))
    monitor = RssMonitor()
    server = worker = importer = uploader = None
    try:
        env = prepare(kind, var_dir, args)
        setup_django(env)
        from django.db import connections

        from catalog.models import Channel, Product
        from demo.journey import demo_api_token
        from engagement.models import ScanEvent
        from publishing.models import Publication, PublicationStatus
        from publishing.selection import publishable_products
        from publishing.services import (
            publication_create,
            publication_enqueue,
            short_link_get_or_create,
        )

        print(f"[{kind}] building {args.products} publishable products…", flush=True)
        channel, skus = build_catalog(args.products)
        web = Channel.objects.get(code="web")
        product = publishable_products(channel=web, locales=["fi"]).order_by("pk").first()
        code = short_link_get_or_create(locale="fi", product=product, channel=web).code
        csv_path = var_dir / "import.csv"
        import_file(csv_path, args.import_rows)
        images = big_pngs(var_dir, args.images, args.image_side)
        lua = var_dir / "count5xx.lua"
        lua.write_text(WRK_LUA)
        token = demo_api_token(password=DEMO_PASSWORD, client="web-shop")
        connections.close_all()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        monitor.start()
        server = start_gunicorn(env, port)
        monitor.watch("gunicorn", server.pid)
        worker_log = var_dir / "worker.log"
        worker = start_worker(env, worker_log)
        monitor.watch("worker", worker.pid)
        for _attempt in range(150):
            try:
                probe = urllib.request.Request(f"{base}/q/{code}", method="HEAD")
                urllib.request.urlopen(probe, timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        before = ScanEvent.objects.count()
        print(
            f"[{kind}] at once: wrk -c{args.connections} {args.duration}s on /q/{code}, import "
            f"of {args.import_rows} rows, catalog of {len(skus)} products, {args.images} "
            f"uploads of {args.image_side}×{args.image_side} PNG, API reads",
            flush=True,
        )
        outcome: dict = {"kind": kind, "catalog_products": len(skus)}
        wrk_result: dict = {}
        wrk_thread = threading.Thread(
            target=lambda: wrk_result.update(
                run_wrk(
                    f"{base}/q/{code}",
                    duration=args.duration,
                    connections=args.connections,
                    lua=lua,
                )
            )
        )
        wrk_thread.start()
        wrk_done = threading.Event()
        api_result: dict = {}
        api_thread = threading.Thread(target=api_reads, args=(base, token, wrk_done, api_result))
        api_thread.start()

        import_started = time.perf_counter()
        import_log = var_dir / "import.log"
        importer = subprocess.Popen(
            [PYTHON, "manage.py", "import_products", str(csv_path)],
            cwd=ROOT,
            env=env,
            stdout=import_log.open("wb"),  # one line per row: never through a pipe
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        monitor.watch("import", importer.pid)
        publication = publication_create(
            kind="catalog", channel=channel, locale=LOCALE, skus=skus, title="Soak catalog"
        )
        publication_started = time.perf_counter()
        publication_enqueue(publication=publication)
        uploader = subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", UPLOAD],
            cwd=ROOT,
            env={**env, "SOAK_IMAGES": json.dumps(images)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        monitor.watch("uploads", uploader.pid)

        # SIGKILL the worker mid-render, then start a new one.
        kill = {"at": None, "progress": None}
        deadline = time.perf_counter() + args.kill_within
        while time.perf_counter() < deadline:
            status, progress = (
                Publication.objects.filter(pk=publication.pk)
                .values_list("status", "progress")
                .get()
            )
            if status == PublicationStatus.RUNNING and progress >= args.kill_at_progress:
                break
            if status in (PublicationStatus.DONE, PublicationStatus.FAILED):
                break
            time.sleep(0.2)
        if status == PublicationStatus.RUNNING:
            kill["progress"] = progress
            # The task worker is run_worker's child (the production recipe): kill it, and the
            # supervisor restarts it and re-queues its render.
            children = worker_children(worker.pid)
            for child in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
            if not children:  # no child found: kill the supervisor's group and start anew
                stop(worker, signal.SIGKILL)
                worker = start_worker(env, worker_log)
            kill["at"] = time.perf_counter()
            kill["row"] = (
                Publication.objects.filter(pk=publication.pk)
                .values_list("status", "progress")
                .get()
            )
            kill["progress"] = kill["row"][1]
        kill["waited"] = time.perf_counter() - publication_started
        outcome["kill"] = kill
        outcome["status_at_kill"] = status

        wrk_thread.join(timeout=args.duration + 90)
        wrk_done.set()
        api_thread.join(timeout=60)
        try:
            importer.wait(
                timeout=max(1, args.import_timeout - (time.perf_counter() - import_started))
            )
            lines = import_log.read_text(errors="replace").replace("\r", "\n").split("\n")
            outcome["import"] = {
                "rc": importer.returncode,
                "seconds": time.perf_counter() - import_started,
                "last": ([line for line in lines if line.strip()] or [""])[-1][:200],
            }
        except subprocess.TimeoutExpired:
            stop(importer, signal.SIGKILL)
            outcome["import"] = {"rc": None, "seconds": None, "last": "timed out"}
        try:
            upload_output, _ = uploader.communicate(timeout=args.upload_timeout)
            match = re.search(r"UPLOADS (.*)", upload_output)
            outcome["uploads"] = json.loads(match.group(1)) if match else upload_output[-300:]
        except subprocess.TimeoutExpired:
            stop(uploader, signal.SIGKILL)
            outcome["uploads"] = "timed out"

        # The publication after the kill: picked up again (recovery), then finished.
        resumed = finished = final = None
        end = time.perf_counter() + args.recovery_timeout
        while time.perf_counter() < end:
            row = final = (
                Publication.objects.filter(pk=publication.pk)
                .values_list("status", "progress", "error")
                .get()
            )
            # Picked up again: the row moves on from where the killed worker left it.
            if kill["at"] is not None and resumed is None and row[:2] != kill["row"]:
                resumed = time.perf_counter() - kill["at"]
            if row[0] in (PublicationStatus.DONE, PublicationStatus.FAILED):
                finished = time.perf_counter()
                break
            time.sleep(0.5)
        outcome["publication"] = {
            "status": final[0] if final else "?",
            "progress": final[1] if final else None,
            "error": (final[2] or "")[:200] if final else "",
            "seconds": (finished - publication_started) if finished else None,
            "resumed_after_kill": resumed,
            "finished_after_kill": (finished - kill["at"]) if finished and kill["at"] else None,
        }
        connections.close_all()

        manage(env, "flush_scan_spool")
        stored = ScanEvent.objects.count() - before
        spool_dir = var_dir / "spool" / "scans"
        left = len(list(spool_dir.glob("*.json"))) if spool_dir.exists() else 0
        outcome["scans"] = {**wrk_result, "stored": stored, "spool_left": left}
        outcome["api"] = api_result
        outcome["imported_products"] = Product.objects.filter(sku__startswith="IMP").count()
        # What failed on the lock, by process (their tracebacks are in the kept directory).
        outcome["locked_errors"] = {
            name: log.read_text(errors="replace").count("database is locked")
            for name, log in (("worker", worker_log), ("import", import_log))
            if log.exists()
        }
        monitor.sample()
        outcome["rss"] = dict(monitor.peaks)
        return report(outcome, args)
    finally:
        monitor.stop.set()
        for process in (importer, uploader, worker, server):
            stop(process)
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


def report(o: dict, args) -> bool:
    scans, api, pub, imp = o["scans"], o["api"], o["publication"], o["import"]
    lost = scans["requests"] - scans["stored"]
    api_5xx = sum(n for status, n in api.get("statuses", {}).items() if status >= 500)
    peak = max(o["rss"].values()) if o["rss"] else 0.0
    finished_after_kill = pub["status"] == "done" and (
        o["kill"]["at"] is None or pub["finished_after_kill"] is not None
    )
    checks = {
        "0 scans lost": lost <= 0,
        "0 5xx": scans["server_errors"] == 0 and api_5xx == 0,
        "scan p99 < 250 ms": scans["p99"] < 250,
        "publication finished after the kill": finished_after_kill and o["kill"]["at"] is not None,
        "peak RSS < 500 MB": peak < 500,
    }

    def seconds(value):
        return f"{value:.1f} s" if value is not None else "—"

    print(f"\n== soak on {o['kind']} ==")
    print(
        f"scans: {scans['requests']} completed ({scans['rps']:.0f} req/s), "
        f"{scans['stored']} events stored after the flush "
        f"({'none lost' if lost <= 0 else f'{lost} LOST'}; {scans['spool_left']} left in the "
        f"spool), 5xx {scans['server_errors']}, other non-2xx/3xx "
        f"{scans['non_2xx_3xx'] - scans['server_errors']}, socket errors "
        f"{scans['socket_errors']}, p50 {scans['p50']:.1f} ms, p99 {scans['p99']:.1f} ms"
    )
    print(
        f"API reads: {api.get('statuses')}, p50 {api.get('p50', 0):.0f} ms, "
        f"p99 {api.get('p99', 0):.0f} ms"
    )
    print(
        f"import ({args.import_rows} rows): exit {imp['rc']}, {seconds(imp['seconds'])}, "
        f"{o['imported_products']} products stored — {imp['last']}"
    )
    print(f"uploads: {o['uploads']}")
    kill = o["kill"]
    print(
        f"publication ({o['catalog_products']} products): {pub['status']} "
        f"({pub['progress']} %) after {seconds(pub['seconds'])}"
        + (f", error: {pub['error']}" if pub["error"] else "")
    )
    if kill["at"] is None:
        print(f"worker kill: not done (publication was {o['status_at_kill']} at the kill point)")
    else:
        if kill["progress"] < args.kill_at_progress:
            print(
                f"the render had not reached {args.kill_at_progress} % after "
                f"{kill['waited']:.0f} s (stalled at {kill['progress']} %): killed anyway"
            )
        print(
            f"worker SIGKILLed at {kill['progress']} %, restarted at once; publication picked up "
            f"again after {seconds(pub['resumed_after_kill'])}, finished "
            f"{seconds(pub['finished_after_kill'])} after the kill"
        )
    print(f"'database is locked' in the logs: {o['locked_errors']}")
    print("peak RSS (VmHWM):")
    for (label, pid), mb in sorted(o["rss"].items(), key=lambda item: -item[1]):
        print(f"  {label:<28} pid {pid:<8} {mb:7.0f} MB")
    for name, ok in checks.items():
        print(f"  [{'OK' if ok else 'MISSED'}] {name}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=int, default=30, help="wrk seconds (max 60)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--images", type=int, default=3)
    parser.add_argument("--image-side", type=int, default=7000)
    parser.add_argument("--kill-at-progress", type=int, default=10, help="percent")
    parser.add_argument("--kill-within", type=int, default=240, help="seconds")
    parser.add_argument("--import-timeout", type=int, default=600)
    parser.add_argument("--upload-timeout", type=int, default=300)
    parser.add_argument("--recovery-timeout", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    args.duration = max(1, min(args.duration, 60))
    return 0 if soak(args.db, args) else 1


if __name__ == "__main__":
    sys.exit(main())
