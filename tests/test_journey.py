"""The omnichannel journey on the demo data, as a new user walks it (issue 4's "done means").

A QR code decoded from the demo's printed Finnish brochure leads to a Finnish landing page
that hands out a discount code; the code redeems once through the API with the demo web shop's
token, and the campaign's analytics count the scan and the redemption.
"""

import re
import shutil
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from catalog.models import Channel
from demo.journey import demo_api_token
from engagement.selectors import campaign_analytics
from publishing.models import Campaign, PublicationStatus, ShortLink
from publishing.services import publication_create, publication_render, short_link_url
from tests.publishing.pdf_tools import decode_codes
from tests.tools import tool_missing

README = Path(__file__).resolve().parent.parent / "README.md"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


@pytest.fixture
def demo(db, monkeypatch):
    """A small demo (eight products) loaded with the default password, and its output."""
    monkeypatch.delenv("PIM_DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("load_demo", products=8, stdout=out)
    return out.getvalue()


def test_the_demo_holds_a_campaign_an_offer_and_the_readme_api_tokens(demo):
    """Loaded once (a second run creates nothing), and the README's curl token is printed."""
    token = demo_api_token(password="demo", client="web-shop")
    assert f"API token of “Lumora web shop (demo)”: {token}" in demo
    assert token in README.read_text(encoding="utf-8")
    out = StringIO()
    call_command("load_demo", products=8, stdout=out)
    assert "already loaded" in out.getvalue()
    campaign = Campaign.objects.get(code="spring")
    assert 3 <= campaign.products.count() <= 8
    assert campaign.theme.is_default and campaign.theme.logo
    assert campaign.offer.is_open()
    assert (campaign.title_fi, campaign.offer.discount_text_fa) == (
        "Kevään valo",
        "۱۵٪ تخفیف برای خرید بعدی شما",
    )


def test_a_printed_brochure_code_leads_to_a_discount_that_redeems_once(demo, client):
    """Scan → Finnish landing page with a code → 201, then 409 → 1 scan, 1 redemption."""
    if shutil.which("zbarimg") is None:
        tool_missing("zbarimg is missing (scripts/test installs zbar-tools)")
    campaign = Campaign.objects.get(code="spring")
    brochure = publication_create(
        kind="brochure",
        channel=Channel.objects.get(code="print"),
        locale="fi",
        campaign=campaign,
        title="Kevätesite",
    )
    brochure = publication_render(publication=brochure)
    assert brochure.status == PublicationStatus.DONE, brochure.error

    printed = [c.split(":", 1)[1] for c in decode_codes(Path(brochure.file.path), dpi=150)]
    link = ShortLink.objects.get(campaign=campaign, publication=brochure)
    assert short_link_url(link) in printed, "the campaign's QR code decodes to its short link"

    response = client.get(urlsplit(short_link_url(link)).path, HTTP_USER_AGENT=PHONE, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 302
    assert re.match(rf"/fi/l/{re.escape(link.code)}/\?s=", response.redirect_chain[0][0])
    html = response.content.decode()
    assert '<html lang="fi"' in html
    assert "<h1>Kevään valo</h1>" in html
    assert "15 % alennus seuraavasta ostoksestasi" in html
    code = re.search(r'data-testid="discount-code">([A-Z0-9-]+)<', html).group(1)
    assert code.startswith("SPRING-")

    shop = {"HTTP_AUTHORIZATION": f"Bearer {demo_api_token(password='demo', client='web-shop')}"}
    redeem = reverse("redemptions")
    first = client.post(
        redeem,
        {"code": code, "channel": "web", "order_reference": "WEB-1001"},
        content_type="application/json",
        **shop,
    )
    assert first.status_code == 201, first.content
    second = client.post(
        redeem,
        {"code": code, "channel": "web", "order_reference": "WEB-1002"},
        content_type="application/json",
        **shop,
    )
    assert second.status_code == 409
    assert second.json()["code"] == "already_redeemed"

    analytics = campaign_analytics(campaign=campaign)
    assert (analytics.scans, analytics.codes_issued, analytics.codes_redeemed) == (1, 1, 1)
    assert [(b.label, b.value) for b in analytics.per_language] == [("fi", 1)]
    assert analytics.journeys == (("Kevätesite", 1, 1, 0),)

    client.force_login(get_user_model().objects.get(username="admin"))
    page = client.get(reverse("admin:engagement_campaignreport_change", args=[campaign.pk]))
    assert page.status_code == 200
    assert page.context["analytics"].codes_redeemed == 1
    assert "Kevätesite" in page.content.decode()
