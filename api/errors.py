"""One JSON error shape for every API failure.

``{"status": 422, "code": "validation_error", "message": "...", "errors": [
{"field": "values", "attribute": "weight", "locale": null, "channel": null,
"code": "above_max", "message": "..."}]}``
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from catalog.languages import language_codes
from catalog.services.products import EditConflict


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class LengthRequired(exceptions.APIException):
    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = _("Send the body with a Content-Length header (chunked bodies are not read).")
    default_code = "length_required"


class ErrorsException(exceptions.APIException):
    """An API error that lists what is wrong, one entry per field or parameter."""

    def __init__(self, errors: list[dict], message: str | None = None):
        super().__init__(message or self.default_detail)
        self.errors = errors


class BadQuery(ErrorsException):
    """A query parameter that cannot be used (400, like a bad limit or cursor)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("A query parameter is not valid.")
    default_code = "invalid_query"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The resource was changed by someone else.")
    default_code = "edit_conflict"


class Unprocessable(ErrorsException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("The data is not valid.")
    default_code = "validation_error"


def error_body(status_code: int, code: str, message: str, errors=()) -> dict:
    return {"status": status_code, "code": code, "message": str(message), "errors": list(errors)}


def _split_field(field: str) -> tuple[str, str | None]:
    """``name_fi`` -> (``name``, ``fi``): translated fields name their language."""
    for code in language_codes():
        if field.endswith(f"_{code}"):
            return field[: -len(code) - 1], code
    return field, None


def django_errors(exc: DjangoValidationError) -> list[dict]:
    """Flatten a Django ValidationError, keeping attribute, locale and channel from params."""
    rows = []
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    for field, errors in items:
        for error in errors:
            params = error.params if isinstance(error.params, dict) else {}
            base, locale = _split_field(field) if field and field != "__all__" else (field, None)
            message = error.message % error.params if error.params else error.message
            rows.append(
                {
                    "field": base if base != "__all__" else None,
                    "attribute": params.get("attribute"),
                    "locale": params.get("locale", locale),
                    "channel": params.get("channel"),
                    "code": error.code or "invalid",
                    "message": str(message),
                }
            )
    return rows


def drf_errors(detail, field: str | None = None) -> list[dict]:
    rows = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else None
            rows.extend(drf_errors(value, f"{field}.{name}" if field and name else name or field))
    elif isinstance(detail, list):
        for item in detail:
            rows.extend(drf_errors(item, field))
    else:
        base, locale = _split_field(field) if field else (field, None)
        rows.append(
            {
                "field": base,
                "attribute": None,
                "locale": locale,
                "channel": None,
                "code": getattr(detail, "code", "invalid") or "invalid",
                "message": str(detail),
            }
        )
    return rows


_CODES = {
    400: "malformed_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "edit_conflict",
    411: "length_required",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
}


def api_exception_handler(exc, context):
    """DRF exception handler: maps service errors to HTTP and renders the one error shape."""
    if isinstance(exc, DjangoValidationError):
        exc = Unprocessable(django_errors(exc), _("The data is not valid."))
    elif isinstance(exc, EditConflict):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, exceptions.ValidationError):
        exc = Unprocessable(drf_errors(exc.detail), _("The data is not valid."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    status_code = response.status_code
    errors = getattr(exc, "errors", [])
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    if isinstance(detail, (list, dict)):
        errors = errors or drf_errors(detail)
        message = _CODES.get(status_code, "error")
    else:
        message = str(detail)
    code = _CODES.get(status_code) or getattr(detail, "code", None) or "error"
    if status_code == 401:
        code = "not_authenticated"
    body = error_body(status_code, code, message, errors)
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    return Response(body, status=status_code, headers=headers)


def api_not_found(request, exception=None):
    """404 for an unknown address under /api/, in the API's error shape."""
    return JsonResponse(
        error_body(404, "not_found", _("No API endpoint at %(path)s.") % {"path": request.path}),
        status=404,
    )
