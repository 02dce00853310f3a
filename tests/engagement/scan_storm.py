"""Run by test_busy_database in a separate process: scans and landing visits through the
Django test client from several threads while the test holds the database's write lock.

Prints one JSON line when the scans are done, waits for a line on stdin (the lock was
released), then reloads one landing page, flushes the spool twice and prints the counts.
"""

import json
import os
import sys
import threading

import django

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings_test")
    django.setup()
    from django.db import connections
    from django.test import Client

    from engagement.models import DiscountCode, ScanEvent
    from engagement.services import scan_spool_flush

    code, threads, per_thread = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    results: list[tuple[int, int, str]] = []
    lock = threading.Lock()

    def visit() -> None:
        client = Client()
        try:
            for _ in range(per_thread):
                scan = client.get(f"/q/{code}", HTTP_USER_AGENT=PHONE)
                target = scan.get("Location", "")
                page = client.get(target, HTTP_USER_AGENT=PHONE) if target else None
                with lock:
                    results.append((scan.status_code, page.status_code if page else 0, target))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=visit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(
        json.dumps(
            {
                "scans": [r[0] for r in results],
                "pages": [r[1] for r in results],
                "stored_while_locked": ScanEvent.objects.count(),
                "codes_while_locked": DiscountCode.objects.count(),
            }
        ),
        flush=True,
    )
    sys.stdin.readline()
    reload = Client().get(results[0][2], HTTP_USER_AGENT=PHONE)
    issued = DiscountCode.objects.count()
    flushed = scan_spool_flush()
    again = scan_spool_flush()
    print(
        json.dumps(
            {
                "reload": reload.status_code,
                "issued_after_release": issued,
                "flushed": flushed,
                "flushed_again": again,
                "stored": ScanEvent.objects.count(),
                "distinct": ScanEvent.objects.values("uid").distinct().count(),
                "codes_linked": DiscountCode.objects.filter(scan__isnull=False).count(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
