from tests.engagement.conftest import brochure, shop_token  # noqa: F401
from tests.publishing.conftest import ALL, audiences, publish  # noqa: F401
