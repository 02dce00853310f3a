"""django-modeltranslation registrations for publishing."""

from modeltranslation.translator import TranslationOptions, register

from publishing.models import Campaign, Theme


@register(Campaign)
class CampaignTranslation(TranslationOptions):
    fields = ("title", "message")


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)
