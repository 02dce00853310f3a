"""Admin forms: parse editor input into the shapes the catalog services validate.

Rules live in ``catalog.services``; these forms only build fields, convert values to and
from the Akeneo value shape and put the services' errors next to the field they concern.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.languages import is_rtl, language_codes
from catalog.models import (
    Asset,
    AssetKind,
    Attribute,
    AttributeType,
    Category,
    Channel,
    Product,
    ProductModel,
    ProductStatus,
)
from catalog.services.assets import (
    CheckedFile,
    asset_save,
    asset_validate,
    upload_check_file,
)
from catalog.services.product_models import product_model_check_axes
from catalog.services.products import EditConflict

EMPTY = "-"  # stands for "no locale" / "no channel" in a value field name; never a code


def language_attrs(code: str) -> dict[str, str]:
    """HTML attributes that make a widget follow the writing direction of its language."""
    return {"lang": code, "dir": "rtl" if is_rtl(code) else "ltr"}


def apply_language_direction(form: forms.BaseForm) -> None:
    """Give every per-language field of a model form its ``lang`` and ``dir``."""
    model = form._meta.model
    for name, field in form.fields.items():
        try:
            language = getattr(model._meta.get_field(name), "language", None)
        except FieldDoesNotExist:
            continue
        if language:
            _widget(field).attrs.update(language_attrs(language))


def _widget(field: forms.Field) -> forms.Widget:
    widget = field.widget
    return getattr(widget, "widget", widget)  # unwrap RelatedFieldWidgetWrapper & co.


def translation_language(form: forms.BaseForm, name: str) -> str | None:
    try:
        return getattr(form._meta.model._meta.get_field(name), "language", None)
    except FieldDoesNotExist:
        return None


# --- Attribute value fields ---------------------------------------------------------------------


@dataclass(frozen=True)
class ValueSpec:
    """One editable value: an attribute, maybe a locale, maybe a channel."""

    attribute: Attribute
    locale: str | None
    channel: Channel | None

    @property
    def name(self) -> str:
        return value_field_name(
            self.attribute.code, self.locale, self.channel.code if self.channel else None
        )

    @property
    def channel_code(self) -> str | None:
        return self.channel.code if self.channel else None


def value_field_name(code: str, locale: str | None, channel: str | None) -> str:
    # Codes are [a-z0-9_-] only, so "." separates safely and "-" alone is never a code.
    return f"value.{code}.{locale or EMPTY}.{channel or EMPTY}"


def value_specs_for_family(family) -> list[ValueSpec]:
    """Every (attribute x locale if localizable x channel if per channel) of a family."""
    if family is None:
        return []
    attributes = (
        Attribute.objects.filter(familyattribute__family=family)
        .order_by("familyattribute__position", "position", "code")
        .prefetch_related("options")
    )
    channels = list(Channel.objects.all())
    specs = []
    for attribute in attributes:
        scopes = channels if attribute.is_scopable else [None]
        for channel in scopes:
            if attribute.is_localizable:
                locales = channel.locales if channel is not None else language_codes()
            else:
                locales = [None]
            for locale in locales:
                specs.append(ValueSpec(attribute, locale, channel))
    return specs


def value_formfield(spec: ValueSpec) -> forms.Field:
    """A form field with the widget that suits the attribute's type."""
    attribute = spec.attribute
    label = str(attribute)
    if attribute.unit:
        label = gettext("%(label)s (%(unit)s)") % {"label": label, "unit": attribute.unit}
    if spec.channel is not None:
        label = gettext("%(label)s · %(channel)s") % {"label": label, "channel": spec.channel}
    if spec.locale:
        label = f"{label} [{spec.locale}]"
    common = {"label": label, "required": False}
    kind = attribute.type
    if kind == AttributeType.RICH_TEXT:
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    elif kind == AttributeType.INTEGER:
        field = forms.IntegerField(**common)
    elif kind == AttributeType.DECIMAL:
        field = forms.DecimalField(**common)
    elif kind == AttributeType.BOOLEAN:
        field = forms.NullBooleanField(widget=forms.NullBooleanSelect, **common)
    elif kind == AttributeType.DATE:
        field = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    elif kind == AttributeType.SELECT:
        choices = [("", "---------")] + [(o.code, str(o)) for o in attribute.options.all()]
        field = forms.ChoiceField(choices=choices, **common)
    elif kind == AttributeType.MULTI_SELECT:
        choices = [(o.code, str(o)) for o in attribute.options.all()]
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    elif kind == AttributeType.URL:
        field = forms.URLField(assume_scheme="https", **common)
    elif kind == AttributeType.MEDIA:
        field = forms.TypedChoiceField(coerce=int, empty_value=None, choices=(), **common)
    else:
        field = forms.CharField(**common)
    if spec.locale and kind not in (AttributeType.MULTI_SELECT, AttributeType.BOOLEAN):
        _widget(field).attrs.update(language_attrs(spec.locale))
    return field


def _to_data(attribute: Attribute, value):
    """Form value -> the JSON data the values service expects (it normalizes further)."""
    if value is None or value == "" or value == []:
        return None
    if attribute.type == AttributeType.DECIMAL:
        return format(value, "f")
    if attribute.type == AttributeType.DATE:
        return value.isoformat()
    return value


class ValuesFormMixin:
    """Adds the family's attribute value fields to a model form with a ``values`` JSON field.

    Subclasses are built per request by ``values_form_class`` with ``value_specs`` set, the
    editing user and the languages that user may edit (``None``: all).
    """

    value_specs: tuple[ValueSpec, ...] = ()
    editable_languages: frozenset[str] | None = None
    pim_user = None
    injected_errors: Mapping = {}

    def _init_values(self) -> None:
        stored = self.instance.values or {}
        media_choices = None
        for spec in self.value_specs:
            field = self.fields.get(spec.name)
            if field is None:
                continue
            if spec.attribute.type == AttributeType.MEDIA:
                if media_choices is None:
                    media_choices = [("", "---------")] + [
                        (asset.pk, str(asset)) for asset in self._owner_assets()
                    ]
                field.choices = media_choices
            for entry in stored.get(spec.attribute.code, ()):
                if entry.get("locale") == spec.locale and entry.get("channel") == (
                    spec.channel_code
                ):
                    self.initial[spec.name] = entry.get("data")
            if not self._may_edit_locale(spec.locale):
                field.disabled = True

    def _owner_assets(self) -> Iterable[Asset]:
        if not self.instance.pk:
            return []
        return self.instance.assets.filter(kind=AssetKind.IMAGE).order_by("position", "pk")

    def _may_edit_locale(self, locale: str | None) -> bool:
        if self.editable_languages is None:
            return True
        return locale is not None and locale in self.editable_languages

    def _disable_other_languages(self) -> None:
        """Translators: only the fields of their own languages stay editable."""
        if self.editable_languages is None:
            return
        spec_names = {spec.name for spec in self.value_specs}
        for name, field in self.fields.items():
            if name in spec_names or name == "loaded_version":
                continue
            language = translation_language(self, name)
            if language is None or language not in self.editable_languages:
                field.disabled = True

    def assembled_values(self) -> dict:
        """The stored values with the edited fields applied (entries the form lacks are kept)."""
        values = {code: list(entries) for code, entries in (self.instance.values or {}).items()}
        changed = set(self.changed_data)
        for spec in self.value_specs:
            name = spec.name
            if name not in self.fields or self.fields[name].disabled or name not in changed:
                continue
            code = spec.attribute.code
            kept = [
                e
                for e in values.get(code, [])
                if (e.get("locale"), e.get("channel")) != (spec.locale, spec.channel_code)
            ]
            data = _to_data(spec.attribute, self.cleaned_data.get(name))
            if data is not None:
                kept.append({"locale": spec.locale, "channel": spec.channel_code, "data": data})
            if kept:
                values[code] = kept
            else:
                values.pop(code, None)
        return values

    def _add_injected_errors(self) -> None:
        for field, messages in self.injected_errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    def _update_errors(self, errors: ValidationError) -> None:
        # The model's clean() (the services) reports value errors under "values" with the
        # attribute, locale and channel in params; show each next to its own field.
        if not hasattr(errors, "error_dict"):
            return super()._update_errors(errors)
        routed: dict[str, list] = {}
        for key, messages in errors.error_dict.items():
            for message in messages:
                target = key if key in self.fields else NON_FIELD_ERRORS
                params = getattr(message, "params", None) or {}
                if key == "values" and params.get("attribute"):
                    name = value_field_name(
                        params["attribute"], params.get("locale"), params.get("channel")
                    )
                    if name in self.fields:
                        target = name
                routed.setdefault(target, []).append(message)
        return super()._update_errors(ValidationError(routed))


class ProductForm(ValuesFormMixin, forms.ModelForm):
    """The product change form: base fields, translated text and the family's values."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reverting = False

    class Meta:
        model = Product
        fields = ("sku", "gtin", "family", "model", "brand", "status", "categories", "channels")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self._current_version()
        self.fields["loaded_version"].initial = current
        if "family" in self.fields and not self.instance.pk:
            self.fields["family"].help_text = _(
                "Choose the family first: its attribute fields appear once it is chosen "
                "(use “Save and continue editing”)."
            )
        if "status" in self.fields and self.reverting:
            # Reverting restores content; the workflow status changes only via its service.
            self.fields["status"].disabled = True
            self.initial["status"] = self._current_status()
        apply_language_direction(self)
        self._init_values()
        self._disable_other_languages()

    def _current_version(self) -> int | None:
        if not self.instance.pk:
            return None
        if self.reverting:
            # A historical instance carries its old version; the editor starts from today's.
            return (
                Product.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
        return self.instance.version

    def _current_status(self) -> str:
        return (
            Product.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
            or ProductStatus.DRAFT
        )

    def clean(self):
        cleaned = super().clean()
        self._add_injected_errors()
        if self.instance.pk:
            expected = cleaned.get("loaded_version")
            current = (
                Product.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if expected is None or (current is not None and expected != current):
                raise ValidationError(
                    str(EditConflict(self.instance, expected or 0, current or 0)),
                    code="edit_conflict",
                )
        values = self.assembled_values()
        family = cleaned.get("family")
        spec_family_codes = {spec.attribute.code for spec in self.value_specs}
        if family is not None and self.value_specs and family.pk != self.instance.family_id:
            # Family changed: keep only values the new family still has.
            keep = set(family.attributes.values_list("code", flat=True))
            values = {c: v for c, v in values.items() if c in keep or c not in spec_family_codes}
        self.instance.values = values
        return cleaned


class ProductModelForm(ValuesFormMixin, forms.ModelForm):
    """A product model: shared text and values of its variants, and the variant axes."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProductModel
        fields = ("code", "family", "variant_axes", "brand", "categories")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version if self.instance.pk else None
        apply_language_direction(self)
        self._init_values()
        self._disable_other_languages()

    def clean(self):
        cleaned = super().clean()
        self._add_injected_errors()
        self.instance.values = self.assembled_values()
        axes = cleaned.get("variant_axes")
        family = cleaned.get("family")
        if axes is not None and family is not None and "variant_axes" in self.fields:
            probe = ProductModel(family=family)
            try:
                product_model_check_axes(product_model=probe, axes=list(axes))
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


def values_form_class(base, *, specs, user=None, editable_languages=None, **attrs):
    """A subclass of ``base`` declaring one field per value spec (names must be declared
    on the class so the admin's ``fieldsets`` may list them)."""
    declared = {spec.name: value_formfield(spec) for spec in specs}
    declared.update(
        value_specs=tuple(specs),
        pim_user=user,
        editable_languages=(
            frozenset(editable_languages) if editable_languages is not None else None
        ),
        **attrs,
    )
    return type(base.__name__, (base,), declared)


# --- Assets -------------------------------------------------------------------------------------


class AssetInlineForm(forms.ModelForm):
    """An asset row: the upload is checked by the assets service before anything is stored."""

    upload = forms.FileField(
        label=_("file"),
        required=False,
        help_text=_("Images (JPEG, PNG, WebP, GIF) or PDF; identical files are stored once."),
    )
    url = forms.URLField(
        label=_("link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For a video or podcast link instead of a file."),
    )
    editable_languages: frozenset[str] | None = None

    class Meta:
        model = Asset
        fields = ("role", "language", "url", "alt_text", "caption", "audiences", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked: CheckedFile | None = None
        apply_language_direction(self)
        if self.editable_languages is not None:
            for name, field in self.fields.items():
                language = translation_language(self, name)
                if language is None or language not in self.editable_languages:
                    field.disabled = True

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        self.checked = upload_check_file(upload=upload)
        return upload

    def save(self, commit=True):
        asset = super().save(commit=False)
        if commit:
            upload = self.cleaned_data.get("upload")
            asset_save(asset=asset, checked=self.checked, name=upload.name if upload else "")
            self._save_m2m()
        return asset

    def clean(self):
        cleaned = super().clean()
        if self.errors or not self.has_changed():
            return cleaned
        upload = cleaned.get("upload")
        probe = Asset(
            role=cleaned.get("role") or self.instance.role,
            url=cleaned.get("url") or "",
            file=self.instance.file.name or "",
            kind=self.instance.kind,
        )
        if self.checked is not None:
            probe.kind, probe.file = self.checked.kind, upload.name
        elif not probe.file:
            probe.kind = AssetKind.LINK
        try:
            asset_validate(asset=probe)
        except ValidationError as exc:
            if "file" in exc.error_dict:
                exc.error_dict["upload"] = exc.error_dict.pop("file")
            self.add_error(None, exc)
        return cleaned


# --- Bulk actions -------------------------------------------------------------------------------


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ProductStatus.choices)


class BulkCategoriesForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    replace = forms.BooleanField(
        label=_("Replace the products' current categories"),
        required=False,
        help_text=_("Unticked: the chosen categories are added to the existing ones."),
    )
