"""What publishing stores: themes, campaigns, publications and their short links.

A publication stores only its parameters, its result file and a checksum of the content it
was built from; product data is never copied here.
"""

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.languages import language_choices
from catalog.models.channel import code_validator

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1a5fb4."))


class Theme(models.Model):
    """Brand colours and logo shared by every print output and the matching web pages."""

    code = models.SlugField(_("code"), max_length=50, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1a5fb4", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#e66100", validators=[colour_validator]
    )
    text_colour = models.CharField(
        _("text colour"), max_length=7, default="#1c1c1c", validators=[colour_validator]
    )
    background_colour = models.CharField(
        _("background colour"), max_length=7, default="#ffffff", validators=[colour_validator]
    )
    logo = models.FileField(_("logo"), upload_to="themes/", blank=True)
    is_default = models.BooleanField(_("default theme"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_theme"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A marketing campaign: the brochure's title and message, and where its QR codes lead."""

    code = models.SlugField(_("code"), max_length=50, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), null=True, blank=True, on_delete=models.SET_NULL
    )
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("products"), blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "code"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title or self.code


class PublicationKind(models.TextChoices):
    CATALOG = "catalog", _("Catalog")
    TECHNICAL_SHEET = "technical_sheet", _("Technical sheet")
    INSTRUCTION_SHEET = "instruction_sheet", _("Instruction sheet")
    BROCHURE = "brochure", _("Offer brochure")
    LABELS = "labels", _("Labels")


class PublicationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PaperSize(models.TextChoices):
    A4 = "A4", _("A4")
    LETTER = "letter", _("US Letter")


class Publication(models.Model):
    """One printed piece: its parameters, progress, log and result file."""

    kind = models.CharField(_("kind"), max_length=30, choices=PublicationKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    channel = models.ForeignKey(
        "catalog.Channel", verbose_name=_("channel"), on_delete=models.PROTECT, related_name="+"
    )
    locale = models.CharField(_("language"), max_length=10, choices=language_choices)
    fallback_locale = models.CharField(
        _("fallback language"),
        max_length=10,
        blank=True,
        choices=language_choices,
        help_text=_("Products incomplete in the language are shown in this one (and logged)."),
    )
    audience = models.ForeignKey(
        "catalog.Audience",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("categories"), blank=True, related_name="+"
    )
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("products"), blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.SET_NULL
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), null=True, blank=True, on_delete=models.SET_NULL
    )
    paper_size = models.CharField(
        _("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.A4
    )
    label_format = models.CharField(_("label format"), max_length=30, blank=True)
    show_prices = models.BooleanField(_("show prices"), default=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    file = models.FileField(_("result"), upload_to="publications/", blank=True, max_length=255)
    checksum = models.CharField(_("content checksum"), max_length=64, blank=True, db_index=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    log = models.TextField(_("log"), blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("background task"), max_length=64, blank=True, editable=False)
    # Signs of life of the render (see catalog.jobs): a thread of the rendering process writes
    # heartbeat_at every few seconds; runner says which process; attempts counts renders since
    # the request, so a render that kills its worker every time is failed, not retried forever.
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True, editable=False
    )
    runner = models.CharField(_("rendered by"), max_length=100, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    reused_from = models.ForeignKey(
        "self",
        verbose_name=_("file reused from"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set when the content was unchanged and an earlier file was reused."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.channel_id}/{self.locale}"


def new_short_code() -> str:
    return secrets.token_urlsafe(6)  # 8 URL-safe characters, about 48 bits


class ShortLink(models.Model):
    """The code behind a printed QR code: /q/<code> leads to a product or campaign page."""

    code = models.CharField(_("code"), max_length=16, unique=True, default=new_short_code)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="short_links",
    )
    publication = models.ForeignKey(
        Publication,
        verbose_name=_("printed piece"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="short_links",
    )
    channel = models.ForeignKey(
        "catalog.Channel",
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locale = models.CharField(_("language"), max_length=10, choices=language_choices)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("short link")
        verbose_name_plural = _("short links")
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(campaign__isnull=False),
                name="short_link_has_a_target",
            ),
        ]

    def __str__(self) -> str:
        return self.code
