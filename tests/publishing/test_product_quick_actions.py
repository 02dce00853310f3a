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
