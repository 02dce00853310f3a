"""The admin for the catalog's structure: channels, audiences, categories, attributes, families."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Attribute, Category, Channel, Completeness, EditorProfile, Family
from catalog.services.permissions import user_editable_languages
from tests.factories import (
    make_attribute,
    make_audience,
    make_category,
    make_product,
    make_user,
    value,
)


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._multiple = False
        self._textarea: str | None = None

    def _add(self, name: str, content: str) -> None:
        if "__prefix__" not in name:  # the inline rows' empty template
            self.data.setdefault(name, []).append(content)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._add(attrs["name"], attrs.get("value") or default)
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = attrs["name"], None, False
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = attrs.get("value", "")
            if "selected" in attrs:
                self._select_chosen = True
                self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._select_chosen and not self._multiple and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(response, form_id: str) -> dict[str, list[str]]:
    """The change form as rendered, ready to be edited and posted back."""
    assert response.status_code == 200
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("root", superuser=True))
    return client


@pytest.fixture
def structure(lamp_family, web, print_channel):
    """One of everything the structure admin edits."""
    root = make_category("lighting")
    child = make_category("desk-lamps", parent=root)
    audience = make_audience("dealer")
    return {
        "channel": web,
        "audience": audience,
        "category": child,
        "root": root,
        "attribute": Attribute.objects.get(code="colour"),
        "family": lamp_family,
    }


class TestPagesRender:
    @pytest.mark.parametrize("key", ["channel", "audience", "category", "attribute", "family"])
    def test_changelist_add_and_change_pages_render_for_a_superuser(
        self, admin_client, structure, key
    ):
        """Every structure admin lists, adds and changes without errors."""
        obj = structure[key]
        for url in (
            admin_url(type(obj)),
            admin_url(type(obj), "add"),
            admin_url(type(obj), "change", obj.pk),
        ):
            assert admin_client.get(url).status_code == 200, url

    def test_user_pages_render_with_the_translator_languages(self, admin_client):
        """The user admin keeps working with the translator-languages inline added."""
        translator = make_user("tina", role="translator", languages=["fa"])
        user_model = get_user_model()
        for url in (
            admin_url(user_model),
            admin_url(user_model, "add"),
            admin_url(user_model, "change", translator.pk),
        ):
            response = admin_client.get(url)
            assert response.status_code == 200, url
        assert 'name="pim_profile-0-languages"' in response.content.decode()

    def test_completeness_is_not_editable_in_the_admin(self, admin_client):
        """Completeness is computed, never typed in: it has no admin of its own."""
        assert not admin.site.is_registered(Completeness)

    def test_persian_inputs_are_right_to_left(self, admin_client, structure):
        """Persian name inputs carry dir="rtl"; English ones do not."""
        html = admin_client.get(admin_url(Category, "change", structure["root"].pk)).content
        html = html.decode()
        fa_input = html[html.index('name="name_fa"') - 300 : html.index('name="name_fa"') + 300]
        en_input = html[html.index('name="name_en"') - 300 : html.index('name="name_en"') + 300]
        assert 'dir="rtl"' in fa_input
        assert 'dir="rtl"' not in en_input

    def test_persian_option_labels_are_right_to_left(self, admin_client, structure):
        """Translation inlines get the same right-to-left inputs as the main form."""
        url = admin_url(Attribute, "change", structure["attribute"].pk)
        form = admin_client.get(url).context["inline_admin_formsets"][0].formset.forms[0]
        assert form.fields["label_fa"].widget.attrs["dir"] == "rtl"
        assert "dir" not in form.fields["label_en"].widget.attrs


class TestChannelAdmin:
    def _post(self, client, locales):
        data = {
            "code": "kiosk",
            "name_en": "Kiosk",
            "kind": "kiosk",
            "locales": locales,
            "currency": "EUR",
            "position": "0",
        }
        return client.post(admin_url(Channel, "add"), data)

    def test_a_channel_is_created_with_the_ticked_locales(self, admin_client):
        """Ticked languages are stored as the channel's locale list."""
        response = self._post(admin_client, ["en", "fa"])
        assert response.status_code == 302
        assert Channel.objects.get(code="kiosk").locales == ["en", "fa"]

    def test_an_unknown_locale_is_refused_with_the_channel_rule(self, admin_client):
        """A locale outside settings.LANGUAGES is refused with Channel.clean's message."""
        response = self._post(admin_client, ["en", "xx"])
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "Unknown locale(s) xx" in str(errors["locales"])
        assert not Channel.objects.filter(code="kiosk").exists()

    def test_a_channel_needs_a_locale(self, admin_client):
        """No ticked locale: the channel is refused."""
        response = self._post(admin_client, [])
        assert "at least one locale" in str(response.context["adminform"].form.errors["locales"])

    def test_a_locale_no_longer_configured_stays_visible(self, admin_client, web):
        """A stored locale missing from settings is shown ticked, not silently dropped."""
        Channel.objects.filter(pk=web.pk).update(locales=["en", "de"])
        response = admin_client.get(admin_url(Channel, "change", web.pk))
        data = form_data(response, "channel_form")
        assert data["locales"] == ["en", "de"]
        response = admin_client.post(admin_url(Channel, "change", web.pk), data)
        assert "Unknown locale(s) de" in str(response.context["adminform"].form.errors)


class TestAttributeAdmin:
    def test_an_invalid_regular_expression_is_refused(self, admin_client):
        """The definition rules of catalog.services.attributes apply in the admin."""
        response = admin_client.get(admin_url(Attribute, "add"))
        data = form_data(response, "attribute_form")
        data.update(code=["model-code"], label_en=["Model code"], type=["text"], pattern=["[a-"])
        response = admin_client.post(admin_url(Attribute, "add"), data)
        assert response.status_code == 200
        assert "Not a valid regular expression" in str(
            response.context["adminform"].form.errors["pattern"]
        )
        assert not Attribute.objects.filter(code="model-code").exists()

    def test_an_attribute_is_saved_with_translated_option_labels(self, admin_client):
        """Options and their per-language labels are edited inline."""
        data = form_data(admin_client.get(admin_url(Attribute, "add")), "attribute_form")
        data.update(
            {
                "code": ["finish"],
                "label_en": ["Finish"],
                "type": ["select"],
                "options-TOTAL_FORMS": ["1"],
                "options-0-code": ["matt"],
                "options-0-label_en": ["Matt"],
                "options-0-label_fa": ["مات"],
                "options-0-position": ["0"],
            }
        )
        response = admin_client.post(admin_url(Attribute, "add"), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        option = Attribute.objects.get(code="finish").options.get()
        assert (option.label_en, option.label_fa) == ("Matt", "مات")

    def test_the_list_filters_by_type(self, admin_client, lamp_family):
        """The attribute list can be narrowed to one type."""
        response = admin_client.get(admin_url(Attribute), {"type__exact": "select"})
        assert [a.code for a in response.context["cl"].result_list] == ["colour"]


class TestCategoryAdmin:
    def test_a_category_cannot_become_its_own_ancestor(self, admin_client, db):
        """Choosing a descendant as parent is refused (Category.clean)."""
        root = make_category("lighting")
        child = make_category("desk-lamps", parent=root)
        grandchild = make_category("led", parent=child)
        url = admin_url(Category, "change", root.pk)
        data = form_data(admin_client.get(url), "category_form")
        data["parent"] = [str(grandchild.pk)]
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert "its own ancestor" in str(response.context["adminform"].form.errors["parent"])
        root.refresh_from_db()
        assert root.parent is None

    def test_the_changelist_is_ordered_as_a_tree_with_full_paths(self, admin_client, db):
        """Children follow their parent, siblings by position; each row shows its path."""
        lighting = make_category("lighting")
        tools = make_category("tools")
        Category.objects.filter(pk=tools.pk).update(position=1)
        make_category("saws", parent=tools)
        desk = make_category("desk", parent=lighting)
        make_category("led", parent=desk)
        Category.objects.filter(code="desk").update(position=2)
        make_category("ceiling", parent=lighting)

        response = admin_client.get(admin_url(Category))
        rows = response.context["cl"].result_list
        assert [row.code for row in rows] == ["lighting", "ceiling", "desk", "led", "tools", "saws"]
        assert [row.tree_node.depth for row in rows] == [0, 1, 1, 2, 0, 1]
        assert "Lighting › Desk › Led" in response.content.decode()

    def test_parent_choices_are_labelled_with_full_paths(self, admin_client, db):
        """The parent drop-down lists the tree in order, each choice with its path."""
        root = make_category("lighting")
        make_category("desk", parent=root)
        response = admin_client.get(admin_url(Category, "add"))
        choices = [
            label for _value, label in response.context["adminform"].form["parent"].field.choices
        ]
        assert [str(c) for c in choices[1:]] == ["Lighting", "Lighting › Desk"]

    def test_the_changelist_query_count_does_not_grow_with_the_tree(
        self, admin_client, db, django_assert_max_num_queries
    ):
        """A deep, wide tree lists with as many queries as a single category."""
        make_category("root")
        with CaptureQueriesContext(connection) as small:
            assert admin_client.get(admin_url(Category)).status_code == 200

        parent = None
        for depth in range(12):
            parent = make_category(f"level-{depth}", parent=parent)
            for sibling in range(5):
                make_category(f"leaf-{depth}-{sibling}", parent=parent)
        with django_assert_max_num_queries(len(small)):
            response = admin_client.get(admin_url(Category), {"all": ""})
        assert len(response.context["cl"].result_list) == 1 + 12 * 6

    def test_the_tree_order_continues_across_pages(self, admin_client, db, monkeypatch):
        """Paging cuts the tree-ordered list, not the database order."""
        monkeypatch.setattr(admin.site.get_model_admin(Category), "list_per_page", 2)
        zeta = make_category("zeta")
        make_category("alpha", parent=zeta)
        make_category("beta")

        def codes_on(page):
            response = admin_client.get(admin_url(Category), {"p": page})
            return [row.code for row in response.context["cl"].result_list]

        assert [codes_on(1), codes_on(2)] == [["beta", "zeta"], ["alpha"]]

    def test_searching_keeps_the_paths(self, admin_client, db):
        """A search hit deep in the tree still shows where it sits."""
        root = make_category("lighting")
        make_category("desk", parent=root, name_fa="رومیزی")
        response = admin_client.get(admin_url(Category), {"q": "رومیزی"})
        rows = response.context["cl"].result_list
        assert [row.tree_node.label for row in rows] == ["Lighting › Desk"]


class TestFamilyAdmin:
    def test_changing_requirements_in_the_admin_updates_stored_completeness(
        self, admin_client, lamp_family, web
    ):
        """Dropping the main-image and claim requirements raises the stored score at once."""
        product = make_product(lamp_family, channels=[web], values={"weight": value("1.5")})
        assert product.completeness.get(locale="en").ratio == 50

        url = admin_url(type(lamp_family), "change", lamp_family.pk)
        data = form_data(admin_client.get(url), "family_form")
        claim = Attribute.objects.get(code="claim")
        data["requirements-0-attributes"].remove(str(claim.pk))
        data["requirements-0-asset_roles"] = []
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["inline_admin_formsets"]

        ratios = {row.locale: row.ratio for row in product.completeness.all()}
        assert ratios == {"en": 100, "tr": 50, "fi": 50, "az": 50, "fa": 50}

    def test_requiring_an_attribute_adds_it_to_the_missing_list(
        self, admin_client, lamp_family, web
    ):
        """Ticking one more required attribute lowers the stored score."""
        product = make_product(
            lamp_family,
            channels=[web],
            values={"weight": value("1.5"), "claim": value("Bright", locale="en")},
        )
        url = admin_url(type(lamp_family), "change", lamp_family.pk)
        data = form_data(admin_client.get(url), "family_form")
        data["requirements-0-asset_roles"] = []
        assert admin_client.post(url, data).status_code == 302
        assert product.completeness.get(locale="en").ratio == 100

        data["requirements-0-attributes"].append(str(Attribute.objects.get(code="colour").pk))
        assert admin_client.post(url, data).status_code == 302
        row = product.completeness.get(locale="en")
        assert row.ratio == 75
        assert {"type": "attribute", "code": "colour"} in row.missing

    def test_a_new_family_can_require_the_attributes_it_is_created_with(self, admin_client, web):
        """On the add page, requirements are checked against the attribute rows submitted."""
        power = make_attribute("power", "integer")
        make_attribute("voltage", "integer")
        url = admin_url(Family, "add")
        data = form_data(admin_client.get(url), "family_form")
        data.update(
            {
                "code": ["heaters"],
                "name_en": ["Heaters"],
                "family_attributes-TOTAL_FORMS": ["1"],
                "family_attributes-0-attribute": [str(power.pk)],
                "family_attributes-0-position": ["0"],
                "requirements-TOTAL_FORMS": ["1"],
                "requirements-0-channel": [str(web.pk)],
                "requirements-0-attributes": [str(power.pk)],
                "requirements-0-translated_fields": ["name"],
            }
        )
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["errors"]
        requirement = web.familychannelrequirement_set.get(family__code="heaters")
        assert [a.code for a in requirement.attributes.all()] == ["power"]
        assert requirement.translated_fields == ["name"]

    def test_required_attributes_must_belong_to_the_family(self, admin_client, lamp_family, web):
        """Requiring an attribute the family lacks is refused: it could never be filled."""
        url = admin_url(type(lamp_family), "change", lamp_family.pk)
        data = form_data(admin_client.get(url), "family_form")
        weight = Attribute.objects.get(code="weight")
        rows = int(data["family_attributes-TOTAL_FORMS"][0])
        for i in range(rows):
            if data[f"family_attributes-{i}-attribute"] == [str(weight.pk)]:
                data[f"family_attributes-{i}-DELETE"] = ["on"]
        response = admin_client.post(url, data)
        assert response.status_code == 200
        requirement_formset = response.context["inline_admin_formsets"][1].formset
        assert "Not attributes of this family" in str(requirement_formset.errors)
        assert lamp_family.attributes.filter(pk=weight.pk).exists()

    def test_requirement_choices_offer_the_family_attributes(self, admin_client, lamp_family):
        """Only the family's attributes can be ticked as required."""
        make_attribute("voltage", "integer")
        url = admin_url(type(lamp_family), "change", lamp_family.pk)
        formset = admin_client.get(url).context["inline_admin_formsets"][1].formset
        codes = {a.code for a in formset.forms[0].fields["attributes"].queryset}
        assert codes == {"weight", "colour", "claim"}

    def test_translations_and_asset_roles_are_offered_with_their_names(
        self, admin_client, lamp_family
    ):
        """Required translations list product text fields by their verbose names."""
        url = admin_url(type(lamp_family), "change", lamp_family.pk)
        form = admin_client.get(url).context["inline_admin_formsets"][1].formset.forms[0]
        fields = dict(form.fields["translated_fields"].choices)
        assert str(fields["seo_title"]) == "SEO title"
        assert "main" in dict(form.fields["asset_roles"].choices)


class TestTranslatorLanguages:
    def test_an_admin_assigns_a_translators_languages(self, admin_client, db):
        """Ticking languages on the user page decides what the translator may edit."""
        translator = make_user("tina", role="translator")
        url = admin_url(get_user_model(), "change", translator.pk)
        data = form_data(admin_client.get(url), "user_form")
        data["pim_profile-0-languages"] = ["fa", "az"]
        response = admin_client.post(url, data)
        assert response.status_code == 302, response.context["errors"]
        assert EditorProfile.objects.get(user=translator).languages == ["az", "fa"]
        translator.refresh_from_db()
        assert user_editable_languages(translator) == {"az", "fa"}

    def test_an_unknown_language_is_refused(self, admin_client, db):
        """Only configured languages can be assigned."""
        translator = make_user("tina", role="translator", languages=["fa"])
        url = admin_url(get_user_model(), "change", translator.pk)
        data = form_data(admin_client.get(url), "user_form")
        assert data["pim_profile-0-languages"] == ["fa"]
        data["pim_profile-0-languages"] = ["xx"]
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert EditorProfile.objects.get(user=translator).languages == ["fa"]
