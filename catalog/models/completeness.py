from django.db import models
from django.utils.translation import gettext_lazy as _


class Completeness(models.Model):
    """How complete a product is for one (channel, locale): stored so lists stay fast."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="completeness"
    )
    channel = models.ForeignKey("catalog.Channel", on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(_("locale"), max_length=10)
    ratio = models.PositiveSmallIntegerField(_("complete %"))
    required_count = models.PositiveIntegerField(default=0)
    missing = models.JSONField(_("missing"), default=list)

    class Meta:
        ordering = ["channel__position", "channel__code", "locale"]
        verbose_name = _("completeness")
        verbose_name_plural = _("completeness")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "channel", "locale"], name="unique_completeness"
            )
        ]
        indexes = [models.Index(fields=["channel", "locale", "ratio"])]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.locale}: {self.ratio}%"

    @property
    def is_complete(self) -> bool:
        return self.ratio == 100
