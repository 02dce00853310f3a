from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from engagement.services import scan_spool_flush


class Command(BaseCommand):
    help = (
        "Store the scans that were spooled while the database was busy. Safe to run at any "
        "time and repeatedly: each scan is counted once."
    )

    def handle(self, *args, **options):
        flushed = scan_spool_flush()
        self.stdout.write(
            self.style.SUCCESS(_("%(count)s spooled scan(s) stored.") % {"count": flushed})
        )
