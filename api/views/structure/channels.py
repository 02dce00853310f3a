"""Channels."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from api.serializers import ChannelSerializer
from api.views.products import ERRORS
from api.views.structure.common import _ListRetrieve, localized
from catalog.languages import language_codes
from catalog.models import Channel


@extend_schema_view(
    list=extend_schema(responses={200: ChannelSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: ChannelSerializer, **ERRORS}),
)
class ChannelViewSet(_ListRetrieve, viewsets.ReadOnlyModelViewSet):
    """The client's own channel (a client never learns about the others)."""

    query_params = ()
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = ChannelSerializer
    queryset = Channel.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Channel.objects.none()
        return Channel.objects.filter(pk=self.client.channel_id)

    def to_dict(self, channel) -> dict:
        return {
            "code": channel.code,
            "name": localized(channel, "name", language_codes()),
            "kind": channel.kind,
            "locales": list(channel.locales),
            "currency": channel.currency,
        }
