"""View objects: what a reader in one locale and audience sees, with a fixed query count."""

import dataclasses
from decimal import Decimal

import pytest

from catalog.models import Asset, Audience, Price
from catalog.services.assets import asset_create
from catalog.services.values import sanitize_rich_text
from publishing.context import (
    ProductViewBuilder,
    _sanitized,
    build_product_views,
    content_checksum,
)
from publishing.selection import select_products
from tests.factories import image_upload, make_attribute


def views_for(web, locale, audience=None):
    return build_product_views(select_products(channel=web, locale=locale, audience=audience))


def test_prices_and_numbers_are_formatted_for_the_locale(publish, web):
    """Persian uses Persian digits and separators; Finnish a comma and a trailing €."""
    publish("P")
    (fa,) = views_for(web, "fa")
    (fi,) = views_for(web, "fi")
    assert fa.price.formatted == "\u200e€\u00a0۱٬۲۳۴٫۵۰"
    assert fi.price.formatted == "1\u00a0234,50\u00a0€"
    assert [a.value for a in fi.attributes if a.code == "weight"] == ["1,5\u00a0kg"]
    assert [a.value for a in fa.attributes if a.code == "weight"] == ["۱٫۵\u00a0kg"]
    assert fa.direction == "rtl" and fi.direction == "ltr"


def test_localizable_values_and_text_come_from_the_readers_language(publish, web):
    publish("P", names={"en": "Lamp", "tr": "Lamba", "fi": "Valaisin", "az": "Lampa", "fa": "چراغ"})
    (tr,) = views_for(web, "tr")
    assert tr.name == "Lamba"
    assert [a.value for a in tr.attributes if a.code == "claim"] == ["claim tr"]


def test_audiences_see_their_own_attributes_assets_and_prices(publish, web, audiences, lamp_family):
    voltage = make_attribute("voltage", "integer", unit="V")
    voltage.audiences.set([audiences["technician"]])
    lamp_family.family_attributes.create(attribute=voltage, position=9)
    product = publish(
        "P", extra_values={"voltage": [{"locale": None, "channel": None, "data": 230}]}
    )
    drawing = asset_create(
        owner=product, role="drawing", upload=image_upload("d.png", color=(1, 2, 3))
    )
    drawing.audiences.set([audiences["technician"]])
    Price.objects.create(
        product=product, channel=web, currency="EUR", amount="900", audience=audiences["dealer"]
    )
    (public,) = views_for(web, "en")
    (technician,) = views_for(web, "en", audiences["technician"])
    (dealer,) = views_for(web, "en", audiences["dealer"])
    assert "voltage" not in [a.code for a in public.attributes]
    assert "voltage" in [a.code for a in technician.attributes]
    assert [i.role for i in public.images] == ["main"]
    assert sorted(i.role for i in technician.images) == ["drawing", "main"]
    assert public.price.amount == Decimal("1234.50") and dealer.price.amount == Decimal("900")
    assert dealer.price.audience == "dealer"


def test_language_specific_assets_show_only_in_their_language(publish, web):
    product = publish("P")
    asset_create(
        owner=product, role="label", upload=image_upload("fa.png", color=(9, 9, 9)), language="fa"
    )
    (en,) = views_for(web, "en")
    (fa,) = views_for(web, "fa")
    assert "label" not in [i.role for i in en.images]
    assert "label" in [i.role for i in fa.images]


def test_rich_text_reaching_templates_is_sanitized(publish, web):
    product = publish("P")
    # Even a raw write that bypassed the services cannot inject script.
    type(product).objects.filter(pk=product.pk).update(description_en="<p>x</p><script>1</script>")
    (view,) = views_for(web, "en")
    assert view.description == "<p>x</p>"


@pytest.mark.parametrize("count", [2, 12])
def test_building_views_uses_a_constant_number_of_queries(
    publish, web, count, django_assert_max_num_queries
):
    for index in range(count):
        publish(f"P{index}")
    selection = select_products(channel=web, locale="fi")
    with django_assert_max_num_queries(12):
        views = build_product_views(selection)
    assert len(views) == count


def test_the_checksum_changes_with_the_content_only(publish, web):
    product = publish("P")
    first = content_checksum(views_for(web, "en"), kind="catalog")
    assert first == content_checksum(views_for(web, "en"), kind="catalog")
    Asset.objects.filter(product=product).update(alt_text_en="New alt")
    assert first != content_checksum(views_for(web, "en"), kind="catalog")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  plain text  ",
        "Valaisin, 230 V",
        "چراغ «ب»",
        "a & b",
        "1 < 2",
        "x\u00a0y",
        "a\r\nb",
        "\ufeffbom",
        "<p>x</p><script>1</script>",
        "<b onclick='x'>y</b>",
        "\tz\n",
    ],
)
def test_text_without_markup_skips_the_sanitizer_with_the_same_result(text):
    assert _sanitized(text) == sanitize_rich_text(text)


def test_one_builder_serves_many_chunks_with_the_same_views(
    publish, web, django_assert_max_num_queries
):
    """Per-output caches change nothing: views built chunk by chunk equal one build."""
    for index in range(4):
        publish(f"P{index}")
    selection = select_products(channel=web, locale="fa")
    whole = build_product_views(selection)
    builder = ProductViewBuilder(channel=web, audience=None)
    parts = []
    for start in (0, 2):
        part = dataclasses.replace(selection, product_ids=selection.product_ids[start : start + 2])
        with django_assert_max_num_queries(12):
            parts += builder.build(part)
    assert parts == whole
    with pytest.raises(ValueError):
        builder.build(select_products(channel=web, locale="fa", audience=Audience(pk=999)))
