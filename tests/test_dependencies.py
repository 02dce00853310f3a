"""Dependencies point one way: publishing, api and engagement import catalog, never back."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOWER_LAYERS = {"catalog": {"publishing", "api", "engagement"}, "publishing": {"api", "engagement"}}


def imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


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
