"""The products API as a shop or marketplace of one channel sees it."""

import datetime

import pytest
from django.utils import timezone

from api.services import api_client_create
from catalog.models import Price, Product
from catalog.services.products import product_update
from tests.api.conftest import bearer
from tests.factories import make_channel, make_family, make_product, make_user, value


def skus(response) -> list[str]:
    return [p["sku"] for p in response.json()["results"]]


def all_pages(http, url) -> list[dict]:
    seen = []
    while url:
        response = http.get(url)
        assert response.status_code == 200, response.content
        seen.extend(response.json()["results"])
        url = response.json()["next"]
    return seen


def test_a_client_sees_approved_complete_products_of_its_channel_only(shop, publish, web):
    publish("OK")
    publish("DRAFT", approve=False)
    other = make_channel("shop-b", locales=("en",))
    elsewhere = publish("ELSEWHERE")
    elsewhere.channels.set([other])
    assert skus(shop.get("/api/v1/products")) == ["OK"]
    assert shop.get("/api/v1/products/DRAFT").status_code == 404
    assert shop.get("/api/v1/products/ELSEWHERE").status_code == 404


def test_other_channels_values_and_prices_never_leak(shop, publish, web, lamp_family):
    from tests.factories import make_attribute

    other = make_channel("market", locales=("en",), currency="USD")
    note = make_attribute("note", "text", is_scopable=True)
    lamp_family.family_attributes.create(attribute=note, position=9)
    product = publish(
        "P",
        extra_values={
            "note": [
                {"locale": None, "channel": "web", "data": "for the web"},
                {"locale": None, "channel": "market", "data": "SECRET marketplace text"},
            ]
        },
    )
    Price.objects.create(product=product, channel=other, currency="USD", amount="1.00")
    body = shop.get("/api/v1/products/P").content.decode()
    assert "for the web" in body and "SECRET" not in body and "USD" not in body
    data = shop.get("/api/v1/products/P").json()
    assert data["values"]["note"] == [{"locale": None, "channel": "web", "data": "for the web"}]
    assert [p["currency"] for p in data["prices"]] == ["EUR"]


def test_audience_prices_are_shown_only_to_that_audience(publish, web, audiences):
    product = publish("P")
    Price.objects.create(
        product=product, channel=web, currency="EUR", amount="900", audience=audiences["dealer"]
    )
    _c, dealer_token = api_client_create(name="Dealer", channel=web, audience=audiences["dealer"])
    _c, shop_token = api_client_create(name="Shop", channel=web)
    dealer_prices = bearer(dealer_token).get("/api/v1/products/P").json()["prices"]
    shop_prices = bearer(shop_token).get("/api/v1/products/P").json()["prices"]
    assert {p["audience"] for p in dealer_prices} == {None, "dealer"}
    assert {p["audience"] for p in shop_prices} == {None}


def test_locale_limits_values_and_texts_and_requires_completeness(shop, publish):
    publish("ALL")
    publish("NO-FI", locales=("en", "tr", "az", "fa"))
    response = shop.get("/api/v1/products?locale=fi")
    assert skus(response) == ["ALL"]
    (product,) = response.json()["results"]
    assert product["texts"]["name"] == {"fi": "ALL fi"}
    assert product["values"]["claim"] == [{"locale": "fi", "channel": None, "data": "claim fi"}]
    assert sorted(skus(shop.get("/api/v1/products?locale=fa"))) == ["ALL", "NO-FI"]
    assert shop.get("/api/v1/products?locale=xx").status_code == 422


def test_paging_is_stable_while_products_change(shop, publish):
    """Unchanged products are seen exactly once; a product changed mid-sync comes again."""
    for number in range(7):
        publish(f"P{number}")
    first = shop.get("/api/v1/products?limit=3")
    seen = skus(first)
    assert len(seen) == 3
    # While the client pages: a product already seen and one not yet seen change.
    for sku in (seen[0], "P5"):
        product = Product.objects.get(sku=sku)
        product_update(product=product, texts={"short_description": {"en": "changed"}})
    rest = all_pages(shop, first.json()["next"])
    rest_skus = [p["sku"] for p in rest]
    assert len(rest_skus) == len(set(rest_skus))
    assert set(seen) | set(rest_skus) == {f"P{n}" for n in range(7)}  # no gaps
    assert seen[0] in rest_skus  # delivered again in its new state
    unchanged = [s for s in seen + rest_skus if s not in (seen[0], "P5")]
    assert len(unchanged) == len(set(unchanged)) == 5  # no duplicates


def test_page_size_is_limited(shop):
    assert shop.get("/api/v1/products?limit=101").status_code == 400
    assert shop.get("/api/v1/products?cursor=garbage").status_code == 400


def test_updated_since_returns_only_changes(shop, publish):
    publish("OLD")
    Product.objects.filter(sku="OLD").update(updated_at=timezone.now() - datetime.timedelta(days=2))
    publish("NEW")
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    response = shop.get("/api/v1/products", {"updated_since": since})
    assert skus(response) == ["NEW"]
    assert shop.get("/api/v1/products", {"updated_since": "yesterday"}).status_code == 400


def test_etag_and_last_modified_give_304(shop, publish):
    publish("P")
    response = shop.get("/api/v1/products/P")
    etag, modified = response["ETag"], response["Last-Modified"]
    assert shop.get("/api/v1/products/P", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert shop.get("/api/v1/products/P", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    listing = shop.get("/api/v1/products")
    assert shop.get("/api/v1/products", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304
    product_update(product=Product.objects.get(sku="P"), texts={"seo_title": {"en": "New"}})
    assert shop.get("/api/v1/products/P", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_list_query_count_is_constant(shop, publish, django_assert_max_num_queries):
    for number in range(3):
        publish(f"A{number}")
    with django_assert_max_num_queries(20) as small:
        shop.get("/api/v1/products")
    for number in range(12):
        publish(f"B{number}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(skus(shop.get("/api/v1/products"))) == 15


# --- Errors -----------------------------------------------------------------------------------


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["message"]
    assert isinstance(body["errors"], list)
    return body


def test_missing_or_wrong_token_is_401(db, client):
    assert_error(client.get("/api/v1/products"), 401, "not_authenticated")
    response = bearer("pim_wrong").get("/api/v1/products")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_read_only_token_cannot_write_403(shop, lamp_family):
    assert_error(
        shop.post("/api/v1/products", {"sku": "X"}, format="json"), 403, "permission_denied"
    )


def test_unknown_product_404(shop):
    assert_error(shop.get("/api/v1/products/NOPE"), 404, "not_found")


def test_malformed_json_400_wrong_type_415_too_large_413(editor_api, settings):
    response = editor_api.generic(
        "POST", "/api/v1/products", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "malformed_request")
    response = editor_api.generic("POST", "/api/v1/products", "sku=A", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")
    settings.PIM_API_MAX_BODY_BYTES = 100
    big = '{"sku": "' + "x" * 200 + '"}'
    response = editor_api.generic("POST", "/api/v1/products", big, content_type="application/json")
    assert_error(response, 413, "too_large")


def test_throttled_429_with_retry_after(web, publish):
    _c, token = api_client_create(name="Greedy", channel=web, throttle_rate="2/min")
    http = bearer(token)
    assert http.get("/api/v1/products").status_code == 200
    assert http.get("/api/v1/products").status_code == 200
    response = http.get("/api/v1/products")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


# --- Writes -----------------------------------------------------------------------------------


def test_editor_creates_a_product_through_the_services(editor_api, lamp_family, web):
    response = editor_api.post(
        "/api/v1/products",
        {
            "sku": "NEW-1",
            "family": "lamps",
            "texts": {"name": {"en": "Lamp", "fa": "چراغ"}},
            "values": {"weight": [{"locale": None, "channel": None, "data": "2.5"}]},
            "prices": [{"amount": "19.90"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    product = Product.objects.get(sku="NEW-1")
    assert product.name_fa == "چراغ" and product.values["weight"] == value("2.5")
    assert list(product.channels.all()) == [web]
    assert str(product.prices.get().amount) == "19.90"
    assert response["Location"].endswith("/api/v1/products/NEW-1")


def test_the_same_bad_value_gets_the_services_error_with_attribute_locale_channel(
    editor_api, lamp_family
):
    response = editor_api.post(
        "/api/v1/products",
        {
            "sku": "BAD",
            "family": "lamps",
            "values": {
                "weight": [{"locale": None, "channel": None, "data": "500"}],
                "claim": [{"locale": "fi", "channel": None, "data": "x" * 50}],
            },
        },
        format="json",
    )
    body = assert_error(response, 422, "validation_error")
    by_attribute = {e["attribute"]: e for e in body["errors"]}
    assert by_attribute["weight"]["code"] == "above_max"
    assert by_attribute["claim"]["locale"] == "fi"
    assert by_attribute["claim"]["code"] == "too_long"
    assert not Product.objects.filter(sku="BAD").exists()


def test_patch_with_stale_version_is_409(editor_api, lamp_family, web):
    product = make_product(lamp_family, sku="P", channels=[web])
    old = product.version
    product_update(product=product, texts={"name": {"en": "Changed by someone"}})
    response = editor_api.patch(
        "/api/v1/products/P", {"brand": "Acme"}, format="json", HTTP_IF_MATCH=f'"{old}"'
    )
    assert_error(response, 409, "edit_conflict")
    response = editor_api.patch(
        "/api/v1/products/P", {"brand": "Acme", "version": product.version + 1}, format="json"
    )
    assert response.status_code == 409
    current = Product.objects.get(sku="P")
    response = editor_api.patch(
        "/api/v1/products/P", {"brand": "Acme"}, format="json", HTTP_IF_MATCH=str(current.version)
    )
    assert response.status_code == 200, response.content
    assert Product.objects.get(sku="P").brand == "Acme"
    etag = response["ETag"]
    response = editor_api.patch(
        "/api/v1/products/P", {"brand": "Acme 2"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content


def test_put_replaces_and_patch_changes_only_given_parts(editor_api, lamp_family, web):
    make_product(
        lamp_family,
        sku="P",
        channels=[web],
        names={"en": "Lamp", "fi": "Lamppu"},
        values={"weight": value("1"), "colour": value("red")},
        brand="Old",
    )
    editor_api.patch(
        "/api/v1/products/P",
        {"values": {"weight": [{"locale": None, "channel": None, "data": "2"}]}},
        format="json",
    )
    product = Product.objects.get(sku="P")
    assert product.values["colour"] == value("red") and product.brand == "Old"
    response = editor_api.put(
        "/api/v1/products/P",
        {"family": "lamps", "texts": {"name": {"en": "Only English"}}},
        format="json",
    )
    assert response.status_code == 200, response.content
    product = Product.objects.get(sku="P")
    assert product.values == {} and product.name_fi in ("", None) and product.brand == ""


def test_translator_token_cannot_change_core_fields(web, lamp_family):
    user = make_user("translator", role="translator", languages=["fi"])
    _c, token = api_client_create(name="Translations", channel=web, user=user)
    make_product(lamp_family, sku="P", channels=[web])
    http = bearer(token)
    response = http.patch("/api/v1/products/P", {"brand": "X"}, format="json")
    assert_error(response, 403, "permission_denied")
    response = http.patch(
        "/api/v1/products/P", {"texts": {"name": {"fi": "Lamppu"}}}, format="json"
    )
    assert response.status_code == 200, response.content


def test_categories_are_written_through_the_same_validation(editor_api, db):
    response = editor_api.post(
        "/api/v1/categories",
        {"code": "lighting", "name": {"en": "Lighting", "fa": "روشنایی"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    response = editor_api.post(
        "/api/v1/categories", {"code": "Bad Code!", "name": {"en": "x"}}, format="json"
    )
    body = assert_error(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "code"
    response = editor_api.patch(
        "/api/v1/categories/lighting", {"parent": "lighting"}, format="json"
    )
    assert_error(response, 422, "validation_error")


def test_asset_upload_goes_through_the_upload_checks(editor_api, lamp_family, web):
    from tests.factories import image_bytes

    make_product(lamp_family, sku="P", channels=[web])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lamp.png", image_bytes(), content_type="image/png")
    response = editor_api.post(
        "/api/v1/assets", {"product": "P", "role": "main", "file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert set(response.json()["renditions"]) == {"thumb", "web", "print"}
    fake = SimpleUploadedFile("lamp.png", b"not an image", content_type="image/png")
    response = editor_api.post(
        "/api/v1/assets", {"product": "P", "role": "main", "file": fake}, format="multipart"
    )
    body = assert_error(response, 422, "validation_error")
    assert "lamp.png" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "categories",
        "families",
        "attributes",
        "channels",
        "audiences",
        "assets",
        "product-models",
    ],
)
def test_structure_endpoints_answer(shop, publish, audiences, path):
    publish("P")
    response = shop.get(f"/api/v1/{path}")
    assert response.status_code == 200, response.content
    assert "results" in response.json()


def test_channels_endpoint_shows_only_the_clients_channel(shop, web):
    make_channel("secret-market")
    assert [c["code"] for c in shop.get("/api/v1/channels").json()["results"]] == ["web"]


def test_product_models_list_visible_variants(shop, publish, lamp_family, web):
    from catalog.models import Attribute, ProductModel
    from catalog.services.product_models import product_model_save

    model = ProductModel(code="tee", family=lamp_family, name_en="Tee")
    product_model_save(product_model=model, axes=[Attribute.objects.get(code="colour")])
    publish("TEE-RED", model=model, extra_values={"colour": value("red")})
    publish("TEE-BLUE", model=model, extra_values={"colour": value("blue")}, approve=False)
    (row,) = shop.get("/api/v1/product-models").json()["results"]
    assert row["code"] == "tee" and row["variants"] == ["TEE-RED"]
    assert shop.get("/api/v1/products/TEE-RED").json()["parent"] == "tee"
    make_family("unused")
