"""Admin for channels, audiences, categories, attributes and families.

Definition rules live on the models' ``clean()`` and in ``catalog.services``; these classes
only choose widgets, limit choices and present the results.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet, ModelChoiceIterator
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from modeltranslation.utils import build_localized_fieldname

from catalog.admin.common import ChoiceListField, RtlTranslationAdminMixin
from catalog.languages import language_choices, language_codes
from catalog.models import (
    AssetRole,
    Attribute,
    AttributeOption,
    Audience,
    Category,
    Channel,
    EditorProfile,
    Family,
    FamilyAttribute,
    FamilyChannelRequirement,
    Product,
)
from catalog.models.product import PRODUCT_TEXT_FIELDS
from catalog.services.categories import CategoryNode, category_tree
from catalog.services.family_requirements import requirement_check_attributes


def _in_every_language(*fields: str) -> tuple[str, ...]:
    """Per-language field names (``name_en``, ``name_fa``...), for searching every language."""
    return tuple(build_localized_fieldname(f, code) for f in fields for code in language_codes())


# --- Channels and audiences -------------------------------------------------------------------


class ChannelForm(forms.ModelForm):
    locales = ChoiceListField(
        label=_("locales"),
        choices=language_choices,
        # Channel.clean() judges the codes, so every way of writing a channel shares its rule.
        validate_choices=False,
        help_text=_("Languages this channel publishes in."),
    )

    class Meta:
        model = Channel
        fields = ("code", "name", "kind", "locales", "currency", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A locale removed from settings stays visible (and is refused) instead of vanishing.
        self.fields["locales"].keep_unknown(self.initial.get("locales"))


@admin.register(Channel)
class ChannelAdmin(RtlTranslationAdminMixin, TabbedTranslationAdmin):
    form = ChannelForm
    fields = ("code", "name", "kind", "locales", "currency", "position")
    list_display = ("code", "name", "kind", "locale_list", "currency", "position")
    list_editable = ("position",)
    list_filter = ("kind", "currency")
    search_fields = ("code",)

    def get_search_fields(self, request):
        return (*self.search_fields, *_in_every_language("name"))

    @admin.display(description=_("locales"))
    def locale_list(self, obj: Channel) -> str:
        return ", ".join(map(str, obj.locales or ()))


@admin.register(Audience)
class AudienceAdmin(RtlTranslationAdminMixin, TabbedTranslationAdmin):
    fields = ("code", "name", "is_public", "position")
    list_display = ("code", "name", "is_public", "position")
    list_editable = ("position",)
    list_filter = ("is_public",)
    search_fields = ("code",)

    def get_search_fields(self, request):
        return (*self.search_fields, *_in_every_language("name"))


# --- Categories -------------------------------------------------------------------------------


class _TreeOrderedChoices(ModelChoiceIterator):
    """Categories in tree order, read with one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        categories = list(self.queryset)
        self.field.tree = category_tree(categories=categories)
        for category in sorted(categories, key=lambda c: self.field.tree[c.pk].sort_key):
            yield self.choice(category)


class CategoryParentField(forms.ModelChoiceField):
    """A parent choice labelled with each category's full path."""

    iterator = _TreeOrderedChoices
    tree: dict[int, CategoryNode] = {}

    def label_from_instance(self, obj: Category) -> str:
        node = self.tree.get(obj.pk)
        return node.label if node else str(obj)


class CategoryChangeList(ChangeList):
    """Rows in tree order with their depth and path; the query count does not grow with the tree.

    One query reads the whole tree, one the (filtered) rows; sorting and paging happen in
    Python, which category trees (hundreds to a few thousand nodes) afford easily.
    """

    def get_results(self, request):
        tree = category_tree()
        rows = list(self.queryset)
        for row in rows:
            # A row created between the two queries is shown as a root rather than failing.
            row.tree_node = tree.get(row.pk) or CategoryNode(
                pk=row.pk, depth=0, sort_key=((row.position, row.code),), path=(str(row),)
            )
        rows.sort(key=lambda row: row.tree_node.sort_key)

        paginator = self.model_admin.get_paginator(request, rows, self.list_per_page)
        self.result_count = paginator.count
        self.show_full_result_count = self.model_admin.show_full_result_count
        self.full_result_count = len(tree) if self.show_full_result_count else None
        self.show_admin_actions = not self.show_full_result_count or bool(self.full_result_count)
        self.can_show_all = self.result_count <= self.list_max_show_all
        self.multi_page = self.result_count > self.list_per_page
        if (self.show_all and self.can_show_all) or not self.multi_page:
            self.result_list = rows
        else:
            try:
                self.result_list = paginator.page(self.page_num).object_list
            except InvalidPage as exc:
                raise IncorrectLookupParameters from exc
        self.paginator = paginator


@admin.register(Category)
class CategoryAdmin(RtlTranslationAdminMixin, TabbedTranslationAdmin):
    fields = ("code", "name", "parent", "position")
    list_display = ("tree_name", "code", "tree_path", "position")
    # The tree order is the list's order; column sorting would contradict the indentation.
    sortable_by = ()
    search_fields = ("code",)

    def get_search_fields(self, request):
        return (*self.search_fields, *_in_every_language("name"))

    def get_changelist(self, request, **kwargs):
        return CategoryChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["form_class"] = CategoryParentField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("name"))
    def tree_name(self, obj: Category) -> str:
        depth = obj.tree_node.depth if hasattr(obj, "tree_node") else 0
        return format_html(
            '<span style="display:inline-block; margin-inline-start:{}em">{}{}</span>',
            depth * 1.5,
            "└ " if depth else "",
            obj,
        )

    @admin.display(description=_("path"))
    def tree_path(self, obj: Category) -> str:
        return obj.tree_node.label if hasattr(obj, "tree_node") else str(obj)


# --- Attributes -------------------------------------------------------------------------------


class AttributeOptionInline(RtlTranslationAdminMixin, TranslationTabularInline):
    model = AttributeOption
    fields = ("code", "label", "position")
    extra = 0


@admin.register(Attribute)
class AttributeAdmin(RtlTranslationAdminMixin, TabbedTranslationAdmin):
    fieldsets = (
        (None, {"fields": ("code", "label", "type", "position")}),
        (
            _("Scope"),
            {
                "fields": (
                    "is_localizable",
                    "is_scopable",
                    "is_required",
                    "is_technical",
                    "is_key",
                    "audiences",
                )
            },
        ),
        (
            _("Validation rules"),
            {
                "fields": (
                    "unit",
                    "decimal_places",
                    "min_value",
                    "max_value",
                    "max_length",
                    "pattern",
                )
            },
        ),
    )
    filter_horizontal = ("audiences",)
    inlines = (AttributeOptionInline,)
    list_display = (
        "code",
        "label",
        "type",
        "unit",
        "is_localizable",
        "is_scopable",
        "is_required",
        "position",
    )
    list_filter = (
        "type",
        "is_localizable",
        "is_scopable",
        "is_required",
        "is_technical",
        "is_key",
        "audiences",
    )
    search_fields = ("code",)

    def get_search_fields(self, request):
        return (*self.search_fields, *_in_every_language("label"))


# --- Families ---------------------------------------------------------------------------------

# Set on the family by the attribute rows' formset while the family form is validated, so the
# requirement rows are checked against the attributes being submitted, not the stored ones.
_SUBMITTED_ATTRIBUTES = "_admin_submitted_attributes"


class FamilyAttributeFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            setattr(self.instance, _SUBMITTED_ATTRIBUTES, None)
            return
        setattr(
            self.instance,
            _SUBMITTED_ATTRIBUTES,
            [
                form.cleaned_data["attribute"]
                for form in self.forms
                if form.cleaned_data.get("attribute") and not self._should_delete_form(form)
            ],
        )


class FamilyAttributeInline(admin.TabularInline):
    model = FamilyAttribute
    formset = FamilyAttributeFormSet
    fields = ("attribute", "position")
    autocomplete_fields = ("attribute",)
    extra = 0


def _product_text_field_choices() -> list[tuple[str, str]]:
    return [
        (name, capfirst(Product._meta.get_field(name).verbose_name)) for name in PRODUCT_TEXT_FIELDS
    ]


class FamilyChannelRequirementForm(forms.ModelForm):
    translated_fields = ChoiceListField(
        label=_("required translations"),
        choices=_product_text_field_choices,
        help_text=_("Product texts needed in every locale of the channel."),
    )
    asset_roles = ChoiceListField(
        label=_("required asset roles"),
        choices=AssetRole.choices,
        help_text=_("Asset roles a product needs (in its language or for all languages)."),
    )

    class Meta:
        model = FamilyChannelRequirement
        fields = ("channel", "attributes", "translated_fields", "asset_roles")

    def __init__(self, *args, family: Family | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("attributes")
        if field is not None and family is not None and family.pk:
            # The family's attributes, plus any already required so none disappears unseen.
            field.queryset = Attribute.objects.filter(
                Q(families=family) | Q(familychannelrequirement__family=family)
            ).distinct()
            field.help_text = _(
                "Only this family's attributes are listed: save the family after adding "
                "attributes to require them."
            )


class FamilyChannelRequirementFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "family": self.instance}

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if hasattr(self.instance, _SUBMITTED_ATTRIBUTES):
            family_attributes = getattr(self.instance, _SUBMITTED_ATTRIBUTES)
            if family_attributes is None:
                return  # the attribute rows have errors of their own; checked once fixed
        else:  # used without the attribute rows: the stored attributes count
            family_attributes = list(self.instance.attributes.all()) if self.instance.pk else []
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            try:
                requirement_check_attributes(
                    attributes=form.cleaned_data.get("attributes", ()),
                    family_attributes=family_attributes,
                )
            except ValidationError as exc:
                form.add_error(None, exc)


class FamilyChannelRequirementInline(admin.StackedInline):
    model = FamilyChannelRequirement
    form = FamilyChannelRequirementForm
    formset = FamilyChannelRequirementFormSet
    fields = ("channel", "attributes", "translated_fields", "asset_roles")
    extra = 0

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "attributes":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Family)
class FamilyAdmin(RtlTranslationAdminMixin, TabbedTranslationAdmin):
    """Completeness follows requirement changes through catalog.signals (tested)."""

    fields = ("code", "name")
    inlines = (FamilyAttributeInline, FamilyChannelRequirementInline)
    list_display = ("code", "name", "attribute_count", "requirement_channels")
    search_fields = ("code",)

    def get_search_fields(self, request):
        return (*self.search_fields, *_in_every_language("name"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(attribute_total=Count("family_attributes", distinct=True))
            .prefetch_related("requirements__channel")
        )

    @admin.display(description=_("attributes"), ordering="attribute_total")
    def attribute_count(self, obj: Family) -> int:
        return obj.attribute_total

    @admin.display(description=_("requirements for"))
    def requirement_channels(self, obj: Family) -> str:
        return ", ".join(str(r.channel) for r in obj.requirements.all())


# --- Translators' languages -------------------------------------------------------------------


class EditorProfileForm(forms.ModelForm):
    languages = ChoiceListField(
        label=_("languages"),
        choices=language_choices,
        help_text=_(
            "Languages this user may edit as a translator. Editors, publishers and "
            "superusers edit every language."
        ),
    )

    class Meta:
        model = EditorProfile
        fields = ("languages",)


class EditorProfileInline(admin.StackedInline):
    model = EditorProfile
    form = EditorProfileForm
    fields = ("languages",)
    can_delete = False
    max_num = 1
    verbose_name = _("translation languages")
    verbose_name_plural = _("translation languages")


class PimUserAdmin(UserAdmin):
    """django.contrib.auth's user admin, plus the translator's languages."""

    inlines = (*UserAdmin.inlines, EditorProfileInline)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PimUserAdmin)
