from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from stdnum import ean

from catalog.languages import language_codes
from catalog.models import (
    Asset,
    Attribute,
    AttributeOption,
    Audience,
    Category,
    Channel,
    Completeness,
    EditorProfile,
    Family,
    FamilyChannelRequirement,
    Price,
    Product,
    ProductModel,
    ProductStatus,
)

COUNTED = (
    Product,
    ProductModel,
    Family,
    Attribute,
    AttributeOption,
    Category,
    Channel,
    Audience,
    FamilyChannelRequirement,
    Asset,
    Price,
    Completeness,
    EditorProfile,
)


def _snapshot() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["users"] = get_user_model().objects.count()
    for model in apps.get_app_config("catalog").get_models():
        if model.__name__.startswith("Historical"):
            counts[model.__name__] = model.objects.count()
    counts["completeness-rows"] = sorted(
        Completeness.objects.values_list("product__sku", "channel__code", "locale", "ratio")
    )
    counts["statuses"] = sorted(Product.objects.values_list("sku", "status", "version"))
    return counts


def _load(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo_catalog(django_db_setup, django_db_blocker):
    """The full default demo catalog, loaded once for the class (it takes a few seconds)."""
    with django_db_blocker.unblock():
        output = _load()
        yield output
        # Class-scoped data lives outside the per-test transactions: remove it again.
        # flush re-runs post_migrate, which recreates content types, permissions and groups.
        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()


@pytest.mark.django_db
class TestDefaultDemo:
    """The default demo catalog, loaded once."""

    def test_the_default_demo_catalog_is_large_and_varied(self, demo_catalog):
        """65 products in six families, three channels, three audiences and a three-level tree."""
        assert "Admin login" in demo_catalog
        assert Product.objects.count() >= 60
        assert Family.objects.count() >= 5
        assert Channel.objects.count() == 3
        assert set(Audience.objects.values_list("code", flat=True)) == {
            "end-customer",
            "technician",
            "dealer",
        }
        leaves = Category.objects.filter(children__isnull=True, parent__parent__isnull=False)
        assert leaves.exists(), "the category tree has a third level"
        assert all(len(leaf.ancestors()) == 2 for leaf in leaves)

    def test_every_language_has_names(self, demo_catalog):
        """Categories, families and most products are named in every configured language."""
        for code in language_codes():
            assert not Category.objects.filter(**{f"name_{code}": ""}).exists()
            assert not Family.objects.filter(**{f"name_{code}": ""}).exists()
            named = Product.objects.exclude(**{f"name_{code}": ""}).exclude(
                **{f"name_{code}__isnull": True}
            )
            assert named.count() >= 55, code
        persian = Product.objects.exclude(name_fa="").first().name_fa
        assert any("\u0600" <= ch <= "\u06ff" for ch in persian)
        turkish = "".join(
            "".join(row) for row in Product.objects.values_list("description_tr", "instructions_tr")
        )
        assert {"ı", "ş", "ğ", "ç", "ö", "ü", "İ"} <= set(turkish)
        azerbaijani = "".join(Product.objects.values_list("description_az", flat=True))
        assert "ə" in azerbaijani

    def test_workflow_states_and_completeness_tell_a_story(self, demo_catalog):
        """Most products are approved and complete; a few are unfinished, one is retired."""
        approved = Product.objects.filter(status=ProductStatus.APPROVED)
        assert approved.count() >= 40
        assert not Completeness.objects.filter(product__in=approved, ratio__lt=100).exists()
        assert Product.objects.filter(status=ProductStatus.DRAFT).exists()
        assert Product.objects.filter(status=ProductStatus.IN_REVIEW).exists()
        assert Product.objects.filter(status=ProductStatus.RETIRED).count() == 1
        incomplete = Completeness.objects.filter(ratio__lt=100)
        assert incomplete.filter(locale="fa").exists()
        assert Product.objects.exclude(assets__role="main").exists()

    def test_products_have_variants_gtins_prices_and_assets(self, demo_catalog):
        """Variants share a model; GTINs validate; dealers get their own price; PDFs are real."""
        with_three = [m for m in ProductModel.objects.all() if m.variants.count() >= 3]
        assert len(with_three) >= 2
        for gtin in Product.objects.values_list("gtin", flat=True):
            assert len(gtin) == 13 and ean.is_valid(gtin)
        assert Price.objects.filter(audience__code="dealer").exists()
        assert Asset.objects.filter(role="main", mime_type="image/jpeg", width=800).exists()
        assert Asset.objects.filter(role="manual", mime_type="application/pdf").exists()
        assert Asset.objects.filter(role="drawing", audiences__code="technician").exists()
        assert Asset.objects.filter(role="video").exclude(url="").exists()
        assert Attribute.objects.filter(audiences__code="technician").exists()
        translator = get_user_model().objects.get(username="translator")
        assert sorted(translator.pim_profile.languages) == ["fa", "fi"]
        assert get_user_model().objects.get(username="admin").check_password("demo")

    def test_the_spring_campaign_is_varied_and_open(self, demo_catalog):
        """Eight approved products from at least five families; the offer is open today."""
        from publishing.models import Campaign

        campaign = Campaign.objects.get(code="spring")
        products = campaign.products.all()
        assert len(products) == 8
        assert {p.status for p in products} == {ProductStatus.APPROVED}
        assert len({p.family_id for p in products}) >= 5
        assert campaign.offer.is_open()
        for code in language_codes():
            assert getattr(campaign, f"title_{code}") and getattr(campaign, f"message_{code}")
            assert getattr(campaign.offer, f"discount_text_{code}")
            assert getattr(campaign.offer, f"terms_{code}")

    def test_loading_the_demo_again_changes_nothing(self, demo_catalog):
        """A second run finds everything in place: no new rows, no new history, no new versions."""
        before = _snapshot()
        output = _load()
        assert "already loaded" in output
        assert _snapshot() == before


@pytest.mark.django_db
def test_a_small_demo_can_grow_later():
    """--products limits the load; a later, larger run adds only what is missing."""
    _load(products=8)
    assert Product.objects.count() == 8
    assert Family.objects.count() == 6  # every family appears in the first products
    first = _snapshot()
    _load(products=8)
    assert _snapshot() == first
    _load(products=12)
    assert Product.objects.count() == 12
