"""Where print meets digital: scans of printed codes, campaign offers and their redemptions.

No personal data: a scan keeps which code, piece, language and coarse device type — never an
IP address, a user agent string or a user.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.languages import language_choices
from publishing.models import Campaign


class DeviceType(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    TABLET = "tablet", _("Tablet")
    DESKTOP = "desktop", _("Desktop")
    BOT = "bot", _("Bot")


class RedemptionChannel(models.TextChoices):
    WEB = "web", _("Online shop")
    STORE = "store", _("Store")


class ScanEvent(models.Model):
    """One scan of a printed code: where the journey started."""

    # Made when the code is scanned, before any write: a scan spooled while the database was
    # busy is flushed later under the same id, so a retried flush never counts it twice.
    uid = models.UUIDField(_("scan id"), unique=True, null=True, editable=False)
    code = models.CharField(_("code"), max_length=16, db_index=True)
    short_link = models.ForeignKey(
        "publishing.ShortLink",
        verbose_name=_("short link"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "publishing.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scan_events",
    )
    publication = models.ForeignKey(
        "publishing.Publication",
        verbose_name=_("printed piece"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.ForeignKey(
        "catalog.Channel",
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    device = models.CharField(_("device"), max_length=10, choices=DeviceType.choices)
    scanned_at = models.DateTimeField(_("scanned"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-scanned_at"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        indexes = [models.Index(fields=["campaign", "scanned_at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.scanned_at:%Y-%m-%d %H:%M}"


class Offer(models.Model):
    """What a campaign's landing page hands out: a discount, its validity and terms."""

    campaign = models.OneToOneField(
        "publishing.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="offer",
    )
    discount_text = models.CharField(
        _("discount"),
        max_length=200,
        # xgettext:no-python-format
        help_text=_("e.g. 15 % off your next order"),
    )
    terms = models.TextField(_("terms"), blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    code_prefix = models.CharField(
        _("code prefix"),
        max_length=8,
        blank=True,
        help_text=_("Letters put before every code, e.g. SPRING."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.campaign}: {self.discount_text}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return (
            self.is_active
            and (self.valid_from is None or self.valid_from <= at)
            and (self.valid_until is None or at < self.valid_until)
        )


class DiscountCode(models.Model):
    """A unique code handed out on one landing visit; redeemable once, online or in store."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="codes"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    scan = models.ForeignKey(
        ScanEvent,
        verbose_name=_("scan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="codes",
        help_text=_("The scan that started this journey."),
    )
    # The signed scan the code was issued for: one code per scan, even before a spooled scan
    # reaches the database (its ``scan`` link is filled in when it does).
    scan_uid = models.UUIDField(_("scan id"), unique=True, null=True, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=10, choices=language_choices)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    redeemed_at = models.DateTimeField(_("redeemed"), null=True, blank=True, db_index=True)
    redeemed_channel = models.CharField(
        _("redeemed in"), max_length=10, choices=RedemptionChannel.choices, blank=True
    )
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True)
    redeemed_by = models.ForeignKey(
        "api.ApiClient",
        verbose_name=_("redeemed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("discount code")
        verbose_name_plural = _("discount codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(redeemed_at__isnull=True)
                | (~Q(redeemed_channel="") & ~Q(order_reference="")),
                name="redeemed_code_has_channel_and_order",
            )
        ]

    def __str__(self) -> str:
        return self.code


class CampaignReport(Campaign):
    """A campaign seen through its analytics in the admin (no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("campaign analytics")
        verbose_name_plural = _("campaign analytics")
