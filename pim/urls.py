from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from engagement.api import RedemptionView
from engagement.views import scan
from publishing.media import media_urlpatterns
from publishing.web.sitemaps import SITEMAPS
from publishing.web.views import root

admin.site.site_header = _("Product information")
admin.site.site_title = _("PIM")
admin.site.index_title = _("Catalog administration")

urlpatterns = [
    # The storefront and printed QR codes (not language-prefixed: a code carries its language).
    path("", root, name="root"),
    path("q/<path:code>", scan, name="scan"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/v1/redemptions", RedemptionView.as_view(), name="redemptions"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The REST API (schema, docs, /api/v1/...). Other apps mount their own /api/v1/ paths
    # next to this line; api.urls has no catch-all that would hide them.
    path("api/", include("api.urls")),
]
# Public pages per language: /en/…, /fa/…
urlpatterns += i18n_patterns(
    path("", include("publishing.web.urls")),
    path("", include("engagement.urls")),
)
handler404 = "api.errors.handler404"
# Media in production as in development (publishing/media.py: what is public, caching, ranges).
urlpatterns += media_urlpatterns()
