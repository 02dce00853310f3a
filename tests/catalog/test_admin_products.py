"""The product admin: rendering, saving through the services, conflicts, history, roles."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from catalog.models import Category, Product, ProductStatus
from catalog.services.products import EditConflict, product_update
from tests.factories import admin_form_data, make_family, make_product, make_user, value

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:catalog_product_changelist"


def change_url(product):
    return reverse("admin:catalog_product_change", args=[product.pk])


def form_errors(response) -> str:
    form = response.context["adminform"].form
    return str(form.errors)


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user("root", superuser=True))
    return client


@pytest.fixture
def lamp(lamp_family, web):
    return make_product(
        lamp_family,
        sku="LAMP-1",
        channels=[web],
        names={"en": "Desk lamp", "fa": "چراغ"},
        values={"weight": value("1.5"), "claim": value("Bright", locale="en")},
    )


def login(client, username, **kwargs):
    client.force_login(make_user(username, **kwargs))
    return client


# --- Rendering -------------------------------------------------------------------------------


def test_changelist_add_and_change_pages_render_for_a_superuser(superuser_client, lamp):
    """The changelist, the add page and the change page all render."""
    assert superuser_client.get(reverse(CHANGELIST)).status_code == 200
    assert superuser_client.get(reverse("admin:catalog_product_add")).status_code == 200
    response = superuser_client.get(change_url(lamp))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="value.weight.-.-"' in html
    assert 'name="value.claim.fa.-"' in html


def test_language_tabs_load_locally_and_persian_fields_are_right_to_left(superuser_client, lamp):
    """Tabs use local scripts only; Persian widgets get dir=rtl, others dir=ltr and lang."""
    html = superuser_client.get(change_url(lamp)).content.decode()
    assert "modeltranslation/js/tabbed_translation_fields.js" in html
    assert "catalog/js/tabs.js" in html
    assert "googleapis" not in html and "//cdn" not in html
    form = superuser_client.get(change_url(lamp)).context["adminform"].form
    assert form.fields["name_fa"].widget.attrs["dir"] == "rtl"
    assert form.fields["name_fa"].widget.attrs["lang"] == "fa"
    assert form.fields["name_tr"].widget.attrs["dir"] == "ltr"
    assert form.fields["value.claim.fa.-"].widget.attrs["dir"] == "rtl"
    assert form.fields["value.claim.fi.-"].widget.attrs["dir"] == "ltr"


def test_value_widgets_follow_the_attribute_type(superuser_client, lamp):
    """Decimal values show their unit; selects offer the translated option labels."""
    form = superuser_client.get(change_url(lamp)).context["adminform"].form
    assert "(kg)" in str(form.fields["value.weight.-.-"].label)
    assert ("red", "Red") in list(form.fields["value.colour.-.-"].choices)


def test_the_add_page_asks_for_the_family_first(superuser_client, lamp_family):
    """Without a family the add page explains it; ?family= shows that family's fields."""
    html = superuser_client.get(reverse("admin:catalog_product_add")).content.decode()
    assert "Choose the family first." in html
    assert "value.weight" not in html
    url = reverse("admin:catalog_product_add") + f"?family={lamp_family.pk}"
    html = superuser_client.get(url).content.decode()
    assert 'name="value.weight.-.-"' in html


def test_a_product_is_added_with_family_and_values(superuser_client, lamp_family, web):
    """Adding through the admin saves through the service: values, names, version 1."""
    url = reverse("admin:catalog_product_add") + f"?family={lamp_family.pk}"
    data = admin_form_data(
        superuser_client.get(url),
        sku="NEW-1",
        family=str(lamp_family.pk),
        channels=[str(web.pk)],
        name_en="Floor lamp",
        status=ProductStatus.DRAFT,
        **{"value.weight.-.-": "3"},
    )
    response = superuser_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    product = Product.objects.get(sku="NEW-1")
    assert product.values == {"weight": value("3")}
    assert product.version == 1
    assert product.completeness.filter(channel=web).count() == 5


# --- Saving ----------------------------------------------------------------------------------


def test_a_save_round_trips_translated_fields_and_values(superuser_client, lamp):
    """Persian and Turkish names and attribute values typed in the admin are stored."""
    response = superuser_client.get(change_url(lamp))
    data = admin_form_data(
        response,
        name_fa="چراغ مطالعه",
        name_tr="Masa lambası",
        **{"value.weight.-.-": "2.25", "value.claim.fa.-": "روشن", "value.colour.-.-": "red"},
    )
    response = superuser_client.post(change_url(lamp), data)
    assert response.status_code == 302, form_errors(response)
    lamp.refresh_from_db()
    assert lamp.name_fa == "چراغ مطالعه"
    assert lamp.name_tr == "Masa lambası"
    assert lamp.values["weight"] == value("2.25")
    assert lamp.values["colour"] == value("red")
    assert {"locale": "fa", "channel": None, "data": "روشن"} in lamp.values["claim"]
    assert lamp.version == 2


def test_bad_values_are_reported_on_their_own_field(superuser_client, lamp):
    """A weight above the maximum and a too long Persian claim are shown next to their fields,
    naming the attribute and the locale; nothing is saved."""
    data = admin_form_data(
        superuser_client.get(change_url(lamp)),
        **{"value.weight.-.-": "500", "value.claim.fa.-": "ب" * 41},
    )
    response = superuser_client.post(change_url(lamp), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "weight" in errors["value.weight.-.-"][0]
    assert "maximum" in errors["value.weight.-.-"][0]
    assert "claim" in errors["value.claim.fa.-"][0] and "fa" in errors["value.claim.fa.-"][0]
    lamp.refresh_from_db()
    assert lamp.values["weight"] == value("1.5")


def test_a_stale_form_is_refused_and_nothing_is_overwritten(superuser_client, lamp):
    """If someone saved after the editor loaded the form, the editor's save is refused."""
    data = admin_form_data(superuser_client.get(change_url(lamp)), name_en="Mine")
    product_update(product=Product.objects.get(pk=lamp.pk), texts={"name": {"en": "Theirs"}})
    response = superuser_client.post(change_url(lamp), data)
    assert response.status_code == 200
    assert "changed by someone else" in form_errors(response)
    lamp.refresh_from_db()
    assert lamp.name_en == "Theirs"


def test_a_conflict_in_the_race_window_is_an_error_not_a_crash(superuser_client, lamp, monkeypatch):
    """The service's EditConflict raised during the save is shown on the form, input kept."""
    data = admin_form_data(superuser_client.get(change_url(lamp)), name_en="Mine")

    def conflicting_save(*, product, user=None, expected_version=None, validate=True):
        raise EditConflict(product, expected_version, expected_version + 1)

    monkeypatch.setattr("catalog.admin.product.product_save", conflicting_save)
    response = superuser_client.post(change_url(lamp), data)
    assert response.status_code == 200
    assert "changed by someone else" in form_errors(response)
    assert response.context["adminform"].form["name_en"].value() == "Mine"
    lamp.refresh_from_db()
    assert lamp.name_en == "Desk lamp"


# --- History -----------------------------------------------------------------------------------


def test_history_is_listed_and_revert_restores_previous_values(superuser_client, lamp):
    """Reverting to an old version restores its text and values as a new version."""
    first = lamp.history.earliest("history_date")
    product_update(
        product=Product.objects.get(pk=lamp.pk),
        texts={"name": {"en": "Renamed"}},
        values={"weight": value("9")},
    )
    history = superuser_client.get(reverse("admin:catalog_product_history", args=[lamp.pk]))
    assert history.status_code == 200
    assert "Renamed" in history.content.decode()
    revert_url = reverse("admin:catalog_product_simple_history", args=[lamp.pk, first.history_id])
    response = superuser_client.get(revert_url)
    assert response.status_code == 200
    response = superuser_client.post(revert_url, admin_form_data(response))
    assert response.status_code == 302, form_errors(response)
    lamp.refresh_from_db()
    assert lamp.name_en == "Desk lamp"
    assert lamp.values["weight"] == value("1.5")
    assert lamp.version == 3


# --- Roles -------------------------------------------------------------------------------------


def test_a_translator_cannot_change_the_turkish_name_when_assigned_only_finnish(client, lamp):
    """Other languages and non-language fields are disabled; the Finnish name is saved."""
    login(client, "tiina", role="translator", languages=["fi"])
    response = client.get(change_url(lamp))
    form = response.context["adminform"].form
    assert form.fields["name_tr"].disabled
    assert form.fields["sku"].disabled
    assert form.fields["value.weight.-.-"].disabled
    assert not form.fields["name_fi"].disabled
    assert not form.fields["value.claim.fi.-"].disabled
    data = admin_form_data(
        response,
        name_fi="Pöytävalaisin",
        name_tr="Masa lambası",
        sku="HACKED",
        **{"value.claim.fi.-": "Kirkas"},
    )
    response = client.post(change_url(lamp), data)
    assert response.status_code == 302, form_errors(response)
    lamp.refresh_from_db()
    assert lamp.name_fi == "Pöytävalaisin"
    assert not lamp.name_tr
    assert lamp.sku == "LAMP-1"
    assert {"locale": "fi", "channel": None, "data": "Kirkas"} in lamp.values["claim"]


def test_a_viewer_can_only_view(client, lamp):
    """A viewer sees the product read-only and cannot save it."""
    login(client, "vera", role="viewer")
    response = client.get(change_url(lamp))
    assert response.status_code == 200
    assert 'name="sku"' not in response.content.decode()
    assert "1.5" in response.content.decode()  # values shown read-only
    response = client.post(change_url(lamp), {"sku": "X"})
    assert response.status_code == 403
    lamp.refresh_from_db()
    assert lamp.sku == "LAMP-1"


def test_approving_an_incomplete_product_is_refused_with_the_reason(client, lamp):
    """A publisher's approval of an incomplete product shows why on the status field."""
    login(client, "paula", role="publisher")
    data = admin_form_data(client.get(change_url(lamp)), status=ProductStatus.APPROVED)
    response = client.post(change_url(lamp), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["status"]
    assert "cannot be approved" in errors[0]
    assert "missing" in errors[0]
    lamp.refresh_from_db()
    assert lamp.status == ProductStatus.DRAFT


def test_an_editor_cannot_approve(client, lamp):
    """Only publishers approve: an editor's attempt is refused on the status field."""
    login(client, "eddie", role="editor")
    data = admin_form_data(client.get(change_url(lamp)), status=ProductStatus.APPROVED)
    response = client.post(change_url(lamp), data)
    assert response.status_code == 200
    assert "Only publishers" in str(response.context["adminform"].form.errors["status"])


def test_a_publisher_approves_a_complete_product(client, web):
    """A product with nothing missing moves to approved through the change form."""
    product = make_product(make_family("plain"), sku="FULL", channels=[web])
    login(client, "paula", role="publisher")
    data = admin_form_data(client.get(change_url(product)), status=ProductStatus.APPROVED)
    response = client.post(change_url(product), data)
    assert response.status_code == 302, form_errors(response)
    product.refresh_from_db()
    assert product.status == ProductStatus.APPROVED
    assert product.version == 3  # content save, then the status change


# --- Bulk actions ------------------------------------------------------------------------------


def test_bulk_status_change_reports_each_refusal(client, lamp, lamp_family):
    """Moving two products to review works; approving an incomplete one names it and why."""
    other = make_product(lamp_family, sku="LAMP-2")
    login(client, "paula", role="publisher")
    url = reverse(CHANGELIST)
    page = client.post(url, {"action": "change_status", "_selected_action": [lamp.pk, other.pk]})
    assert page.status_code == 200
    assert "New status" in page.content.decode()
    response = client.post(
        url,
        {
            "action": "change_status",
            "_selected_action": [lamp.pk, other.pk],
            "status": ProductStatus.IN_REVIEW,
            "apply": "1",
        },
    )
    assert response.status_code == 302
    assert set(Product.objects.values_list("status", flat=True)) == {ProductStatus.IN_REVIEW}
    response = client.post(
        url,
        {
            "action": "change_status",
            "_selected_action": [lamp.pk],
            "status": ProductStatus.APPROVED,
            "apply": "1",
        },
    )
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("LAMP-1 not changed" in t and "cannot be approved" in t for t in texts)
    lamp.refresh_from_db()
    assert lamp.status == ProductStatus.IN_REVIEW


def test_bulk_category_assignment_adds_categories_and_new_versions(client, lamp, lamp_family):
    """Chosen categories are added to every selected product, each with a new version."""
    other = make_product(lamp_family, sku="LAMP-2")
    indoor = Category.objects.create(code="indoor", name_en="Indoor")
    login(client, "eddie", role="editor")
    url = reverse(CHANGELIST)
    page = client.post(
        url, {"action": "assign_categories", "_selected_action": [lamp.pk, other.pk]}
    )
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "action": "assign_categories",
            "_selected_action": [lamp.pk, other.pk],
            "categories": [indoor.pk],
            "apply": "1",
        },
    )
    assert response.status_code == 302
    for product in (lamp, other):
        product.refresh_from_db()
        assert list(product.categories.all()) == [indoor]
        assert product.version == 2


def test_translators_cannot_assign_categories_in_bulk(client, lamp):
    """The category service refuses translators; nothing changes."""
    indoor = Category.objects.create(code="indoor", name_en="Indoor")
    login(client, "tiina", role="translator", languages=["fi"])
    client.post(
        reverse(CHANGELIST),
        {
            "action": "assign_categories",
            "_selected_action": [lamp.pk],
            "categories": [indoor.pk],
            "apply": "1",
        },
    )
    assert not lamp.categories.exists()


def test_a_stale_product_model_form_is_refused(superuser_client, lamp_family):
    """Product models have the same edit-conflict protection as products."""
    from catalog.models import ProductModel
    from catalog.services.product_models import product_model_save

    colour = lamp_family.attributes.get(code="colour")
    model = product_model_save(
        product_model=ProductModel(code="tee", family=lamp_family, name_en="Tee"), axes=[colour]
    )
    url = reverse("admin:catalog_productmodel_change", args=[model.pk])
    page = superuser_client.get(url)
    data = admin_form_data(page, name_en="Mine")
    other = ProductModel.objects.get(pk=model.pk)
    other.name_en = "Theirs"
    product_model_save(product_model=other, expected_version=other.version)
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    assert "changed by someone else" in form_errors(response)
    assert ProductModel.objects.get(pk=model.pk).name_en == "Theirs"


def test_the_history_page_also_lists_price_and_asset_changes(superuser_client, lamp, web):
    """Prices and assets keep their own history; the product's history page shows who changed
    which price or asset and to what."""
    from catalog.models import Price
    from catalog.services.assets import asset_create
    from tests.factories import image_upload

    price = Price.objects.create(product=lamp, channel=web, currency="EUR", amount="10.00")
    price.amount = "12.50"
    price.save()
    asset_create(owner=lamp, role="main", upload=image_upload("lamp-photo.png"))
    html = superuser_client.get(reverse("admin:catalog_product_history", args=[lamp.pk])).content
    html = html.decode()
    assert 'id="related-history"' in html
    assert "web: 12.50 EUR" in html and "web: 10.00 EUR" in html
    assert "main: lamp-photo.png" in html


def test_a_price_and_a_deleted_asset_can_be_restored_from_history(superuser_client, lamp, web):
    """Every price and asset change is revertable from the product's history page."""
    from catalog.models import Asset, Price
    from catalog.services.assets import asset_create
    from tests.factories import image_upload

    price = Price.objects.create(product=lamp, channel=web, currency="EUR", amount="10.00")
    first = price.history.earliest()
    price.amount = "99.00"
    price.save()
    asset = asset_create(owner=lamp, role="main", upload=image_upload("lamp-photo.png"))
    asset_record, asset_pk = asset.history.latest(), asset.pk
    asset.delete()
    history = reverse("admin:catalog_product_history", args=[lamp.pk])
    assert str(first.history_id) in superuser_client.get(history).content.decode()

    url = reverse(
        "admin:catalog_product_restore_related", args=[lamp.pk, "price", first.history_id]
    )
    assert superuser_client.post(url).status_code == 302
    assert str(Price.objects.get(pk=price.pk).amount) == "10.00"
    url = reverse(
        "admin:catalog_product_restore_related", args=[lamp.pk, "asset", asset_record.history_id]
    )
    assert superuser_client.post(url).status_code == 302
    restored = Asset.objects.get(pk=asset_pk)
    assert restored.role == "main" and restored.original_name == "lamp-photo.png"
    assert "main" not in [m["code"] for m in lamp.completeness.get(locale="en").missing]


def test_a_viewer_cannot_restore_a_price(client, lamp, web):
    from catalog.models import Price

    price = Price.objects.create(product=lamp, channel=web, currency="EUR", amount="10.00")
    record = price.history.earliest()
    price.amount = "20.00"
    price.save()
    client.force_login(make_user("vic", role="viewer"))
    url = reverse(
        "admin:catalog_product_restore_related", args=[lamp.pk, "price", record.history_id]
    )
    assert client.post(url).status_code == 403
    assert str(Price.objects.get(pk=price.pk).amount) == "20.00"
