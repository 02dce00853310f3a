"""django-modeltranslation registrations: the fixed, human-written fields per language."""

from modeltranslation.translator import TranslationOptions, register

from catalog.models import (
    Asset,
    Attribute,
    AttributeOption,
    Audience,
    Category,
    Channel,
    Family,
    Product,
    ProductModel,
)
from catalog.models.product import INHERITED_TEXT_FIELDS, PRODUCT_TEXT_FIELDS


@register(Channel)
class ChannelTranslation(TranslationOptions):
    fields = ("name",)


@register(Audience)
class AudienceTranslation(TranslationOptions):
    fields = ("name",)


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)


@register(Attribute)
class AttributeTranslation(TranslationOptions):
    fields = ("label",)


@register(AttributeOption)
class AttributeOptionTranslation(TranslationOptions):
    fields = ("label",)


@register(Family)
class FamilyTranslation(TranslationOptions):
    fields = ("name",)


@register(ProductModel)
class ProductModelTranslation(TranslationOptions):
    fields = INHERITED_TEXT_FIELDS


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = PRODUCT_TEXT_FIELDS


@register(Asset)
class AssetTranslation(TranslationOptions):
    fields = ("alt_text", "caption")
