from tests.factories import make_product, value


def test_a_product_created_through_the_service_gets_completeness(lamp_family, web):
    """Completeness is stored for every locale of every channel of the product."""
    product = make_product(lamp_family, channels=[web], values={"weight": value("1.5")})
    rows = {row.locale: row.ratio for row in product.completeness.all()}
    assert set(rows) == {"en", "tr", "fi", "az", "fa"}
    assert rows["en"] == 50  # weight and name present; claim and main image missing
    assert rows["fa"] == 25
