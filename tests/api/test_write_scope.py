"""API writes stay inside the client's scope: its channel, its audience, its user's rights.

A client bound to a channel finds, changes and creates only products of that channel (others
are 404, as for reads), sets only prices of its channel and audience, and an empty or no-op
PATCH writes nothing at all.
"""

import pytest

from api.services import api_client_create
from catalog.models import Price, Product
from tests.api.conftest import bearer
from tests.factories import make_audience, make_product, make_user, value


@pytest.fixture
def print_only(lamp_family, print_channel):
    """A draft product published only to the print channel."""
    return make_product(lamp_family, sku="PRINT-ONLY", channels=[print_channel])


@pytest.fixture
def web_draft(lamp_family, web):
    return make_product(lamp_family, sku="WEB-DRAFT", channels=[web], values={"weight": value("2")})


def _state(product):
    product = Product.objects.get(pk=product.pk)
    return product.version, product.updated_at, product.history.count()


def test_patch_of_another_channels_product_is_404_and_writes_nothing(editor_api, print_only):
    """The update lookup uses the read scope's channel filter: no body of a foreign product."""
    before = _state(print_only)
    response = editor_api.patch("/api/v1/products/PRINT-ONLY", {}, format="json")
    assert response.status_code == 404, response.content
    assert "PRINT-ONLY" not in response.content.decode()
    assert _state(print_only) == before
    put = editor_api.put(
        "/api/v1/products/PRINT-ONLY", {"sku": "PRINT-ONLY", "family": "lamps"}, format="json"
    )
    assert put.status_code == 404
    assert _state(print_only) == before


def test_a_draft_of_the_clients_own_channel_can_be_patched(editor_api, web_draft):
    """Writes reach drafts of the client's channel (reads show approved products only)."""
    response = editor_api.patch("/api/v1/products/WEB-DRAFT", {"brand": "Acme"}, format="json")
    assert response.status_code == 200, response.content
    assert Product.objects.get(pk=web_draft.pk).brand == "Acme"


def test_created_products_go_to_the_clients_channel_only(
    editor_api, lamp_family, web, print_channel
):
    response = editor_api.post(
        "/api/v1/products", {"sku": "NEW-1", "family": "lamps"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert list(Product.objects.get(sku="NEW-1").channels.all()) == [web]

    refused = editor_api.post(
        "/api/v1/products",
        {"sku": "NEW-2", "family": "lamps", "channels": ["print"]},
        format="json",
    )
    assert refused.status_code == 422, refused.content
    assert [e["field"] for e in refused.json()["errors"]] == ["channels"]
    assert refused.json()["errors"][0]["code"] == "out_of_scope"
    assert not Product.objects.filter(sku="NEW-2").exists()

    both = editor_api.post(
        "/api/v1/products",
        {"sku": "NEW-3", "family": "lamps", "channels": ["web", "print"]},
        format="json",
    )
    assert both.status_code == 422
    assert not Product.objects.filter(sku="NEW-3").exists()


def test_a_patch_cannot_move_a_product_into_or_out_of_another_channel(
    editor_api, web_draft, web, print_channel
):
    before = _state(web_draft)
    response = editor_api.patch(
        "/api/v1/products/WEB-DRAFT", {"channels": ["web", "print"]}, format="json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "channels"
    assert set(web_draft.channels.all()) == {web}
    assert _state(web_draft) == before

    web_draft.channels.add(print_channel)
    before = _state(web_draft)
    dropped = editor_api.patch("/api/v1/products/WEB-DRAFT", {"channels": ["web"]}, format="json")
    assert dropped.status_code == 422, dropped.content
    assert set(web_draft.channels.all()) == {web, print_channel}
    assert _state(web_draft) == before


def test_prices_of_another_channel_or_audience_are_refused(editor_api, web_draft, print_channel):
    make_audience("dealer")
    for price in (
        {"channel": "print", "currency": "EUR", "amount": "10.00"},
        {"channel": "web", "currency": "EUR", "audience": "dealer", "amount": "8.00"},
    ):
        response = editor_api.patch(
            "/api/v1/products/WEB-DRAFT", {"prices": [price]}, format="json"
        )
        assert response.status_code == 422, (price, response.content)
        assert response.json()["errors"][0]["field"] == "prices"
        assert response.json()["errors"][0]["code"] == "out_of_scope"
    assert not Price.objects.filter(product=web_draft).exists()

    own = editor_api.patch(
        "/api/v1/products/WEB-DRAFT",
        {"prices": [{"currency": "EUR", "amount": "12.00"}]},
        format="json",
    )
    assert own.status_code == 200, own.content
    assert Price.objects.filter(product=web_draft, audience=None).count() == 1


def test_a_dealer_client_sets_dealer_prices(lamp_family, web):
    dealer = make_audience("dealer")
    user = make_user("dealer-erp", role="publisher")
    _client, token = api_client_create(name="Dealer ERP", channel=web, audience=dealer, user=user)
    product = make_product(lamp_family, sku="D-1", channels=[web])
    response = bearer(token).patch(
        "/api/v1/products/D-1",
        {"prices": [{"currency": "EUR", "audience": "dealer", "amount": "8.00"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert Price.objects.get(product=product).audience == dealer


def test_a_new_product_cannot_get_prices_of_another_channel(editor_api, lamp_family, print_channel):
    response = editor_api.post(
        "/api/v1/products",
        {
            "sku": "NEW-P",
            "family": "lamps",
            "prices": [{"channel": "print", "currency": "EUR", "amount": "1.00"}],
        },
        format="json",
    )
    assert response.status_code == 422, response.content
    assert not Product.objects.filter(sku="NEW-P").exists()


def test_a_translators_token_cannot_change_the_status(lamp_family, web):
    """The admin keeps the workflow from translators; the API uses the same service check."""
    translator = make_user("api-translator", role="translator", languages=["fi", "fa"])
    _client, token = api_client_create(name="Agency", channel=web, user=translator)
    product = make_product(lamp_family, sku="T-1", channels=[web])
    before = _state(product)
    response = bearer(token).patch("/api/v1/products/T-1", {"status": "in_review"}, format="json")
    assert response.status_code == 403, response.content
    assert Product.objects.get(pk=product.pk).status == "draft"
    assert _state(product) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"brand": ""},
        {"texts": {"name": {"en": "Desk lamp"}}},
        {"values": {"weight": value("2")}},
        {"channels": ["web"]},
        {"categories": []},
        {"prices": []},
        {"status": "draft"},
    ],
    ids=["empty", "brand", "texts", "values", "channels", "categories", "prices", "status"],
)
def test_a_no_op_patch_writes_nothing(editor_api, web_draft, body):
    """No version bump, no updated_at change, no history row; 200 with the unchanged body."""
    before = _state(web_draft)
    etag_before = editor_api.patch("/api/v1/products/WEB-DRAFT", {}, format="json")
    assert etag_before.status_code == 200, etag_before.content
    assert _state(web_draft) == before
    response = editor_api.patch("/api/v1/products/WEB-DRAFT", body, format="json")
    assert response.status_code == 200, response.content
    assert _state(web_draft) == before
    assert response.json() == etag_before.json()
    assert response["ETag"] == etag_before["ETag"]


def test_a_real_change_after_a_no_op_still_bumps_once(editor_api, web_draft):
    version, _updated, history = _state(web_draft)
    response = editor_api.patch("/api/v1/products/WEB-DRAFT", {"brand": "Acme"}, format="json")
    assert response.status_code == 200
    assert _state(web_draft)[0] == version + 1
    assert _state(web_draft)[2] == history + 1
