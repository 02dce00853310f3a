"""Checks that need an outside tool: skipped on a developer's machine without it, failed in CI.

CI (``CI=true``) must never pass by skipping a check, so a missing tool is an error there.
"""

import os

import pytest


def tool_missing(reason: str) -> None:
    """Skip the calling test, or fail it when running in CI."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must run this check)", pytrace=False)
    pytest.skip(reason)
