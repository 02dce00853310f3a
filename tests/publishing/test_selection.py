"""The one selection: approved, in the channel, complete in the locale; nothing silent."""

import pytest
from django.core.exceptions import ValidationError

from catalog.services.products import product_update
from catalog.services.status import product_set_status
from publishing.selection import (
    publishable_products,
    select_products,
    select_products_in_chunks,
)
from tests.factories import make_category


def skus(selection):
    from catalog.models import Product

    by_pk = dict(Product.objects.values_list("pk", "sku"))
    return [by_pk[pk] for pk in selection.product_ids]


def test_only_approved_products_complete_in_the_locale_are_selected(publish, web):
    publish("OK")
    publish("DRAFT", approve=False)
    publish("NO-FA", locales=("en", "tr", "fi", "az"))
    selection = select_products(channel=web, locale="fa")
    assert skus(selection) == ["OK"]
    assert selection.log_lines() == ["1 product skipped: incomplete in fa (NO-FA)"]
    assert skus(select_products(channel=web, locale="en")) == ["NO-FA", "OK"]


def test_a_persian_catalog_never_silently_shows_english(publish, web):
    """With an explicit fallback the product is shown in English and the log says so."""
    product = publish("NO-FA", locales=("en", "tr", "fi", "az"))
    selection = select_products(channel=web, locale="fa", fallback_locale="en")
    assert selection.product_ids == [product.pk]
    assert selection.locale_for(product.pk) == "en"
    assert selection.log_lines() == ["1 product shown in en: incomplete in fa"]


def test_retired_products_disappear(publish, web):
    product = publish("OLD")
    product_set_status(product=product, status="retired")
    assert select_products(channel=web, locale="en").product_ids == []


def test_a_category_selects_its_whole_subtree(publish, web):
    lighting = make_category("lighting")
    desk = make_category("desk", parent=lighting)
    product = publish("DESK")
    product.categories.set([desk])
    publish("OTHER")
    assert skus(select_products(channel=web, locale="en", category_codes=["lighting"])) == ["DESK"]
    with pytest.raises(ValidationError):
        select_products(channel=web, locale="en", category_codes=["nope"])


def test_explicitly_requested_skus_explain_why_they_are_missing(publish, web):
    publish("DRAFT", approve=False)
    selection = select_products(channel=web, locale="en", skus=["DRAFT", "GHOST"])
    assert selection.log_lines() == [
        "1 product skipped: not approved (DRAFT)",
        "1 product skipped: unknown SKU (GHOST)",
    ]


def test_a_locale_outside_the_channel_is_refused(print_channel):
    print_channel.locales = ["en"]
    print_channel.save()
    with pytest.raises(ValidationError) as caught:
        select_products(channel=print_channel, locale="fa")
    assert "does not publish in fa" in caught.value.messages[0]


def test_the_queryset_form_follows_completeness_changes(publish, web):
    product = publish("P")
    assert list(publishable_products(channel=web, locales=["fi"])) == [product]
    product_update(product=product, texts={"name": {"fi": ""}})
    assert list(publishable_products(channel=web, locales=["fi"])) == []
    assert list(publishable_products(channel=web, locales=["en"])) == [product]


def test_feeds_read_the_same_products_in_chunks(publish, web):
    """Chunked selection: exactly what select_products chooses, in the same (SKU) order."""
    for sku in ("C", "A", "E", "B"):
        publish(sku)
    publish("DRAFT", approve=False)
    publish("NO-FA", locales=("en", "tr", "fi", "az"))
    chunks = list(select_products_in_chunks(channel=web, locale="fa", chunk_size=2))
    assert [len(c.product_ids) for c in chunks] == [2, 2]
    assert [pk for c in chunks for pk in c.product_ids] == select_products(
        channel=web, locale="fa"
    ).product_ids
    assert {c.locale for c in chunks} == {"fa"} and not any(c.fallback_ids for c in chunks)
    with pytest.raises(ValidationError):
        list(select_products_in_chunks(channel=web, locale="xx"))
