"""Login lockout answers (django-axes), the client address behind trusted proxies, and the
Content-Security-Policy middleware."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from publishing.web.views import dealer_login_locked_out


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return ngettext(
        "Too many failed login attempts for this user name. Try again in %(minutes)d minute, "
        "or ask an administrator to unlock the account.",
        "Too many failed login attempts for this user name. Try again in %(minutes)d minutes, "
        "or ask an administrator to unlock the account.",
        minutes,
    ) % {"minutes": minutes}


def login_locked_out(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' lockout answer: the login page again, saying why (429 Too Many Requests)."""
    message = lockout_message()
    if request.path.startswith("/admin/"):
        context = {**admin.site.each_context(request), "title": message, "message": message}
        response = TemplateResponse(request, "admin/locked_out.html", context, status=429)
        return response.render()
    return dealer_login_locked_out(request, message)


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address: the socket's, or the one our own proxies put in X-Forwarded-For
    (counted from the right, so a client cannot choose its address by sending the header)."""
    count = settings.PIM_TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


# Pages whose styles are generated inline and cannot carry a nonce; scripts stay nonce-only.
_INLINE_STYLE_PAGES = {
    # ReDoc builds its styles at run time and starts its search worker from a blob.
    "api:redoc": {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]},
    # The print preview is the HTML given to WeasyPrint, with the theme's page rules inline.
    "admin:publishing_publication_preview": {"style-src": [SELF, UNSAFE_INLINE]},
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with named exceptions for pages that need inline styles (an
    inline style cannot run code; scripts stay nonce-only everywhere)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        match = getattr(request, "resolver_match", None)
        extra = _INLINE_STYLE_PAGES.get(match.view_name) if match else None
        if extra and not report_only:
            parts.replace = {**(parts.replace or {}), **extra}
        return parts
