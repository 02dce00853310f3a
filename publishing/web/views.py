"""Public product pages: parse the request, build the page from publishing, render, cache."""

import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from babel.core import get_global
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_from_request, get_language_info
from django.views.decorators.http import require_safe
from PIL import Image, UnidentifiedImageError

from catalog.languages import default_language, language_codes
from publishing.formatting import text_direction
from publishing.links import home_public_url, product_public_url
from publishing.web import pages
from publishing.web.services import (
    audience_by_code,
    content_version_get,
    reader_audience_code,
    web_channel,
)


class Reader:
    """Who is reading: language and audience (public, a signed audience link, a dealer)."""

    def __init__(self, request: HttpRequest):
        self.locale = translation.get_language()
        self.token = request.GET.get("audience", "")[:500]
        user = getattr(request, "user", None)
        self.audience_code = reader_audience_code(token=self.token, user=user)
        self.from_token = bool(self.token) and self.audience_code is not None
        self._audience = None

    @property
    def audience(self):
        if self._audience is None and self.audience_code:
            self._audience = audience_by_code(self.audience_code)
        return self._audience

    @property
    def link_query(self) -> str:
        """Carried on internal links so a technician link stays a technician view."""
        return "?" + urlencode({"audience": self.token}) if self.from_token else ""


def public_url(path: str) -> str:
    """Absolute URL on the configured public address (never the request's Host header); a URL
    that is already absolute (media in object storage or on a CDN) is kept as it is."""
    if "://" in path:
        return path
    return settings.PIM_PUBLIC_BASE_URL.rstrip("/") + path


def og_locale(code: str) -> str:
    likely = get_global("likely_subtags").get(code, code)
    parts = likely.split("_")
    territory = next((p for p in parts[1:] if p.isupper() and len(p) == 2), "")
    return f"{parts[0]}_{territory}" if territory else parts[0]


def _languages(channel, current: str, urls: dict[str, str]):
    """The language switcher: every web language, linking to this page where it exists."""
    result = []
    for code in language_codes():
        if channel is not None and code not in channel.locales:
            continue
        info = get_language_info(code)
        result.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": urls.get(code) or home_public_url(code),
                "is_current": code == current,
                "dir": text_direction(code),
            }
        )
    return result


def site_name(theme, locale: str) -> str:
    """The brand shown in the header, title and footer: the theme's name in this language."""
    if theme is None:
        return "PIM"
    # A brand is a name, not content: the default language's name stands in when this
    # language has none (never "PIM" for a themed site).
    return (
        getattr(theme, f"name_{locale}", None)
        or getattr(theme, f"name_{default_language()}", None)
        or theme.code
    )


BRAND_CACHE_KEY = "web:brand"


def brand_remember(theme) -> None:
    """Keep the default theme's name and colours in the cache, so that the 500 page can wear the
    brand without a database query (the database may be why it is shown)."""
    if theme is None or isinstance(theme, dict):
        return
    cache.set(
        BRAND_CACHE_KEY,
        {
            "names": {code: site_name(theme, code) for code in language_codes()},
            "primary_colour": theme.primary_colour,
            "accent_colour": theme.accent_colour,
            "text_colour": theme.text_colour,
            "background_colour": theme.background_colour,
        },
        None,
    )


def brand_snapshot() -> dict | None:
    """The remembered brand (a dict the page templates read like a theme), or None."""
    return cache.get(BRAND_CACHE_KEY)


def _chrome(reader: Reader, channel, theme, *, urls: dict[str, str], title: str, **extra):
    locale = reader.locale
    canonical = urls.get(locale, "")
    return {
        "locale": locale,
        "direction": text_direction(locale),
        "theme": theme,
        "site_name": site_name(theme, locale),
        "languages": _languages(channel, locale, urls),
        "alternates": [{"code": code, "url": public_url(url)} for code, url in urls.items() if url],
        "x_default": public_url(urls[default_language()]) if urls.get(default_language()) else "",
        "canonical": public_url(canonical) if canonical else "",
        "title": title,
        "link_query": reader.link_query,
        "audience_token": reader.token if reader.from_token else "",
        "audience_code": reader.audience_code,
        "noindex": reader.from_token,
        "og_locale": og_locale(locale),
        **extra,
    }


def not_found(request: HttpRequest, reader: Reader | None = None) -> HttpResponse:
    """The storefront's 404 in the reader's language and the default theme's brand."""
    locale = translation.get_language()
    theme = pages.default_theme()
    brand_remember(theme)
    context = {
        "locale": locale,
        "direction": text_direction(locale),
        "languages": _languages(web_channel(), locale, {}),
        "theme": theme,
        "site_name": site_name(theme, locale),
        "title": translation.gettext("Page not found"),
        "link_query": reader.link_query if reader else "",
        "noindex": True,
    }
    html = render_to_string("publishing/web/not_found.html", context, request=None)
    return HttpResponse(html, status=404)


def serve_cached(
    request: HttpRequest, reader: Reader, build: Callable[[], str | None]
) -> HttpResponse:
    """Render once per (content version, language, audience, URL); answer 304 when unchanged.

    ``build`` returns the page's HTML, or None for a page that does not exist (404, uncached).
    """
    version = content_version_get()
    parts = [
        str(version.value),
        reader.locale,
        reader.audience_code or "-",
        request.get_full_path(),
    ]
    key = "web:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    entry = cache.get(key)
    if entry is None:
        html = build()
        if html is None:
            return not_found(request, reader)
        body = html.encode()
        entry = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        cache.set(key, entry, getattr(settings, "PIM_WEB_CACHE_SECONDS", 3600))
    body, etag = entry
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(version.changed_at.timestamp())
    if reader.audience_code:
        response["Cache-Control"] = "private, max-age=0, must-revalidate"
        response["X-Robots-Tag"] = "noindex"
    else:
        response["Cache-Control"] = "max-age=0, must-revalidate"
    patch_vary_headers(response, ("Cookie",))
    return get_conditional_response(
        request, etag=etag, last_modified=int(version.changed_at.timestamp()), response=response
    )


def _filters(request: HttpRequest) -> dict[str, set[str]]:
    return {
        key[len(pages.FILTER_PREFIX) :]: set(request.GET.getlist(key))
        for key in request.GET
        if key.startswith(pages.FILTER_PREFIX)
    }


def _page_links(request: HttpRequest, page) -> dict:
    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return "?" + query.urlencode()

    return {
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }


def root(request: HttpRequest) -> HttpResponse:
    """``/``: the storefront in the visitor's language (the default one when unknown)."""
    locale = get_language_from_request(request, check_path=False)
    if locale not in language_codes():
        locale = default_language()
    response = HttpResponseRedirect(home_public_url(locale))
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    reader = Reader(request)

    def build():
        channel = web_channel()
        if channel is None:
            return None
        page = pages.home_page(channel=channel, locale=reader.locale, audience=reader.audience)
        if page is None:
            return None
        urls = {code: home_public_url(code) for code in channel.locales}
        theme = pages.default_theme()
        brand_remember(theme)
        context = _chrome(reader, channel, theme, urls=urls, title="", page=page)
        return render_to_string("publishing/web/home.html", context)

    return serve_cached(request, reader, build)


@require_safe
def product(request: HttpRequest, slug: str) -> HttpResponse:
    reader = Reader(request)

    def build():
        channel = web_channel()
        if channel is None:
            return None
        page = pages.product_page(
            channel=channel, locale=reader.locale, slug=slug, audience=reader.audience
        )
        if page is None:
            return None
        view = page.product
        urls = {
            code: product_public_url(code, view.slug_for(code))
            for code in page.available_locales
            if view.slug_for(code)
        }
        context = _chrome(
            reader,
            channel,
            page.theme,
            urls=urls,
            title=view.seo_title or view.name,
            page=page,
            product=view,
            description=view.seo_description or view.short_description,
            og_image=public_url(page.images[0].src) if page.images else "",
        )
        context["json_ld"] = product_json_ld(page, canonical=context["canonical"])
        return render_to_string("publishing/web/product.html", context)

    return serve_cached(request, reader, build)


def product_json_ld(page: pages.ProductPage, *, canonical: str) -> str:
    """schema.org Product, safe to embed in a <script> element."""
    view = page.product
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": view.name,
        "sku": view.sku,
        "description": view.seo_description or view.short_description or view.name,
        "url": canonical,
        "image": [public_url(image.src) for image in page.images if image.src],
    }
    if view.gtin:
        data["gtin"] = view.gtin
    if view.brand:
        data["brand"] = {"@type": "Brand", "name": view.brand}
    if view.price is not None:
        amount = view.price.sale_amount if view.price.sale_amount is not None else view.price.amount
        data["offers"] = {
            "@type": "Offer",
            "price": str(amount),
            "priceCurrency": view.price.currency,
            # The catalog holds no stock levels: an approved, published product is on sale.
            "availability": "https://schema.org/InStock",
            "url": canonical,
        }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return mark_safe(text)  # noqa: S308 - JSON with <, > and & escaped


@require_safe
def category(request: HttpRequest, code: str) -> HttpResponse:
    reader = Reader(request)

    def build():
        channel = web_channel()
        if channel is None:
            return None
        page = pages.category_page(
            channel=channel,
            locale=reader.locale,
            code=code,
            audience=reader.audience,
            filters=_filters(request),
            page_number=request.GET.get("page"),
        )
        if page is None:
            return None
        path = request.path
        urls = {c: translate_url(path, c) for c in channel.locales}
        context = _chrome(
            reader,
            channel,
            pages.default_theme(),
            urls=urls,
            title=page.category.name,
            page=page,
            **_page_links(request, page.page),
        )
        return render_to_string("publishing/web/category.html", context)

    return serve_cached(request, reader, build)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    reader = Reader(request)
    query = request.GET.get("q", "")

    def build():
        channel = web_channel()
        if channel is None:
            return None
        page = pages.search_page(
            channel=channel,
            locale=reader.locale,
            query=query,
            audience=reader.audience,
            filters=_filters(request),
            page_number=request.GET.get("page"),
        )
        if page is None:
            return None
        urls = {c: translate_url(request.path, c) for c in channel.locales}
        context = _chrome(
            reader,
            channel,
            pages.default_theme(),
            urls=urls,
            title=translation.gettext("Search"),
            page=page,
            query=query,
            **_page_links(request, page.page),
        )
        context["noindex"] = True
        return render_to_string("publishing/web/search.html", context)

    return serve_cached(request, reader, build)


class DealerLoginView(auth_views.LoginView):
    """Dealers log in to see dealer prices."""

    template_name = "publishing/web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("web:home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_login_chrome(self.request))
        return context


def _login_chrome(request: HttpRequest) -> dict:
    urls = {c: translate_url(request.path, c) for c in language_codes()}
    return chrome(theme=pages.default_theme(), urls=urls, title=translation.gettext("Dealer login"))


def dealer_login_locked_out(request: HttpRequest, message: str) -> HttpResponse:
    """The dealer login page again, saying why no password is checked for now (429)."""
    context = {**_login_chrome(request), "locked_out": message}
    html = render_to_string("publishing/web/login.html", context, request=request)
    return HttpResponse(html, status=429)


class DealerLogoutView(auth_views.LogoutView):
    def get_success_url(self):
        return reverse("web:home")


def chrome(*, theme, urls: dict[str, str], title: str, noindex: bool = True) -> dict:
    """The frame of a public page (language switcher, theme, direction) for other apps' pages,
    e.g. the QR landing pages."""
    locale = translation.get_language()
    return {
        "locale": locale,
        "direction": text_direction(locale),
        "theme": theme,
        "site_name": site_name(theme, locale),
        "languages": _languages(web_channel(), locale, urls),
        "title": title,
        "noindex": noindex,
        "link_query": "",
    }


# --- Theme stylesheet and favicon -------------------------------------------------------------

DEFAULT_COLOURS = "1a5fb4e661001c1c1cffffff"
_COLOURS = re.compile(r"[0-9a-fA-F]{24}")


@require_safe
def theme_css(request: HttpRequest) -> HttpResponse:
    """The theme's colours as CSS custom properties, from ``?c=<4 hex colours>``.

    A stylesheet instead of an inline <style>, so that the cached pages need no CSP nonce; the
    colours are in the address, so the answer needs no database and can be cached for good.
    """
    colours = request.GET.get("c", "")
    if not _COLOURS.fullmatch(colours):
        colours = DEFAULT_COLOURS
    primary, accent, text, background = (colours[i : i + 6] for i in range(0, 24, 6))
    css = f":root{{--primary:#{primary};--accent:#{accent};--text:#{text};--bg:#{background}}}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


FAVICON_CACHE_KEY = "web:favicon"
_FAVICON_MAX_BYTES = 512 * 1024
# Raster formats only: an SVG logo could carry script and would run in this site's origin.
_FAVICON_FORMATS = {
    "PNG": "image/png",
    "ICO": "image/x-icon",
    "GIF": "image/gif",
    "JPEG": "image/jpeg",
    "WEBP": "image/webp",
}


def _theme_logo_icon() -> tuple[bytes, str] | None:
    theme = pages.default_theme()
    if theme is None or not theme.logo:
        return None
    try:
        if default_storage.size(theme.logo.name) > _FAVICON_MAX_BYTES:
            return None
        with default_storage.open(theme.logo.name) as handle:
            body = handle.read()
        with Image.open(io.BytesIO(body)) as image:
            content_type = _FAVICON_FORMATS.get(image.format or "")
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    return (body, content_type) if content_type else None


def _bundled_icon() -> tuple[bytes, str]:
    return Path(finders.find("pim/favicon.png")).read_bytes(), "image/png"


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: the default theme's logo when it is a small raster image, else the
    bundled icon (browsers ask for it on every page, the admin and API docs included)."""
    icon = cache.get(FAVICON_CACHE_KEY)
    if icon is None:
        icon = _theme_logo_icon() or _bundled_icon()
        cache.set(FAVICON_CACHE_KEY, icon, 300)
    body, content_type = icon
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response
