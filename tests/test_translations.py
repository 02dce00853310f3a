"""Every interface string of ours is translated into each reference language, and the
translations are the ones Django serves: admin and public pages show no English words."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import make_product, make_user, value

ROOT = Path(settings.BASE_DIR)
# Each app keeps its own catalog; the project templates and settings use settings.LOCALE_PATHS.
CATALOG_DIRS = [ROOT / app / "locale" for app in ("catalog", "publishing", "engagement", "api")]
CATALOG_DIRS += [Path(path) for path in settings.LOCALE_PATHS]
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# %s, %(name)s, %(pages).1f, %% — the conversions Python's % operator reads.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def po_entries(path: Path) -> list[dict]:
    """The live entries of a .po file (header and obsolete ones left out), read without polib.

    Each entry: ``flags`` (set), ``msgctxt``, ``msgid``, ``msgid_plural`` and ``msgstr``
    (a list: one string, or one per plural form)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                text = ast.literal_eval(line)
                if key == "msgstr":
                    entry["msgstr"][-1] += text
                else:
                    entry[key] += text
            else:
                keyword, text = line.split(" ", 1)
                text = ast.literal_eval(text)
                if keyword.startswith("msgstr"):
                    key = "msgstr"
                    entry["msgstr"].append(text)
                else:
                    key = keyword
                    entry[key] = text
        if entry.get("msgid"):
            entries.append(entry)
    return entries


def catalogs():
    return [
        pytest.param(directory / code / "LC_MESSAGES" / "django.po", code, id=f"{directory}-{code}")
        for directory in CATALOG_DIRS
        for code in TRANSLATED
    ]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize(("path", "code"), catalogs())
def test_every_message_is_translated_with_the_same_placeholders(path, code):
    """No empty, fuzzy or placeholder-changing translation; plural forms as the header says."""
    assert path.exists(), f"{path} is missing: run makemessages -l {code}"
    assert path.with_suffix(".mo").exists(), f"{path} is not compiled: run compilemessages"
    header = path.read_text(encoding="utf-8")
    expected_plural = "plural=(n > 1);" if code == "fa" else "plural=(n != 1);"
    assert f'"Language: {code}\\n"' in header
    assert f"nplurals=2; {expected_plural}" in header
    entries = po_entries(path)
    assert entries, path
    problems = []
    for entry in entries:
        msgid = entry["msgid"]
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {msgid!r}")
        if not all(entry["msgstr"]):
            problems.append(f"untranslated: {msgid!r}")
            continue
        if "python-format" not in entry["flags"]:
            continue
        if entry["msgid_plural"] is None:
            pairs = [(msgid, entry["msgstr"][0])]
        else:
            assert len(entry["msgstr"]) == 2, msgid
            pairs = [(msgid, entry["msgstr"][0]), (entry["msgid_plural"], entry["msgstr"][1])]
        for source, translated in pairs:
            if placeholders(source) != placeholders(translated):
                problems.append(f"placeholders differ: {source!r} -> {translated!r}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("path", "code"), catalogs())
def test_django_serves_the_catalog_translations(path, code):
    """The compiled files are current, and a message shared by two catalogs reads the same."""
    with translation.override(code):
        for entry in po_entries(path):
            if entry["msgctxt"] is not None:
                served = translation.pgettext(entry["msgctxt"], entry["msgid"])
                assert served == entry["msgstr"][0], entry["msgid"]
            elif entry["msgid_plural"] is None:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
            else:
                served = translation.ngettext(entry["msgid"], entry["msgid_plural"], 5)
                assert served == entry["msgstr"][1], entry["msgid"]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("tr", ["Ürünler", "Tamlık", "Katalog"]),
        ("fi", ["Tuotteet", "Täydellisyys", "Tuoteluettelo"]),
        ("az", ["Məhsullar", "Tamlıq", "Kataloq"]),
        ("fa", ["محصولات", "میزان تکمیل", "کاتالوگ"]),
    ],
)
def test_known_words_are_translated(code, words):
    with translation.override(code):
        assert [translation.gettext(english) for english in ("Products", "Completeness")] == words[
            :2
        ]
        assert translation.gettext("Catalog") == words[2]


@pytest.mark.django_db
class TestPagesInPersian:
    """A Persian editor sees the product admin in Persian, with no English labels of ours."""

    @pytest.fixture
    def persian_admin(self, client, lamp_family, web):
        client.force_login(make_user("root", superuser=True))
        client.post("/i18n/setlang/", {"language": "fa", "next": "/admin/"})
        return client

    @pytest.fixture
    def product(self, lamp_family, web):
        return make_product(
            lamp_family,
            sku="LAMP-1",
            channels=[web],
            names={"en": "Desk lamp", "fa": "چراغ مطالعه"},
            values={"weight": value("1.5")},
        )

    def test_the_product_list(self, persian_admin, product):
        html = persian_admin.get("/admin/catalog/product/").content.decode()
        assert 'lang="fa"' in html
        assert "محصولات" in html
        assert "میزان تکمیل" in html
        for english in ("Completeness", "Products", "Family", "Status", "By completeness"):
            assert f">{english}" not in html, english

    def test_the_product_change_page(self, persian_admin, product):
        html = persian_admin.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()
        assert "میزان تکمیل" in html
        assert "مقادیر ویژگی‌ها" in html  # the "Attribute values" fieldset
        for english in ("Completeness", "Attribute values", "Texts", "Record", "Missing"):
            assert f">{english}<" not in html, english


@pytest.mark.django_db
def test_the_finnish_storefront_speaks_finnish(client, web):
    cache.clear()
    html = client.get("/fi/").content.decode()
    assert "Hae tuotteita" in html
    assert "Jälleenmyyjän kirjautuminen" in html
    assert "Search products" not in html
    assert "Dealer login" not in html
