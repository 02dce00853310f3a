"""Product writes: one validation path, optimistic locking, language rights and history."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from catalog.models import Product, ProductModel
from catalog.services.product_models import product_model_save
from catalog.services.products import (
    EditConflict,
    gtin_clean,
    product_save,
    product_update,
)
from tests.factories import make_attribute, make_family, make_product, make_user, value


@pytest.mark.parametrize(
    "gtin", ["96385074", "036000291452", "4006381333931", "10614141000415", "4006-3813 33931"]
)
def test_valid_gtins_of_every_length_are_accepted(gtin):
    assert gtin_clean(gtin) == gtin.replace("-", "").replace(" ", "")


@pytest.mark.parametrize(
    ("gtin", "message"),
    [
        ("4006381333932", "wrong check digit (expected 1)"),
        ("400638133393", "wrong check digit"),
        ("12345", "has 8, 12, 13 or 14 digits"),
        ("40063813339X1", "digits only"),
    ],
)
def test_bad_gtins_are_refused_with_the_reason(gtin, message):
    with pytest.raises(ValidationError) as caught:
        gtin_clean(gtin)
    assert message in caught.value.messages[0]


def test_product_create_validates_every_field_at_once(lamp_family):
    with pytest.raises(ValidationError) as caught:
        make_product(
            lamp_family, gtin="4006381333932", values={"weight": value("heavy"), "x": value(1)}
        )
    errors = caught.value.message_dict
    assert set(errors) == {"gtin", "values"}
    assert len(errors["values"]) == 2
    assert not Product.objects.exists()


def test_sku_and_gtin_are_unique(lamp_family):
    make_product(lamp_family, sku="LAMP-1", gtin="4006381333931")
    with pytest.raises(ValidationError) as caught:
        make_product(lamp_family, sku="LAMP-2", gtin="4006381333931")
    assert "gtin" in caught.value.message_dict


def test_slugs_follow_the_name_in_each_language(lamp_family):
    """Persian and Turkish names get readable slugs in their own script."""
    product = make_product(lamp_family, names={"en": "Desk Lamp", "fa": "چراغ رومیزی"})
    assert product.slug_en == "desk-lamp"
    assert product.slug_fa == "چراغ-رومیزی"
    assert product.slug_tr is None


def test_a_second_product_with_the_same_name_gets_a_distinct_slug(lamp_family):
    make_product(lamp_family, sku="A", names={"en": "Desk Lamp"})
    second = make_product(lamp_family, sku="B", names={"en": "Desk Lamp"})
    assert second.slug_en == "desk-lamp-b"


def test_an_explicit_slug_taken_in_one_language_is_refused(lamp_family):
    make_product(lamp_family, sku="A", names={"fi": "Pöytävalaisin"})
    product = make_product(lamp_family, sku="B", names={"fi": "Valaisin"})
    with pytest.raises(ValidationError) as caught:
        product_update(product=product, texts={"slug": {"fi": "pöytävalaisin"}})
    assert "slug_fi" in caught.value.message_dict


def test_description_is_sanitized_in_every_language(lamp_family):
    product = make_product(lamp_family)
    product_update(
        product=product, texts={"description": {"fa": "<p>خوب</p><script>alert(1)</script>"}}
    )
    product.refresh_from_db()
    assert product.description_fa == "<p>خوب</p>"


def test_saving_a_stale_version_is_a_conflict_and_overwrites_nothing(lamp_family):
    """Two editors open version 1; the second save is refused with a clear message."""
    product = make_product(lamp_family, names={"en": "Lamp"})
    first = Product.objects.get(pk=product.pk)
    second = Product.objects.get(pk=product.pk)
    product_update(product=first, expected_version=second.version, texts={"name": {"en": "A"}})
    with pytest.raises(EditConflict) as caught:
        product_update(product=second, expected_version=1, texts={"name": {"en": "B"}})
    assert "changed by someone else" in str(caught.value)
    assert Product.objects.get(pk=product.pk).name_en == "A"


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_version_let_exactly_one_win(lamp_family):
    """Real concurrent transactions: one save wins, the other gets a conflict."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the logical conflict is covered above")
    product = make_product(lamp_family)
    outcomes = []
    barrier = threading.Barrier(2)

    def save(name):
        from django.db import connection as thread_connection

        try:
            copy = Product.objects.get(pk=product.pk)
            barrier.wait()
            product_update(product=copy, expected_version=1, texts={"name": {"en": name}})
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Product.objects.get(pk=product.pk).version == 2


def test_every_save_is_recorded_in_history_with_who_and_what(lamp_family):
    editor = make_user("eve", role="editor")
    product = make_product(lamp_family, names={"en": "Lamp"}, values={"weight": value("1")})
    product_update(
        product=product,
        user=editor,
        texts={"name": {"tr": "Lamba"}},
        values={"weight": value("2")},
    )
    latest, first = product.history.all()[:2]
    assert latest.history_user == editor
    delta = latest.diff_against(first)
    assert {change.field for change in delta.changes} >= {"name_tr", "values"}
    assert first.values["weight"][0]["data"] == "1"


def test_a_translator_changes_only_their_languages(lamp_family):
    translator = make_user("tina", role="translator", languages=["fi"])
    product = make_product(lamp_family, names={"en": "Lamp"})
    product_update(product=product, user=translator, texts={"name": {"fi": "Valaisin"}})
    with pytest.raises(PermissionDenied) as caught:
        product_update(product=product, user=translator, texts={"name": {"tr": "Lamba"}})
    assert "name_tr" in str(caught.value)
    product.refresh_from_db()
    with pytest.raises(PermissionDenied):
        product_update(product=product, user=translator, brand="Other")
    product.refresh_from_db()
    with pytest.raises(PermissionDenied):
        product_update(product=product, user=translator, values={"weight": value("3")})
    product.refresh_from_db()
    assert product.name_fi == "Valaisin" and not product.name_tr
    product_update(product=product, user=translator, values={"claim": value("Kirkas", "fi")})


def test_a_viewer_cannot_edit(lamp_family):
    viewer = make_user("vic", role="viewer")
    product = make_product(lamp_family)
    with pytest.raises(PermissionDenied):
        product_update(product=product, user=viewer, brand="X")


@pytest.fixture
def shirt_model(web):
    colour = make_attribute("shirt-colour", "select", options=("red", "blue"))
    size = make_attribute("size", "select", options=("s", "m"))
    material = make_attribute("material", "text", is_localizable=True)
    family = make_family("shirts", attributes=[colour, size, material])
    model = ProductModel(code="tee", family=family, name_en="Tee")
    model.values = {"material": value("Cotton", locale="en")}
    return product_model_save(product_model=model, axes=[colour, size])


def test_variants_need_their_axis_values_and_a_unique_combination(shirt_model):
    family = shirt_model.family
    red_small = {"shirt-colour": value("red"), "size": value("s")}
    make_product(family, model=shirt_model, values=red_small)
    with pytest.raises(ValidationError) as missing:
        make_product(family, model=shirt_model, values={"shirt-colour": value("red")})
    assert "size" in missing.value.messages[0]
    with pytest.raises(ValidationError) as duplicate:
        make_product(family, model=shirt_model, values=red_small)
    assert "already has" in duplicate.value.messages[0]


def test_variant_axes_must_be_simple_selects(shirt_model):
    material = shirt_model.family.attributes.get(code="material")
    with pytest.raises(ValidationError) as caught:
        product_model_save(product_model=shirt_model, axes=[material])
    assert "variant axis" in caught.value.messages[0]


def test_a_variant_of_another_family_is_refused(shirt_model, lamp_family):
    with pytest.raises(ValidationError) as caught:
        make_product(lamp_family, model=shirt_model)
    assert "model" in caught.value.message_dict


def test_product_save_refuses_a_family_less_product(db):
    with pytest.raises(ValidationError) as caught:
        product_save(product=Product(sku="X"))
    assert "family" in caught.value.message_dict


def test_a_translator_cannot_move_products_between_categories_or_channels(lamp_family, web):
    from tests.factories import make_category

    translator = make_user("tina", role="translator", languages=["fi"])
    product = make_product(lamp_family, channels=[web])
    with pytest.raises(PermissionDenied):
        product_update(product=product, user=translator, categories=[make_category("x")])
    with pytest.raises(PermissionDenied):
        product_update(product=product, user=translator, channels=[])
    assert list(product.channels.all()) == [web]


def test_a_stale_product_model_save_is_a_conflict(shirt_model):
    stale = ProductModel.objects.get(pk=shirt_model.pk)
    fresh = ProductModel.objects.get(pk=shirt_model.pk)
    product_model_save(product_model=fresh, expected_version=fresh.version)
    with pytest.raises(EditConflict) as caught:
        product_model_save(product_model=stale, expected_version=stale.version)
    assert "tee was changed by someone else" in str(caught.value)


# --- Limits: one rule each, for the admin, the API and imports ---------------------------------


def _refused(**fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        product_save(product=Product(**fields))
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "length", "limit"),
    [
        ("brand", 3000, 200),
        ("seo_title_en", 5000, 70),
        ("label_text_fi", 10_000, 255),
        ("sku", 500, 64),
        ("name_fa", 256, 255),
    ],
)
def test_every_text_field_keeps_its_max_length(lamp_family, field, length, limit):
    """Over-long text is refused by field name (and language), not stored or left to the
    database to fail on."""
    product = make_product(lamp_family, sku="P")
    setattr(product, field, "A" * length)
    with pytest.raises(ValidationError) as caught:
        product_save(product=product)
    (message,) = caught.value.message_dict[field]
    assert f"at most {limit} characters" in message and str(length) in message
    if field.endswith("_en") or field.endswith("_fi") or field.endswith("_fa"):
        assert f"({field[-2:]})" in message
    assert Product.objects.get(pk=product.pk).version == 1


def test_product_model_text_keeps_its_max_length_too(lamp_family):
    model = ProductModel(code="tee", family=lamp_family, brand="b" * 201)
    with pytest.raises(ValidationError) as caught:
        product_model_save(product_model=model)
    assert "at most 200 characters" in caught.value.message_dict["brand"][0]


@pytest.mark.parametrize("sku", ["A/B", "A B", "A?B", "A#B", "A%2FB", ".hidden", "..", "Ä1", "-1"])
def test_a_sku_has_only_characters_its_url_keeps(lamp_family, sku):
    errors = _refused(sku=sku, family=lamp_family)
    assert "letters" in errors["sku"][0] and sku in errors["sku"][0]


@pytest.mark.parametrize("sku", ["LUM-DL-AURA", "lum_1.5", "A", "9-volt", " TRIMMED "])
def test_ordinary_skus_are_accepted(lamp_family, sku):
    product = product_save(product=Product(sku=sku, family=lamp_family))
    assert product.sku == sku.strip()


@pytest.mark.parametrize(
    ("texts", "key", "code"),
    [
        ({"name": ["a"]}, "name", "invalid_shape"),
        ({"name": "a"}, "name", "invalid_shape"),
        ({"name": {"en": {"a": 1}}}, "name_en", "wrong_type"),
        ({"name": {"en": 5}}, "name_en", "wrong_type"),
        ({"name": {"xx": "a"}}, "name_xx", "unknown_locale"),
        ({"colour": {"en": "a"}}, "colour", "unknown_field"),
        (["name"], "texts", "invalid_shape"),
    ],
)
def test_localized_text_is_a_mapping_of_languages_to_text(lamp_family, texts, key, code):
    """Anything else is refused naming the field and language, never stored as its repr."""
    product = make_product(lamp_family, sku="P")
    with pytest.raises(ValidationError) as caught:
        product_update(product=product, texts=texts)
    (error,) = caught.value.error_dict[key]
    assert error.code == code
    product.refresh_from_db()
    assert product.name_en != "{'a': 1}" and product.version == 1


def test_none_in_localized_text_means_empty(lamp_family):
    product = make_product(lamp_family, sku="P", names={"en": "Lamp"})
    product_update(product=product, texts={"name": {"en": None}})
    assert Product.objects.get(pk=product.pk).name_en == ""


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1e400", "finite number with at most 12 digits"),
        ("NaN", "finite number"),
        ("sNaN", "finite number"),
        ("-Infinity", "finite number"),
        (float("inf"), "finite number"),
        ("10000000000", "finite number with at most 12 digits"),
        ("-1", "cannot be negative"),
        ("1.001", "at most 2 decimals"),
    ],
)
def test_a_price_is_finite_and_fits_its_column(amount, message):
    from catalog.services.prices import price_amount_clean

    with pytest.raises(ValidationError) as caught:
        price_amount_clean(amount)
    assert message in caught.value.message_dict["amount"][0]


def test_the_largest_storable_price_is_accepted():
    from decimal import Decimal

    from catalog.services.prices import price_amount_clean

    assert price_amount_clean("9999999999.99") == Decimal("9999999999.99")
    assert price_amount_clean("1.500") == Decimal("1.50")


def test_the_admin_refuses_an_over_long_brand_on_its_field(client, lamp_family, web):
    """The admin form reports the service's limit next to the field; nothing is saved."""
    from django.urls import reverse

    from tests.factories import admin_form_data

    product = make_product(lamp_family, sku="P", channels=[web])
    client.force_login(make_user("root", superuser=True))
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = admin_form_data(client.get(url), brand="b" * 201, sku="A/B")
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "200" in errors["brand"][0]
    assert "letters" in errors["sku"][0]
    assert Product.objects.get(pk=product.pk).brand == ""


def test_an_import_reports_the_same_limits_per_row_and_column(lamp_family):
    import csv
    import io

    from catalog.services.spreadsheet import products_import

    text = io.StringIO()
    csv.writer(text).writerows(
        [
            ["sku", "family", "brand", "name-fi", "price-web-EUR"],
            ["OK-1", "lamps", "b", "Valo", "1"],
            ["BRAND", "lamps", "b" * 3000, "", ""],
            ["A/B", "lamps", "", "", ""],
            ["PRICE", "lamps", "", "", "1e400"],
            ["NAME", "lamps", "", "n" * 300, ""],
        ]
    )
    report = products_import(fileobj=io.BytesIO(text.getvalue().encode()), name="p.csv")
    found = {(p.row, p.column): p.message for p in report.problems}
    assert "at most 200" in found[(3, "brand")]
    assert "letters" in found[(4, "sku")]
    assert "finite number" in found[(5, "price-web-EUR")]
    assert "at most 255" in found[(6, "name-fi")]
    assert not report.applied and not Product.objects.exists()


def test_an_update_that_changes_nothing_saves_nothing(lamp_family, web):
    """Same texts (per language), JSON values, categories and channels: no version bump,
    no updated_at change, no history entry; one real change still saves once."""
    from tests.factories import make_category

    category = make_category("desk")
    product = make_product(
        lamp_family,
        channels=[web],
        names={"en": "Lamp", "fi": "Lamppu"},
        values={"weight": value("1.5")},
    )
    product.categories.set([category])
    product.refresh_from_db()
    before = (product.version, product.updated_at, product.history.count())
    same = product_update(
        product=Product.objects.get(pk=product.pk),
        texts={"name": {"en": "Lamp", "fi": "Lamppu"}},
        values={"weight": value("1.5")},
        categories=[category],
        channels=[web],
        brand="",
    )
    stored = Product.objects.get(pk=product.pk)
    assert (stored.version, stored.updated_at, stored.history.count()) == before
    assert same.version == before[0]

    product_update(product=stored, texts={"name": {"fi": "Valaisin"}})
    stored = Product.objects.get(pk=product.pk)
    assert stored.version == before[0] + 1
    assert stored.history.count() == before[2] + 1
    product_update(product=stored, categories=[])
    assert Product.objects.get(pk=product.pk).version == before[0] + 2
