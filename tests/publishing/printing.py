"""Helpers for print tests: publish through the services and get the PDF path."""

from pathlib import Path

from django.core.files.storage import default_storage

from publishing.services import publication_create, publication_render


def render(kind, *, channel, locale, **parameters):
    publication = publication_create(kind=kind, channel=channel, locale=locale, **parameters)
    publication = publication_render(publication=publication)
    return publication


def pdf_path(publication) -> Path:
    assert publication.status == "done", publication.error or publication.log
    return Path(default_storage.path(publication.file.name))


# Valid GTINs (check digits computed): EAN-13 and a UPC-A.
GTINS = ["5901234123457", "4006381333931", "9780201379624", "036000291452"]

NAMES = {
    "LAMP-1": {
        "en": "Desk lamp",
        "tr": "Masa lambası",
        "fi": "Pöytävalaisin",
        "az": "Stolüstü işıq",
        "fa": "چراغ رومیزی",
    },
    "LAMP-2": {
        "en": "Floor lamp",
        "tr": "Lambader",
        "fi": "Lattiavalaisin",
        "az": "Döşəmə lampası",
        "fa": "چراغ ایستاده",
    },
    "LAMP-3": {
        "en": "Garden light",
        "tr": "Bahçe ışığı",
        "fi": "Puutarhavalo",
        "az": "Bağ işığı",
        "fa": "چراغ باغ",
    },
}


def make_print_catalog(publish):
    """Three approved products in two category sections, a draft and one incomplete in fi."""
    from catalog.models import Attribute
    from tests.factories import make_category

    Attribute.objects.filter(code="weight").update(is_key=True, is_technical=True)
    indoor = make_category(
        "indoor",
        position=1,
        name_tr="İç mekân",
        name_fi="Sisävalaisimet",
        name_az="Daxili",
        name_fa="داخلی",
    )
    outdoor = make_category(
        "outdoor",
        position=2,
        name_tr="Dış mekân",
        name_fi="Ulkovalaisimet",
        name_az="Xarici",
        name_fa="بیرونی",
    )
    products = {}
    for (sku, names), gtin, category in zip(
        NAMES.items(), GTINS, [indoor, indoor, outdoor], strict=False
    ):
        products[sku] = publish(sku, names=names, gtin=gtin)
        products[sku].categories.set([category])
    draft = publish("DRAFT-1", approve=False, names={c: f"Luonnos {c}" for c in NAMES["LAMP-1"]})
    draft.categories.set([indoor])
    no_fi = publish("NOFI-1", locales=("en", "tr", "az", "fa"))
    no_fi.categories.set([outdoor])
    return products
