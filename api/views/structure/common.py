"""Shared list/retrieve behaviour of the structure resources."""

from django.shortcuts import get_object_or_404
from rest_framework.response import Response

from api.pagination import KeysetPagination
from api.views.base import ApiViewMixin


def localized(obj, name: str, locales) -> dict:
    return {code: text for code in locales if (text := getattr(obj, f"{name}_{code}", None))}


class _ListRetrieve(ApiViewMixin):
    """Paged by id; the dict comes from ``to_dict``."""

    def list(self, request, *args, **kwargs):
        paginator = KeysetPagination(("id",))
        rows = paginator.paginate_queryset(self.filter_queryset(self.get_queryset()), request)
        return paginator.get_paginated_response(self.to_dicts(rows))

    def retrieve(self, request, *args, **kwargs):
        obj = get_object_or_404(
            self.get_queryset(), **{self.lookup_field: kwargs[self.lookup_field]}
        )
        return Response(self.to_dicts([obj])[0])

    def to_dicts(self, rows):
        return [self.to_dict(row) for row in rows]
