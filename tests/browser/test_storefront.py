"""The public site in a real browser: Persian right-to-left, and a printed QR code that
leads to a landing page with a discount code."""

import datetime
import re
from urllib.parse import urlsplit

from django.utils import timezone

from engagement.models import DiscountCode, Offer, ScanEvent
from publishing.models import Campaign, Theme
from publishing.services.publications import publication_create, publication_render
from tests.factories import make_category
from tests.publishing.pdf_tools import decode_codes


def test_a_persian_product_page_is_laid_out_right_to_left(page, live_server, publish, shots):
    lamps = make_category("lamps", name_fa="چراغ‌ها")
    product = publish(
        "LAMP-1",
        names={
            "en": "Desk lamp",
            "tr": "Masa lambası",
            "fi": "Pöytävalaisin",
            "az": "Masa lampası",
            "fa": "چراغ مطالعه",
        },
    )
    product.categories.add(lamps)
    response = page.goto(f"{live_server.url}/fa/p/{product.slug_fa}/")
    assert response.status == 200
    page.screenshot(path=f"{shots}/product-fa.png", full_page=True)
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"
    # Mirrored: the site name sits at the right, the search box to its left; the gallery
    # (first column) is at the right of the summary; headings end at their column's right.
    brand = page.locator(".brand").bounding_box()
    search = page.locator("form.search").bounding_box()
    assert brand["x"] > search["x"]
    gallery = page.locator(".gallery").bounding_box()
    summary = page.locator(".summary").bounding_box()
    assert gallery["x"] > summary["x"]
    heading = page.locator("h1").bounding_box()
    assert abs((heading["x"] + heading["width"]) - (summary["x"] + summary["width"])) < 2
    assert page.locator("h1").inner_text() == "چراغ مطالعه"
    assert "۱٬۲۳۴٫۵۰" in page.locator("[data-testid=price]").inner_text()
    # Keyboard users see where they are: the skip link is the first stop and becomes visible.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.screenshot(path=f"{shots}/product-fa-focus.png")
    # The language switcher leads to the same product in English, left-to-right.
    page.click("a[hreflang=en]")
    assert page.url.endswith(f"/en/p/{product.slug_en}/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    page.screenshot(path=f"{shots}/product-en.png", full_page=True)


def test_scanning_the_brochure_qr_code_gives_a_discount_code(
    page, live_server, publish, print_channel, shots
):
    theme = Theme.objects.create(
        code="spring", name_en="Lumora", primary_colour="#0b5d1e", is_default=True
    )
    campaign = Campaign.objects.create(
        code="spring", title_en="Spring sale", title_fi="Kevätale", theme=theme
    )
    product = publish("LAMP-1")
    product.channels.add(print_channel)
    campaign.products.add(product)
    Offer.objects.create(
        campaign=campaign,
        discount_text_en="15 % off",
        discount_text_fi="15 % alennus",
        valid_until=timezone.now() + datetime.timedelta(days=30),
        code_prefix="KEVAT",
    )
    brochure = publication_create(
        kind="brochure",
        channel=print_channel,
        locale="fi",
        skus=["LAMP-1"],
        campaign=campaign,
        theme=theme,
    )
    brochure = publication_render(publication=brochure)
    codes = [c.split(":", 1)[1] for c in decode_codes(brochure.file.path) if "/q/" in c]
    assert codes, "the brochure carries a QR code to /q/"
    path = urlsplit(codes[0]).path  # printed for the public address; follow it on this server
    assert re.fullmatch(r"/q/[A-Za-z0-9_-]+", path)

    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert re.search(r"/fi/l/[A-Za-z0-9_-]+/\?s=", page.url)
    code = page.locator("[data-testid=discount-code]").inner_text()
    assert code.startswith("KEVAT-")
    assert page.locator("h1").inner_text() == "Kevätale"
    page.screenshot(path=f"{shots}/landing-fi.png", full_page=True)
    page.reload()
    assert page.locator("[data-testid=discount-code]").inner_text() == code
    assert DiscountCode.objects.get().code == code
    scan = ScanEvent.objects.get()
    assert (scan.publication_id, scan.language, scan.device) == (brochure.pk, "fi", "mobile")
