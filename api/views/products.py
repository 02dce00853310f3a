"""Products and product models: channel-scoped reads, service-backed writes."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from api.errors import Unprocessable
from api.filters import ProductFilter, ProductModelFilter
from api.pagination import KeysetPagination
from api.representation import (
    product_model_to_dict,
    product_models_queryset,
    product_to_dict,
    products_queryset,
)
from api.serializers import (
    ErrorSerializer,
    PriceWriteSerializer,
    ProductModelSerializer,
    ProductSerializer,
    ProductWriteSerializer,
)
from api.views.base import ApiViewMixin, expected_version, version_etag
from catalog.languages import language_codes
from catalog.models import Audience, Category, Channel, Family, Product, ProductModel
from catalog.models.product import PRODUCT_TEXT_FIELDS
from catalog.services.permissions import ChannelScope
from catalog.services.prices import product_prices_set
from catalog.services.products import product_create, product_update
from catalog.services.status import product_set_status
from catalog.services.values import localized_texts_clean
from publishing.selection import products_in_channel, publishable_products

LOCALE_PARAM = OpenApiParameter(
    "locale",
    str,
    description=gettext_lazy(
        "Only these locales (comma-separated), e.g. fi; default: all of the channel's. "
        "Products must be complete in each."
    ),
)
# What expected_version() accepts: this API's ETag (weak or not) or a version number.
IF_MATCH = OpenApiParameter(
    "If-Match",
    {
        "type": "string",
        "pattern": r'^(\*|(W/)?"?([a-z]+[0-9]+-)?v[0-9]{1,18}(-[0-9a-f]+)?"?|"?[0-9]{1,18}"?)$',
    },
    OpenApiParameter.HEADER,
    description=gettext_lazy("The ETag you read (or its version number); 409 if stale."),
)
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 411, 413, 415, 422, 429), ErrorSerializer)


def _error(field, code, message, **where) -> dict:
    return {
        "field": field,
        "attribute": where.get("attribute"),
        "locale": where.get("locale"),
        "channel": where.get("channel"),
        "code": code,
        "message": message,
    }


@extend_schema_view(
    list=extend_schema(
        parameters=[LOCALE_PARAM],
        responses={200: ProductSerializer(many=True), **ERRORS},
        description=gettext_lazy(
            "Approved products complete for the client's channel, ordered by update time. "
            "Follow `next` until it is null; use `updated_since` for delta syncs."
        ),
    ),
    retrieve=extend_schema(parameters=[LOCALE_PARAM], responses={200: ProductSerializer, **ERRORS}),
    create=extend_schema(
        request=ProductWriteSerializer,
        responses={201: ProductSerializer, **ERRORS},
        description=gettext_lazy(
            "Creates a product in the client's channel (naming another channel is 422, code "
            "out_of_scope); prices only of the client's channel and audience."
        ),
    ),
    update=extend_schema(
        request=ProductWriteSerializer,
        responses={200: ProductSerializer, **ERRORS},
        parameters=[IF_MATCH],
        description=gettext_lazy(
            "Any product of the client's channel, drafts included (others are 404). "
            "Membership of other channels and prices of other channels or audiences cannot "
            "be changed (422, code out_of_scope)."
        ),
    ),
    partial_update=extend_schema(
        request=ProductWriteSerializer,
        responses={200: ProductSerializer, **ERRORS},
        parameters=[IF_MATCH],
        description=gettext_lazy(
            "Changes only the fields sent, with the same scope as PUT. A body that changes "
            "nothing writes nothing: no new version, no history entry."
        ),
    ),
)
class ProductViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_field = "sku"
    lookup_value_regex = "[^/]+"
    filterset_class = ProductFilter
    write_model = "product"
    serializer_class = ProductSerializer
    queryset = Product.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Product.objects.none()
        return publishable_products(channel=self.client.channel, locales=self.scope().locales)

    def list(self, request, *args, **kwargs):
        scope = self.scope()
        paginator = KeysetPagination(("updated_at", "id"))
        queryset = products_queryset(self.filter_queryset(self.get_queryset()), scope)
        rows = paginator.paginate_queryset(queryset, request, self)
        response = paginator.get_paginated_response([product_to_dict(p, scope) for p in rows])
        if rows:
            response.last_modified = max(p.updated_at for p in rows)
        return response

    def retrieve(self, request, *args, **kwargs):
        scope = self.scope()
        product = get_object_or_404(
            products_queryset(self.get_queryset(), scope), sku=kwargs["sku"]
        )
        return self._detail(product, status.HTTP_200_OK)

    def _detail(self, product, status_code):
        data = product_to_dict(product, self.scope())
        response = Response(
            data,
            status=status_code,
            headers={"ETag": version_etag("p", product.pk, product.version, data)},
        )
        response.last_modified = product.updated_at
        return response

    def create(self, request, *args, **kwargs):
        payload = self._payload(partial=False)
        if not payload.get("sku") or not payload.get("family"):
            raise Unprocessable(
                [
                    _error(name, "required", _("This field is required."))
                    for name in ("sku", "family")
                    if not payload.get(name)
                ]
            )
        if Product.objects.filter(sku=payload["sku"]).exists():
            raise Unprocessable(
                [_error("sku", "unique", _("A product with this SKU already exists."))]
            )
        resolved = self._resolve(payload)
        user = request.user if request.user.is_authenticated else None
        with transaction.atomic():
            product = product_create(
                sku=payload["sku"],
                family=resolved["family"],
                user=user,
                scope=self.write_scope(),
                texts=payload.get("texts") or {},
                values=payload.get("values") or {},
                categories=resolved.get("categories", []),
                channels=resolved.get("channels", [self.client.channel]),
                **{k: resolved[k] for k in ("gtin", "brand", "model") if k in resolved},
            )
            self._after_write(product, payload, resolved, user, replace_prices=False)
        return self._written(product, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        # The read scope's channel filter, without its status and completeness parts: a
        # writer edits drafts too, but a product of another channel is not found.
        product = get_object_or_404(
            products_in_channel(channel=self.client.channel).select_related("model"),
            sku=kwargs["sku"],
        )
        payload = self._payload(partial=partial)
        version = expected_version(request)
        resolved = self._resolve(payload)
        user = request.user if request.user.is_authenticated else None
        fields = {k: resolved[k] for k in ("gtin", "brand", "model", "family") if k in resolved}
        if "sku" in payload and payload["sku"] != product.sku:
            fields["sku"] = payload["sku"]
        texts = payload.get("texts") or {}
        values = payload.get("values")
        categories = resolved.get("categories")
        if not partial:
            # PUT replaces: what is not sent is cleared.
            texts = {
                name: {code: (texts.get(name) or {}).get(code, "") for code in language_codes()}
                for name in PRODUCT_TEXT_FIELDS
            }
            if values is None or isinstance(values, dict):
                values = dict.fromkeys(product.values) | (values or {})
            categories = categories if categories is not None else []
            fields.setdefault("gtin", None)
            fields.setdefault("brand", "")
            fields.setdefault("model", None)
        with transaction.atomic():
            product = product_update(
                product=product,
                user=user,
                scope=self.write_scope(),
                expected_version=version,
                texts=texts,
                values=values,
                categories=categories,
                channels=resolved.get("channels"),
                **fields,
            )
            self._after_write(product, payload, resolved, user, replace_prices=not partial)
        return self._written(product, status.HTTP_200_OK)

    def _after_write(self, product, payload, resolved, user, *, replace_prices):
        if "prices" in resolved:
            product_prices_set(
                product=product,
                prices=resolved["prices"],
                user=user,
                replace=replace_prices,
                scope=self.write_scope(),
            )
        if payload.get("status") and payload["status"] != product.status:
            product_set_status(product=product, status=payload["status"], user=user)

    def write_scope(self) -> ChannelScope:
        """What this client may write: its channel's products, its channel and audience's
        prices (checked by the write services)."""
        return ChannelScope(channel=self.client.channel, audience=self.client.audience)

    def _written(self, product, status_code):
        product = products_queryset(Product.objects.filter(pk=product.pk), self.scope()).get()
        response = self._detail(product, status_code)
        if status_code == status.HTTP_201_CREATED:
            response["Location"] = self.request.build_absolute_uri(
                f"{self.request.path.rstrip('/')}/{product.sku}"
            )
        return response

    def _payload(self, *, partial: bool) -> dict:
        serializer = ProductWriteSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if partial and "prices" in data:
            # PATCH leaves out whole fields, not the parts of a price (DRF's partial would).
            prices = PriceWriteSerializer(data=self.request.data["prices"], many=True)
            prices.is_valid(raise_exception=True)
            data["prices"] = prices.validated_data
        # JSONFields pass through: the services check their shapes, the same rules as for
        # the admin and imports (texts here already, as PUT fills in what is not sent).
        if "texts" in self.request.data:
            data["texts"] = localized_texts_clean(
                texts=self.request.data["texts"], fields=PRODUCT_TEXT_FIELDS
            )
        if "values" in self.request.data:
            data["values"] = self.request.data["values"]
        return data

    def _resolve(self, payload: dict) -> dict:
        """Codes in the body -> objects; unknown codes are validation errors."""
        errors, out = [], {}

        def lookup(model, code, field):
            obj = model.objects.filter(code=code).first()
            if obj is None:
                errors.append(
                    _error(field, "unknown_code", _("Unknown code “%(code)s”.") % {"code": code})
                )
            return obj

        if payload.get("family"):
            out["family"] = lookup(Family, payload["family"], "family")
        if "parent" in payload:
            out["model"] = (
                lookup(ProductModel, payload["parent"], "parent") if payload["parent"] else None
            )
        if "gtin" in payload:
            out["gtin"] = payload["gtin"] or None
        if "brand" in payload:
            out["brand"] = payload["brand"]
        if "categories" in payload:
            found = {c.code: c for c in Category.objects.filter(code__in=payload["categories"])}
            for code in payload["categories"]:
                if code not in found:
                    errors.append(
                        _error(
                            "categories",
                            "unknown_code",
                            _("Unknown category “%(code)s”.") % {"code": code},
                        )
                    )
            out["categories"] = list(found.values())
        if "channels" in payload:
            found = {c.code: c for c in Channel.objects.filter(code__in=payload["channels"])}
            for code in payload["channels"]:
                if code not in found:
                    errors.append(
                        _error(
                            "channels",
                            "unknown_code",
                            _("Unknown channel “%(code)s”.") % {"code": code},
                            channel=code,
                        )
                    )
            out["channels"] = list(found.values())
        if "prices" in payload:
            prices = []
            for item in payload["prices"]:
                channel = (
                    lookup(Channel, item["channel"], "prices")
                    if item.get("channel")
                    else self.client.channel
                )
                audience = (
                    lookup(Audience, item["audience"], "prices") if item.get("audience") else None
                )
                if channel is None:
                    continue
                prices.append(
                    {
                        "channel": channel,
                        "currency": item.get("currency") or channel.currency,
                        "audience": audience,
                        "amount": item.get("amount"),
                        "sale_amount": item.get("sale_amount"),
                    }
                )
            out["prices"] = prices
        if errors:
            raise Unprocessable(errors)
        return out


@extend_schema_view(
    list=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: ProductModelSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(
        parameters=[LOCALE_PARAM], responses={200: ProductModelSerializer, **ERRORS}
    ),
)
class ProductModelViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Product models with at least one variant the client may see."""

    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_class = ProductModelFilter
    serializer_class = ProductModelSerializer
    queryset = ProductModel.objects.none()

    def visible_variants(self):
        return publishable_products(channel=self.client.channel, locales=self.scope().locales)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProductModel.objects.none()
        return ProductModel.objects.filter(
            pk__in=self.visible_variants().filter(model__isnull=False).values("model_id")
        )

    def _variants(self, models) -> dict[int, list[str]]:
        grouped: dict[int, list[str]] = {}
        for model_id, sku in (
            self.visible_variants()
            .filter(model_id__in=[m.pk for m in models])
            .order_by("sku")
            .values_list("model_id", "sku")
        ):
            grouped.setdefault(model_id, []).append(sku)
        return grouped

    def list(self, request, *args, **kwargs):
        scope = self.scope()
        paginator = KeysetPagination(("updated_at", "id"))
        queryset = product_models_queryset(self.filter_queryset(self.get_queryset()), scope)
        rows = paginator.paginate_queryset(queryset, request, self)
        variants = self._variants(rows)
        return paginator.get_paginated_response(
            [product_model_to_dict(m, scope, variants.get(m.pk, [])) for m in rows]
        )

    def retrieve(self, request, *args, **kwargs):
        scope = self.scope()
        model = get_object_or_404(
            product_models_queryset(self.get_queryset(), scope), code=kwargs["code"]
        )
        response = Response(
            product_model_to_dict(model, scope, self._variants([model]).get(model.pk, []))
        )
        response.last_modified = model.updated_at
        return response
