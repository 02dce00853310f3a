"""Site-wide answers that belong to no app: robots.txt and the error pages.

The error handlers choose by address: under /api/ the API's JSON error shape, elsewhere the
storefront's pages in the URL's language and the theme's brand.
"""

import logging
import sys

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_safe

from api.errors import api_not_found, error_body
from publishing.formatting import text_direction
from publishing.web import views as web_views

logger = logging.getLogger(__name__)

# Shown when even the error page cannot be rendered; plain, so it cannot fail.
_LAST_RESORT = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>500</title></head>"
    "<body><h1>Server error</h1></body></html>"
)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the storefront, not the admin, the API or the scan redirects (a crawled
    /q/ code would count as a scan)."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /q/",
        "",
        f"Sitemap: {settings.PIM_PUBLIC_BASE_URL.rstrip('/')}/sitemap.xml",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def handler404(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return web_views.not_found(request)


def handler500(request: HttpRequest) -> HttpResponse:
    """The 500 page. It must never fail itself and avoids the database, which may be the cause:
    the brand comes from the cache (remembered when a storefront page was built)."""
    try:
        if request.path.startswith("/api/"):
            message = translation.gettext("An unexpected error occurred on the server.")
            return JsonResponse(error_body(500, "server_error", message), status=500)
        return _server_error_page()
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(_LAST_RESORT)


def _server_error_page() -> HttpResponse:
    locale = translation.get_language() or settings.LANGUAGE_CODE
    brand = web_views.brand_snapshot()
    if brand is None and not isinstance(sys.exc_info()[1], DatabaseError):
        try:
            brand = _brand_from_database()
        except Exception:  # noqa: BLE001 - the page is shown without the brand then
            brand = None
    context = {
        "locale": locale,
        "direction": text_direction(locale),
        "theme": brand,
        "site_name": (brand or {}).get("names", {}).get(locale, "") or "PIM",
        "languages": [],
        "title": translation.gettext("Server error"),
        "noindex": True,
    }
    return HttpResponseServerError(render_to_string("500.html", context))


def _brand_from_database() -> dict | None:
    from publishing.web.pages import default_theme

    web_views.brand_remember(default_theme())
    return web_views.brand_snapshot()
