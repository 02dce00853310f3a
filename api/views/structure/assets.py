"""Assets with renditions; upload."""

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
from api.serializers import AssetSerializer, AssetUploadSerializer
from api.views.base import ApiViewMixin
from api.views.products import ERRORS, LOCALE_PARAM, _error
from catalog.languages import language_codes
from catalog.models import Asset, Product, ProductModel
from catalog.services.assets import asset_create, upload_check
from publishing.selection import publishable_products


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
