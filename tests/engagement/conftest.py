import datetime

import pytest
from django.utils import timezone

from api.services import api_client_create
from engagement.models import Offer
from publishing.models import Campaign, Publication, Theme
from publishing.services import short_link_get_or_create
from tests.publishing.conftest import ALL, audiences, publish  # noqa: F401


@pytest.fixture
def brochure(publish, web, print_channel):  # noqa: F811
    """A Finnish offer brochure of a spring campaign with a 15 % offer, and its printed code."""
    theme = Theme.objects.create(
        code="spring", name_en="Spring", primary_colour="#0b5d1e", is_default=True
    )
    campaign = Campaign.objects.create(
        code="spring",
        title_en="Spring sale",
        title_fi="Kevätale",
        message_fi="Valoa kevääseen",
        theme=theme,
    )
    product = publish("LAMP-1")
    product.channels.add(print_channel)
    campaign.products.add(product)
    publication = Publication.objects.create(
        kind="brochure",
        title="Spring brochure FI",
        channel=print_channel,
        locale="fi",
        campaign=campaign,
        theme=theme,
    )
    publication.products.add(product)
    offer = Offer.objects.create(
        campaign=campaign,
        discount_text_en="15 % off",
        discount_text_fi="15 % alennus",
        terms_fi="Yksi koodi per asiakas.",
        valid_until=timezone.now() + datetime.timedelta(days=30),
        code_prefix="KEVAT",
    )
    link = short_link_get_or_create(
        locale="fi", campaign=campaign, publication=publication, channel=print_channel
    )
    return {
        "campaign": campaign,
        "publication": publication,
        "offer": offer,
        "link": link,
        "product": product,
        "theme": theme,
    }


@pytest.fixture
def shop_token(web):
    _client, token = api_client_create(name="Web shop", channel=web)
    return token


@pytest.fixture(autouse=True)
def _web_version_read_every_time(settings):
    """Tests see every edit at once (production may reuse the version for a second)."""
    settings.PIM_WEB_VERSION_TTL = 0


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings, tmp_path):
    """Every test starts with empty landing-page rate counters and its own scan spool."""
    from django.core.cache import caches

    caches["shared"].clear()
    settings.PIM_SCAN_SPOOL_DIR = tmp_path / "spool"
