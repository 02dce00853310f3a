"""Login lockout (django-axes), the Content-Security-Policy header on every kind of page, and
the client address behind proxies."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory

from api.services import api_client_create
from pim.security import client_ip
from tests.factories import make_user


def _login(client: Client, path: str, username: str, password: str):
    return client.post(path, {"username": username, "password": password})


@pytest.fixture
def boss(db):
    return make_user("boss", superuser=True)  # password "pw"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/login/", "Too many failed login attempts"),
        ("/fi/account/login/", "liian monta epäonnistunutta kirjautumisyritystä"),
    ],
)
def test_wrong_passwords_lock_the_login_even_for_the_right_one(settings, boss, path, expected):
    """The lockout message is in the page's language (the dealer login is Finnish here)."""
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        assert _login(client, path, "boss", "wrong").status_code == 200
    assert _login(client, path, "boss", "wrong").status_code == 429  # the third locks
    response = _login(client, path, "boss", "pw")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert expected in body and "15" in body


def test_the_dealer_lockout_page_is_in_the_urls_language_and_the_storefront_look(settings, boss):
    settings.AXES_FAILURE_LIMIT = 1
    client = Client()
    _login(client, "/fa/account/login/", "boss", "wrong")
    response = _login(client, "/fa/account/login/", "boss", "pw")
    assert response.status_code == 429
    body = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in body and 'role="alert"' in body


def test_the_lockout_is_per_user_name_and_address(settings, boss):
    settings.AXES_FAILURE_LIMIT = 2
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        _login(attacker, "/admin/login/", "boss", "wrong")
    assert _login(attacker, "/admin/login/", "boss", "pw").status_code == 429
    # The same person from the office, and another user from the attacker's address, get in.
    office = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(office, "/admin/login/", "boss", "pw").status_code == 302
    make_user("editor", superuser=True)
    assert _login(attacker, "/admin/login/", "editor", "pw").status_code == 302


def test_an_administrator_unlocks_a_user_with_the_reset_command(settings, boss):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(2):
        _login(client, "/admin/login/", "boss", "wrong")
    assert _login(client, "/admin/login/", "boss", "pw").status_code == 429
    call_command("axes_reset_username", "boss")
    assert _login(client, "/admin/login/", "boss", "pw").status_code == 302


def test_a_successful_login_forgets_earlier_mistakes(settings, boss):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        _login(client, "/admin/login/", "boss", "wrong")
    assert _login(client, "/admin/login/", "boss", "pw").status_code == 302
    client.logout()
    for _ in range(2):
        _login(client, "/admin/login/", "boss", "wrong")
    assert _login(client, "/admin/login/", "boss", "pw").status_code == 302


def test_api_tokens_are_not_subject_to_the_login_lockout(settings, boss, web):
    settings.AXES_FAILURE_LIMIT = 1
    _client, token = api_client_create(name="Shop", channel=web)
    api = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(3):
        bad = api.get("/api/v1/channels", HTTP_AUTHORIZATION="Bearer nope")
        assert bad.status_code == 401
    assert api.get("/api/v1/channels", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_client_address_comes_from_our_proxies_only(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.PIM_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.PIM_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw, not what the client wrote


# --- Content-Security-Policy ------------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def _assert_strict(response):
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    return policy


def test_storefront_landing_admin_and_api_docs_send_a_strict_policy(client, boss, brochure):
    product = brochure["product"]
    for url in (
        "/en/",
        f"/en/p/{product.slug_en}/",
        f"/fi/l/{brochure['link'].code}/",
        "/en/account/login/",
        "/en/no-such-page/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        _assert_strict(response)
        # Cached storefront pages carry no inline script or style that would need a nonce.
        assert "<style" not in response.content.decode()
        assert not re.search(r"<script(?![^>]*application/ld\+json)", response.content.decode())
    docs = client.get("/api/docs/")
    policy = _assert_strict(docs)
    nonce = next(s for s in policy["script-src"] if s.startswith("'nonce-"))[7:-1]
    assert f'<script nonce="{nonce}">' in docs.content.decode()
    client.force_login(boss)
    admin_page = client.get(f"/admin/catalog/product/{product.pk}/change/")
    assert admin_page.status_code == 200
    _assert_strict(admin_page)


def test_each_response_has_its_own_nonce(client, db):
    first = _policy(client.get("/api/docs/"))["script-src"]
    second = _policy(client.get("/api/docs/"))["script-src"]
    assert first != second


def test_pages_with_generated_inline_styles_allow_inline_styles_but_never_inline_script(
    client, boss, brochure
):
    """ReDoc and the print preview (the HTML WeasyPrint lays out) style themselves inline."""
    redoc = _policy(client.get("/api/redoc/"))
    assert "'unsafe-inline'" in redoc["style-src"] and "blob:" in redoc["worker-src"]
    assert "'unsafe-inline'" not in redoc["script-src"]
    client.force_login(boss)
    url = f"/admin/publishing/publication/{brochure['publication'].pk}/preview/"
    preview = client.get(url)
    assert preview.status_code == 200
    policy = _assert_strict(preview)
    assert "'unsafe-inline'" in policy["style-src"]
    # Everywhere else inline styles need the nonce.
    assert "'unsafe-inline'" not in _policy(client.get("/admin/"))["style-src"]
