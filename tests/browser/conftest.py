"""Headless Chromium (Debian's package) driven by Playwright against the live test server."""

import os
import shutil

import pytest

from tests.engagement.conftest import brochure, shop_token  # noqa: F401
from tests.publishing.conftest import ALL, audiences, publish  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("chromium is missing: run scripts/test (it installs the test packages)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django test database is
    # still only used synchronously, from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Recorded from the first script of every document (added through the DevTools protocol, so the
# page's own Content-Security-Policy does not apply to it).
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _open_page(browser, live_server, *, bypass_csp=False):
    context = browser.new_context(
        viewport={"width": 1100, "height": 900},
        user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari",
        bypass_csp=bypass_csp,
    )
    page = context.new_page()
    page.add_init_script(_WATCH_CSP)
    blocked = []
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))

    def only_local(route):
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith("data:"):
            route.continue_()
        else:  # nothing may be loaded from the internet
            blocked.append(url)
            route.abort()

    page.route("**/*", only_local)
    return context, page, blocked


def csp_violations(page) -> list[str]:
    """What the Content-Security-Policy blocked on the current document."""
    return page.evaluate("window.__cspViolations || []")


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page; the test fails on external loads and on any console error (CSP
    violations, missing favicon, script errors)."""
    context, page, blocked = _open_page(browser, live_server)
    yield page
    errors = list(page.console_errors)
    context.close()
    assert not blocked, f"pages tried to load external resources: {blocked}"
    assert not errors, f"console errors: {errors}"


@pytest.fixture
def page_without_csp(browser, live_server):
    """For tools injected into the page (axe-core) that the site's CSP would rightly block."""
    context, page, blocked = _open_page(browser, live_server, bypass_csp=True)
    yield page
    context.close()
    assert not blocked, f"pages tried to load external resources: {blocked}"


@pytest.fixture
def shots(request):
    """Screenshots go to test-results/<test name>/ (kept after the run, for people to look at)."""
    folder = os.path.join("test-results", request.node.name.replace("/", "_"))
    os.makedirs(folder, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _web_version_read_every_time(settings):
    """Tests see every edit at once (production may reuse the version for a second)."""
    settings.PIM_WEB_VERSION_TTL = 0
