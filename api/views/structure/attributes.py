"""Attributes."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from api.serializers import AttributeSerializer
from api.views.products import ERRORS, LOCALE_PARAM
from api.views.structure.common import _ListRetrieve, localized
from catalog.models import Attribute


def _number(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


@extend_schema_view(
    list=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: AttributeSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: AttributeSerializer, **ERRORS}
    ),
)
class AttributeViewSet(_ListRetrieve, viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = AttributeSerializer
    queryset = Attribute.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attribute.objects.none()
        hidden = self.scope().hidden_attributes
        return Attribute.objects.exclude(code__in=hidden).prefetch_related("options")

    def to_dict(self, attribute) -> dict:
        locales = self.locales()
        return {
            "code": attribute.code,
            "label": localized(attribute, "label", locales),
            "type": attribute.type,
            "unit": attribute.unit,
            "decimal_places": attribute.decimal_places,
            "is_localizable": attribute.is_localizable,
            "is_scopable": attribute.is_scopable,
            "is_required": attribute.is_required,
            "min_value": _number(attribute.min_value),
            "max_value": _number(attribute.max_value),
            "max_length": attribute.max_length,
            "options": [
                {"code": o.code, "label": localized(o, "label", locales)}
                for o in attribute.options.all()
            ],
        }
