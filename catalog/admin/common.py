"""Small admin helpers shared by the catalog admins (keep this module small and stable)."""

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.utils.translation import gettext_lazy as _
from modeltranslation.widgets import ClearableWidgetWrapper

from catalog.languages import is_rtl


class RtlTranslationAdminMixin:
    """Right-to-left inputs for the translation fields of bidi languages (Persian...).

    Put it before modeltranslation's TranslationAdmin / TabbedTranslationAdmin or its
    translation inlines: ``class ChannelAdmin(RtlTranslationAdminMixin, TabbedTranslationAdmin)``.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "language", None)  # set on modeltranslation fields only
        if field is not None and language and is_rtl(language):
            widget = field.widget
            while isinstance(widget, RelatedFieldWidgetWrapper | ClearableWidgetWrapper):
                widget = widget.widget
            widget.attrs.update({"dir": "rtl", "lang": language})
        return field


class ChoiceListField(forms.MultipleChoiceField):
    """A JSON list of codes (languages, roles...) edited as a set of checkboxes.

    ``choices`` may be a callable, evaluated when the form renders, so lists driven by
    settings are read at call time. With ``validate_choices=False`` any submitted code is
    accepted here and the model's ``clean()`` is left to judge it, so its message is shown.
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, validate_choices: bool = True, **kwargs):
        kwargs.setdefault("required", False)
        self.validate_choices = validate_choices
        super().__init__(**kwargs)

    def valid_value(self, value) -> bool:
        return not self.validate_choices or super().valid_value(value)

    def clean(self, value):
        # Stored in the order offered (settings order for languages), whatever the browser sent.
        codes = super().clean(value)
        order = {str(code): i for i, (code, _label) in enumerate(self.choices)}
        return sorted(codes, key=lambda code: order.get(str(code), len(order)))

    def keep_unknown(self, values) -> None:
        """Show stored codes that are no longer offered, ticked, instead of dropping them."""
        known = {str(code) for code, _label in self.choices}
        extra = [
            (code, _("%(code)s (not configured)") % {"code": code})
            for code in values or ()
            if str(code) not in known
        ]
        if extra:
            self.choices = [*self.choices, *extra]
