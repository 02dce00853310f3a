"""Who may call the API: shops and marketplaces, each bound to one channel and audience."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """A shop or marketplace reading one channel; with a linked user it may also write."""

    name = models.CharField(_("name"), max_length=200)
    token_prefix = models.CharField(_("token prefix"), max_length=12, db_index=True, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    channel = models.ForeignKey(
        "catalog.Channel", verbose_name=_("channel"), on_delete=models.CASCADE, related_name="+"
    )
    audience = models.ForeignKey(
        "catalog.Audience",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Whose prices and content the client sees; empty: public audiences."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_clients",
        help_text=_("Writes are allowed by this user's permissions; empty: read only."),
    )
    throttle_rate = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        help_text=_("Requests per period such as 600/min; empty: the site default."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name

    @property
    def is_authenticated(self) -> bool:
        return True
