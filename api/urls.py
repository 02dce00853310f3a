"""/api/: the schema, its docs and version 1. Other apps add paths under /api/v1/ themselves
(see pim/urls.py), so nothing here catches unknown /api/v1/ addresses."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api.views.feeds import feed_view
from api.views.products import ProductModelViewSet, ProductViewSet
from api.views.structure import (
    AssetViewSet,
    AttributeViewSet,
    AudienceViewSet,
    CategoryViewSet,
    ChannelViewSet,
    FamilyViewSet,
)

app_name = "api"


class OptionalSlashRouter(SimpleRouter):
    """``/products`` and ``/products/`` both work (clients differ; no redirects for POSTs)."""

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"


router = OptionalSlashRouter()
router.register("products", ProductViewSet, basename="product")
router.register("product-models", ProductModelViewSet, basename="product-model")
router.register("categories", CategoryViewSet, basename="category")
router.register("families", FamilyViewSet, basename="family")
router.register("attributes", AttributeViewSet, basename="attribute")
router.register("assets", AssetViewSet, basename="asset")
router.register("channels", ChannelViewSet, basename="channel")
router.register("audiences", AudienceViewSet, basename="audience")

v1 = [
    *router.urls,
    path("feeds/merchant.xml", feed_view("merchant").as_view(), name="feed-merchant"),
    path("feeds/products.csv", feed_view("csv").as_view(), name="feed-csv"),
    path("feeds/products.jsonl", feed_view("jsonl").as_view(), name="feed-jsonl"),
]

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(
            url_name="api:schema", authentication_classes=[], permission_classes=[]
        ),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="api:schema", authentication_classes=[], permission_classes=[]
        ),
        name="redoc",
    ),
    path("v1/", include(v1)),
]
