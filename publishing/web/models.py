"""What the public web pages store: only a version number that invalidates cached pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """Raised whenever catalog content shown on the web changes; part of every page cache key.

    Kept in the database (not only in the cache) so that every server process, whatever its
    cache backend, sees an edit made by any other process on its next request.
    """

    key = models.CharField(_("key"), max_length=30, primary_key=True)
    value = models.PositiveBigIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("web content version")
        verbose_name_plural = _("web content versions")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
