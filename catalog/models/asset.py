from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.languages import language_choices


class AssetKind(models.TextChoices):
    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document (PDF)")
    LINK = "link", _("Video or podcast link")


class AssetRole(models.TextChoices):
    MAIN = "main", _("Main image")
    GALLERY = "gallery", _("Gallery")
    DRAWING = "drawing", _("Technical drawing")
    MANUAL = "manual", _("Manual")
    VIDEO = "video", _("Video")
    LABEL = "label", _("Label artwork")


def asset_upload_to(instance: "Asset", filename: str) -> str:
    # Content-addressed: identical uploads share one stored file.
    return f"assets/{instance.content_hash[:2]}/{instance.content_hash}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


class Asset(models.Model):
    """An image, PDF document or media link attached to a product or a product model."""

    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assets",
    )
    product_model = models.ForeignKey(
        "catalog.ProductModel",
        verbose_name=_("product model"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assets",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AssetKind.choices)
    role = models.CharField(_("role"), max_length=20, choices=AssetRole.choices)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=language_choices,
        help_text=_("Only for this language (e.g. label artwork); empty for all."),
    )
    file = models.FileField(_("file"), upload_to=asset_upload_to, blank=True, max_length=255)
    url = models.URLField(_("link"), blank=True, max_length=500)
    alt_text = models.CharField(_("alternative text"), max_length=300, blank=True)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    audiences = models.ManyToManyField(
        "catalog.Audience", verbose_name=_("audiences"), blank=True, help_text=_("Empty: everyone.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    content_hash = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    mime_type = models.CharField(_("MIME type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    # Why the renditions of this image could not be built (empty while pending or once built:
    # the files in storage, addressed by content hash, say whether they exist).
    rendition_error = models.CharField(
        _("rendition error"), max_length=500, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False, product_model__isnull=True)
                | Q(product__isnull=True, product_model__isnull=False),
                name="asset_owner_is_product_or_model",
            )
        ]

    def __str__(self) -> str:
        return self.original_name or self.url or f"{self.get_role_display()} #{self.pk}"
