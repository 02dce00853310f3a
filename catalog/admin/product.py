"""Admin for products, product models, prices and assets.

Thin by design: forms (catalog.forms) parse input, the catalog services decide and save,
and this module presents the results (completeness badges, reports, bulk action pages).
"""

import contextlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from catalog.admin.extensions import product_actions, product_quick_actions
from catalog.forms import (
    AssetInlineForm,
    BulkCategoriesForm,
    BulkStatusForm,
    ProductForm,
    ProductModelForm,
    value_specs_for_family,
    values_form_class,
)
from catalog.languages import language_choices, language_codes
from catalog.models import (
    Asset,
    AssetKind,
    AssetRole,
    Attribute,
    AttributeOption,
    AttributeType,
    Channel,
    Completeness,
    Family,
    Price,
    Product,
    ProductModel,
)
from catalog.models.product import INHERITED_TEXT_FIELDS, PRODUCT_TEXT_FIELDS
from catalog.services.assets import upload_check_file
from catalog.services.history import asset_restore, price_restore, product_related_history
from catalog.services.permissions import user_editable_languages
from catalog.services.product_models import product_model_save
from catalog.services.products import EditConflict, product_assign_categories, product_save
from catalog.services.renditions import asset_rendition
from catalog.services.status import product_set_status

# jQuery UI is not shipped with modeltranslation and its default URL points at a CDN; a
# small local implementation of the tabs API it uses is loaded in its place.
LOCAL_TABS_JS = "catalog/js/tabs.js"
# Products written per transaction by bulk actions (a few ms each: well under 200 ms).
BULK_BATCH = 20
ADMIN_CSS = "catalog/css/admin.css"


class SaveRefused(Exception):
    """A service refused the save after the form validated (race window or workflow).

    The admin view runs again with these errors injected into the form, so the editor keeps
    their input and sees the reason next to the field concerned.
    """

    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__(errors)


def _messages_of(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc)]


def _refusal_errors(exc: Exception) -> dict:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return {
            key: list(ValidationError(errors).messages) for key, errors in exc.error_dict.items()
        }
    return {None: _messages_of(exc)}


def local_media(media: forms.Media) -> forms.Media:
    """Swap modeltranslation's CDN jQuery UI for the local tabs script; add our CSS."""
    js = [LOCAL_TABS_JS if path == mt_settings.JQUERY_UI_URL else path for path in media._js]
    css = {medium: list(paths) for medium, paths in media._css.items()}
    css.setdefault("all", []).append(ADMIN_CSS)
    return forms.Media(js=js, css=css)


def _check_asset_uploads(request) -> None:
    """Check (decode) the asset inlines' uploads before Django opens the view's transaction:
    that takes a second or two for a large image, and on SQLite the transaction holds the
    write lock from its start. The inline forms reuse the results and report the errors."""
    for name, uploads in request.FILES.lists():
        if name.endswith("-upload"):
            for upload in uploads:
                with contextlib.suppress(ValidationError):  # the inline's form shows it
                    upload_check_file(upload=upload)


class RetryOnRefusalMixin:
    """Show service refusals raised while saving as form errors instead of a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            _check_asset_uploads(request)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SaveRefused as refused:
            # The transaction was rolled back; validate the same POST again with the reason.
            request.pim_save_errors = refused.errors
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.pim_reverting = True
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except SaveRefused as refused:
            request.pim_save_errors = refused.errors
            return super().history_form_view(request, object_id, version_id, extra_context)

    def _editable_languages(self, request):
        """``None`` when the user may edit every language (from the permissions service)."""
        allowed = user_editable_languages(request.user)
        return None if allowed >= set(language_codes()) else allowed

    def _may_edit_values(self, request, obj) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def _family_for(self, request, obj):
        if obj is not None:
            return obj.family
        raw = request.POST.get("family") or request.GET.get("family")
        if raw and str(raw).isdigit():
            return Family.objects.filter(pk=raw).first()
        return None

    def _value_specs(self, request, obj):
        cache = request.__dict__.setdefault("pim_value_specs", {})
        key = (self.model._meta.model_name, obj.pk if obj is not None else None)
        if key not in cache:
            cache[key] = value_specs_for_family(self._family_for(request, obj))
        return cache[key]

    def _value_rows(self, request, obj) -> list:
        rows: dict[tuple, list[str]] = {}
        for spec in self._value_specs(request, obj):
            rows.setdefault((spec.attribute.pk, spec.channel_code), []).append(spec.name)
        return [tuple(names) if len(names) > 1 else names[0] for names in rows.values()]

    def _values_fieldset(self, request, obj):
        if not self._may_edit_values(request, obj):
            return (_("Attribute values"), {"fields": ["values_summary"]})
        rows = self._value_rows(request, obj)
        if rows:
            return (_("Attribute values"), {"fields": rows, "classes": ["pim-values"]})
        families = Family.objects.all()
        links = format_html_join(
            " · ", '<a href="?{}">{}</a>', ((urlencode({"family": f.pk}), f) for f in families)
        )
        return (
            _("Attribute values"),
            {
                "fields": [],
                "description": format_html(
                    "<strong>{}</strong> {}<br>{}",
                    gettext("Choose the family first."),
                    gettext(
                        "Its attribute fields appear here once it is chosen: pick a family "
                        "below, or select it above and click “Save and continue editing”."
                    ),
                    links,
                ),
            },
        )

    def _build_form(self, request, obj, base, **attrs):
        specs = self._value_specs(request, obj) if self._may_edit_values(request, obj) else []
        return values_form_class(
            base,
            specs=specs,
            user=request.user,
            editable_languages=self._editable_languages(request),
            injected_errors=getattr(request, "pim_save_errors", {}),
            **attrs,
        )

    @admin.display(description=_("Attribute values"))
    def values_summary(self, obj):
        if obj is None or not obj.values:
            return "-"
        attributes = {a.code: a for a in Attribute.objects.filter(code__in=list(obj.values.keys()))}
        options = {
            (o.attribute.code, o.code): str(o)
            for o in AttributeOption.objects.filter(
                attribute__code__in=list(obj.values.keys())
            ).select_related("attribute")
        }

        def shown(code, data):
            attribute = attributes.get(code)
            if attribute is None:
                return str(data)
            if attribute.type == AttributeType.SELECT:
                return options.get((code, data), data)
            if attribute.type == AttributeType.MULTI_SELECT:
                return ", ".join(options.get((code, d), d) for d in data)
            if attribute.type == AttributeType.BOOLEAN:
                return gettext("Yes") if data else gettext("No")
            if attribute.unit:
                return f"{data} {attribute.unit}"
            return str(data)

        rows = (
            (
                str(attributes.get(code, code)),
                entry.get("locale") or "",
                entry.get("channel") or "",
                entry.get("locale") or "",
                shown(code, entry.get("data")),
            )
            for code, entries in obj.values.items()
            for entry in entries
        )
        return format_html(
            '<table class="pim-table"><tbody>{}</tbody></table>',
            format_html_join(
                "",
                '<tr><th>{}</th><td>{}</td><td>{}</td><td lang="{}">{}</td></tr>',
                rows,
            ),
        )


# --- Completeness presentation -------------------------------------------------------------------


def attribute_labels() -> dict[str, str]:
    return {a.code: str(a) for a in Attribute.objects.all()}


def missing_label(item: dict, labels: dict[str, str]) -> str:
    """A translated label for one missing requirement stored in Completeness.missing."""
    code = item.get("code", "")
    kind = item.get("type")
    if kind == "attribute":
        return labels.get(code, code)
    if kind == "field":
        try:
            return str(Product._meta.get_field(code).verbose_name)
        except Exception:  # noqa: BLE001 - an old stored code; show it as is
            return code
    if kind == "asset":
        return str(AssetRole(code).label) if code in AssetRole.values else code
    return code


def ratio_class(ratio: int) -> str:
    if ratio >= 100:
        return "pim-badge--complete"
    if ratio >= 50:
        return "pim-badge--partial"
    return "pim-badge--low"


class CompletenessFilter(admin.SimpleListFilter):
    title = _("completeness")
    parameter_name = "completeness"

    def lookups(self, request, model_admin):
        choices = []
        for channel in Channel.objects.all():
            choices.append(
                (f"complete-{channel.pk}", _("Complete for %(channel)s") % {"channel": channel})
            )
            choices.append(
                (
                    f"incomplete-{channel.pk}",
                    _("Incomplete for %(channel)s") % {"channel": channel},
                )
            )
        return choices

    def queryset(self, request, queryset):
        value = self.value() or ""
        state, _sep, channel_id = value.partition("-")
        if not channel_id.isdigit() or state not in ("complete", "incomplete"):
            return queryset
        rows = Completeness.objects.filter(product=OuterRef("pk"), channel_id=int(channel_id))
        lacking = Exists(rows.filter(ratio__lt=100))
        if state == "complete":
            return queryset.filter(Exists(rows)).exclude(lacking)
        return queryset.filter(lacking)


# --- Inlines -------------------------------------------------------------------------------------


class AssetInline(TranslationStackedInline):
    model = Asset
    fk_name = "product"
    form = AssetInlineForm
    extra = 0
    fields = (
        "thumbnail",
        ("upload", "url"),
        ("role", "language", "position"),
        "alt_text",
        "caption",
        "audiences",
        "file_info",
    )
    readonly_fields = ("thumbnail", "file_info")
    classes = ("pim-assets",)

    def get_formset(self, request, obj=None, **kwargs):
        allowed = user_editable_languages(request.user)
        editable = None if allowed >= set(language_codes()) else frozenset(allowed)
        kwargs["form"] = type(
            AssetInlineForm.__name__, (AssetInlineForm,), {"editable_languages": editable}
        )
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("Preview"))
    def thumbnail(self, obj):
        if obj is None or not obj.pk:
            return "-"
        # Never builds here (that is the worker's job): a missing thumbnail is queued again.
        path = asset_rendition(asset=obj, spec="thumb")
        if path:
            return format_html(
                '<img src="{}" alt="{}" class="pim-thumb">',
                default_storage.url(path),
                obj.alt_text or "",
            )
        if obj.kind == AssetKind.IMAGE and obj.rendition_error:
            return format_html(
                '<span class="pim-thumb-state pim-thumb-failed">{}</span>', obj.rendition_error
            )
        if obj.kind == AssetKind.IMAGE and obj.file:
            return format_html(
                '<span class="pim-thumb-state pim-thumb-processing" title="{}">{}</span>',
                _("The preview and the resized copies are being made in the background."),
                _("Processing…"),
            )
        if obj.url:
            return format_html('<a href="{}" rel="noopener">{}</a>', obj.url, obj.url)
        if obj.file:
            return format_html('<a href="{}">{}</a>', obj.file.url, obj.original_name)
        return "-"

    @admin.display(description=_("File"))
    def file_info(self, obj):
        if obj is None or not obj.pk or not obj.file:
            return "-"
        parts = [obj.get_kind_display(), obj.original_name, filesizeformat(obj.size)]
        if obj.width:
            parts.append(f"{obj.width}×{obj.height}")
        return " · ".join(str(part) for part in parts)


class ModelAssetInline(AssetInline):
    fk_name = "product_model"


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0
    fields = ("channel", "currency", "audience", "amount", "sale_amount")


class VariantInline(admin.TabularInline):
    model = Product
    fk_name = "model"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("sku", "variant_name", "status", "version")
    readonly_fields = fields
    verbose_name = _("variant")
    verbose_name_plural = _("variants")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("name"))
    def variant_name(self, obj):
        return obj.name or "-"


# --- Products ------------------------------------------------------------------------------------


@admin.register(Product)
class ProductAdmin(RetryOnRefusalMixin, SimpleHistoryAdmin, TabbedTranslationAdmin):
    form = ProductForm
    list_display = ("sku", "name", "family", "status", "completeness_badges", "updated_at")
    list_display_links = ("sku", "name")
    list_select_related = ("family", "model")
    list_filter = ("family", "categories", "status", CompletenessFilter)
    list_per_page = 50
    readonly_fields = (
        "version",
        "created_at",
        "updated_at",
        "completeness_report",
        "values_summary",
    )
    filter_horizontal = ("categories", "channels")
    inlines = (AssetInline, PriceInline)
    actions = ("change_status", "assign_categories")
    history_list_display = ("version", "status")
    object_history_template = "admin/catalog/product/object_history.html"
    save_on_top = True

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<path:object_id>/history/restore/<str:kind>/<int:record_id>/",
                self.admin_site.admin_view(self.restore_related_view),
                name="catalog_product_restore_related",
            ),
            *super().get_urls(),
        ]

    def restore_related_view(self, request, object_id, kind, record_id):
        """Restore one price or asset to a version from the product's history page (POST)."""
        from django.http import HttpResponseNotAllowed, HttpResponseRedirect
        from django.urls import reverse

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        product = self.get_object(request, object_id)
        if product is None or not self.has_change_permission(request, product):
            raise PermissionDenied
        restore = {"price": price_restore, "asset": asset_restore}.get(kind)
        if restore is None:
            raise PermissionDenied
        try:
            restore(product=product, record_id=record_id, user=request.user)
        except (PermissionDenied, ValidationError) as exc:
            self.message_user(request, " ".join(_messages_of(exc)), messages.ERROR)
        else:
            self.message_user(request, gettext("Restored."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:catalog_product_history", args=[product.pk]))

    # --- Actions registered by the apps above catalog (catalog.admin.extensions) ----------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for action in product_actions():
            permissions = getattr(action, "allowed_permissions", ())
            allowed = (getattr(self, f"has_{name}_permission")(request) for name in permissions)
            if permissions and not any(allowed):
                continue
            func, name, description = self.get_action(action)
            actions.setdefault(name, (func, name, description))
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # One-product buttons for the registered actions this user may run (see the template
        # admin/catalog/product/change_form.html).
        available = self.get_actions(request)
        extra_context = {
            **(extra_context or {}),
            "quick_actions": [
                quick for quick in product_quick_actions() if quick.name in available
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """Prices and assets keep their own history; show it beside the product's."""
        product = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "related_history": product_related_history(product=product) if product else [],
        }
        return super().history_view(request, object_id, extra_context)

    @property
    def media(self):
        # Defined on the class itself so Django's media metaclass keeps it (see local_media).
        return local_media(super().media)

    def get_search_fields(self, request):
        return ("sku", "gtin", *(f"name_{code}" for code in language_codes()))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "completeness",
                    queryset=Completeness.objects.select_related("channel"),
                )
            )
        )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        labels = attribute_labels()
        for product in changelist.result_list:
            product.pim_attribute_labels = labels
        return changelist

    def get_fieldsets(self, request, obj=None):
        base = ["sku", "gtin", "family", "model", "brand", "status", "categories", "channels"]
        if self._may_edit_values(request, obj):
            base.append("loaded_version")
        fieldsets = [
            (None, {"fields": base}),
            (_("Texts"), {"fields": self.replace_orig_field(PRODUCT_TEXT_FIELDS)}),
            self._values_fieldset(request, obj),
        ]
        if obj is not None:
            fieldsets.append((_("Completeness"), {"fields": ["completeness_report"]}))
            fieldsets.append(
                (
                    _("Record"),
                    {"fields": ["version", "created_at", "updated_at"], "classes": ["collapse"]},
                )
            )
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = self._build_form(
            request, obj, ProductForm, reverting=getattr(request, "pim_reverting", False)
        )
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        # The workflow status is applied by its own service once the product and its
        # relations are saved (approval needs them); the content save keeps the current one.
        request.pim_wanted_status = form.cleaned_data.get("status") or obj.status
        obj.status = (
            Product.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            if change
            else Product._meta.get_field("status").default
        )
        obj._history_user = request.user
        try:
            product_save(
                product=obj,
                user=request.user,
                expected_version=form.cleaned_data.get("loaded_version") if change else None,
            )
        except (EditConflict, PermissionDenied, ValidationError) as exc:
            raise SaveRefused(_refusal_errors(exc)) from exc

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        product = form.instance
        wanted = getattr(request, "pim_wanted_status", None)
        if wanted and wanted != product.status:
            try:
                product_set_status(product=product, status=wanted, user=request.user)
            except (PermissionDenied, ValidationError) as exc:
                errors = _refusal_errors(exc)
                raise SaveRefused({"status": [m for ms in errors.values() for m in ms]}) from exc

    # --- Presentation ------------------------------------------------------------------------

    @admin.display(description=_("Completeness"))
    def completeness_badges(self, obj):
        rows = list(obj.completeness.all())
        if not rows:
            return format_html('<span class="pim-muted">{}</span>', gettext("not in a channel"))
        labels = getattr(obj, "pim_attribute_labels", None) or {}
        names = dict(language_choices())
        by_channel: dict = {}
        for row in rows:
            missing = ", ".join(missing_label(m, labels) for m in row.missing)
            title = gettext("%(channel)s · %(language)s: %(ratio)s%% complete") % {
                "channel": row.channel,
                "language": names.get(row.locale, row.locale),
                "ratio": row.ratio,
            }
            if missing:
                title = gettext("%(title)s; missing: %(missing)s") % {
                    "title": title,
                    "missing": missing,
                }
            # Complete locales show just their code; others show the percentage too.
            text = row.locale if row.ratio == 100 else f"{row.locale} {row.ratio}%"
            by_channel.setdefault(row.channel.code, []).append(
                (ratio_class(row.ratio), title, text)
            )
        # One compact line per channel: the channel code, then a chip per locale.
        return format_html(
            '<span class="pim-badges">{}</span>',
            format_html_join(
                "",
                '<span class="pim-badge-row"><span class="pim-badge-channel">{}</span>{}</span>',
                (
                    (
                        channel,
                        format_html_join(
                            "", '<span class="pim-badge {}" title="{}">{}</span>', chips
                        ),
                    )
                    for channel, chips in by_channel.items()
                ),
            ),
        )

    @admin.display(description=_("Missing per channel and language"))
    def completeness_report(self, obj):
        if obj is None or not obj.pk:
            return "-"
        rows = list(obj.completeness.select_related("channel"))
        if not rows:
            return gettext(
                "Not measured: publish the product to a channel to see what it still needs."
            )
        labels = attribute_labels()
        names = dict(language_choices())
        lines = []
        for row in rows:
            missing = [missing_label(m, labels) for m in row.missing]
            lines.append(
                (
                    row.channel,
                    names.get(row.locale, row.locale),
                    ratio_class(row.ratio),
                    row.ratio,
                    ", ".join(missing) if missing else gettext("nothing — complete"),
                )
            )
        return format_html(
            '<table class="pim-table"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            gettext("Channel"),
            gettext("Language"),
            gettext("Complete"),
            gettext("Missing"),
            format_html_join(
                "",
                '<tr><td>{}</td><td>{}</td><td><span class="pim-badge {}">{}%</span></td>'
                "<td>{}</td></tr>",
                lines,
            ),
        )

    # --- Bulk actions ------------------------------------------------------------------------
    # Every product of a bulk action is written in its own transaction (status) or in batches
    # of BULK_BATCH (categories, deletion), never all in one: on SQLite one long transaction
    # would hold the database's only write lock for seconds.

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        for start in range(0, len(pks), BULK_BATCH):
            super().delete_queryset(
                request, queryset.model.objects.filter(pk__in=pks[start : start + BULK_BATCH])
            )

    @admin.action(
        description=_("Change the status of the selected products"), permissions=["change"]
    )
    def change_status(self, request, queryset):
        form = BulkStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            status = form.cleaned_data["status"]
            changed = 0
            for product in queryset:
                try:
                    product_set_status(product=product, status=status, user=request.user)
                    changed += 1
                except (PermissionDenied, ValidationError) as exc:
                    self.message_user(
                        request,
                        gettext("%(sku)s not changed: %(reason)s")
                        % {"sku": product.sku, "reason": " ".join(_messages_of(exc))},
                        messages.ERROR,
                    )
            if changed:
                self.message_user(
                    request,
                    gettext("Status changed for %(count)s product(s).") % {"count": changed},
                    messages.SUCCESS,
                )
            return None
        return self._action_page(
            request,
            queryset,
            form,
            "change_status",
            "admin/catalog/bulk_status.html",
            gettext("Change status"),
        )

    @admin.action(
        description=_("Assign categories to the selected products"), permissions=["change"]
    )
    def assign_categories(self, request, queryset):
        form = BulkCategoriesForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            products = list(queryset)
            count = 0
            try:
                # Short transactions: each batch commits on its own, so scans and editors
                # never wait long for SQLite's write lock. The rights check happens before the
                # first write, so a refusal changes nothing.
                for start in range(0, len(products), BULK_BATCH):
                    count += product_assign_categories(
                        products=products[start : start + BULK_BATCH],
                        categories=form.cleaned_data["categories"],
                        user=request.user,
                        replace=form.cleaned_data["replace"],
                    )
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(
                request,
                gettext("Categories assigned to %(count)s product(s).") % {"count": count},
                messages.SUCCESS,
            )
            return None
        return self._action_page(
            request,
            queryset,
            form,
            "assign_categories",
            "admin/catalog/bulk_categories.html",
            gettext("Assign categories"),
        )

    def _action_page(self, request, queryset, form, action, template, title):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "products": queryset,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "media": self.media,
        }
        return TemplateResponse(request, template, context)


# --- Product models ------------------------------------------------------------------------------


@admin.register(ProductModel)
class ProductModelAdmin(RetryOnRefusalMixin, SimpleHistoryAdmin, TabbedTranslationAdmin):
    form = ProductModelForm
    list_display = ("code", "name", "family", "variant_count", "updated_at")
    list_select_related = ("family",)
    list_filter = ("family",)
    readonly_fields = ("version", "updated_at", "values_summary")
    filter_horizontal = ("categories",)
    inlines = (ModelAssetInline, VariantInline)

    @property
    def media(self):
        # Defined on the class itself so Django's media metaclass keeps it (see local_media).
        return local_media(super().media)

    def get_search_fields(self, request):
        return ("code", *(f"name_{code}" for code in language_codes()))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pim_variant_count=Count("variants"))

    @admin.display(description=_("variants"), ordering="pim_variant_count")
    def variant_count(self, obj):
        return obj.pim_variant_count

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": ["code", "family", "variant_axes", "brand", "categories"]
                    + (["loaded_version"] if obj is not None else [])
                },
            ),
            (_("Shared texts"), {"fields": self.replace_orig_field(INHERITED_TEXT_FIELDS)}),
            self._values_fieldset(request, obj),
        ]
        if obj is not None:
            fieldsets.append(
                (_("Record"), {"fields": ["version", "updated_at"], "classes": ["collapse"]})
            )
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = self._build_form(request, obj, ProductModelForm)
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        axes = form.cleaned_data.get("variant_axes")
        try:
            product_model_save(
                product_model=obj,
                axes=list(axes) if axes is not None else None,
                expected_version=form.cleaned_data.get("loaded_version") if change else None,
            )
        except (EditConflict, PermissionDenied, ValidationError) as exc:
            raise SaveRefused(_refusal_errors(exc)) from exc
