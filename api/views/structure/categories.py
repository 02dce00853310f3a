"""Categories: read and write."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from api.errors import Unprocessable
from api.serializers import CategorySerializer, CategoryWriteSerializer
from api.views.products import ERRORS, LOCALE_PARAM, _error
from api.views.structure.common import _ListRetrieve, localized
from catalog.languages import language_codes
from catalog.models import Category
from catalog.services.categories import category_save


@extend_schema_view(
    list=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: CategorySerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: CategorySerializer, **ERRORS}
    ),
    create=extend_schema(
        request=CategoryWriteSerializer, responses={201: CategorySerializer, **ERRORS}
    ),
    update=extend_schema(
        request=CategoryWriteSerializer, responses={200: CategorySerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        request=CategoryWriteSerializer, responses={200: CategorySerializer, **ERRORS}
    ),
)
class CategoryViewSet(
    _ListRetrieve,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    write_model = "category"
    serializer_class = CategorySerializer
    queryset = Category.objects.select_related("parent")

    def to_dict(self, category) -> dict:
        return {
            "code": category.code,
            "parent": category.parent.code if category.parent_id else None,
            "name": localized(category, "name", self.locales()),
            "position": category.position,
        }

    def create(self, request, *args, **kwargs):
        return self._save(Category(), partial=False, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        category = get_object_or_404(Category, code=kwargs["code"])
        return self._save(category, partial=kwargs.get("partial", False), status_code=200)

    def _save(self, category, *, partial, status_code):
        serializer = CategoryWriteSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not category.pk and not data.get("code"):
            raise Unprocessable([_error("code", "required", _("This field is required."))])
        if "code" in data:
            category.code = data["code"]
        if "parent" in data:
            parent = None
            if data["parent"]:
                parent = Category.objects.filter(code=data["parent"]).first()
                if parent is None:
                    raise Unprocessable(
                        [
                            _error(
                                "parent",
                                "unknown_code",
                                _("Unknown category “%(code)s”.") % {"code": data["parent"]},
                            )
                        ]
                    )
            category.parent = parent
        known = set(language_codes())
        for code, text in (data.get("name") or {}).items():
            if code not in known:
                raise Unprocessable(
                    [_error("name", "unknown_locale", _("Unknown language."), locale=code)]
                )
            setattr(category, f"name_{code}", text)
        if not partial:
            for code in known - set(data.get("name") or {}):
                setattr(category, f"name_{code}", "")
        if "position" in data:
            category.position = data["position"]
        user = self.request.user if self.request.user.is_authenticated else None
        category_save(category=category, user=user)
        return Response(self.to_dict(category), status=status_code)
