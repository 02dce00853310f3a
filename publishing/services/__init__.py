"""Publishing services: short links for printed codes and the publication lifecycle."""

from publishing.services.publications import (
    publication_create,
    publication_enqueue,
    publication_render,
)
from publishing.services.short_links import (
    short_link_get_or_create,
    short_link_url,
    short_links_get_or_create,
)

__all__ = [
    "publication_create",
    "publication_enqueue",
    "publication_render",
    "short_link_get_or_create",
    "short_link_url",
    "short_links_get_or_create",
]
