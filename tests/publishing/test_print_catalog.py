"""The PDF catalog, read back as a reader would: text, order, contents, pages, fonts, codes."""

import re

import pytest

from catalog.models import Product
from publishing.models import ShortLink
from publishing.printing.documents import print_context, print_html, print_source
from publishing.services import short_link_url
from tests.publishing.pdf_tools import decode_codes, fonts, page_sizes_mm, page_texts
from tests.publishing.printing import NAMES, make_print_catalog, pdf_path, render

PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


@pytest.fixture
def catalog(publish):
    return make_print_catalog(publish)


def test_a_finnish_catalog_shows_only_approved_complete_products_in_section_order(catalog, web):
    """Finnish names in category order; the draft and the product incomplete in fi are absent
    and the log says why."""
    publication = render("catalog", channel=web, locale="fi", title="Valaisimet 2027")
    text = "\n".join(page_texts(pdf_path(publication)))
    positions = [text.index(NAMES[sku]["fi"]) for sku in ("LAMP-1", "LAMP-2", "LAMP-3")]
    assert positions == sorted(positions)
    assert "Sisävalaisimet" in text and "Ulkovalaisimet" in text
    assert "Luonnos" not in text and "NOFI-1" not in text
    assert "Desk lamp" not in text  # no English in a Finnish catalog
    assert "Sisällys" in text and "Contents" not in text
    assert "1 234,50 €" in text.replace("\u00a0", " ")
    # The log is written in the language of the publication, like the rest of the render.
    assert "1 tuote ohitettiin: keskeneräinen kielellä fi (NOFI-1)" in publication.log
    assert publication.page_count == 4  # cover, contents, two sections


def test_contents_page_numbers_are_the_pages_where_sections_start(catalog, web):
    publication = render("catalog", channel=web, locale="fi")
    pages = page_texts(pdf_path(publication))
    toc = pages[1]
    for title in ("Sisävalaisimet", "Ulkovalaisimet"):
        number = int(re.search(rf"{title}[ .]*?(\d+)\s*$", toc, re.MULTILINE).group(1))
        first = next(i for i, page in enumerate(pages[2:], start=3) if title in page)
        assert number == first, (title, toc)


def test_a_persian_catalog_is_right_to_left_with_persian_digits_and_embedded_fonts(catalog, web):
    publication = render("catalog", channel=web, locale="fa")
    source = print_source(publication)
    html = print_html(publication, print_context(publication, source))
    assert '<html lang="fa" dir="rtl">' in html
    pages = page_texts(pdf_path(publication))
    text = "\n".join(pages)
    assert "چراغ رومیزی" in text and "بیرونی" in text
    assert "فهرست مطالب" in text and "کاتالوگ" in text  # printed words and default title
    assert "Contents" not in text and "Catalog" not in text
    assert "۱٬۲۳۴٫۵۰" in text  # prices in Persian digits
    assert "Desk lamp" not in text
    assert "۴/۴" in pages[-1].replace(" ", "")  # page numbers in Persian digits too
    embedded = fonts(pdf_path(publication))
    assert embedded and all(f["embedded"] for f in embedded)
    assert any("PIM-Persian" in f["name"] for f in embedded)


def test_turkish_and_azerbaijani_letters_survive(catalog, web):
    for locale, words in {"tr": ["Masa lambası", "İç mekân"], "az": ["Döşəmə lampası"]}.items():
        text = "\n".join(page_texts(pdf_path(render("catalog", channel=web, locale=locale))))
        for word in words:
            assert word in text


@pytest.mark.parametrize(("paper", "size"), [("A4", (210, 297)), ("letter", (216, 279))])
def test_catalogs_print_on_a4_or_us_letter(catalog, web, paper, size):
    publication = render("catalog", channel=web, locale="en", paper_size=paper)
    assert set(page_sizes_mm(pdf_path(publication))) == {size}


def test_every_qr_code_decodes_to_its_products_short_link(catalog, web):
    publication = render("catalog", channel=web, locale="en")
    decoded = decode_codes(pdf_path(publication), page=3)
    links = ShortLink.objects.filter(
        publication=publication, product__sku__in=["LAMP-1", "LAMP-2"], locale="en"
    )
    assert sorted(decoded) == sorted(f"QR-Code:{short_link_url(link)}" for link in links)
    assert len(decoded) == 2
    assert all(link.channel == web for link in links)


def test_only_selected_categories_are_printed(catalog, web):
    publication = render("catalog", channel=web, locale="en", category_codes=["outdoor"])
    text = "\n".join(page_texts(pdf_path(publication)))
    assert "Garden light" in text and "Desk lamp" not in text
    assert Product.objects.count() == 5
