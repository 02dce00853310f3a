import pytest

from catalog.models import Price
from catalog.services.assets import asset_create
from catalog.services.products import product_update
from catalog.services.status import product_set_status
from tests.factories import image_upload, make_audience, make_product, value

ALL = ("en", "tr", "fi", "az", "fa")


@pytest.fixture
def audiences(db):
    return {
        "public": make_audience("end-customer", is_public=True),
        "technician": make_audience("technician"),
        "dealer": make_audience("dealer"),
    }


@pytest.fixture
def publish(lamp_family, web):
    """Create an approved product complete in the given locales of the web channel."""

    def create(sku, *, locales=ALL, names=None, approve=True, extra_values=None, **fields):
        """``locales``: where the product stays complete after approval (others lose the name)."""
        names = names or {code: f"{sku} {code}" for code in ALL}
        values = {
            "weight": value("1.5"),
            "claim": [{"locale": c, "channel": None, "data": f"claim {c}"} for c in ALL],
            **(extra_values or {}),
        }
        product = make_product(
            lamp_family, sku=sku, channels=[web], names=names, values=values, **fields
        )
        asset_create(owner=product, role="main", upload=image_upload(f"{sku}.png"))
        Price.objects.create(product=product, channel=web, currency="EUR", amount="1234.50")
        if approve:
            product_set_status(product=product, status="approved")
        dropped = {code: "" for code in ALL if code not in locales}
        if dropped:
            product.refresh_from_db()
            product_update(product=product, texts={"name": dropped})
        return product

    return create
