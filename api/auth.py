"""Bearer-token authentication for API clients."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api.services import api_client_for_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; request.auth is the ApiClient, request.user its user."""

    keyword = "bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode() not in (self.keyword, "token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            token = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Malformed token.")) from None
        client = api_client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token."))
        return (client.user or AnonymousUser(), client)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
