"""Channel feeds for marketplaces: Google Merchant Center RSS, CSV and JSON Lines.

Every feed reads publishing.selection and publishing.context, in chunks of ids, and yields
text as it goes: the first bytes leave at once and memory stays flat for any catalog size.
"""

from publishing.feeds.base import FEED_FORMATS, feed_content_type, feed_iter, feed_products

__all__ = ["FEED_FORMATS", "feed_content_type", "feed_iter", "feed_products"]
