"""Under the Content-Security-Policy every kind of page still works in a real browser, and the
browser reports no violation: storefront, QR landing page, admin product editing, API docs."""

from tests.browser.conftest import csp_violations
from tests.factories import make_user


def _assert_clean(page, response):
    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert csp_violations(page) == []


def test_storefront_and_landing_page_run_under_the_csp(page, live_server, brochure):
    product = brochure["product"]
    response = page.goto(f"{live_server.url}/en/p/{product.slug_en}/")
    _assert_clean(page, response)
    # The theme's colours arrive through the theme stylesheet, not an inline <style>.
    primary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--primary').trim()"
    )
    assert primary == "#0b5d1e"
    response = page.goto(f"{live_server.url}/en/")
    _assert_clean(page, response)
    response = page.goto(f"{live_server.url}/fi/l/{brochure['link'].code}/")
    _assert_clean(page, response)
    assert page.locator("h1").inner_text() == "Kevätale"


def test_admin_product_editing_runs_under_the_csp(page, live_server, brochure):
    make_user("boss", superuser=True)
    response = page.goto(f"{live_server.url}/admin/login/")
    _assert_clean(page, response)
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    product = brochure["product"]
    response = page.goto(f"{live_server.url}/admin/catalog/product/{product.pk}/change/")
    _assert_clean(page, response)
    # The admin's own scripts ran: the translation tabs were built and switch on click.
    page.locator(".ui-tabs-nav").first.wait_for()
    response = page.goto(
        f"{live_server.url}/admin/engagement/campaignreport/{brochure['campaign'].pk}/change/"
    )
    _assert_clean(page, response)
    # Its styles come from a stylesheet now (an inline <style> would be refused).
    summary = page.locator(".analytics-summary")
    assert summary.evaluate("element => getComputedStyle(element).display") == "flex"


def test_api_docs_render_under_the_csp(page, live_server, web):
    response = page.goto(f"{live_server.url}/api/docs/")
    _assert_clean(page, response)
    # Swagger UI's inline start script (with the nonce) ran and rendered the operations.
    page.locator(".opblock").first.wait_for(timeout=30_000)
    assert page.locator(".opblock").count() > 5
    assert csp_violations(page) == []
