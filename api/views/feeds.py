"""Streaming feeds of the client's channel: Merchant RSS, CSV, JSON Lines."""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import views

from api.views.base import ApiViewMixin
from api.views.products import ERRORS
from publishing.feeds import FEED_FORMATS, feed_content_type, feed_iter


class FeedView(ApiViewMixin, views.APIView):
    """``/api/v1/feeds/<kind>?locale=fi``: the whole channel catalog in one language."""

    kind = "merchant"

    def get(self, request, *args, **kwargs):
        locale = self.locales()[0]
        channel = self.client.channel
        response = StreamingHttpResponse(
            feed_iter(
                kind=self.kind, channel=channel, locale=locale, audience=self.client.audience
            ),
            content_type=feed_content_type(self.kind),
        )
        extension = FEED_FORMATS[self.kind][1]
        response["Content-Disposition"] = (
            f'inline; filename="{channel.code}-{locale}-{self.kind}.{extension}"'
        )
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, StreamingHttpResponse):
            return response  # no ETag: the body is not in memory
        return super().finalize_response(request, response, *args, **kwargs)


def feed_view(kind: str) -> type[FeedView]:
    """The view of one feed kind, its schema naming the content type it really sends."""
    media_type = FEED_FORMATS[kind][0].split(";")[0]
    view = type(f"{kind.title()}FeedView", (FeedView,), {"kind": kind, "__doc__": FeedView.__doc__})
    return extend_schema_view(
        get=extend_schema(
            parameters=[
                OpenApiParameter(
                    "locale",
                    str,
                    description=_("One of the channel's locales; default: the channel's first."),
                )
            ],
            responses={(200, media_type): OpenApiResponse(OpenApiTypes.BINARY), **ERRORS},
        )
    )(view)
