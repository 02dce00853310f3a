"""Documented request and response shapes (OpenAPI) and input parsing for writes.

Responses are built by api.representation; these serializers describe them for the schema,
and the contract test checks that real responses match.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

LOCALIZED = {"type": "object", "additionalProperties": {"type": "string"}}
VALUE_ENTRY = {
    "type": "object",
    "required": ["locale", "channel", "data"],
    "properties": {
        "locale": {"type": "string", "nullable": True},
        "channel": {"type": "string", "nullable": True},
        "data": {},
    },
}
VALUES = {"type": "object", "additionalProperties": {"type": "array", "items": VALUE_ENTRY}}
TEXTS = {"type": "object", "additionalProperties": LOCALIZED}


@extend_schema_field(LOCALIZED)
class LocalizedField(serializers.DictField):
    child = serializers.CharField(allow_blank=True)


@extend_schema_field(VALUES)
class ValuesField(serializers.JSONField):
    """``{code: [{"locale": "fi" | null, "channel": "web" | null, "data": ...}]}``"""


@extend_schema_field(TEXTS)
class TextsField(serializers.JSONField):
    """``{field: {locale: text}}`` for the translated product fields."""


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    attribute = serializers.CharField(allow_null=True)
    locale = serializers.CharField(allow_null=True)
    channel = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    errors = ErrorItemSerializer(many=True)


class PriceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.CharField(help_text=_("Decimal as text, e.g. 1234.50."))
    sale_amount = serializers.CharField(allow_null=True)
    audience = serializers.CharField(allow_null=True)


class AssetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    role = serializers.CharField()
    language = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True)
    mime_type = serializers.CharField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    renditions = serializers.DictField(child=serializers.CharField(allow_null=True))
    alt_text = LocalizedField()
    position = serializers.IntegerField()


class ProductSerializer(serializers.Serializer):
    sku = serializers.CharField()
    gtin = serializers.CharField(allow_null=True)
    family = serializers.CharField()
    parent = serializers.CharField(allow_null=True, help_text=_("Product model code of a variant."))
    brand = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    texts = TextsField()
    values = ValuesField()
    prices = PriceSerializer(many=True)
    assets = AssetSerializer(many=True)
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ProductModelSerializer(serializers.Serializer):
    code = serializers.CharField()
    family = serializers.CharField()
    variant_axes = serializers.ListField(child=serializers.CharField())
    brand = serializers.CharField(allow_blank=True)
    categories = serializers.ListField(child=serializers.CharField())
    texts = TextsField()
    values = ValuesField()
    assets = AssetSerializer(many=True)
    variants = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    parent = serializers.CharField(allow_null=True)
    name = LocalizedField()
    position = serializers.IntegerField()


class AttributeOptionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = LocalizedField()


class AttributeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = LocalizedField()
    type = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    decimal_places = serializers.IntegerField()
    is_localizable = serializers.BooleanField()
    is_scopable = serializers.BooleanField()
    is_required = serializers.BooleanField()
    min_value = serializers.CharField(allow_null=True)
    max_value = serializers.CharField(allow_null=True)
    max_length = serializers.IntegerField(allow_null=True)
    options = AttributeOptionSerializer(many=True)


class RequirementSerializer(serializers.Serializer):
    attributes = serializers.ListField(child=serializers.CharField())
    fields = serializers.ListField(child=serializers.CharField())
    asset_roles = serializers.ListField(child=serializers.CharField())


class FamilySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = LocalizedField()
    attributes = serializers.ListField(child=serializers.CharField())
    requirements = RequirementSerializer(allow_null=True, help_text=_("For the client's channel."))


class ChannelSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = LocalizedField()
    kind = serializers.CharField()
    locales = serializers.ListField(child=serializers.CharField())
    currency = serializers.CharField()


class AudienceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = LocalizedField()
    is_public = serializers.BooleanField()


# --- Writes -----------------------------------------------------------------------------------


class PriceWriteSerializer(serializers.Serializer):
    channel = serializers.CharField(required=False, help_text=_("Default: the client's channel."))
    currency = serializers.CharField(required=False, help_text=_("Default: the channel's."))
    audience = serializers.CharField(required=False, allow_null=True)
    amount = serializers.CharField(allow_null=True, help_text=_("null removes the price."))
    sale_amount = serializers.CharField(required=False, allow_null=True)


class ProductWriteSerializer(serializers.Serializer):
    """Body of POST (create), PUT (replace) and PATCH (change the given parts)."""

    sku = serializers.CharField(required=False)
    family = serializers.CharField(required=False)
    parent = serializers.CharField(required=False, allow_null=True)
    gtin = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    brand = serializers.CharField(required=False, allow_blank=True)
    status = serializers.CharField(required=False)
    categories = serializers.ListField(child=serializers.CharField(), required=False)
    channels = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("Default: the client's channel."),
    )
    texts = TextsField(required=False)
    values = ValuesField(required=False)
    prices = PriceWriteSerializer(many=True, required=False)
    version = serializers.IntegerField(
        required=False,
        help_text=_("The version you edited (or send If-Match); 409 if stale."),
    )


# The largest value every database stores in a PositiveIntegerField.
MAX_POSITION = 2_147_483_647


class CategoryWriteSerializer(serializers.Serializer):
    code = serializers.CharField(required=False)
    parent = serializers.CharField(required=False, allow_null=True)
    name = LocalizedField(required=False)
    position = serializers.IntegerField(required=False, min_value=0, max_value=MAX_POSITION)


class AssetUploadSerializer(serializers.Serializer):
    product = serializers.CharField(required=False, help_text=_("SKU of the owning product."))
    product_model = serializers.CharField(required=False, help_text=_("Or a product model code."))
    role = serializers.CharField()
    language = serializers.CharField(required=False, allow_blank=True)
    position = serializers.IntegerField(required=False, min_value=0, max_value=MAX_POSITION)
    file = serializers.FileField(required=False)
    url = serializers.URLField(required=False)
