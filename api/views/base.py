"""What every API view shares: client scope, locale choice, body limits, ETag and 304."""

import hashlib
import re

import orjson
from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from api.errors import BadQuery, LengthRequired, PayloadTooLarge, Unprocessable, drf_errors
from api.pagination import KeysetPagination
from api.permissions import IsApiClient, ModelPermissionForWrites
from api.renderers import OrjsonRenderer
from api.representation import Scope

_VERSION_IN_ETAG = re.compile(r'^(?:W/)?"?(?:[a-z]+\d+-)?v(\d+)(?:-[0-9a-f]+)?"?$')


class ApiViewMixin:
    """Client-scoped views with conditional GETs (ETag, Last-Modified -> 304)."""

    permission_classes = [IsApiClient, ModelPermissionForWrites]
    renderer_classes = [OrjsonRenderer]
    pagination_class = KeysetPagination  # documents the page shape in the schema
    write_model = "product"
    #: Query parameters of reads besides paging and filters, as documented in the schema.
    query_params: tuple[str, ...] = ("locale",)

    @property
    def client(self):
        return self.request.auth

    def initial(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            check_body(request)
        super().initial(request, *args, **kwargs)
        self.check_query_params(request)

    def check_query_params(self, request) -> None:
        """Unknown query parameters are 400: a misspelt filter (``?updated_sinse=``) would
        otherwise silently return everything."""
        allowed = set(self.query_params) if request.method in ("GET", "HEAD") else set()
        if getattr(self, "action", None) == "list":
            allowed |= {"limit", "cursor"}
            filterset = getattr(self, "filterset_class", None)
            if filterset is not None:
                allowed |= set(filterset.base_filters)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise BadQuery(
                [
                    {
                        "field": name,
                        "attribute": None,
                        "locale": None,
                        "channel": None,
                        "code": "unknown_parameter",
                        "message": _("Unknown query parameter “%(name)s”.") % {"name": name},
                    }
                    for name in unknown
                ],
                _("Unknown query parameters: %(names)s; allowed here: %(allowed)s.")
                % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed)) or "-"},
            )

    def filter_queryset(self, queryset):
        try:
            return super().filter_queryset(queryset)
        except exceptions.ValidationError as exc:
            # Query parameters are part of the address, not content: 400, as for limit/cursor.
            raise BadQuery(drf_errors(exc.detail)) from None

    def locales(self) -> tuple[str, ...]:
        """The channel's locales, or the ones asked with ``?locale=fi`` (comma-separated)."""
        channel_locales = list(self.client.channel.locales)
        raw = self.request.query_params.get("locale")
        if not raw:
            return tuple(channel_locales)
        asked = [code.strip() for code in raw.split(",") if code.strip()]
        unknown = [code for code in asked if code not in channel_locales]
        if unknown:
            raise Unprocessable(
                [
                    {
                        "field": "locale",
                        "attribute": None,
                        "locale": code,
                        "channel": self.client.channel.code,
                        "code": "unknown_locale",
                        "message": _("Channel %(channel)s does not publish in %(locale)s.")
                        % {"channel": self.client.channel.code, "locale": code},
                    }
                    for code in unknown
                ]
            )
        return tuple(asked)

    def scope(self) -> Scope:
        if not hasattr(self, "_scope"):
            self._scope = Scope.build(
                channel=self.client.channel,
                audience=self.client.audience,
                locales=self.locales(),
                base_url=self.request.build_absolute_uri("/").rstrip("/"),
            )
        return self._scope

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response = _conditional(request, response)
        return response


def check_body(request) -> None:
    """Refuse bodies the API would misread: chunked (411) or too large (413).

    Django reads exactly Content-Length bytes, so a chunked body would arrive empty and the
    request would "succeed" without doing anything; asking for a length is the honest answer
    (every HTTP client sends one for a body it holds in memory) and keeps the size limit
    checkable before anything is read.
    """
    if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        raise LengthRequired()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    content_type = request.META.get("CONTENT_TYPE", "")
    limit = (
        settings.PIM_MAX_UPLOAD_BYTES
        if content_type.startswith("multipart/")
        else settings.PIM_API_MAX_BODY_BYTES
    )
    if length > limit:
        raise PayloadTooLarge(
            _("The request body is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": length, "limit": limit}
        )


def body_etag(data) -> str:
    return '"' + hashlib.sha1(orjson.dumps(data, default=str)).hexdigest()[:20] + '"'


def _conditional(request, response: Response):
    etag = response.get("ETag") or body_etag(response.data)
    response["ETag"] = etag
    last_modified = getattr(response, "last_modified", None)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    not_modified = False
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        not_modified = "*" in tags or etag.removeprefix("W/") in tags
    elif last_modified is not None and request.META.get("HTTP_IF_MODIFIED_SINCE"):
        since = parse_http_date_safe(request.META["HTTP_IF_MODIFIED_SINCE"])
        not_modified = since is not None and int(last_modified.timestamp()) <= since
    if not_modified:
        not_modified_response = HttpResponseNotModified()
        not_modified_response["ETag"] = etag
        if "Last-Modified" in response:
            not_modified_response["Last-Modified"] = response["Last-Modified"]
        return not_modified_response
    return response


def expected_version(request) -> int | None:
    """The version the client edited: from If-Match (our ETag or a number) or ``version``."""
    header = request.META.get("HTTP_IF_MATCH", "").strip()
    if "HTTP_IF_MATCH" in request.META and not header:
        raise exceptions.ParseError(_("If-Match is empty; send the ETag or leave it out."))
    if header and header != "*":
        match = _VERSION_IN_ETAG.match(header) or re.fullmatch(r'"?(\d+)"?', header)
        if not match:
            raise exceptions.ParseError(
                _("If-Match must be this resource's ETag or its version number.")
            )
        return int(match.group(1))
    version = request.data.get("version") if isinstance(request.data, dict) else None
    if version in (None, ""):
        return None
    try:
        return int(version)
    except (TypeError, ValueError):
        raise Unprocessable(
            [
                {
                    "field": "version",
                    "attribute": None,
                    "locale": None,
                    "channel": None,
                    "code": "wrong_type",
                    "message": _("version must be a whole number."),
                }
            ]
        ) from None


def version_etag(kind: str, pk: int, version: int, data) -> str:
    """A detail ETag that also carries the version, so it can be sent back in If-Match."""
    digest = hashlib.sha1(orjson.dumps(data, default=str)).hexdigest()[:12]
    return f'"{kind}{pk}-v{version}-{digest}"'
