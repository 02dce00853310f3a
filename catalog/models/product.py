from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.languages import language_codes
from catalog.models.channel import code_validator

# Human-written product text, translated with django-modeltranslation (see catalog/translation.py).
PRODUCT_TEXT_FIELDS = (
    "name",
    "short_description",
    "description",
    "marketing_copy",
    "instructions",
    "label_text",
    "seo_title",
    "seo_description",
    "slug",
)
# Text a variant takes from its product model when it has none of its own.
INHERITED_TEXT_FIELDS = (
    "name",
    "short_description",
    "description",
    "marketing_copy",
    "instructions",
)
RICH_TEXT_FIELDS = ("description", "marketing_copy", "instructions")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", _("Retired")


class ProductQuerySet(models.QuerySet):
    def approved(self) -> "ProductQuerySet":
        return self.filter(status=ProductStatus.APPROVED)

    def in_channel(self, channel) -> "ProductQuerySet":
        return self.filter(channels=channel)

    def complete_for(self, channel, locale: str) -> "ProductQuerySet":
        return self.filter(
            completeness__channel=channel, completeness__locale=locale, completeness__ratio=100
        )


class ProductModel(models.Model):
    """The shared part of a set of variants (a T-shirt model), with its variant axes."""

    code = models.SlugField(_("code"), max_length=100, unique=True, validators=[code_validator])
    family = models.ForeignKey(
        "catalog.Family", verbose_name=_("family"), on_delete=models.PROTECT, related_name="+"
    )
    variant_axes = models.ManyToManyField(
        "catalog.Attribute",
        verbose_name=_("variant axes"),
        related_name="+",
        help_text=_("Select attributes whose values tell the variants apart (colour, size)."),
    )
    brand = models.CharField(_("brand"), max_length=200, blank=True)
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("categories"), blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    short_description = models.TextField(_("short description"), blank=True)
    description = models.TextField(_("description"), blank=True)
    marketing_copy = models.TextField(_("marketing copy"), blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    values = models.JSONField(_("attribute values"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("product model")
        verbose_name_plural = _("product models")

    def __str__(self) -> str:
        return self.name or self.code

    def clean(self) -> None:
        from catalog.services.product_models import product_model_validate

        product_model_validate(product_model=self)


class Product(models.Model):
    """A sellable item (or a variant of a product model): the single source of truth."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    gtin = models.CharField(
        _("GTIN"),
        max_length=14,
        null=True,
        blank=True,
        unique=True,
        help_text=_("GTIN-8, -12 (UPC-A), -13 (EAN) or -14, with its check digit."),
    )
    family = models.ForeignKey(
        "catalog.Family",
        verbose_name=_("family"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    model = models.ForeignKey(
        ProductModel,
        verbose_name=_("product model"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
    )
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("categories"), blank=True, related_name="products"
    )
    channels = models.ManyToManyField(
        "catalog.Channel",
        verbose_name=_("channels"),
        blank=True,
        related_name="products",
        help_text=_("Channels this product is published to."),
    )
    brand = models.CharField(_("brand"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    short_description = models.TextField(_("short description"), blank=True)
    description = models.TextField(_("description"), blank=True)
    marketing_copy = models.TextField(_("marketing copy"), blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    label_text = models.CharField(_("label text"), max_length=255, blank=True)
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=170, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, blank=True, allow_unicode=True)
    values = models.JSONField(_("attribute values"), default=dict, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised on every save.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [
            ("approve_product", _("Can approve and retire products")),
            ("edit_all_languages", _("Can edit every language")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=[f"slug_{code}"],
                condition=Q(**{f"slug_{code}__gt": ""}),
                name=f"unique_product_slug_{code}",
            )
            for code in language_codes()
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}".strip() if self.name else self.sku

    def clean(self) -> None:
        from catalog.services.products import product_validate

        product_validate(product=self, check_unique=False)
