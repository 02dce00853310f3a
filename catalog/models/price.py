from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.channel import currency_validator


class Price(models.Model):
    """A product's price in one channel and currency, optionally for one audience (dealer)."""

    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="prices",
    )
    channel = models.ForeignKey(
        "catalog.Channel", verbose_name=_("channel"), on_delete=models.CASCADE, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_validator])
    audience = models.ForeignKey(
        "catalog.Audience",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the price for everyone."),
    )
    amount = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    sale_amount = models.DecimalField(
        _("sale price"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["channel", "currency", "audience"]
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "channel", "currency", "audience"],
                condition=Q(audience__isnull=False),
                name="unique_audience_price",
            ),
            models.UniqueConstraint(
                fields=["product", "channel", "currency"],
                condition=Q(audience__isnull=True),
                name="unique_default_price",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_not_negative"),
            models.CheckConstraint(
                condition=Q(sale_amount__isnull=True) | Q(sale_amount__gte=0),
                name="sale_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
