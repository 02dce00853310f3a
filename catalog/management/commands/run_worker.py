"""manage.py run_worker: the supervised background worker (see catalog.worker)."""

import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string

from catalog.worker import PimWorker, Supervisor, watch_supervisor


class Command(BaseCommand):
    help = (
        "Run the background worker: restarted when it dies, waiting out a busy database, and "
        "recovering jobs whose worker died (housekeeping)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default", help="Queues, comma-separated.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        # What the supervisor passes to its child; not for people.
        parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--worker-id", default="", help=argparse.SUPPRESS)
        parser.add_argument("--supervisor-pid", type=int, default=0, help=argparse.SUPPRESS)
        parser.add_argument("--max-tasks", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if settings.PIM_TASK_BACKEND == "immediate":
            raise CommandError(
                "PIM_TASK_BACKEND=immediate runs tasks in the web process; there is no worker."
            )
        if options["child"]:
            return self.run_child(options)
        passed = ["--queue-name", options["queue_name"], "--interval", str(options["interval"])]
        Supervisor(options=passed, say=self.say).run()

    def say(self, message: str) -> None:
        self.stdout.write(self.style.WARNING(f"[run_worker] {message}"))
        self.stdout.flush()

    def run_child(self, options) -> None:
        worker = PimWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or get_random_string(32),
            excluded_queue_names=[],
        )
        if options["supervisor_pid"]:
            watch_supervisor(options["supervisor_pid"])
        worker.configure_signals()
        worker.run()
