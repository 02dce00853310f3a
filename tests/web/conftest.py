from tests.publishing.conftest import ALL, audiences, publish  # noqa: F401
