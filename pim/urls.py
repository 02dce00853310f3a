from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from engagement.api import RedemptionView
from engagement.views import scan
from pim.views import robots_txt
from publishing.media import media_urlpatterns
from publishing.web.sitemaps import SITEMAPS
from publishing.web.views import favicon, root, theme_css

admin.site.site_header = _("Product information")
admin.site.site_title = _("PIM")
admin.site.index_title = _("Catalog administration")

urlpatterns = [
    # The storefront and printed QR codes (not language-prefixed: a code carries its language).
    path("", root, name="root"),
    path("q/<path:code>", scan, name="scan"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("theme.css", theme_css, name="theme-css"),
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
# Under /api/ the API's JSON errors, elsewhere the storefront's pages (see pim.views).
handler404 = "pim.views.handler404"
handler500 = "pim.views.handler500"
# Media in production as in development (publishing/media.py: what is public, caching, ranges).
urlpatterns += media_urlpatterns()
