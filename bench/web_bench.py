"""Public pages under load, served the way production serves them.

For each database (SQLite in WAL mode and PostgreSQL): a fresh database with the demo
catalog, gunicorn with several sync workers on a loopback port, then wrk (Debian package
``wrk``) from a second process, bounded in time and connections:

- a cached product page (``/en/p/<slug>/``), target ≥ 300 requests/s with p99 < 100 ms;
- ``/q/<code>`` scans (each one writes a ScanEvent), target ≥ 200 requests/s, no errors,
  and afterwards every completed request has its scan event in the database.

Usage::

    .venv/bin/python bench/web_bench.py                 # both databases
    .venv/bin/python bench/web_bench.py --db sqlite --duration 10
    WEB_BENCH_PG=postgres://postgres@127.0.0.1:5432/webbench .venv/bin/python bench/web_bench.py

Loopback only; nothing is fetched from the internet.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/webbench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, capture=False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


SETUP = """
from catalog.models import Channel
from publishing.models import ShortLink
from publishing.selection import publishable_products
from publishing.services import short_link_get_or_create
web = Channel.objects.get(code="web")
product = publishable_products(channel=web, locales=["en"]).order_by("pk").first()
link = short_link_get_or_create(locale="fi", product=product, channel=web)
print(product.slug_en, link.code)
"""

COUNT = """
from engagement.models import ScanEvent
print(ScanEvent.objects.count())
"""


def prepare_database(kind: str, var_dir: Path) -> dict:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PIM_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "pim.settings",
    }
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    else:
        url = os.environ.get("WEB_BENCH_PG", DEFAULT_PG)
        name = url.rsplit("/", 1)[1]
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url
    env["DATABASE_CONN_MAX_AGE"] = "60"  # persistent connections, as in production
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo", capture=True)
    return env


def run_wrk(url: str, *, duration: int, connections: int, threads: int = 2) -> dict:
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "--latency",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=duration + 30,
    ).stdout
    result = {"raw": output}
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    result["errors"] = int(errors.group(1)) if errors else 0
    result["socket_errors"] = socket_errors.group(1) if socket_errors else "none"
    for percentile in ("50", "90", "99"):
        match = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
        result[f"p{percentile}"] = value * scale
    return result


def bench(kind: str, *, duration: int, workers: int, connections: int) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix=f"web-bench-{kind}-"))
    server = None
    try:
        print(f"[{kind}] preparing database and demo catalog…", flush=True)
        env = prepare_database(kind, var_dir)
        slug, code = manage(env, "shell", "-v0", "-c", SETUP, capture=True).split()[-2:]
        port = free_port()
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "pim.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        product_url = f"{base}/en/p/{slug}/"
        for _attempt in range(100):
            try:
                urllib.request.urlopen(product_url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(workers * 4):  # every worker renders and caches the page once
            urllib.request.urlopen(product_url, timeout=5).read()
        before = int(manage(env, "shell", "-v0", "-c", COUNT, capture=True).split()[-1])
        print(f"[{kind}] product page {product_url}", flush=True)
        page = run_wrk(product_url, duration=duration, connections=connections)
        print(f"[{kind}] scans {base}/q/{code}", flush=True)
        scans = run_wrk(f"{base}/q/{code}", duration=duration, connections=connections)
        time.sleep(1)  # let the last in-flight requests finish
        recorded = int(manage(env, "shell", "-v0", "-c", COUNT, capture=True).split()[-1]) - before
        scans["recorded"] = recorded
        return {"db": kind, "workers": workers, "page": page, "scans": scans}
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        shutil.rmtree(var_dir, ignore_errors=True)


def report(result: dict) -> bool:
    page, scans = result["page"], result["scans"]
    page_ok = page["rps"] >= 300 and page["p99"] < 100 and page["errors"] == 0
    lost = scans["requests"] - scans["recorded"]
    scans_ok = scans["rps"] >= 200 and scans["errors"] == 0 and lost <= 0
    print(
        f"\n== {result['db']} ({result['workers']} gunicorn workers) ==\n"
        f"product page (cached): {page['rps']:.0f} req/s, p50 {page['p50']:.1f} ms, "
        f"p90 {page['p90']:.1f} ms, p99 {page['p99']:.1f} ms, errors {page['errors']}, "
        f"socket errors {page['socket_errors']}  [{'OK' if page_ok else 'MISSED'}]\n"
        f"/q/<code> scans:       {scans['rps']:.0f} req/s, p50 {scans['p50']:.1f} ms, "
        f"p90 {scans['p90']:.1f} ms, p99 {scans['p99']:.1f} ms, errors {scans['errors']}, "
        f"completed {scans['requests']}, scan events recorded {scans['recorded']} "
        f"({'none lost' if lost <= 0 else f'{lost} LOST'})  [{'OK' if scans_ok else 'MISSED'}]",
        flush=True,
    )
    return page_ok and scans_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (max 60)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    duration = max(1, min(args.duration, 60))
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    ok = True
    for kind in kinds:
        ok &= report(
            bench(kind, duration=duration, workers=args.workers, connections=args.connections)
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
