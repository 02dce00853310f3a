import pytest

from tests.publishing.conftest import ALL, audiences, publish  # noqa: F401


@pytest.fixture(autouse=True)
def _web_version_read_every_time(settings):
    """Tests see every edit at once (production may reuse the version for a second)."""
    settings.PIM_WEB_VERSION_TTL = 0
