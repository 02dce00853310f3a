from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.channel import code_validator


class Family(models.Model):
    """A product type: which attributes its products have and what each channel requires."""

    code = models.SlugField(_("code"), max_length=100, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    attributes = models.ManyToManyField(
        "catalog.Attribute",
        verbose_name=_("attributes"),
        through="catalog.FamilyAttribute",
        related_name="families",
        blank=True,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("family")
        verbose_name_plural = _("families")

    def __str__(self) -> str:
        return self.name or self.code


class FamilyAttribute(models.Model):
    """An attribute's place in a family."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="family_attributes")
    attribute = models.ForeignKey(
        "catalog.Attribute", verbose_name=_("attribute"), on_delete=models.PROTECT
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("family attribute")
        verbose_name_plural = _("family attributes")
        constraints = [
            models.UniqueConstraint(fields=["family", "attribute"], name="unique_family_attribute")
        ]

    def __str__(self) -> str:
        return f"{self.family} / {self.attribute}"


class FamilyChannelRequirement(models.Model):
    """What a product of this family needs before it is complete for one channel."""

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.CASCADE, related_name="requirements"
    )
    channel = models.ForeignKey(
        "catalog.Channel", verbose_name=_("channel"), on_delete=models.CASCADE
    )
    attributes = models.ManyToManyField(
        "catalog.Attribute", verbose_name=_("required attributes"), blank=True
    )
    translated_fields = models.JSONField(
        _("required translations"),
        default=list,
        blank=True,
        help_text=_("Product text fields required in every locale of the channel, e.g. name."),
    )
    asset_roles = models.JSONField(
        _("required asset roles"),
        default=list,
        blank=True,
        help_text=_("Asset roles the product must have, e.g. main."),
    )

    class Meta:
        verbose_name = _("channel requirement")
        verbose_name_plural = _("channel requirements")
        constraints = [
            models.UniqueConstraint(fields=["family", "channel"], name="unique_family_channel")
        ]

    def __str__(self) -> str:
        return f"{self.family} @ {self.channel}"

    def clean(self) -> None:
        from catalog.services.families import requirement_check_definition

        requirement_check_definition(requirement=self)
