"""Site-wide answers: robots.txt, favicon, theme stylesheet, and the error pages (the storefront's
in the URL's language and the theme's brand; the API's in its JSON shape)."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from publishing.models import Theme
from publishing.web.views import BRAND_CACHE_KEY
from tests.factories import image_upload


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lumora(db):
    return Theme.objects.create(
        code="lumora", name_en="Lumora", name_fa="لومورا", primary_colour="#0b5d1e", is_default=True
    )


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_api_and_scans(
    client, settings
):
    settings.PIM_PUBLIC_BASE_URL = "https://shop.example.com/"
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: https://shop.example.com/sitemap.xml" in lines
    for path in ("/admin/", "/api/", "/q/"):
        assert f"Disallow: {path}" in lines


def test_favicon_is_the_bundled_icon_without_a_theme_logo(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_favicon_is_the_default_themes_logo(client, lumora):
    logo = image_upload("logo.png")
    lumora.logo = SimpleUploadedFile("logo.png", logo.read(), content_type="image/png")
    lumora.save()
    response = client.get("/favicon.ico")
    lumora.logo.open()
    assert response.status_code == 200
    assert response.content == lumora.logo.read()


def test_an_svg_logo_is_never_served_as_the_favicon(client, lumora):
    """An SVG may carry script; served from this origin it would run as the site."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    lumora.logo = SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")
    lumora.save()
    response = client.get("/favicon.ico")
    assert response["Content-Type"] == "image/png"
    assert b"<script>" not in response.content


def test_theme_stylesheet_carries_the_colours_of_its_address(client):
    response = client.get("/theme.css?c=0b5d1eaabbcc112233ffeedd")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert "--primary:#0b5d1e" in css and "--accent:#aabbcc" in css
    assert "--text:#112233" in css and "--bg:#ffeedd" in css
    assert "immutable" in response["Cache-Control"]
    hostile = client.get("/theme.css?c=}body{background:url(//evil)}").content.decode()
    assert "evil" not in hostile and "--primary:#1a5fb4" in hostile


def test_unknown_storefront_address_is_a_localized_page_in_the_themes_brand(client, lumora):
    response = client.get("/fa/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in body
    assert "لومورا" in body and "PIM" not in body
    assert "/theme.css?c=0b5d1e" in body


def test_unknown_product_page_says_the_themes_brand_not_pim(client, lumora, web):
    """The theme has no Finnish name: the brand is its default-language name, never "PIM"."""
    body = client.get("/fi/p/nothing/").content.decode()
    assert '<html lang="fi"' in body
    assert "<title>" in body and "Lumora</title>" in body
    assert "PIM" not in body


def test_unknown_api_address_keeps_the_json_error(client, db):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "tests.pim.failing_urls"
    return Client(raise_request_exception=False)


def test_a_server_error_is_a_localized_page_in_the_brand_without_the_database(
    failing, lumora, django_assert_num_queries
):
    failing.get("/fa/no-such-page/")  # any storefront page remembers the brand
    with django_assert_num_queries(0):
        response = failing.get("/fa/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in body
    assert "لومورا" in body and "/theme.css?c=0b5d1e" in body


def test_a_server_error_caused_by_the_database_does_not_ask_the_database_again(
    failing, lumora, django_assert_num_queries
):
    cache.delete(BRAND_CACHE_KEY)
    with django_assert_num_queries(0):
        response = failing.get("/en/busy/")
    assert response.status_code == 500
    assert '<html lang="en"' in response.content.decode()


def test_an_api_server_error_is_json(failing, db):
    response = failing.get("/api/v1/boom")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"


def test_the_500_page_never_fails_itself(failing, lumora, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template engine down")

    monkeypatch.setattr("pim.views.render_to_string", broken)
    response = failing.get("/en/boom/")
    assert response.status_code == 500
    assert b"Server error" in response.content
