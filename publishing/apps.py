from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from catalog.jobs import housekeeping_register
        from publishing.services.publications import publications_recover_stale

        # The worker re-queues renders whose process died and removes their leftover files.
        housekeeping_register(publications_recover_stale)
