from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Product information")
admin.site.site_title = _("PIM")
admin.site.index_title = _("Catalog administration")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The REST API (schema, docs, /api/v1/...). Other apps mount their own /api/v1/ paths
    # next to this line; api.urls has no catch-all that would hide them.
    path("api/", include("api.urls")),
]
handler404 = "api.errors.handler404"
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
