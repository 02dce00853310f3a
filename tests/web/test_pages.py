"""Public product pages: every language, nothing unpublished, audiences, caching, SEO."""

import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from catalog.models import Price, ProductModel
from catalog.services.assets import asset_create
from catalog.services.products import product_update
from catalog.services.status import product_set_status
from publishing.links import product_public_url
from publishing.web.services import audience_token
from tests.factories import image_upload, make_attribute, make_category, make_user, value

ALL = ("en", "tr", "fi", "az", "fa")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def html_attrs(content: bytes) -> dict:
    match = re.search(rb'<html lang="([^"]+)" dir="([^"]+)">', content)
    return {"lang": match.group(1).decode(), "dir": match.group(2).decode()}


def json_ld(content: bytes) -> dict:
    match = re.search(rb'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    return json.loads(match.group(1))


def test_root_redirects_to_the_storefront_in_the_default_language(client, web):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fi").headers["Location"] == "/fi/"


@pytest.mark.parametrize("locale", ALL)
def test_every_page_is_served_in_every_language(client, publish, web, locale):
    """Home, product, category and search pages exist per language; Persian is right-to-left."""
    shelf = make_category("shelf")
    product = publish("LAMP-1")
    product.categories.add(shelf)
    slug = getattr(product, f"slug_{locale}")
    for url in (
        f"/{locale}/",
        product_public_url(locale, slug),
        f"/{locale}/c/shelf/",
        f"/{locale}/search/?q=LAMP",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert html_attrs(response.content) == {
            "lang": locale,
            "dir": "rtl" if locale == "fa" else "ltr",
        }
        assert f"LAMP-1 {locale}".encode() in response.content, url


def test_product_page_has_translated_slugs_alternates_and_a_language_switcher(client, publish):
    product = publish("LAMP-1")
    response = client.get(f"/fi/p/{product.slug_fi}/")
    body = response.content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8000/fi/p/{product.slug_fi}/">' in body
    for code in ALL:
        slug = getattr(product, f"slug_{code}")
        assert f'hreflang="{code}" href="http://127.0.0.1:8000/{code}/p/{slug}/"' in body
        assert f'<a href="/{code}/p/{slug}/" hreflang="{code}" lang="{code}"' in body
    # The Finnish slug does not open the page in English.
    assert client.get(f"/en/p/{product.slug_fi}/").status_code == 404


def test_json_ld_and_open_graph_describe_the_product(
    client, publish, web, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the renditions get built
        product = publish("LAMP-1", gtin="4006381333931", brand="Acme")
    response = client.get(f"/en/p/{product.slug_en}/")
    data = json_ld(response.content)
    assert data["@type"] == "Product"
    assert data["name"] == "LAMP-1 en" and data["sku"] == "LAMP-1"
    assert data["gtin"] == "4006381333931"
    assert data["brand"] == {"@type": "Brand", "name": "Acme"}
    assert data["image"][0].startswith("http://127.0.0.1:8000/media/renditions/")
    assert data["offers"]["price"] == "1234.50"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    body = response.content.decode()
    assert '<meta property="og:title" content="LAMP-1 en">' in body
    assert '<meta property="og:type" content="product">' in body
    assert (
        '<meta property="og:locale" content="fa_IR">'
        in client.get(f"/fa/p/{product.slug_fa}/").content.decode()
    )


def test_json_ld_cannot_break_out_of_its_script_element(client, publish):
    product = publish("LAMP-1", names=dict.fromkeys(ALL, "</script><script>alert(1)</script>"))
    response = client.get(f"/en/p/{product.slug_en}/")
    assert b"<script>alert(1)" not in response.content
    assert json_ld(response.content)["name"] == "</script><script>alert(1)</script>"


def test_prices_are_formatted_for_the_page_locale(client, publish):
    product = publish("LAMP-1")
    assert "1\u00a0234,50\u00a0€" in client.get(f"/fi/p/{product.slug_fi}/").content.decode()
    assert "۱٬۲۳۴٫۵۰" in client.get(f"/fa/p/{product.slug_fa}/").content.decode()


@pytest.mark.parametrize("status", ["draft", "in_review", "retired"])
def test_unapproved_products_are_never_shown(client, publish, status):
    """Draft, in review and retired products are 404 and appear in no list."""
    lamps = make_category("lamps")
    product = publish("LAMP-1", approve=False)
    if status != "draft":
        product_set_status(product=product, status="in_review")
    if status == "retired":
        product_set_status(product=product, status="approved")
        product_set_status(product=product, status="retired")
    product.categories.add(lamps)
    assert client.get(f"/en/p/{product.slug_en}/").status_code == 404
    for url in ("/en/", "/en/c/lamps/", "/en/search/?q=LAMP", "/sitemap.xml"):
        assert b"LAMP-1 en" not in client.get(url).content, url
        assert b"lamp-1-en" not in client.get(url).content, url


def test_a_product_incomplete_in_a_language_is_404_there_and_missing_from_lists(client, publish):
    product = publish("LAMP-1", locales=("en", "fi"))
    assert client.get(f"/en/p/{product.slug_en}/").status_code == 200
    assert b'class="card"' not in client.get("/fa/search/?q=LAMP").content
    assert b'class="card"' in client.get("/fi/search/?q=LAMP").content
    body = client.get(f"/en/p/{product.slug_en}/").content.decode()
    assert 'hreflang="fa"' not in body.split("</head>")[0]


def test_unknown_product_is_a_friendly_404(client, web):
    response = client.get("/fa/p/nothing-here/")
    assert response.status_code == 404
    assert b'dir="rtl"' in response.content


def test_audiences_see_their_own_content(client, publish, audiences, lamp_family, web):
    """Public: end-customer content; a signed technician link adds drawings and technical
    attributes; a logged-in dealer sees the dealer price; a forged link is the public view."""
    voltage = make_attribute("voltage", "integer", unit="V", is_technical=True)
    voltage.audiences.set([audiences["technician"]])
    lamp_family.family_attributes.create(attribute=voltage, position=9)
    product = publish("LAMP-1", extra_values={"voltage": value(230)})
    drawing = asset_create(
        owner=product,
        role="drawing",
        upload=image_upload("d.png", color=(1, 2, 3)),
        texts={"alt_text": {"en": "Dimension drawing"}},
    )
    drawing.audiences.set([audiences["technician"]])
    Price.objects.create(
        product=product, channel=web, currency="EUR", amount="900", audience=audiences["dealer"]
    )
    url = f"/en/p/{product.slug_en}/"
    public = client.get(url).content.decode()
    assert "Dimension drawing" not in public and "Voltage" not in public
    assert "€1,234.50" in public and "€900.00" not in public

    token = audience_token(audience_code="technician")
    technician = client.get(url, {"audience": token})
    assert "Dimension drawing" in technician.content.decode()
    assert "Voltage" in technician.content.decode()
    assert technician["X-Robots-Tag"] == "noindex"
    assert technician["Cache-Control"].startswith("private")

    forged = client.get(url, {"audience": "technician"}).content.decode()
    assert "Dimension drawing" not in forged

    dealer = make_user("shop")
    dealer.groups.add(Group.objects.get_or_create(name="dealer")[0])
    client.force_login(dealer)
    assert "€900.00" in client.get(url).content.decode()


def test_pages_are_cached_and_invalidated_when_the_product_changes(
    client, publish, web, django_assert_max_num_queries
):
    product = publish("LAMP-1")
    url = f"/en/p/{product.slug_en}/"
    first = client.get(url)
    with django_assert_max_num_queries(1):  # the content version only
        again = client.get(url)
    assert again.content == first.content
    product_update(product=product, texts={"name": {"en": "Brighter lamp"}})
    assert b"Brighter lamp" in client.get(url).content
    Price.objects.filter(product=product).update(amount="1")  # a raw write misses signals...
    Price.objects.get(product=product).save()  # ...a service-level save does not
    assert "€1.00" in client.get(url).content.decode()
    asset_create(
        owner=product,
        role="gallery",
        upload=image_upload("g.png", color=(5, 5, 5)),
        texts={"alt_text": {"en": "Side view"}},
    )
    assert b"Side view" in client.get(url).content


def test_conditional_requests_get_304(client, publish):
    product = publish("LAMP-1")
    url = f"/en/p/{product.slug_en}/"
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    product_update(product=product, texts={"name": {"en": "Changed"}})
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_query_count_does_not_grow_with_attributes_assets_or_variants(
    client, publish, lamp_family, web, django_assert_max_num_queries
):
    """A page costs the same number of queries whatever the product holds."""
    small = publish("SMALL")
    big = publish("BIG")
    for index in range(6):
        asset_create(
            owner=big, role="gallery", upload=image_upload(f"g{index}.png", color=(index, 9, 9))
        )
        asset_create(owner=big, role="video", url=f"https://video.example/{index}")
    for index in range(6):
        extra = make_attribute(f"extra{index}", "text")
        lamp_family.family_attributes.create(attribute=extra, position=20 + index)
    product_update(product=big, values={f"extra{i}": value(f"x{i}") for i in range(6)})

    def misses(product):
        cache.clear()
        with django_assert_max_num_queries(30) as captured:
            assert client.get(f"/en/p/{product.slug_en}/").status_code == 200
        return len(captured.captured_queries)

    assert misses(big) == misses(small)


def test_variants_link_to_each_other_without_javascript(client, publish, lamp_family, web):
    colour = lamp_family.attributes.get(code="colour")
    model = ProductModel.objects.create(code="lamp-model", family=lamp_family)
    model.variant_axes.set([colour])
    red = publish("RED", extra_values={"colour": value("red")}, model=model)
    blue = publish("BLUE", extra_values={"colour": value("blue")}, model=model)
    body = client.get(f"/en/p/{red.slug_en}/").content.decode()
    assert f'href="/en/p/{blue.slug_en}/"' in body
    assert '<span aria-current="page">Colour: Red</span>' in body


def test_category_pages_page_and_filter_by_attribute(client, publish, web, settings):
    settings.PIM_WEB_PAGE_SIZE = 2
    lamps = make_category("lamps")
    desk = make_category("desk", parent=lamps)
    for index, colour in enumerate(["red", "red", "blue"]):
        product = publish(f"L{index}", extra_values={"colour": value(colour)})
        product.categories.add(desk if index else lamps)
    page = client.get("/en/c/lamps/").content.decode()
    assert "3 products" in page and 'rel="next"' in page
    assert "Page 1 of 2" in page
    second = client.get("/en/c/lamps/?page=2").content.decode()
    assert "Page 2 of 2" in second
    filtered = client.get("/en/c/lamps/?f-colour=blue").content.decode()
    assert "1 product" in filtered and "L2 en" in filtered and "L0 en" not in filtered
    assert client.get("/en/c/desk/").content.decode().count('class="card"') == 2
    assert client.get("/en/c/nope/").status_code == 404


def test_search_finds_by_name_in_the_page_language_sku_and_gtin(client, publish):
    publish(
        "IS-1",
        names={
            "en": "Heater",
            "tr": "Isıtıcı IŞIK",
            "fi": "Lämmitin",
            "az": "İsidici",
            "fa": "بخاری",
        },
        gtin="4006381333931",
    )

    def found(locale, query):
        return b'class="card"' in client.get(f"/{locale}/search/", {"q": query}).content

    assert found("tr", "ışık")  # Turkish: I lowercases to dotless ı
    assert found("tr", "ISITICI")
    assert found("az", "isidici")  # Azerbaijani: İ lowercases to i
    assert found("fa", "بخاری")
    assert found("en", "heat")
    assert not found("en", "Lämmitin")  # names of other languages are not searched
    assert found("fi", "is-1")  # SKU, any case
    assert found("en", "4006381333931")  # GTIN


def test_sitemap_lists_every_language(client, publish):
    product = publish("LAMP-1")
    make_category("lamps")
    body = client.get("/sitemap.xml").content.decode()
    for code in ALL:
        assert f"/{code}/p/{getattr(product, f'slug_{code}')}/</loc>" in body
        assert f"/{code}/c/lamps/</loc>" in body


def test_web_channel_comes_from_settings(client, publish, settings, print_channel):
    product = publish("LAMP-1")
    settings.PIM_WEB_CHANNEL = "print"
    cache.clear()
    assert client.get(f"/en/p/{product.slug_en}/").status_code == 404


def test_dealer_login_page_works(client, web):
    response = client.get("/en/account/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content
