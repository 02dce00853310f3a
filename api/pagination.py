"""Keyset ("cursor") paging: stable while the catalog changes, no deep-offset slowdown.

Rows are ordered by (updated_at, id) for products (by id elsewhere); the cursor holds the
last row's key, so a page never repeats or skips a row that did not change meanwhile.
A row changed during a sync moves to the end and is delivered again in its new state.
"""

import base64
import datetime
import json
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


def encode_cursor(key: tuple) -> str:
    raw = json.dumps([k.isoformat() if isinstance(k, datetime.datetime) else k for k in key])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fields: tuple[str, ...]) -> tuple:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not isinstance(parts, list) or len(parts) != len(fields):
            raise ValueError
        key = []
        for name, part in zip(fields, parts, strict=True):
            if name.endswith("_at"):
                moment = datetime.datetime.fromisoformat(part)
                if moment.tzinfo is not None:
                    # UTC for the database (OverflowError: not a time we wrote).
                    moment = moment.astimezone(datetime.UTC)
                key.append(moment)
            elif isinstance(part, int) and not isinstance(part, bool) and 0 <= part < 2**63:
                key.append(part)
            else:
                raise ValueError
        return tuple(key)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        raise exceptions.ParseError(_("The cursor is not valid; start again without it.")) from None


def page_size(request) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise exceptions.ParseError(_("limit must be a whole number.")) from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise exceptions.ParseError(
            _("limit must be between 1 and %(max)s.") % {"max": MAX_PAGE_SIZE}
        )
    return size


class KeysetPagination(BasePagination):
    """``?limit=`` (at most 100) and ``?cursor=`` from the previous page's ``next``."""

    def __init__(self, fields: tuple[str, ...] = ("updated_at", "id")):
        self.fields = fields
        self.next_cursor = None
        self.request = None

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = page_size(request)
        cursor = request.query_params.get("cursor")
        if cursor:
            key = decode_cursor(cursor, self.fields)
            queryset = queryset.filter(self._after(key))
        rows = list(queryset.order_by(*self.fields)[: size + 1])
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            self.next_cursor = encode_cursor(tuple(getattr(last, f) for f in self.fields))
        return rows

    def _after(self, key: tuple) -> Q:
        """Rows strictly after ``key`` in (f1, f2, ...) order."""
        condition = Q()
        for index in range(len(self.fields) - 1, -1, -1):
            field, value = self.fields[index], key[index]
            step = Q(**{f"{field}__gt": value})
            condition = (
                step if index == len(self.fields) - 1 else step | (Q(**{field: value}) & condition)
            )
        # The redundant lower bound lets the database use a range scan on the first field.
        return Q(**{f"{self.fields[0]}__gte": key[0]}) & condition

    def next_link(self) -> str | None:
        if not self.next_cursor:
            return None
        params = self.request.query_params.copy()
        params["cursor"] = self.next_cursor
        return (
            self.request.build_absolute_uri(self.request.path)
            + "?"
            + urlencode(sorted(params.items()))
        )

    def get_paginated_response(self, data):
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": _("Page size, 1 to %(maximum)s (default %(default)s).")
                % {"maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": _("The cursor from the previous page's `next` link."),
                "schema": {"type": "string"},
            },
        ]
