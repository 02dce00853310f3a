"""Printed codes: a scan is recorded and leads to the piece's landing page, nowhere else."""

import datetime

import pytest
from django.utils import timezone

from engagement.models import DiscountCode, ScanEvent
from engagement.services import device_type
from publishing.models import ShortLink

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def test_a_scan_is_recorded_and_redirects_to_the_landing_page_in_the_pieces_language(
    client, brochure
):
    link = brochure["link"]
    response = client.get(f"/q/{link.code}", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/fi/l/{link.code}/?s=")
    assert "no-store" in response["Cache-Control"]
    scan = ScanEvent.objects.get()
    assert scan.code == link.code
    assert scan.campaign == brochure["campaign"]
    assert scan.publication == brochure["publication"]
    assert scan.channel.code == "print"
    assert scan.language == "fi"
    assert scan.device == "mobile"
    # No personal data: the model has nowhere to put an address or a user agent.
    names = {f.name for f in ScanEvent._meta.get_fields()}
    assert not names & {"ip", "ip_address", "user_agent", "user", "session"}


def test_head_requests_are_not_counted_as_scans(client, brochure):
    assert client.head(f"/q/{brochure['link'].code}").status_code == 302
    assert not ScanEvent.objects.exists()


@pytest.mark.parametrize(
    "user_agent, expected",
    [
        (PHONE, "mobile"),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", "tablet"),
        ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Safari/537.36", "tablet"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36", "mobile"),
        ("Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0", "desktop"),
        ("Googlebot/2.1 (+http://www.google.com/bot.html)", "bot"),
        ("", "bot"),
    ],
)
def test_device_type_is_coarse(user_agent, expected):
    assert device_type(user_agent) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/q/unknown1",
        "/q/%2F%2Fevil.example",
        "/q/..%2F..%2Fadmin",
        "/q/https:evil.example",
        "/q/" + "a" * 40,
        "/q/%E2%80%AEabc",
    ],
)
def test_unknown_codes_get_a_friendly_page_in_the_best_language(client, web, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fa,en;q=0.5")
    assert response.status_code == 404
    assert "Location" not in response
    assert b'<html lang="fa" dir="rtl">' in response.content
    assert b'href="/fa/"' in response.content  # a way to continue
    assert not ScanEvent.objects.exists()


def test_expired_codes_get_410_in_the_links_language(client, brochure):
    link = brochure["link"]
    ShortLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = client.get(f"/q/{link.code}")
    assert response.status_code == 410
    assert b'<html lang="fi" dir="ltr">' in response.content


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example/",
        "?next=//evil.example",
        "?redirect=https://evil.example&url=//evil.example",
    ],
)
def test_no_open_redirect(client, brochure, query):
    """Whatever is added to the URL, the target is this site's landing page."""
    code = brochure["link"].code
    response = client.get(f"/q/{code}{query}", HTTP_HOST="127.0.0.1", HTTP_REFERER="https://x/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"/fi/l/{code}/?s=")
    assert "evil" not in location


def test_landing_page_looks_like_the_piece_and_hands_out_one_code_per_scan(client, brochure):
    client.defaults["HTTP_USER_AGENT"] = PHONE
    link = brochure["link"]
    target = client.get(f"/q/{link.code}", HTTP_USER_AGENT=PHONE)["Location"]
    landing = client.get(target)
    body = landing.content.decode()
    assert landing.status_code == 200
    assert '<html lang="fi" dir="ltr">' in body
    assert "/theme.css?c=0b5d1e" in body  # the brochure's theme (colours in the stylesheet URL)
    assert "Kevätale" in body and "Valoa kevääseen" in body and "15 % alennus" in body
    assert "LAMP-1 fi" in body
    assert "private" in landing["Cache-Control"] and "no-store" in landing["Cache-Control"]
    code = DiscountCode.objects.get()
    assert code.code.startswith("KEVAT-") and code.code in body
    assert code.scan == ScanEvent.objects.get()  # the journey starts at this scan
    # Reloading the page, or opening its URL elsewhere (no cookies), shows the same code.
    for _ in range(3):
        assert code.code in client.get(target).content.decode()
    assert code.code in client_class_get(target)
    assert DiscountCode.objects.count() == 1
    # Another scan gets another code.
    second = client.get(f"/q/{link.code}", HTTP_USER_AGENT=PHONE)["Location"]
    other = client_class_get(second)
    assert DiscountCode.objects.count() == 2 and code.code not in other


def test_a_landing_page_reached_without_a_scan_hands_out_nothing(client, brochure):
    """Fifty cookie-less visits without a signed scan issue no code at all."""
    for _ in range(50):
        body = client_class_get(f"/fi/l/{brochure['link'].code}/")
    assert not DiscountCode.objects.exists()
    assert 'data-testid="discount-notice"' in body
    assert "15 % alennus" in body  # the offer itself is still shown


def client_class_get(url):
    from django.test import Client

    return Client().get(url, HTTP_USER_AGENT=PHONE).content.decode()


def _scanned(client, brochure) -> str:
    return client.get(f"/q/{brochure['link'].code}", HTTP_USER_AGENT=PHONE)["Location"]


def test_bots_get_no_code(client, brochure):
    target = _scanned(client, brochure)
    client.get(target, HTTP_USER_AGENT="facebookexternalhit/1.1")
    assert not DiscountCode.objects.exists()


def test_head_requests_of_a_landing_page_issue_no_code(client, brochure):
    target = _scanned(client, brochure)
    assert client.head(target, HTTP_USER_AGENT=PHONE).status_code == 200
    assert not DiscountCode.objects.exists()
    assert "KEVAT-" in client.get(target, HTTP_USER_AGENT=PHONE).content.decode()


@pytest.mark.parametrize(
    "token",
    ["1:forged", "abc", "", "ImZvcmdlZC9URVNUIg:1tX:bad"],
)
def test_a_tampered_scan_token_issues_nothing(client, brochure, token):
    """A forged, broken or empty scan reference neither fails the page nor issues a code."""
    response = client.get(f"/fi/l/{brochure['link'].code}/?s={token}", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 200
    assert not DiscountCode.objects.exists()


def test_a_scan_token_is_bound_to_its_code(client, brochure, print_channel):
    """A token minted for one printed code issues nothing on another code's page."""
    from publishing.services import short_link_get_or_create

    target = _scanned(client, brochure)
    token = target.split("?s=", 1)[1]
    other = short_link_get_or_create(
        locale="fi", campaign=brochure["campaign"], channel=print_channel
    )
    assert other.code != brochure["link"].code
    client.get(f"/fi/l/{other.code}/?s={token}", HTTP_USER_AGENT=PHONE)
    assert not DiscountCode.objects.exists()


def test_an_expired_scan_token_issues_nothing(client, brochure, monkeypatch):
    from engagement import services

    target = _scanned(client, brochure)
    monkeypatch.setattr(services, "SCAN_TOKEN_MAX_AGE", -1)
    client.get(target, HTTP_USER_AGENT=PHONE)
    assert not DiscountCode.objects.exists()


def test_codes_are_rate_limited_per_client_address(client, brochure, settings):
    """Past its hourly share an address gets the page without a new code; another address
    still gets one, and a code already issued is still shown."""
    settings.PIM_LANDING_CODES_PER_HOUR = 3
    first = _scanned(client, brochure)
    first_code = None
    for _ in range(5):
        target = _scanned(client, brochure)
        body = client.get(target, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=PHONE)
        body = body.content.decode()
        if first_code is None:
            first_code = DiscountCode.objects.get().code
            first_target = target
    assert DiscountCode.objects.count() == 3
    assert 'data-testid="discount-notice"' in body
    again = client.get(first_target, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=PHONE)
    assert first_code in again.content.decode()
    client.get(first, REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT=PHONE)
    assert DiscountCode.objects.count() == 4


def test_closed_offer_hands_out_nothing(client, brochure):
    offer = brochure["offer"]
    offer.valid_until = timezone.now() - datetime.timedelta(minutes=1)
    offer.save()
    body = client.get(_scanned(client, brochure), HTTP_USER_AGENT=PHONE).content
    assert not DiscountCode.objects.exists()
    assert b"Kev\xc3\xa4tale" in body


def test_product_link_landing_links_to_the_product_page(client, brochure, print_channel):
    from publishing.services import short_link_get_or_create

    product = brochure["product"]
    link = short_link_get_or_create(locale="fa", product=product, channel=print_channel)
    target = client.get(f"/q/{link.code}")["Location"]
    assert target.startswith(f"/fa/l/{link.code}/")
    body = client.get(target).content.decode()
    assert '<html lang="fa" dir="rtl">' in body
    assert f'href="/fa/p/{product.slug_fa}/"' in body


def test_behind_a_trusted_proxy_the_forwarded_address_is_rate_limited(client, brochure, settings):
    """With one trusted proxy the limit follows the address it saw, not the proxy's own, and a
    forged address further left changes nothing."""
    settings.PIM_LANDING_CODES_PER_HOUR = 1
    settings.PIM_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_USER_AGENT": PHONE}
    client.get(_scanned(client, brochure), HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    client.get(_scanned(client, brochure), HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", **proxy)
    assert DiscountCode.objects.count() == 1
    client.get(_scanned(client, brochure), HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)
    assert DiscountCode.objects.count() == 2
