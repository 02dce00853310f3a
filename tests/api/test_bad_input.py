"""Every bad request gets a 4xx in the API's error shape naming the problem, never a 500,
and changes nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Price, Product
from tests.factories import make_product


@pytest.fixture
def product(lamp_family, web):
    return make_product(lamp_family, sku="P-1", channels=[web])


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and body["message"]
    return body


def raw(http, method: str, path: str, body: str, **extra):
    return http.generic(method, path, body, content_type="application/json", **extra)


def by_field(body: dict) -> dict[str, dict]:
    return {e["field"]: e for e in body["errors"]}


@pytest.mark.parametrize("amount", ['"1e400"', "1e400", '"-1e400"', '"Infinity"', '"sNaN"'])
def test_a_price_too_large_to_store_is_refused_by_name(editor_api, product, amount):
    response = raw(
        editor_api, "PATCH", "/api/v1/products/P-1", f'{{"prices":[{{"amount":{amount}}}]}}'
    )
    body = error(response, 422)
    problem = by_field(body)["amount"]
    assert "finite number with at most 12 digits" in problem["message"]
    assert not Price.objects.exists()


def test_nan_price_is_not_called_negative(editor_api, product):
    response = editor_api.patch(
        "/api/v1/products/P-1", {"prices": [{"amount": "NaN"}]}, format="json"
    )
    message = by_field(error(response, 422))["amount"]["message"]
    assert "finite" in message and "negative" not in message


def test_nan_and_infinity_literals_are_not_json(editor_api, product):
    body = error(raw(editor_api, "PATCH", "/api/v1/products/P-1", '{"brand": NaN}'), 400)
    assert "NaN" in body["message"]


def test_updated_since_beyond_the_calendar_in_utc_is_400(shop, publish):
    publish("P")
    body = error(shop.get("/api/v1/products?updated_since=9999-12-31T23:59:59-14:00"), 400)
    assert by_field(body)["updated_since"]["code"] == "out_of_range"
    error(shop.get("/api/v1/products?updated_since=0001-01-01T00:00:00%2B14:00"), 400)
    error(shop.get("/api/v1/product-models?updated_since=9999-12-31T23:59:59-14:00"), 400)
    assert shop.get("/api/v1/products?updated_since=9999-12-31T00:00:00Z").status_code == 200
    # Python allows offsets up to 23:59, PostgreSQL only to 15:59: compared in UTC.
    since = "2000-08-24T13:12:14-21:46"
    assert [
        p["sku"] for p in shop.get(f"/api/v1/products?updated_since={since}").json()["results"]
    ] == ["P"]


def test_a_cursor_with_impossible_keys_is_400(shop, publish):
    import base64

    for key in (
        '["9999-12-31T23:59:59-14:00", 1]',
        '["2024-01-01T00:00:00", 99999999999999999999]',
    ):
        cursor = base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")
        error(shop.get(f"/api/v1/products?cursor={cursor}"), 400)


@pytest.mark.parametrize("asset_id", ["abc", "1.5", "99999999999999999999999"])
def test_non_numeric_or_huge_asset_ids_are_404(shop, asset_id):
    error(shop.get(f"/api/v1/assets/{asset_id}"), 404)


def test_texts_must_be_text_per_language(editor_api, product):
    body = error(
        editor_api.patch("/api/v1/products/P-1", {"texts": {"name": ["a"]}}, format="json"), 422
    )
    assert body["errors"][0]["field"] == "name"
    assert "name" in body["errors"][0]["message"]
    body = error(
        editor_api.patch(
            "/api/v1/products/P-1", {"texts": {"name": {"en": {"a": 1}}}}, format="json"
        ),
        422,
    )
    (problem,) = body["errors"]
    assert (problem["field"], problem["locale"], problem["code"]) == ("name", "en", "wrong_type")
    body = error(editor_api.put("/api/v1/products/P-1", {"texts": ["x"]}, format="json"), 422)
    assert body["errors"][0]["field"] == "texts"
    body = error(editor_api.put("/api/v1/products/P-1", {"values": ["x"]}, format="json"), 422)
    assert body["errors"][0]["field"] == "values"
    product.refresh_from_db()
    assert product.name_en != "{'a': 1}" and product.version == 1


def test_deeply_nested_json_is_400(editor_api, product):
    deep = "[" * 100_000 + "]" * 100_000
    body = error(raw(editor_api, "PATCH", "/api/v1/products/P-1", f'{{"values": {deep}}}'), 400)
    assert "nests deeper" in body["message"]
    # Brackets inside strings are text, not nesting.
    text = json.dumps({"brand": "[" * 100})
    assert raw(editor_api, "PATCH", "/api/v1/products/P-1", text).status_code == 200
    error(raw(editor_api, "POST", "/api/v1/redemptions", "[" * 50_000), 400)


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_product_writes_take_json_only(editor_api, product, method):
    path = "/api/v1/products" if method == "post" else "/api/v1/products/P-1"
    response = getattr(editor_api, method)(
        path, {"sku": "FORM", "family": "lamps", "brand": "x"}, format="multipart"
    )
    assert error(response, 415)["code"] == "unsupported_media_type"
    assert not Product.objects.filter(sku="FORM").exists()


def test_schema_documents_json_bodies_for_products_and_multipart_for_uploads(client, db):
    schema = client.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            kinds = set(operation["requestBody"]["content"])
            if path.startswith("/api/v1/assets"):
                assert kinds == {"multipart/form-data"}, (path, method)
            else:
                assert kinds == {"application/json"}, (path, method, kinds)


@pytest.mark.parametrize(
    ("field", "payload", "locale"),
    [
        ("brand", {"brand": "b" * 3000}, None),
        ("seo_title", {"texts": {"seo_title": {"en": "s" * 5000}}}, "en"),
        ("label_text", {"texts": {"label_text": {"fi": "l" * 10_000}}}, "fi"),
        ("sku", {"sku": "S" * 500}, None),
    ],
)
def test_over_long_text_is_refused_by_field_and_language(
    editor_api, product, field, payload, locale
):
    body = error(editor_api.patch("/api/v1/products/P-1", payload, format="json"), 422)
    (problem,) = body["errors"]  # once, in its language
    assert (problem["field"], problem["locale"], problem["code"]) == (field, locale, "too_long")
    product.refresh_from_db()
    assert product.version == 1 and product.sku == "P-1" and not product.brand


def test_over_long_brand_is_refused_on_create_too(editor_api, lamp_family):
    response = editor_api.post(
        "/api/v1/products", {"sku": "N", "family": "lamps", "brand": "b" * 201}, format="json"
    )
    assert by_field(error(response, 422))["brand"]["code"] == "too_long"
    assert not Product.objects.filter(sku="N").exists()


@pytest.mark.parametrize("sku", ["A/B", "A B", "A?B", "../x", ".", "A#1", "ÄB"])
def test_a_sku_that_breaks_its_url_is_refused(editor_api, lamp_family, sku):
    response = editor_api.post("/api/v1/products", {"sku": sku, "family": "lamps"}, format="json")
    assert by_field(error(response, 422))["sku"]["code"] == "sku_characters"
    assert not Product.objects.exists()


def test_a_created_sku_is_reachable_at_its_address(editor_api, lamp_family):
    response = editor_api.post(
        "/api/v1/products", {"sku": "LUM-a_1.5", "family": "lamps"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert (
        editor_api.patch("/api/v1/products/LUM-a_1.5", {"brand": "B"}, format="json").status_code
        == 200
    )


def test_chunked_bodies_get_411_instead_of_being_ignored(editor_api, product):
    # What a WSGI server hands Django for "Transfer-Encoding: chunked": no Content-Length,
    # so Django would read an empty body and answer 200 having changed nothing.
    response = editor_api.generic(
        "PATCH",
        "/api/v1/products/P-1",
        json.dumps({"brand": "Chunked"}),
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert error(response, 411)["code"] == "length_required"
    response = editor_api.generic(
        "POST",
        "/api/v1/redemptions",
        "{}",
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    error(response, 411)
    product.refresh_from_db()
    assert product.brand == ""


def test_huge_positions_are_refused_before_the_database(editor_api, product, db):
    response = editor_api.post(
        "/api/v1/categories", {"code": "c", "position": 2**63}, format="json"
    )
    assert by_field(error(response, 422))["position"]["code"] == "max_value"
    upload = SimpleUploadedFile("a.txt", b"x", content_type="text/plain")
    response = editor_api.post(
        "/api/v1/assets",
        {"product": "P-1", "role": "main", "file": upload, "position": 2**63},
        format="multipart",
    )
    assert by_field(error(response, 422))["position"]["code"] == "max_value"


@pytest.mark.parametrize(
    ("payload", "field", "locale"),
    [
        ({"texts": {"name": {"fi": "a\x00b"}}}, "name", "fi"),
        (
            {"values": {"claim": [{"locale": "en", "channel": None, "data": "a\x00"}]}},
            "values",
            "en",
        ),
        ({"brand": "a\x00"}, "brand", None),
    ],
)
def test_nul_characters_are_refused_everywhere(editor_api, product, payload, field, locale):
    """PostgreSQL cannot store NUL in text or JSON: a 4xx naming the field, never a 500."""
    body = error(editor_api.patch("/api/v1/products/P-1", payload, format="json"), 422)
    problem = by_field(body)[field]
    assert problem["locale"] == locale
    product.refresh_from_db()
    assert product.version == 1


def test_unknown_and_empty_query_parameters_are_400(shop, publish):
    """A misspelt filter would otherwise return the whole catalog."""
    publish("P")
    body = error(shop.get("/api/v1/products?updated_sinse=2024-01-01T00:00:00Z"), 400)
    assert by_field(body)["updated_sinse"]["code"] == "unknown_parameter"
    assert "updated_since" in body["message"]  # says what is allowed
    error(shop.get("/api/v1/channels?locale=fi"), 400)  # channels are not localized
    error(shop.get("/api/v1/products?updated_since="), 400)
    error(shop.get("/api/v1/products?limit="), 400)
    assert shop.get("/api/v1/products?family=lamps&limit=5&locale=fi").status_code == 200


def test_an_empty_if_match_is_400(editor_api, product):
    response = editor_api.patch(
        "/api/v1/products/P-1", {"brand": "B"}, format="json", HTTP_IF_MATCH=""
    )
    assert "If-Match" in error(response, 400)["message"]


def test_feeds_document_the_content_type_they_send(client, db):
    schema = client.get("/api/schema/?format=json").json()
    kinds = {
        path.rsplit(".", 1)[-1]: set(operations["get"]["responses"]["200"]["content"])
        for path, operations in schema["paths"].items()
        if "/feeds/" in path
    }
    assert kinds == {
        "xml": {"application/rss+xml"},
        "csv": {"text/csv"},
        "jsonl": {"application/x-ndjson"},
    }


def test_a_patched_price_needs_its_amount(editor_api, product):
    """PATCH may leave out whole fields, not the required parts of a price."""
    response = editor_api.patch(
        "/api/v1/products/P-1", {"prices": [{"currency": "EUR"}]}, format="json"
    )
    assert by_field(error(response, 422))["amount"]["code"] == "required"
    assert not Price.objects.exists()
