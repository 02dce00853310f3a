"""POST /api/v1/redemptions: once per code, idempotent per order, clear errors."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from engagement.models import DiscountCode
from engagement.services import discount_code_issue

URL = "/api/v1/redemptions"


@pytest.fixture
def code(brochure):
    return discount_code_issue(offer=brochure["offer"], language="fi")


def redeem(client, token, code, order="ORDER-1", channel="store"):
    return client.post(
        URL,
        {"code": code, "channel": channel, "order_reference": order},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_code_redeems_once_and_the_same_order_may_repeat(client, code, shop_token):
    first = redeem(client, shop_token, code.code.lower())  # typed in lower case at a till
    assert first.status_code == 201
    assert first.json()["result"] == "redeemed"
    assert first.json()["discount_code"] == code.code
    code.refresh_from_db()
    assert code.redeemed_channel == "store" and code.order_reference == "ORDER-1"
    repeat = redeem(client, shop_token, code.code)
    assert repeat.status_code == 200
    assert repeat.json()["redeemed_at"] == first.json()["redeemed_at"]
    second = redeem(client, shop_token, code.code, order="ORDER-2")
    assert second.status_code == 409
    assert second.json()["status"] == 409
    assert second.json()["code"] == "already_redeemed"
    assert second.json()["message"]


def test_unknown_and_expired_codes(client, code, shop_token):
    unknown = redeem(client, shop_token, "NOPE-123")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_code"
    DiscountCode.objects.filter(pk=code.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = redeem(client, shop_token, code.code)
    assert expired.status_code == 410 and expired.json()["code"] == "expired"


def test_bad_requests_and_missing_tokens_are_refused(client, code, shop_token):
    assert redeem(client, "wrong", code.code).status_code == 401
    no_token = client.post(URL, {"code": code.code}, content_type="application/json")
    assert no_token.status_code == 401
    bad = redeem(client, shop_token, code.code, channel="fax")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"
    code.refresh_from_db()
    assert code.redeemed_at is None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_redemptions_of_one_code_exactly_one_wins(brochure, shop_token):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need a server database (run with DATABASE_URL).")
    code = discount_code_issue(offer=brochure["offer"], language="fi")
    barrier = threading.Barrier(4)
    results = []

    def attempt(order):
        client = Client()
        barrier.wait()
        try:
            results.append(redeem(client, shop_token, code.code, order=order).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(f"ORDER-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201, 409, 409, 409]
    code.refresh_from_db()
    assert code.redeemed_at is not None
