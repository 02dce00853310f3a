"""django-modeltranslation registrations for engagement."""

from modeltranslation.translator import TranslationOptions, register

from engagement.models import CampaignReport, Offer


@register(Offer)
class OfferTranslation(TranslationOptions):
    fields = ("discount_text", "terms")


@register(CampaignReport)
class CampaignReportTranslation(TranslationOptions):
    fields = ()
