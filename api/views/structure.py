"""Categories, families, attributes, channels and audiences; assets with renditions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.errors import Unprocessable
from api.pagination import KeysetPagination
from api.representation import asset_to_dict
from api.serializers import (
    AssetSerializer,
    AssetUploadSerializer,
    AttributeSerializer,
    AudienceSerializer,
    CategorySerializer,
    CategoryWriteSerializer,
    ChannelSerializer,
    FamilySerializer,
)
from api.views.base import ApiViewMixin
from api.views.products import ERRORS, LOCALE_PARAM, _error
from catalog.languages import language_codes
from catalog.models import (
    Asset,
    Attribute,
    Audience,
    Category,
    Channel,
    Family,
    FamilyChannelRequirement,
    Product,
    ProductModel,
)
from catalog.services.assets import asset_create, upload_check
from catalog.services.categories import category_save
from publishing.selection import publishable_products


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


@extend_schema_view(
    list=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: AttributeSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: AttributeSerializer, **ERRORS}
    ),
)
class AttributeViewSet(_ListRetrieve, viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    serializer_class = AttributeSerializer
    queryset = Attribute.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attribute.objects.none()
        hidden = self.scope().hidden_attributes
        return Attribute.objects.exclude(code__in=hidden).prefetch_related("options")

    def to_dict(self, attribute) -> dict:
        locales = self.locales()
        return {
            "code": attribute.code,
            "label": localized(attribute, "label", locales),
            "type": attribute.type,
            "unit": attribute.unit,
            "decimal_places": attribute.decimal_places,
            "is_localizable": attribute.is_localizable,
            "is_scopable": attribute.is_scopable,
            "is_required": attribute.is_required,
            "min_value": _number(attribute.min_value),
            "max_value": _number(attribute.max_value),
            "max_length": attribute.max_length,
            "options": [
                {"code": o.code, "label": localized(o, "label", locales)}
                for o in attribute.options.all()
            ],
        }


def _number(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


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


@extend_schema_view(
    list=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: AssetSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(parameters=[LOCALE_PARAM], responses={200: AssetSerializer, **ERRORS}),
    create=extend_schema(
        request={"multipart/form-data": AssetUploadSerializer},
        responses={201: AssetSerializer, **ERRORS},
        description=gettext_lazy(
            "Upload an image or PDF (field `file`) or register a link (`url`)."
        ),
    ),
)
class AssetViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Assets of the products and product models the client may see."""

    write_model = "asset"
    # Ids are numbers (at most 18 digits: a 64-bit column); anything else is 404, not a
    # database error.
    lookup_value_regex = "[0-9]{1,18}"
    serializer_class = AssetSerializer
    parser_classes = [MultiPartParser, FormParser]
    queryset = Asset.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Asset.objects.none()
        visible = publishable_products(channel=self.client.channel, locales=self.scope().locales)
        scope = self.scope()
        queryset = Asset.objects.filter(
            Q(product__in=visible.values("pk"))
            | Q(product_model__in=visible.filter(model__isnull=False).values("model_id"))
        ).exclude(
            language__gt="", language__in=[c for c in language_codes() if c not in scope.locales]
        )
        restricted = Asset.audiences.through.objects.values("asset_id")
        allowed = Asset.audiences.through.objects.filter(
            audience_id__in=scope.allowed_audiences
        ).values("asset_id")
        return queryset.filter(~Q(pk__in=restricted) | Q(pk__in=allowed)).prefetch_related(
            "audiences"
        )

    def list(self, request, *args, **kwargs):
        scope = self.scope()
        paginator = KeysetPagination(("id",))
        rows = paginator.paginate_queryset(self.get_queryset(), request)
        return paginator.get_paginated_response([asset_to_dict(a, scope) for a in rows])

    def retrieve(self, request, *args, **kwargs):
        asset = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return Response(asset_to_dict(asset, self.scope()))

    def create(self, request, *args, **kwargs):
        serializer = AssetUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("product"):
            owner = Product.objects.filter(sku=data["product"]).first()
            field = "product"
        else:
            owner = ProductModel.objects.filter(code=data.get("product_model") or "").first()
            field = "product_model"
        if owner is None:
            raise Unprocessable(
                [
                    _error(
                        field, "unknown_code", _("Name an existing product (SKU) or product model.")
                    )
                ]
            )
        if not data.get("file") and not data.get("url"):
            raise Unprocessable([_error("file", "required", _("Send a file or a url."))])
        user = request.user if request.user.is_authenticated else None
        if user is not None and not user.has_perm("catalog.change_product"):
            raise exceptions.PermissionDenied(_("You may not edit this product."))
        upload = data.get("file")
        # Checked (decoded) before the transaction, so that the write lock is held briefly.
        try:
            checked = upload_check(name=upload.name, content=upload.read()) if upload else None
        except ValidationError as exc:
            raise ValidationError({"file": exc.error_list}) from None
        with transaction.atomic():
            asset = asset_create(
                owner=owner,
                role=data["role"],
                upload=upload,
                checked=checked,
                url=data.get("url", ""),
                language=data.get("language", ""),
                position=data.get("position", 0),
            )
            if isinstance(owner, Product):
                owner.version += 1
                owner.save(update_fields=["version", "updated_at"])
        return Response(asset_to_dict(asset, self.scope()), status=status.HTTP_201_CREATED)
