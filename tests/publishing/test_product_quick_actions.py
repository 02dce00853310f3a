"""The product page offers "technical sheet" and "label" buttons that queue a publication."""

import pytest
from django.urls import reverse

from publishing.models import Publication
from tests.factories import make_user


@pytest.mark.django_db
def test_the_product_page_buttons_queue_a_technical_sheet(client, publish):
    product = publish("LAMP-1")
    client.force_login(make_user("root", superuser=True))
    page = client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode()
    assert 'value="print_technical_sheets"' in page and 'value="print_labels"' in page
    response = client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "print_technical_sheets", "_selected_action": [product.pk]},
    )
    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:publishing_publication_change", args=[publication.pk]
    )
    assert publication.kind == "technical_sheet"
    assert publication.status == "done"  # the tests run tasks in-process


def test_publishing_registers_its_print_actions_with_the_extension_point():
    """The print actions reach the product admin through catalog.admin.extensions only."""
    from catalog.admin.extensions import product_actions, product_quick_actions
    from publishing.admin import print_label_sheet, print_labels, print_technical_sheets

    assert {print_technical_sheets, print_labels, print_label_sheet} <= set(product_actions())
    assert [quick.name for quick in product_quick_actions()] == [
        "print_technical_sheets",
        "print_labels",
    ]


@pytest.mark.django_db
def test_without_the_registration_the_product_admin_offers_no_print_action(
    client, publish, monkeypatch
):
    from catalog.admin import extensions

    monkeypatch.setattr(extensions, "_actions", [])
    monkeypatch.setattr(extensions, "_quick_actions", [])
    product = publish("LAMP-1")
    client.force_login(make_user("root", superuser=True))
    page = client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode()
    assert "print_technical_sheets" not in page
    assert "print_" not in client.get(reverse("admin:catalog_product_changelist")).content.decode()
