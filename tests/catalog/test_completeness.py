"""Completeness is stored per (channel, locale) and never left stale."""

import pytest

from catalog.models import Completeness, FamilyChannelRequirement
from catalog.services.assets import asset_create
from catalog.services.completeness import completeness_recompute
from catalog.services.products import product_update
from tests.factories import image_upload, make_channel, make_product, value


def ratios(product):
    return {(r.channel.code, r.locale): r.ratio for r in product.completeness.all()}


def missing(product, channel="web", locale="en"):
    row = product.completeness.get(channel__code=channel, locale=locale)
    return [item["code"] for item in row.missing]


def test_missing_items_are_listed_by_kind(lamp_family, web):
    product = make_product(lamp_family, channels=[web], names={"en": "Lamp"})
    row = product.completeness.get(channel=web, locale="fa")
    assert row.ratio == 0
    assert row.missing == [
        {"type": "field", "code": "name"},
        {"type": "attribute", "code": "weight"},
        {"type": "attribute", "code": "claim"},
        {"type": "asset", "code": "main"},
    ]


def test_filling_everything_reaches_100_percent_in_that_locale_only(lamp_family, web):
    product = make_product(
        lamp_family,
        channels=[web],
        names={"en": "Lamp", "fa": "چراغ"},
        values={"weight": value("2"), "claim": value("روشن", locale="fa")},
    )
    asset_create(owner=product, role="main", upload=image_upload())
    assert ratios(product)[("web", "fa")] == 100
    assert ratios(product)[("web", "en")] == 75
    assert missing(product, locale="en") == ["claim"]


def test_deleting_the_main_image_lowers_completeness(lamp_family, web):
    product = make_product(lamp_family, channels=[web], values={"weight": value("2")})
    asset = asset_create(owner=product, role="main", upload=image_upload())
    assert "main" not in missing(product)
    asset.delete()
    assert "main" in missing(product)


def test_a_family_change_leaves_no_stale_scores(lamp_family, web):
    """Adding a requirement to the family lowers every existing product's score at once."""
    products = [
        make_product(lamp_family, channels=[web], values={"weight": value("1")}) for _ in range(3)
    ]
    before = [ratios(p)[("web", "en")] for p in products]
    requirement = FamilyChannelRequirement.objects.get(family=lamp_family, channel=web)
    requirement.translated_fields = ["name", "short_description"]
    requirement.save()
    after = [ratios(p)[("web", "en")] for p in products]
    assert all(b > a for b, a in zip(before, after, strict=True))
    requirement.attributes.remove(*requirement.attributes.all())
    assert all("weight" not in missing(p) for p in products)


def test_a_product_is_measured_only_in_its_channels_and_their_locales(lamp_family, web):
    marketplace = make_channel("market", kind="marketplace", locales=("en", "tr"))
    product = make_product(lamp_family, channels=[web])
    assert {key[0] for key in ratios(product)} == {"web"}
    product.channels.add(marketplace)
    assert set(ratios(product)) >= {("market", "en"), ("market", "tr")}
    marketplace.locales = ["en"]
    marketplace.save()
    assert ("market", "tr") not in ratios(product)
    product.channels.remove(marketplace)
    assert {key[0] for key in ratios(product)} == {"web"}


def test_a_channel_without_requirements_is_complete(lamp_family, print_channel):
    product = make_product(lamp_family, channels=[print_channel])
    assert set(ratios(product).values()) == {100}


def test_an_update_refreshes_completeness(lamp_family, web):
    product = make_product(lamp_family, channels=[web])
    assert "weight" in missing(product)
    product_update(product=product, values={"weight": value("3")})
    assert "weight" not in missing(product)


@pytest.mark.parametrize("count", [5, 40])
def test_full_recompute_uses_a_constant_number_of_queries(
    lamp_family, web, count, django_assert_max_num_queries
):
    """Set-based: the query count does not depend on how many products there are."""
    for _ in range(count):
        make_product(lamp_family, channels=[web])
    Completeness.objects.all().delete()
    with django_assert_max_num_queries(14):
        assert completeness_recompute() == count
    assert Completeness.objects.count() == count * 5
