"""Families, with the attributes the client's channel requires."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from api.serializers import FamilySerializer
from api.views.products import ERRORS, LOCALE_PARAM
from api.views.structure.common import _ListRetrieve, localized
from catalog.models import Family, FamilyChannelRequirement


@extend_schema_view(
    list=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: FamilySerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(parameters=[LOCALE_PARAM], responses={200: FamilySerializer, **ERRORS}),
)
class FamilyViewSet(_ListRetrieve, viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = FamilySerializer
    queryset = Family.objects.all()

    def to_dicts(self, rows):
        ids = [f.pk for f in rows]
        channel = self.client.channel
        attributes: dict[int, list[str]] = {}
        for family_id, code in (
            Family.attributes.through.objects.filter(family_id__in=ids)
            .order_by("position", "id")
            .values_list("family_id", "attribute__code")
        ):
            attributes.setdefault(family_id, []).append(code)
        requirements = {
            r.family_id: r
            for r in FamilyChannelRequirement.objects.filter(
                family_id__in=ids, channel=channel
            ).prefetch_related("attributes")
        }
        out = []
        for family in rows:
            requirement = requirements.get(family.pk)
            out.append(
                {
                    "code": family.code,
                    "name": localized(family, "name", self.locales()),
                    "attributes": attributes.get(family.pk, []),
                    "requirements": {
                        "attributes": sorted(a.code for a in requirement.attributes.all()),
                        "fields": list(requirement.translated_fields or []),
                        "asset_roles": list(requirement.asset_roles or []),
                    }
                    if requirement
                    else None,
                }
            )
        return out
