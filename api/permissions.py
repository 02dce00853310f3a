"""Reading needs a client token; writing needs the Django permission of the client's user."""

from django.utils.translation import gettext as _
from rest_framework import permissions

from api.models import ApiClient


def client_of(request) -> ApiClient:
    return request.auth


class IsApiClient(permissions.BasePermission):
    message = _("An API token is required.")

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiClient)


class ModelPermissionForWrites(permissions.BasePermission):
    """Safe methods for every client; others need ``catalog.<action>_<model>`` of its user."""

    actions = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        client = request.auth
        user = getattr(client, "user", None)
        if user is None or not user.is_active:
            self.message = _("This API token is read-only.")
            return False
        codename = f"catalog.{self.actions.get(request.method, 'change')}_{view.write_model}"
        if not user.has_perm(codename):
            self.message = _("This API token may not %(action)s %(model)s.") % {
                "action": self.actions.get(request.method, "change"),
                "model": view.write_model,
            }
            return False
        return True
