import pytest
from django.conf import settings

from tests.factories import make_attribute, make_channel, make_family


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads and renditions into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def web(db):
    return make_channel("web")


@pytest.fixture
def print_channel(db):
    return make_channel("print", kind="print", locales=("en", "fi", "fa"))


@pytest.fixture
def lamp_family(web):
    """A family whose web products need an English/Persian... name, a weight and a main image."""
    weight = make_attribute("weight", "decimal", unit="kg", min_value=0, max_value=100)
    colour = make_attribute("colour", "select", options=("red", "blue"))
    claim = make_attribute("claim", "text", is_localizable=True, max_length=40)
    return make_family(
        "lamps",
        attributes=[weight, colour, claim],
        requirements={web: {"attributes": [weight, claim], "fields": ["name"], "roles": ["main"]}},
    )


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language: a page rendered in Persian must not
    leave later tests comparing English messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
