from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.languages import language_codes

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*$",
    _("Use lowercase letters, digits, '-' and '_' only, starting with a letter or digit."),
)
currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use an ISO 4217 code such as EUR."))


class ChannelKind(models.TextChoices):
    WEB = "web", _("Web shop")
    PRINT = "print", _("Print")
    MARKETPLACE = "marketplace", _("Marketplace")
    KIOSK = "kiosk", _("Kiosk")
    APP = "app", _("App")


class Channel(models.Model):
    """A destination for content (web shop, print catalog, marketplace...) with its locales."""

    code = models.SlugField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    locales = models.JSONField(
        _("locales"), default=list, help_text=_("Language codes this channel publishes in.")
    )
    currency = models.CharField(
        _("currency"), max_length=3, validators=[currency_validator], default="EUR"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return self.name or self.code

    def clean(self) -> None:
        known = set(language_codes())
        if not isinstance(self.locales, list) or not self.locales:
            raise ValidationError({"locales": _("A channel needs at least one locale.")})
        unknown = [code for code in self.locales if code not in known]
        if unknown:
            raise ValidationError(
                {
                    "locales": _("Unknown locale(s) %(codes)s; configured: %(known)s.")
                    % {"codes": ", ".join(map(str, unknown)), "known": ", ".join(sorted(known))}
                }
            )
        if len(set(self.locales)) != len(self.locales):
            raise ValidationError({"locales": _("A locale is listed twice.")})


class Audience(models.Model):
    """Who reads the content: end customer, technician, dealer... (data, not constants)."""

    code = models.SlugField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Content for this audience is shown to anonymous visitors."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self) -> str:
        return self.name or self.code
