"""Admin: offers, read-only scans and codes, and campaign analytics with SVG charts and CSV."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from catalog.admin.common import RtlTranslationAdminMixin
from catalog.cells import cell_safe
from engagement.models import CampaignReport, DiscountCode, Offer, ScanEvent
from engagement.selectors import analytics_csv_rows, bar_chart, campaign_analytics
from engagement.services import SCAN_DB_WAIT_MS, scan_spool_flush


@admin.register(Offer)
class OfferAdmin(RtlTranslationAdminMixin, TabbedTranslationAdmin):
    list_display = ("campaign", "discount_text", "valid_from", "valid_until", "is_active")
    list_filter = ("is_active",)
    fields = (
        "campaign",
        "discount_text",
        "terms",
        "valid_from",
        "valid_until",
        "code_prefix",
        "is_active",
    )
    autocomplete_fields = ()


class ReadOnlyAdmin(admin.ModelAdmin):
    """Events are facts: nobody edits or adds them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScanEvent)
class ScanEventAdmin(ReadOnlyAdmin):
    list_display = (
        "scanned_at",
        "code",
        "campaign",
        "publication",
        "channel",
        "language",
        "device",
    )
    list_filter = ("device", "language", "campaign")
    list_select_related = ("campaign", "publication", "channel")
    fields = list_display + ("product",)
    date_hierarchy = "scanned_at"
    search_fields = ("code",)


@admin.register(DiscountCode)
class DiscountCodeAdmin(ReadOnlyAdmin):
    list_display = ("code", "offer", "issued_at", "expires_at", "redeemed_at", "redeemed_channel")
    list_filter = ("redeemed_channel", "offer")
    list_select_related = ("offer__campaign",)
    fields = (
        "code",
        "offer",
        "language",
        "scan",
        "issued_at",
        "expires_at",
        "redeemed_at",
        "redeemed_channel",
        "order_reference",
        "redeemed_by",
    )
    search_fields = ("code", "order_reference")


def _flush_spooled_scans() -> None:
    """Figures include scans spooled while the database was busy (if it is free now)."""
    scan_spool_flush(wait_ms=SCAN_DB_WAIT_MS)


@admin.register(CampaignReport)
class CampaignReportAdmin(admin.ModelAdmin):
    """Campaigns with their scan and redemption figures; each opens its charts."""

    list_display = ("title", "scan_count", "issued_count", "redeemed_count", "report_link")
    fields = ("title",)
    search_fields = ("code", "title")

    def changelist_view(self, request, extra_context=None):
        _flush_spooled_scans()
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                scan_count=Count("scan_events", distinct=True),
                issued_count=Count("offer__codes", distinct=True),
                redeemed_count=Count(
                    "offer__codes", filter=Q(offer__codes__redeemed_at__isnull=False), distinct=True
                ),
            )
        )

    @admin.display(description=_("scans"), ordering="scan_count")
    def scan_count(self, obj):
        return obj.scan_count

    @admin.display(description=_("codes issued"), ordering="issued_count")
    def issued_count(self, obj):
        return obj.issued_count

    @admin.display(description=_("codes redeemed"), ordering="redeemed_count")
    def redeemed_count(self, obj):
        return obj.redeemed_count

    @admin.display(description=_("analytics"))
    def report_link(self, obj):
        url = reverse("admin:engagement_campaignreport_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Charts"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/csv/",
                self.admin_site.admin_view(self.csv_view),
                name="engagement_campaignreport_csv",
            )
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(CampaignReport, pk=object_id)
        _flush_spooled_scans()
        analytics = campaign_analytics(campaign=campaign)
        charts = [
            bar_chart(_("Scans per day"), analytics.per_day),
            bar_chart(_("Scans per printed piece"), analytics.per_piece),
            bar_chart(_("Scans per channel"), analytics.per_channel),
            bar_chart(_("Scans per language"), analytics.per_language),
            bar_chart(_("Scans per device"), analytics.per_device),
            bar_chart(_("Journeys completed"), analytics.completed_in),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Analytics: %(campaign)s") % {"campaign": campaign},
            "opts": self.model._meta,
            "original": campaign,
            "analytics": analytics,
            "charts": charts,
            "conversion_percent": f"{analytics.conversion_rate * 100:.1f}",
            "csv_url": reverse("admin:engagement_campaignreport_csv", args=[campaign.pk]),
        }
        return TemplateResponse(request, "admin/engagement/campaign_analytics.html", context)

    def csv_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(CampaignReport, pk=pk)
        _flush_spooled_scans()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.code}.csv"'
        writer = csv.writer(response)
        writer.writerow(["section", "key", "value"])
        for section, key, value in analytics_csv_rows(campaign_analytics(campaign=campaign)):
            writer.writerow([cell_safe(section), cell_safe(key), cell_safe(value)])
        return response
