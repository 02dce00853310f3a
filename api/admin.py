from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api.models import ApiClient
from api.services import api_client_rotate_token


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "channel", "audience", "user", "is_active", "last_used_at")
    list_filter = ("channel", "is_active")
    fields = (
        "name",
        "channel",
        "audience",
        "user",
        "throttle_rate",
        "is_active",
        "token_prefix",
        "last_used_at",
    )
    readonly_fields = ("token_prefix", "last_used_at")
    actions = ["new_token"]

    def save_model(self, request, obj, form, change):
        new = obj.pk is None
        if new:
            obj.token_hash = "pending-" + str(id(obj))
        super().save_model(request, obj, form, change)
        if new:
            self._show_token(request, obj)

    @admin.action(description=_("Issue a new token (the old one stops working)"))
    def new_token(self, request, queryset):
        for client in queryset:
            self._show_token(request, client)

    def _show_token(self, request, client):
        token = api_client_rotate_token(client=client)
        self.message_user(
            request,
            _("Token for %(name)s (copy it now; it is not shown again): %(token)s")
            % {"name": client.name, "token": token},
            messages.WARNING,
        )
