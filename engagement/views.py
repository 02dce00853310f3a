"""/q/<code>: record the scan and send the reader to the landing page of the printed piece."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import get_language_from_request, gettext_lazy
from django.views.decorators.http import require_safe

from catalog.languages import default_language, language_codes
from engagement import landing as landing_service
from engagement.services import (
    device_type,
    scan_from_token,
    scan_record,
    scan_target,
    scan_token,
    short_link_resolve,
)
from pim.security import client_ip
from publishing.web.pages import default_theme
from publishing.web.views import chrome

# Shown instead of a code; rendered in the page's language (the i18n URL prefix).
_CODE_NOTICES = {
    "no_scan": gettext_lazy(
        "Scan the code on the printed piece to get your personal discount code."
    ),
    "limited": gettext_lazy(
        "We have handed out many codes to your connection recently. Please try again later."
    ),
    "busy": gettext_lazy(
        "Your discount code could not be prepared just now. Please reload this page in a moment."
    ),
}


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _best_language(request: HttpRequest) -> str:
    locale = get_language_from_request(request, check_path=False)
    return locale if locale in language_codes() else default_language()


def link_problem(request: HttpRequest, *, status: int, locale: str, theme=None) -> HttpResponse:
    """A friendly page for an unknown or expired code, with ways to continue."""
    with translation.override(locale):
        title = (
            translation.gettext("This offer has ended")
            if status == 410
            else translation.gettext("We do not know this code")
        )
        context = chrome(theme=theme or default_theme(), urls={}, title=title)
        context["status"] = status
        response = render(request, "engagement/link_problem.html", context, status=status)
    return _no_store(response)


@require_safe
def scan(request: HttpRequest, code: str) -> HttpResponse:
    """Only this site's own pages can be targets: the URL is reversed from the stored link,
    and nothing from the request (``next=``, Referer, Host) is used to build it."""
    target = scan_target(code=code.removesuffix("/"))
    if target is None:
        return link_problem(request, status=404, locale=_best_language(request))
    if target.is_expired:
        return link_problem(request, status=410, locale=target.language)
    query = ""
    if request.method == "GET":  # HEAD (link previews, checkers) is not a scan
        scanned = scan_record(target=target, user_agent=request.headers.get("User-Agent", ""))
        query = "?" + urlencode({"s": scan_token(scan_uid=scanned.uid, code=target.code)})
    with translation.override(target.language):
        location = reverse("engagement:landing", kwargs={"code": target.code})
    return _no_store(HttpResponseRedirect(location + query))


@require_safe
def landing(request: HttpRequest, code: str) -> HttpResponse:
    """The printed piece's page: same theme, images and copy, in the piece's language."""
    resolved = short_link_resolve(code=code)
    locale = translation.get_language()
    if resolved.status != "ok":
        return link_problem(
            request, status=404 if resolved.status == "unknown" else 410, locale=locale
        )
    link = resolved.link
    page = landing_service.landing_page(link=link, locale=locale)
    outcome = None
    if page.offer is not None and page.offer_open:
        is_bot = device_type(request.headers.get("User-Agent", "")) == "bot"
        outcome = landing_service.code_for_scan(
            offer=page.offer,
            locale=locale,
            scan_uid=scan_from_token(request.GET.get("s", ""), code=link.code),
            client=client_ip(request) or "",
            # Link checkers and previews (HEAD, crawlers) never take a code.
            allow_new=not is_bot and request.method == "GET",
        )
    urls = {c: translate_url(request.path, c) for c in language_codes()}
    context = chrome(theme=page.theme, urls=urls, title=page.title)
    context.update(
        {
            "page": page,
            "discount": outcome.code if outcome else None,
            "discount_notice": _CODE_NOTICES.get(outcome.reason) if outcome else None,
            "product_link": reverse("web:home"),
        }
    )
    return _no_store(render(request, "engagement/landing.html", context))
