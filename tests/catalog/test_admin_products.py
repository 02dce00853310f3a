"""The product admin: rendering, saving through the services, conflicts, history, roles."""

import pytest
from django.urls import reverse

from catalog.models import Product, ProductStatus
from catalog.services.products import product_update
from tests.factories import admin_form_data, make_product, make_user, value

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:catalog_product_changelist"


def change_url(product):
    return reverse("admin:catalog_product_change", args=[product.pk])


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user("root", superuser=True))
    return client


@pytest.fixture
def lamp(lamp_family, web):
    return make_product(
        lamp_family,
        sku="LAMP-1",
        channels=[web],
        names={"en": "Desk lamp", "fa": "چراغ"},
        values={"weight": value("1.5"), "claim": value("Bright", locale="en")},
    )


def test_changelist_add_and_change_pages_render_for_a_superuser(superuser_client, lamp):
    """The changelist, the add page and the change page all render."""
    assert superuser_client.get(reverse(CHANGELIST)).status_code == 200
    assert superuser_client.get(reverse("admin:catalog_product_add")).status_code == 200
    response = superuser_client.get(change_url(lamp))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="value.weight.-.-"' in html
    assert 'name="value.claim.fa.-"' in html


def test_a_save_round_trips_translated_fields_and_values(superuser_client, lamp):
    """Persian and Turkish names and attribute values typed in the admin are stored."""
    response = superuser_client.get(change_url(lamp))
    data = admin_form_data(
        response,
        name_fa="چراغ مطالعه",
        name_tr="Masa lambası",
        **{"value.weight.-.-": "2.25", "value.claim.fa.-": "روشن", "value.colour.-.-": "red"},
    )
    response = superuser_client.post(change_url(lamp), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    lamp.refresh_from_db()
    assert lamp.name_fa == "چراغ مطالعه"
    assert lamp.name_tr == "Masa lambası"
    assert lamp.values["weight"] == value("2.25")
    assert lamp.values["colour"] == value("red")
    assert {"locale": "fa", "channel": None, "data": "روشن"} in lamp.values["claim"]
    assert lamp.version == 2
