import pytest
from rest_framework.test import APIClient

from api.services import api_client_create
from tests.factories import make_user
from tests.publishing.conftest import ALL, audiences, publish  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    from django.core.cache import cache, caches

    cache.clear()
    # Throttle counters live in the shared cache, keyed by client id (ids repeat across tests).
    caches["shared"].clear()


def bearer(token: str) -> APIClient:
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return http


@pytest.fixture
def shop(web):
    """A read-only shop client of the web channel."""
    client, token = api_client_create(name="Shop", channel=web)
    return bearer(token)


@pytest.fixture
def editor_api(web):
    """An editor's token: may write products, prices, categories and assets."""
    user = make_user("api-editor", role="publisher")
    client, token = api_client_create(name="ERP", channel=web, user=user)
    return bearer(token)
