"""The product admin's extension point: actions and one-product buttons that other apps register
in catalog.admin.extensions are what the product list and the product page offer."""

import pytest
from django.contrib import admin, messages
from django.urls import reverse

from catalog.admin import extensions
from catalog.models import Product
from tests.factories import make_product, make_user, value

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:catalog_product_changelist")


@admin.action(description="Shout the SKUs", permissions=["view"])
def shout_skus(modeladmin, request, queryset):
    skus = ", ".join(sorted(queryset.values_list("sku", flat=True)))
    modeladmin.message_user(request, f"SHOUT {skus}", messages.INFO)


@admin.action(description="Shred the products", permissions=["delete"])
def shred_products(modeladmin, request, queryset):
    raise AssertionError("a viewer must never reach this")


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test; the apps' own registrations come back afterwards."""
    monkeypatch.setattr(extensions, "_actions", [])
    monkeypatch.setattr(extensions, "_quick_actions", [])
    return extensions


@pytest.fixture
def product(lamp_family, web):
    return make_product(
        lamp_family,
        sku="LAMP-1",
        channels=[web],
        names={"en": "Lamp"},
        values={"weight": value("1")},
    )


def _change_page(client, product) -> str:
    response = client.get(reverse("admin:catalog_product_change", args=[product.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_registered_action_is_offered_and_runs(client, registry, product):
    client.force_login(make_user("root", superuser=True))
    assert 'value="shout_skus"' not in client.get(CHANGELIST).content.decode()
    registry.product_actions_register(shout_skus)
    registry.product_actions_register(shout_skus)  # twice: still one entry
    page = client.get(CHANGELIST).content.decode()
    assert page.count('value="shout_skus"') == 1
    response = client.post(
        CHANGELIST, {"action": "shout_skus", "_selected_action": [product.pk]}, follow=True
    )
    assert "SHOUT LAMP-1" in [str(m) for m in response.context["messages"]]
    # A list action alone is no button on the product page.
    assert 'value="shout_skus"' not in _change_page(client, product)


def test_a_registered_quick_action_is_a_button_on_the_product_page(client, registry, product):
    client.force_login(make_user("root", superuser=True))
    assert "pim-quick-action" not in _change_page(client, product)
    registry.product_quick_actions_register(shout_skus, label="Shout it")
    page = _change_page(client, product)
    assert 'name="action" value="shout_skus"' in page
    assert f'name="_selected_action" value="{product.pk}"' in page
    assert ">Shout it</button>" in page
    assert shout_skus in registry.product_actions()  # the button's action is in the list too


def test_actions_keep_the_permissions_their_decorator_asks_for(client, registry, product):
    registry.product_actions_register(shout_skus)
    registry.product_quick_actions_register(shred_products, label="Shred")
    client.force_login(make_user("vera", role="viewer"))
    assert 'value="shout_skus"' in client.get(CHANGELIST).content.decode()
    assert 'value="shred_products"' not in client.get(CHANGELIST).content.decode()
    assert "Shred" not in _change_page(client, product)
    # Posted anyway: the action form refuses an action it does not offer (the action would
    # raise, failing the test).
    client.post(CHANGELIST, {"action": "shred_products", "_selected_action": [product.pk]})
    assert Product.objects.filter(pk=product.pk).exists()


def test_the_product_admin_itself_is_not_patched():
    """Registered actions are read per request; nothing is added to the ModelAdmin instance."""
    product_admin = admin.site.get_model_admin(Product)
    assert product_admin.actions == ("change_status", "assign_categories")
    assert "change_view" not in vars(product_admin)
    assert "actions" not in vars(product_admin)
