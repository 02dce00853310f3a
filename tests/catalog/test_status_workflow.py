"""The workflow draft -> in review -> approved (-> retired), guarded by role and completeness."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.services.assets import asset_create
from catalog.services.status import product_set_status
from tests.factories import image_upload, make_product, make_user, value

ALL = ("en", "tr", "fi", "az", "fa")


@pytest.fixture
def complete_product(lamp_family, web):
    product = make_product(
        lamp_family,
        channels=[web],
        names={code: f"Lamp {code}" for code in ALL},
        values={
            "weight": value("1"),
            "claim": [{"locale": c, "channel": None, "data": "Bright"} for c in ALL],
        },
    )
    asset_create(owner=product, role="main", upload=image_upload())
    return product


def test_a_publisher_approves_a_complete_product(complete_product):
    publisher = make_user("pat", role="publisher")
    product_set_status(
        product=complete_product, status="in_review", user=make_user("ed", role="editor")
    )
    product_set_status(product=complete_product, status="approved", user=publisher)
    complete_product.refresh_from_db()
    assert complete_product.status == "approved"
    assert complete_product.history.first().history_user == publisher


def test_approving_an_incomplete_product_is_refused_with_the_reason(lamp_family, web):
    product = make_product(lamp_family, channels=[web], names={"en": "Lamp"})
    with pytest.raises(ValidationError) as caught:
        product_set_status(
            product=product, status="approved", user=make_user("pat", role="publisher")
        )
    message = caught.value.message_dict["status"][0]
    assert "web/fa is 0% complete" in message
    assert "main" in message and "weight" in message
    product.refresh_from_db()
    assert product.status == "draft"


def test_a_product_in_no_channel_cannot_be_approved(lamp_family):
    product = make_product(lamp_family)
    with pytest.raises(ValidationError) as caught:
        product_set_status(product=product, status="approved")
    assert "not published to any channel" in caught.value.messages[0]


def test_an_editor_may_submit_for_review_but_not_approve(complete_product):
    editor = make_user("ed", role="editor")
    product_set_status(product=complete_product, status="in_review", user=editor)
    with pytest.raises(PermissionDenied):
        product_set_status(product=complete_product, status="approved", user=editor)


def test_retired_products_go_back_to_draft_only(complete_product):
    product_set_status(product=complete_product, status="approved")
    product_set_status(product=complete_product, status="retired")
    with pytest.raises(ValidationError) as caught:
        product_set_status(product=complete_product, status="in_review")
    assert "cannot go from" in caught.value.messages[0]
    product_set_status(product=complete_product, status="draft")


def test_an_unknown_status_is_refused(complete_product):
    with pytest.raises(ValidationError):
        product_set_status(product=complete_product, status="published")


def test_a_translator_cannot_change_the_status_by_any_path(complete_product):
    """The status is not language content: the service refuses translators (admin and API
    both call it), even for the unguarded draft -> in review step."""
    translator = make_user("tina", role="translator", languages=["fi", "fa"])
    with pytest.raises(PermissionDenied):
        product_set_status(product=complete_product, status="in_review", user=translator)
    complete_product.refresh_from_db()
    assert complete_product.status == "draft"
