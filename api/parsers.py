"""Request body parsing: JSON only (uploads declare their own multipart parser)."""

import json

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser, get_encoding

# No API body nests this deep (a product is about 5 levels); the limit keeps recursive code
# (the JSON decoder, validation, rendering) far from Python's recursion limit.
MAX_JSON_DEPTH = 32


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``; checked before parsing,
    in one pass without recursion, so a hostile body never reaches the decoder."""
    if text.count("[") + text.count("{") <= limit:
        return False  # the common case: too few brackets to nest that deep
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class StrictJSONParser(JSONParser):
    """DRF's JSON parser with a nesting limit and an exact message for each failure.

    NaN and Infinity literals are refused (strict JSON), as DRF does by default.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise exceptions.ParseError(
                _("The body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from None
        if json_depth_exceeds(text, MAX_JSON_DEPTH):
            raise exceptions.ParseError(
                _("The JSON nests deeper than %(limit)s levels.") % {"limit": MAX_JSON_DEPTH}
            )
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise exceptions.ParseError(
                _("The JSON nests deeper than %(limit)s levels.") % {"limit": MAX_JSON_DEPTH}
            ) from None
        except ValueError as exc:
            raise exceptions.ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": exc}
            ) from None


def _refuse_constant(name: str):
    raise ValueError(_("%(name)s is not a JSON number.") % {"name": name})
