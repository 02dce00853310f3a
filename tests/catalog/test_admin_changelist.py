"""The product changelist: completeness badges, filters, search and a constant query count."""

import pytest
from django.urls import reverse

from catalog.models import Attribute, ProductModel
from tests.factories import admin_form_data, make_family, make_product, make_user, value

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:catalog_product_changelist")


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user("root", superuser=True))
    return client


def make_products(family, channels, count, start=0):
    for n in range(start, start + count):
        make_product(
            family,
            sku=f"P-{n:03d}",
            channels=channels,
            names={"en": f"Lamp {n}", "fa": f"چراغ {n}"},
            values={"weight": value("1")},
        )


@pytest.mark.parametrize("count", [5, 30])
def test_the_changelist_query_count_does_not_grow_with_products(
    superuser_client, lamp_family, web, print_channel, django_assert_max_num_queries, count
):
    """Badges come from stored completeness, prefetched: at most 15 queries for 5 or 30."""
    make_products(lamp_family, [web, print_channel], count)
    with django_assert_max_num_queries(15):
        response = superuser_client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.content.decode().count('class="pim-badge ') == count * 8


def test_badges_show_ratio_and_a_translated_tooltip(superuser_client, lamp_family, web):
    """One line per channel; each locale chip shows its ratio; its title lists what is missing."""
    make_products(lamp_family, [web], 1)
    html = superuser_client.get(CHANGELIST).content.decode()
    assert '<span class="pim-badge-channel">web</span>' in html
    assert ">fa 50%</span>" in html and ">tr 25%</span>" in html
    assert "missing: Claim, Main image" in html


def test_the_completeness_filter_splits_complete_and_incomplete(superuser_client, web):
    """A product with nothing missing is complete for the channel; the other is not."""
    plain = make_family("plain")
    needs = make_family("needs", requirements={web: {"fields": ["name"]}}, attributes=[])
    make_product(plain, sku="DONE", channels=[web])
    make_product(needs, sku="TODO", channels=[web], names={"en": "only english"})
    response = superuser_client.get(CHANGELIST, {"completeness": f"complete-{web.pk}"})
    skus = [p.sku for p in response.context["cl"].result_list]
    assert skus == ["DONE"]
    response = superuser_client.get(CHANGELIST, {"completeness": f"incomplete-{web.pk}"})
    assert [p.sku for p in response.context["cl"].result_list] == ["TODO"]


def test_search_finds_products_by_name_in_any_language(superuser_client, lamp_family, web):
    """A Persian name, a SKU and a GTIN all find the product."""
    make_product(lamp_family, sku="FA-1", names={"fa": "چراغ خواب"}, gtin="4006381333931")
    make_product(lamp_family, sku="OTHER")
    for query in ("خواب", "FA-1", "4006381333931"):
        response = superuser_client.get(CHANGELIST, {"q": query})
        assert [p.sku for p in response.context["cl"].result_list] == ["FA-1"], query


def test_the_change_page_lists_what_is_missing_with_labels(superuser_client, lamp_family, web):
    """The completeness block names missing attributes, fields and asset roles by label."""
    product = make_product(lamp_family, sku="P", channels=[web], names={"en": "x"})
    html = superuser_client.get(
        reverse("admin:catalog_product_change", args=[product.pk])
    ).content.decode()
    assert "Missing per channel and language" in html
    assert "Weight, Claim, Main image" in html
    assert "name, Weight" in html  # Persian lacks the name too


def test_a_product_model_is_added_and_lists_its_variants(superuser_client, web):
    """Axes are checked by the service; shared values use the same value fields."""
    size = Attribute.objects.create(code="size", label_en="Size", type="select")
    size.options.create(code="s", label_en="S")
    size.options.create(code="m", label_en="M")
    family = make_family("shirts", attributes=[size])
    add_url = reverse("admin:catalog_productmodel_add") + f"?family={family.pk}"
    response = superuser_client.get(add_url)
    assert response.status_code == 200
    data = admin_form_data(
        response,
        code="tee",
        family=str(family.pk),
        variant_axes=[str(size.pk)],
        name_en="T-shirt",
        name_fa="تی‌شرت",
    )
    data.update({"assets-TOTAL_FORMS": "0", "assets-INITIAL_FORMS": "0"})
    data.update({"variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0"})
    response = superuser_client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    model = ProductModel.objects.get(code="tee")
    assert list(model.variant_axes.all()) == [size]
    make_product(family, sku="TEE-S", model=model, values={"size": value("s")})
    html = superuser_client.get(
        reverse("admin:catalog_productmodel_change", args=[model.pk])
    ).content.decode()
    assert "TEE-S" in html
    assert 'name="value.size.-.-"' in html


def test_a_text_attribute_cannot_be_a_variant_axis(superuser_client, web):
    """The axes rule of the product model service shows on the variant axes field."""
    colour = Attribute.objects.create(code="note", label_en="Note", type="text")
    family = make_family("things", attributes=[colour])
    add_url = reverse("admin:catalog_productmodel_add") + f"?family={family.pk}"
    data = admin_form_data(
        superuser_client.get(add_url),
        code="thing",
        family=str(family.pk),
        variant_axes=[str(colour.pk)],
    )
    data.update({"assets-TOTAL_FORMS": "0", "assets-INITIAL_FORMS": "0"})
    data.update({"variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0"})
    response = superuser_client.post(add_url, data)
    assert response.status_code == 200
    assert "variant axis" in str(response.context["adminform"].form.errors["variant_axes"])
