"""API clients: creating them (the token is shown once) and recognising their tokens."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from api.models import ApiClient

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    # Tokens are long random strings, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_client_create(
    *,
    name: str,
    channel,
    audience=None,
    user=None,
    throttle_rate: str = "",
    token: str | None = None,
) -> tuple[ApiClient, str]:
    """Create a client and return it with its token; only the token's hash is stored.

    ``token`` is for the demo's well-known tokens; real clients always get a random one.
    """
    token = token or "pim_" + secrets.token_urlsafe(TOKEN_BYTES)
    client = ApiClient(
        name=name,
        channel=channel,
        audience=audience,
        user=user,
        throttle_rate=throttle_rate,
        token_prefix=token[:12],
        token_hash=token_hash(token),
    )
    client.full_clean()
    client.save()
    return client, token


def api_client_rotate_token(*, client: ApiClient) -> str:
    token = "pim_" + secrets.token_urlsafe(TOKEN_BYTES)
    client.token_prefix = token[:12]
    client.token_hash = token_hash(token)
    client.save(update_fields=["token_prefix", "token_hash"])
    return token


def api_client_for_token(token: str) -> ApiClient | None:
    client = (
        ApiClient.objects.select_related("channel", "audience", "user")
        .filter(token_hash=token_hash(token), is_active=True)
        .first()
    )
    if client is not None and (
        client.last_used_at is None or timezone.now() - client.last_used_at > _TOUCH_EVERY
    ):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


_TOUCH_EVERY = datetime.timedelta(minutes=5)
