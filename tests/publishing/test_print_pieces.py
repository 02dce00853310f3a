"""Labels, technical and instruction sheets and the offer brochure, read back from the PDF."""

import pytest

from catalog.models import Attribute
from catalog.services.assets import asset_create
from publishing.models import Campaign, ShortLink
from publishing.printing.codes import gtin_symbology
from publishing.services import short_link_url
from tests.factories import image_upload, pdf_bytes
from tests.publishing.pdf_tools import decode_codes, fonts, page_sizes_mm, page_texts
from tests.publishing.printing import GTINS, make_print_catalog, pdf_path, render


@pytest.fixture
def catalog(publish):
    return make_print_catalog(publish)


def _link(publication, sku):
    return short_link_url(ShortLink.objects.get(publication=publication, product__sku=sku))


@pytest.mark.parametrize(("label_format", "size"), [("100x50", (100, 50)), ("62x29", (62, 29))])
def test_single_labels_have_their_size_and_decode_to_the_gtin_and_url(
    catalog, web, label_format, size
):
    publication = render(
        "labels", channel=web, locale="fi", skus=["LAMP-1"], label_format=label_format
    )
    path = pdf_path(publication)
    assert page_sizes_mm(path) == [size]
    assert "Pöytävalaisin" in page_texts(path)[0]
    assert sorted(decode_codes(path, dpi=400)) == [
        "EAN-13:5901234123457",
        f"QR-Code:{_link(publication, 'LAMP-1')}",
    ]


def test_an_a4_label_sheet_places_three_by_eight_readable_labels(publish, web):
    """Eight products fill the first rows of one A4 sheet; a UPC-A GTIN prints as UPC-A."""
    make_print_catalog(publish)
    publish("UPC-1", gtin="036000291452")
    for index in range(3):
        publish(f"EXTRA-{index}")
    publication = render("labels", channel=web, locale="en", label_format="a4-3x8")
    path = pdf_path(publication)
    assert page_sizes_mm(path) == [(210, 297)]
    codes = decode_codes(path)
    assert len([c for c in codes if c.startswith("QR-Code:")]) == 8
    assert "UPC-A:036000291452" in codes
    assert "EAN-13:5901234123457" in codes


def test_a_long_label_run_is_laid_out_in_parallel_parts_merged_in_order(
    catalog, web, settings, monkeypatch
):
    """Parts are rendered in forked processes; the merged PDF keeps every label in order."""
    from publishing.printing import documents

    settings.PIM_PRINT_WORKERS = 2
    monkeypatch.setattr(documents, "_MIN_LABELS_PER_PART", 1)
    skus = ["LAMP-1", "LAMP-2", "LAMP-3"]
    publication = render("labels", channel=web, locale="fi", skus=skus, label_format="62x29")
    path = pdf_path(publication)
    # The log is written in the publication's language: "Laid out in 2 parallel parts…"
    assert "Taitettu 2 rinnakkaisena osana" in publication.log
    assert page_sizes_mm(path) == [(62, 29)] * 3
    texts = page_texts(path)
    assert "Pöytävalaisin" in texts[0] and "Lattiavalaisin" in texts[1]
    assert "Puutarhavalo" in texts[2]
    assert all(font["embedded"] for font in fonts(path))
    for page, (sku, gtin) in enumerate(zip(skus, GTINS, strict=False), start=1):
        symbology = "UPC-A" if gtin_symbology(gtin)[0] == "upca" else "EAN-13"
        assert sorted(decode_codes(path, page=page)) == [
            f"{symbology}:{gtin_symbology(gtin)[1]}",
            f"QR-Code:{_link(publication, sku)}",
        ]


def test_labels_can_leave_out_prices(catalog, web):
    publication = render("labels", channel=web, locale="en", skus=["LAMP-1"], show_prices=False)
    assert "1,234.50" not in page_texts(pdf_path(publication))[0]


def test_gtins_map_to_their_retail_symbology():
    assert gtin_symbology("5901234123457") == ("ean13", "5901234123457")
    assert gtin_symbology("0036000291452") == ("upca", "036000291452")
    assert gtin_symbology("036000291452") == ("upca", "036000291452")
    assert gtin_symbology("96385074") == ("ean8", "96385074")
    assert gtin_symbology("") is None


def test_a_technical_sheet_lists_technical_values_documents_and_a_gtin_barcode(catalog, web):
    product = catalog["LAMP-1"]
    Attribute.objects.filter(code="weight").update(label_fi="Paino")
    asset_create(owner=product, role="drawing", upload=image_upload("d.png", color=(0, 0, 200)))
    pdf = pdf_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    asset_create(
        owner=product,
        role="manual",
        upload=SimpleUploadedFile("manual.pdf", pdf, content_type="application/pdf"),
        texts={"caption": {"fi": "Asennusohje"}},
    )
    publication = render("technical_sheet", channel=web, locale="fi", skus=["LAMP-1"])
    path = pdf_path(publication)
    text = page_texts(path)[0]
    assert "Paino" in text and "1,5 kg" in text
    assert "Asennusohje" in text
    assert "EAN-13:5901234123457" in decode_codes(path)


def test_an_instruction_sheet_points_its_qr_code_at_the_video(catalog, web):
    from catalog.services.products import product_update

    product = catalog["LAMP-2"]
    product_update(product=product, texts={"instructions": {"en": "<ol><li>Unpack.</li></ol>"}})
    asset_create(owner=product, role="video", url="https://video.example.com/lamp-2")
    publication = render("instruction_sheet", channel=web, locale="en", skus=["LAMP-2"])
    path = pdf_path(publication)
    assert "Unpack." in page_texts(path)[0]
    assert decode_codes(path) == ["QR-Code:https://video.example.com/lamp-2"]


def test_a_sheet_without_a_product_fails_with_a_reason(web):
    publication = render("technical_sheet", channel=web, locale="en")
    assert publication.status == "failed"
    assert "Choose the product" in publication.error


def test_the_offer_brochure_shows_the_campaign_in_the_readers_language(catalog, web):
    campaign = Campaign.objects.create(
        code="spring",
        title_en="Spring offer",
        title_fa="پیشنهاد بهاری",
        message_fa="همه چراغ‌ها ارزان‌تر",
    )
    campaign.products.set([catalog["LAMP-1"], catalog["LAMP-3"]])
    publication = render("brochure", channel=web, locale="fa", campaign=campaign)
    path = pdf_path(publication)
    text = "\n".join(page_texts(path))
    assert "پیشنهاد بهاری" in text and "Spring offer" not in text
    assert "چراغ رومیزی" in text and "چراغ باغ" in text and "چراغ ایستاده" not in text
    assert "۱٬۲۳۴٫۵۰" in text
    campaign_link = ShortLink.objects.get(campaign=campaign, publication=publication)
    assert f"QR-Code:{short_link_url(campaign_link)}" in decode_codes(path)
