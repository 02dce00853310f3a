from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.channel import code_validator


class AttributeType(models.TextChoices):
    TEXT = "text", _("Text")
    RICH_TEXT = "rich_text", _("Rich text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal with unit")
    BOOLEAN = "boolean", _("Yes/no")
    DATE = "date", _("Date")
    SELECT = "select", _("Single select")
    MULTI_SELECT = "multi_select", _("Multi select")
    URL = "url", _("URL")
    MEDIA = "media", _("Media reference")


SELECT_TYPES = frozenset({AttributeType.SELECT, AttributeType.MULTI_SELECT})
NUMBER_TYPES = frozenset({AttributeType.INTEGER, AttributeType.DECIMAL})
TEXT_TYPES = frozenset({AttributeType.TEXT, AttributeType.RICH_TEXT, AttributeType.URL})


class Attribute(models.Model):
    """A typed product property (weight, colour, voltage...) with its validation rules."""

    code = models.SlugField(_("code"), max_length=100, unique=True, validators=[code_validator])
    label = models.CharField(_("label"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=AttributeType.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. kg, mm, W"))
    decimal_places = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    is_localizable = models.BooleanField(
        _("localizable"), default=False, help_text=_("One value per language.")
    )
    is_scopable = models.BooleanField(
        _("per channel"), default=False, help_text=_("One value per channel.")
    )
    is_required = models.BooleanField(
        _("required everywhere"),
        default=False,
        help_text=_("Counted as required in every channel of every family that uses it."),
    )
    is_technical = models.BooleanField(
        _("technical"), default=False, help_text=_("Shown on technical sheets.")
    )
    is_key = models.BooleanField(
        _("key attribute"), default=False, help_text=_("Shown in catalog blocks and on labels.")
    )
    audiences = models.ManyToManyField(
        "catalog.Audience",
        verbose_name=_("audiences"),
        blank=True,
        help_text=_("Leave empty for everyone."),
    )
    min_value = models.DecimalField(
        _("minimum"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=18, decimal_places=6, null=True, blank=True
    )
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        blank=True,
        help_text=_("A regular expression the whole text must match."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")

    def __str__(self) -> str:
        return self.label or self.code

    def clean(self) -> None:
        from catalog.services.attributes import attribute_check_definition

        attribute_check_definition(attribute=self)


class AttributeOption(models.Model):
    """One choice of a select attribute, with a translated label."""

    attribute = models.ForeignKey(
        Attribute, verbose_name=_("attribute"), on_delete=models.CASCADE, related_name="options"
    )
    code = models.SlugField(_("code"), max_length=100, validators=[code_validator])
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(
                fields=["attribute", "code"], name="unique_option_per_attribute"
            )
        ]

    def __str__(self) -> str:
        return self.label or self.code

    def clean(self) -> None:
        from catalog.services.attributes import option_check_definition

        option_check_definition(option=self)
