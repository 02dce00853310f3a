"""Scans the database could not take at once: spooled durably, flushed once, never lost."""

from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse

from engagement import landing, services
from engagement.models import DiscountCode, ScanEvent
from engagement.services import scan_record, scan_spool_flush, scan_target
from engagement.spool import spool_dir, spool_pending, spool_read
from publishing.models import ShortLink
from tests.factories import make_user

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


@contextmanager
def _locked(*, wait_ms):
    raise OperationalError("database is locked")
    yield  # pragma: no cover


@pytest.fixture
def busy(monkeypatch):
    """The database refuses every bounded write, as under a long writer."""
    monkeypatch.setattr(services, "bounded_write", _locked)
    monkeypatch.setattr(landing, "bounded_write", _locked)
    yield
    monkeypatch.undo()
    services._ScanState.busy_until = 0.0


def test_a_scan_on_a_busy_database_redirects_at_once_and_is_spooled(client, brochure, busy):
    response = client.get(f"/q/{brochure['link'].code}", HTTP_USER_AGENT=PHONE)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/fi/l/{brochure['link'].code}/?s=")
    assert not ScanEvent.objects.exists()
    (path,) = spool_pending(10)
    event = spool_read(path)
    assert event["code"] == brochure["link"].code and event["language"] == "fi"
    assert event["device"] == "mobile"
    assert event["campaign_id"] == brochure["campaign"].pk
    assert "user_agent" not in event  # no personal data in the spool either


def test_the_landing_page_on_a_busy_database_answers_politely(client, brochure, busy):
    target = client.get(f"/q/{brochure['link'].code}", HTTP_USER_AGENT=PHONE)["Location"]
    page = client.get(target, HTTP_USER_AGENT=PHONE)
    assert page.status_code == 200
    assert 'data-testid="discount-notice"' in page.content.decode()
    assert not DiscountCode.objects.exists()


def test_a_flush_stores_each_spooled_scan_once_even_when_repeated(brochure, busy):
    target = scan_target(code=brochure["link"].code)
    uids = {scan_record(target=target, user_agent=PHONE).uid for _ in range(3)}
    # A flush that died after its insert, before removing the files:
    services._store_spooled([spool_read(p) for p in spool_pending(10)])
    assert ScanEvent.objects.count() == 3
    assert scan_spool_flush() == 3  # the files are processed again...
    assert scan_spool_flush() == 0
    assert ScanEvent.objects.count() == 3  # ...but each scan is counted once
    assert set(ScanEvent.objects.values_list("uid", flat=True)) == uids
    assert not spool_pending(10)


def test_flushed_scans_keep_their_time_and_place(brochure, busy):
    target = scan_target(code=brochure["link"].code)
    scanned = scan_record(target=target, user_agent="Mozilla/5.0 (iPad)")
    spooled = spool_read(spool_pending(1)[0])
    scan_spool_flush()
    event = ScanEvent.objects.get(uid=scanned.uid)
    assert event.scanned_at.isoformat() == spooled["scanned_at"]
    assert (event.publication, event.campaign, event.device) == (
        brochure["publication"],
        brochure["campaign"],
        "tablet",
    )


def test_a_scan_of_a_link_deleted_before_the_flush_is_still_counted(brochure, busy):
    target = scan_target(code=brochure["link"].code)
    scan_record(target=target, user_agent=PHONE)
    ShortLink.objects.filter(pk=target.pk).delete()
    assert scan_spool_flush() == 1
    event = ScanEvent.objects.get()
    assert event.short_link is None and event.code == target.code


def test_an_unreadable_spool_file_is_set_aside_and_the_others_flushed(brochure, busy, settings):
    target = scan_target(code=brochure["link"].code)
    scan_record(target=target, user_agent=PHONE)
    broken = settings.PIM_SCAN_SPOOL_DIR / "1-broken.json"
    broken.write_text("{not json")
    assert scan_spool_flush() == 1
    assert ScanEvent.objects.count() == 1
    assert (settings.PIM_SCAN_SPOOL_DIR / "1-broken.bad").exists()
    assert scan_spool_flush() == 0


def test_a_code_issued_while_its_scan_waits_joins_the_scan_when_flushed(
    client, brochure, monkeypatch
):
    monkeypatch.setattr(services, "bounded_write", _locked)  # scans spool, codes are issued
    target = client.get(f"/q/{brochure['link'].code}", HTTP_USER_AGENT=PHONE)["Location"]
    client.get(target, HTTP_USER_AGENT=PHONE)
    code = DiscountCode.objects.get()
    assert code.scan is None and not ScanEvent.objects.exists()
    scan_spool_flush()
    code.refresh_from_db()
    assert code.scan == ScanEvent.objects.get()
    services._ScanState.busy_until = 0.0


def test_the_next_successful_scan_flushes_the_spool(client, brochure, busy, monkeypatch):
    code = brochure["link"].code
    client.get(f"/q/{code}", HTTP_USER_AGENT=PHONE)
    client.get(f"/q/{code}", HTTP_USER_AGENT=PHONE)
    assert not ScanEvent.objects.exists()
    monkeypatch.undo()  # the database is free again
    services._ScanState.busy_until = services._ScanState.next_spool_check = 0.0
    client.get(f"/q/{code}", HTTP_USER_AGENT=PHONE)
    assert ScanEvent.objects.count() == 3
    assert not spool_pending(10)


def test_the_flush_command_stores_spooled_scans(brochure, busy, capsys):
    target = scan_target(code=brochure["link"].code)
    scan_record(target=target, user_agent=PHONE)
    call_command("flush_scan_spool")
    assert "1" in capsys.readouterr().out
    assert ScanEvent.objects.count() == 1


def test_campaign_analytics_count_spooled_scans(client, brochure, busy, monkeypatch):
    target = scan_target(code=brochure["link"].code)
    scan_record(target=target, user_agent=PHONE)
    scan_record(target=target, user_agent=PHONE)
    monkeypatch.undo()
    client.force_login(make_user("boss", superuser=True))
    page = client.get(
        reverse("admin:engagement_campaignreport_change", args=[brochure["campaign"].pk])
    )
    assert page.status_code == 200
    assert page.context["analytics"].scans == 2


def test_an_incomplete_spooled_scan_is_set_aside_and_the_others_stored(brochure, busy, settings):
    target = scan_target(code=brochure["link"].code)
    good = scan_record(target=target, user_agent=PHONE)
    refused = settings.PIM_SCAN_SPOOL_DIR / "0-refused.json"
    refused.write_text(
        '{"uid": "%s", "code": "x", "language": null, "device": "bot",'
        ' "scanned_at": "2026-01-01T00:00:00+00:00"}' % ("a" * 32)
    )
    scan_spool_flush()
    assert list(ScanEvent.objects.values_list("uid", flat=True)) == [good.uid]
    assert (settings.PIM_SCAN_SPOOL_DIR / "0-refused.bad").exists()
    assert not spool_pending(10)


def test_a_spooled_scan_the_database_refuses_is_set_aside_and_the_others_stored(
    brochure, busy, monkeypatch
):
    from django.db import IntegrityError

    target = scan_target(code=brochure["link"].code)
    good = scan_record(target=target, user_agent=PHONE)
    bad = scan_record(target=target, user_agent="Googlebot")
    real = services._store_spooled

    def refusing(events):
        if any(event["uid"] == bad.uid.hex for event in events):
            raise IntegrityError("refused")
        return real(events)

    monkeypatch.setattr(services, "_store_spooled", refusing)
    scan_spool_flush()
    assert list(ScanEvent.objects.values_list("uid", flat=True)) == [good.uid]
    assert not spool_pending(10)
    (aside,) = spool_dir().glob("*.bad")
    assert bad.uid.hex in aside.name


def test_the_worker_flushes_spooled_scans_as_housekeeping():
    """run_worker's periodic housekeeping stores spooled scans without anyone asking."""
    from catalog.jobs import housekeeping_hooks
    from engagement.services import scan_spool_flush

    assert scan_spool_flush in housekeeping_hooks()
