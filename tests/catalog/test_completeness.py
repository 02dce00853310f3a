"""Completeness is stored per (channel, locale) and never left stale."""

import pytest
from django.db import transaction

from catalog.models import Completeness, FamilyChannelRequirement
from catalog.services.assets import asset_create
from catalog.services.completeness import completeness_deferred, completeness_recompute
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


@pytest.fixture
def recomputes(monkeypatch):
    """The product ids of every recompute that really runs (deferred ones are not counted)."""
    from catalog.services import completeness

    calls = []
    real = completeness._recompute

    def counting(**kwargs):
        calls.append(kwargs.get("product_ids"))
        return real(**kwargs)

    monkeypatch.setattr(completeness, "_recompute", counting)
    return calls


def snapshot(products):
    return {
        (row.product.sku, row.channel.code, row.locale): (
            row.ratio,
            row.required_count,
            row.missing,
        )
        for row in Completeness.objects.filter(product__in=products).select_related(
            "product", "channel"
        )
    }


def test_a_deferred_block_recomputes_once_when_it_ends(lamp_family, web, recomputes):
    """Services and signals inside the block only note products; one recompute follows."""
    with completeness_deferred():
        products = [
            make_product(lamp_family, channels=[web], values={"weight": value("1")})
            for _ in range(3)
        ]
        product_update(product=products[0], texts={"name": {"fi": "Valaisin"}})
        assert recomputes == []
        assert not Completeness.objects.exists()
    assert recomputes == [sorted(p.pk for p in products)]
    assert Completeness.objects.filter(product__in=products).count() == 3 * 5


def test_deferred_results_equal_recomputing_each_product(lamp_family, web, print_channel):
    with completeness_deferred():
        products = [
            make_product(lamp_family, channels=[web], names={"en": "Lamp"}),
            make_product(lamp_family, channels=[web, print_channel], values={"weight": value("2")}),
            make_product(lamp_family, channels=[print_channel], names={"fa": "چراغ"}),
        ]
    deferred = snapshot(products)
    Completeness.objects.all().delete()
    for product in products:
        completeness_recompute(product_ids=[product.pk])
    assert snapshot(products) == deferred and len(deferred) == 5 + 5 + 3 + 3


def test_nested_blocks_join_the_outer_one(lamp_family, web, recomputes):
    with completeness_deferred():
        with completeness_deferred():
            product = make_product(lamp_family, channels=[web])
        assert recomputes == []
    assert recomputes == [[product.pk]]


def test_an_exception_inside_discards_the_batch(lamp_family, web, recomputes):
    with pytest.raises(RuntimeError), transaction.atomic(), completeness_deferred():
        make_product(lamp_family, channels=[web])
        raise RuntimeError
    assert recomputes == []
    with completeness_deferred():  # the state was reset: a new block works normally
        product = make_product(lamp_family, channels=[web])
    assert recomputes == [[product.pk]]


def test_immediate_recompute_runs_inside_a_deferred_block(lamp_family, web):
    """What reads completeness at once (approval) asks for it immediately."""
    with completeness_deferred():
        product = make_product(lamp_family, channels=[web])
        assert not product.completeness.exists()
        completeness_recompute(product_ids=[product.pk], immediate=True)
        assert product.completeness.count() == 5
