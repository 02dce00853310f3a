"""Real responses match the OpenAPI schema published at /api/schema/."""

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Price
from tests.factories import image_bytes


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _jsonschema(node, components):
    """OpenAPI 3.0 schema -> JSON Schema: resolve $ref, turn ``nullable`` into a null type."""
    if isinstance(node, list):
        return [_jsonschema(n, components) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _jsonschema(components[node["$ref"].rsplit("/", 1)[-1]], components)
    out = {k: _jsonschema(v, components) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def check(schema, response, path: str, method: str = "get"):
    operation = schema["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{response.status_code} is not documented for {method.upper()} {path}"
    body_schema = documented["content"]["application/json"]["schema"]
    resolved = _jsonschema(body_schema, schema["components"]["schemas"])
    # Additional properties must not slip through unnoticed either.
    jsonschema.validate(response.json(), resolved)
    return response.json()


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/products" in schema["paths"] or "/api/v1/products/" in schema["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower() and "unpkg" not in docs


def _path(schema, wanted):
    for candidate in (wanted, wanted + "/"):
        if candidate in schema["paths"]:
            return candidate
    raise AssertionError(f"{wanted} not in schema: {sorted(schema['paths'])}")


def test_read_responses_match_the_schema(schema, shop, publish, web, audiences):
    product = publish("P", gtin="4006381333931")
    Price.objects.create(
        product=product, channel=web, currency="EUR", amount="9", audience=audiences["dealer"]
    )
    check(schema, shop.get("/api/v1/products"), _path(schema, "/api/v1/products"))
    detail = _path(schema, "/api/v1/products/{sku}")
    check(schema, shop.get("/api/v1/products/P"), detail)
    check(schema, shop.get("/api/v1/products/NOPE"), detail)
    for name in (
        "categories",
        "families",
        "attributes",
        "channels",
        "audiences",
        "assets",
        "product-models",
    ):
        check(schema, shop.get(f"/api/v1/{name}"), _path(schema, f"/api/v1/{name}"))


def test_write_and_error_responses_match_the_schema(schema, editor_api, shop, lamp_family):
    path = _path(schema, "/api/v1/products")
    created = editor_api.post(
        "/api/v1/products",
        {"sku": "N", "family": "lamps", "texts": {"name": {"en": "Lamp"}}},
        format="json",
    )
    check(schema, created, path, "post")
    invalid = editor_api.post(
        "/api/v1/products",
        {"sku": "M", "family": "lamps", "values": {"weight": [{"data": "x"}]}},
        format="json",
    )
    check(schema, invalid, path, "post")
    check(schema, shop.post("/api/v1/products", {}, format="json"), path, "post")
    detail = _path(schema, "/api/v1/products/{sku}")
    check(
        schema,
        editor_api.patch("/api/v1/products/N", {"brand": "B"}, format="json"),
        detail,
        "patch",
    )
    stale = editor_api.patch(
        "/api/v1/products/N", {"brand": "C"}, format="json", HTTP_IF_MATCH='"1"'
    )
    check(schema, stale, detail, "patch")
    upload = SimpleUploadedFile("a.png", image_bytes(), content_type="image/png")
    asset = editor_api.post(
        "/api/v1/assets", {"product": "N", "role": "main", "file": upload}, format="multipart"
    )
    check(schema, asset, _path(schema, "/api/v1/assets"), "post")
