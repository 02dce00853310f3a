from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = _("Engagement: scans, offers and redemptions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalog.jobs import housekeeping_register
        from engagement.services import scan_spool_flush

        # The worker stores scans that were spooled while the database was busy.
        housekeeping_register(scan_spool_flush)
