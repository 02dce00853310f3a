"""Audiences."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from api.serializers import AudienceSerializer
from api.views.products import ERRORS
from api.views.structure.common import _ListRetrieve, localized
from catalog.languages import language_codes
from catalog.models import Audience


@extend_schema_view(
    list=extend_schema(responses={200: AudienceSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: AudienceSerializer, **ERRORS}),
)
class AudienceViewSet(_ListRetrieve, viewsets.ReadOnlyModelViewSet):
    query_params = ()
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = AudienceSerializer
    queryset = Audience.objects.all()

    def to_dict(self, audience) -> dict:
        return {
            "code": audience.code,
            "name": localized(audience, "name", language_codes()),
            "is_public": audience.is_public,
        }
