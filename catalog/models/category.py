from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.channel import code_validator


class Category(models.Model):
    """A node in the category tree (any depth); names are translated."""

    code = models.SlugField(_("code"), max_length=100, unique=True, validators=[code_validator])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name or self.code

    def clean(self) -> None:
        node = self.parent
        seen = set()
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A category cannot be its own ancestor.")})
            if node.pk in seen:
                break
            seen.add(node.pk)
            node = node.parent

    def ancestors(self) -> list["Category"]:
        """From the root down to the parent (one query per level; trees are shallow)."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))
