from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "publishing.web"
    label = "publishing_web"
    verbose_name = _("Public web pages")

    def ready(self) -> None:
        from publishing.web import signals  # noqa: F401
