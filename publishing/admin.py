"""Admin for themes, campaigns and publications, and print quick actions on products.

Thin: forms parse, services create and render (publishing.services), views present.
"""

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from catalog.admin.extensions import product_actions_register, product_quick_actions_register
from catalog.models import Channel, ChannelKind
from publishing.models import Campaign, Publication, PublicationKind, PublicationStatus, Theme
from publishing.printing.labels import label_format_choices
from publishing.services import publication_create, publication_enqueue
from publishing.services.publications import (
    publication_is_abandoned,
    publication_recover,
    publications_recover_stale,
)

logger = logging.getLogger(__name__)


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin):
    list_display = ("code", "name", "primary_colour", "accent_colour", "is_default")
    fields = ("code", "name", "primary_colour", "accent_colour", "logo", "is_default")


@admin.register(Campaign)
class CampaignAdmin(TranslationAdmin):
    list_display = ("code", "title", "starts_at", "ends_at")
    fields = ("code", "title", "message", "theme", "products", "starts_at", "ends_at")
    raw_id_fields = ("products",)


class PublicationForm(forms.ModelForm):
    label_format = forms.ChoiceField(
        label=_("label format"),
        required=False,
        choices=[("", "—")],
        help_text=_("Labels only; default: single label 100 × 50 mm."),
    )

    class Meta:
        model = Publication
        fields = (
            "kind",
            "title",
            "channel",
            "locale",
            "fallback_locale",
            "audience",
            "categories",
            "products",
            "campaign",
            "theme",
            "paper_size",
            "label_format",
            "show_prices",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "label_format" in self.fields:
            self.fields["label_format"].choices = [("", "—"), *label_format_choices()]

    def clean(self):
        data = super().clean()
        channel, locale = data.get("channel"), data.get("locale")
        if channel and locale and locale not in channel.locales:
            self.add_error(
                "locale",
                _("Channel %(channel)s publishes in %(locales)s only.")
                % {"channel": channel, "locales": ", ".join(channel.locales)},
            )
        return data


STATUS_COLOURS = {"queued": "#777", "running": "#1a5fb4", "done": "#26a269", "failed": "#c01c28"}


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    form = PublicationForm
    list_display = (
        "__str__",
        "kind",
        "channel",
        "locale",
        "status_badge",
        "page_count",
        "created_at",
        "download_link",
    )
    list_filter = ("kind", "status", "locale", "channel")
    date_hierarchy = "created_at"
    raw_id_fields = ("products",)
    filter_horizontal = ("categories",)
    actions = ("render_again",)
    readonly_after_request = (
        "status_panel",
        "checksum",
        "page_count",
        "reused_from",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    )

    class Media:
        js = ("publishing/admin/publication.js",)
        css = {"all": ("publishing/admin/publication.css",)}

    def changelist_view(self, request, extra_context=None):
        # Renders whose worker died are taken up again here too, not only by the worker.
        try:
            publications_recover_stale()
        except OperationalError:
            logger.warning("Could not recover abandoned publications now", exc_info=True)
        return super().changelist_view(request, extra_context)

    def get_fields(self, request, obj=None):
        fields = list(PublicationForm.Meta.fields)
        return (
            fields if obj is None else ["status_panel", *fields, *self.readonly_after_request[1:]]
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*PublicationForm.Meta.fields, *self.readonly_after_request)

    def has_change_permission(self, request, obj=None):
        # A request is a record: it is not edited afterwards, only rendered again.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            created = publication_create(
                kind=data["kind"],
                title=data.get("title", ""),
                channel=data["channel"],
                locale=data["locale"],
                fallback_locale=data.get("fallback_locale", ""),
                audience=data.get("audience"),
                category_codes=[c.code for c in data.get("categories", [])],
                skus=[p.sku for p in data.get("products", [])],
                campaign=data.get("campaign"),
                theme=data.get("theme"),
                paper_size=data["paper_size"],
                label_format=data.get("label_format", ""),
                show_prices=data.get("show_prices", False),
                requested_by=request.user,
            )
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The service already stored categories and products; now hand over the render.
        publication_enqueue(publication=form.instance)

    @admin.action(description=_("Render again"))
    def render_again(self, request, queryset):
        for publication in queryset:
            publication_enqueue(publication=publication)
        self.message_user(request, _("Rendering again."), messages.SUCCESS)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span style="color:{}">{}{}</span>',
            STATUS_COLOURS.get(obj.status, "#000"),
            obj.get_status_display(),
            f" {obj.progress}%" if obj.status == PublicationStatus.RUNNING else "",
        )

    @admin.display(description=_("result"))
    def download_link(self, obj):
        if obj.status != PublicationStatus.DONE or not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:publishing_publication_download", args=[obj.pk]),
            _("Download PDF"),
        )

    @admin.display(description=_("progress"))
    def status_panel(self, obj):
        return format_html(
            '<div class="pim-publication" data-status-url="{}">'
            '<div class="pim-progress"><div class="pim-progress-bar" style="width:{}%"></div></div>'
            '<p><strong class="pim-status">{}</strong> <span class="pim-percent">{}%</span> '
            '<a class="pim-download" href="{}"{}>{}</a> · '
            '<a href="{}" target="_blank" rel="noopener">{}</a></p>'
            '<p class="pim-error errornote"{}>{}</p>'
            '<pre class="pim-log">{}</pre></div>',
            reverse("admin:publishing_publication_status", args=[obj.pk]),
            obj.progress,
            obj.get_status_display(),
            obj.progress,
            reverse("admin:publishing_publication_download", args=[obj.pk]),
            "" if obj.status == PublicationStatus.DONE else mark_safe(" hidden"),
            _("Download PDF"),
            reverse("admin:publishing_publication_preview", args=[obj.pk]),
            _("Preview (HTML)"),
            "" if obj.error else mark_safe(" hidden"),
            obj.error,
            obj.log,
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/status/", view(self.status_view), name="publishing_publication_status"),
            path(
                "<int:pk>/preview/", view(self.preview_view), name="publishing_publication_preview"
            ),
            path(
                "<int:pk>/download/",
                view(self.download_view),
                name="publishing_publication_download",
            ),
            *super().get_urls(),
        ]

    def _get_viewable(self, request, pk) -> Publication:
        publication = get_object_or_404(Publication, pk=pk)
        if not self.has_view_permission(request, publication):
            raise PermissionDenied
        return publication

    def status_view(self, request, pk):
        """JSON polled by the progress bar."""
        publication = self._get_viewable(request, pk)
        if publication_is_abandoned(publication):
            try:
                publication = publication_recover(publication=publication)
            except OperationalError:
                logger.warning("Could not recover publication %s now", pk, exc_info=True)
        return JsonResponse(
            {
                "status": publication.status,
                "status_display": str(publication.get_status_display()),
                "progress": publication.progress,
                "log": publication.log,
                "error": publication.error,
                "pages": publication.page_count,
                "done": publication.status in (PublicationStatus.DONE, PublicationStatus.FAILED),
            }
        )

    def preview_view(self, request, pk):
        """The HTML that is (or will be) printed, for a browser."""
        from publishing.printing.documents import print_context, print_html, print_source

        publication = self._get_viewable(request, pk)
        try:
            with translation.override(publication.locale):
                source = print_source(publication)
                html = print_html(publication, print_context(publication, source))
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
        return HttpResponse(html)

    def download_view(self, request, pk):
        publication = self._get_viewable(request, pk)
        if publication.status != PublicationStatus.DONE or not publication.file:
            raise Http404(_("This publication has no file yet."))
        filename = f"{publication.kind}-{publication.channel.code}-{publication.locale}.pdf"
        return FileResponse(
            default_storage.open(publication.file.name, "rb"),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )


# --- Quick actions on products ----------------------------------------------------------------
# The product admin belongs to the catalog app, which must not depend on publishing; so the
# print actions are registered with its extension point (catalog.admin.extensions).


def _print_channel_and_locale(request) -> tuple[Channel | None, str]:
    channel = Channel.objects.filter(kind=ChannelKind.PRINT).first() or Channel.objects.first()
    if channel is None:
        return None, ""
    language = translation.get_language() or ""
    return channel, language if language in channel.locales else channel.locales[0]


def _quick_publication(request, queryset, *, kind: str, label_format: str = ""):
    channel, locale = _print_channel_and_locale(request)
    if channel is None:
        messages.error(request, _("Create a channel first."))
        return None
    try:
        publication = publication_create(
            kind=kind,
            channel=channel,
            locale=locale,
            skus=list(queryset.values_list("sku", flat=True)),
            label_format=label_format,
            requested_by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    publication_enqueue(publication=publication)
    return HttpResponseRedirect(
        reverse("admin:publishing_publication_change", args=[publication.pk])
    )


@admin.action(description=_("Print technical sheet(s)"), permissions=["view"])
def print_technical_sheets(modeladmin, request, queryset):
    return _quick_publication(request, queryset, kind=PublicationKind.TECHNICAL_SHEET)


@admin.action(description=_("Print labels (100 × 50 mm)"), permissions=["view"])
def print_labels(modeladmin, request, queryset):
    return _quick_publication(request, queryset, kind=PublicationKind.LABELS, label_format="100x50")


@admin.action(description=_("Print label sheet (A4, 3 × 8)"), permissions=["view"])
def print_label_sheet(modeladmin, request, queryset):
    return _quick_publication(request, queryset, kind=PublicationKind.LABELS, label_format="a4-3x8")


product_quick_actions_register(print_technical_sheets, label=_("Technical sheet"))
product_quick_actions_register(print_labels, label=_("Label"))
product_actions_register(print_label_sheet)
