"""Dependencies point one way: publishing, api and engagement import catalog, never back, and
the demo app sits on top: it imports every app, and no app imports it."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
APPS = ("pim", "catalog", "publishing", "api", "engagement")
LOWER_LAYERS = {
    "catalog": {"publishing", "api", "engagement", "demo"},
    "publishing": {"api", "engagement", "demo"},
    "api": {"demo"},
    "engagement": {"demo"},
    "pim": {"demo"},
}


def imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_every_app_of_ours_is_checked():
    """A new app of the project gets its place in LOWER_LAYERS (at least: never import demo)."""
    ours = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    ours = {name for name in ours if (ROOT / name).is_dir()} - {"demo"}
    assert ours | {"pim"} == set(LOWER_LAYERS)
    assert "demo" in settings.INSTALLED_APPS


def test_lower_layers_never_import_higher_ones():
    offenders = []
    for app, forbidden in LOWER_LAYERS.items():
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            bad = imported_top_modules(path) & forbidden
            if bad:
                offenders.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    assert offenders == []


def test_the_demo_lives_in_its_own_app():
    """``load_demo`` and the demo's content belong to ``demo``; catalog/services holds rules."""
    assert (ROOT / "demo" / "management" / "commands" / "load_demo.py").exists()
    leftovers = sorted(
        str(path.relative_to(ROOT)) for app in APPS for path in (ROOT / app).rglob("*demo*.py")
    )
    assert leftovers == []
