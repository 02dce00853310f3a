"""Per-client rate limits (the client's own rate, or the site default)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiClientThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self) -> str:
        return settings.PIM_API_DEFAULT_RATE

    def allow_request(self, request, view) -> bool:
        client = getattr(request, "auth", None)
        if client is not None and getattr(client, "throttle_rate", ""):
            self.rate = client.throttle_rate
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        client = getattr(request, "auth", None)
        if client is None or not getattr(client, "pk", None):
            return None  # unauthenticated requests fail before they cost anything
        return f"throttle:api:{client.pk}"
