"""Helpers for print tests: publish through the services and get the PDF path."""

from pathlib import Path

from django.core.files.storage import default_storage

from publishing.services import publication_create, publication_render


def render(kind, *, channel, locale, **parameters):
    publication = publication_create(kind=kind, channel=channel, locale=locale, **parameters)
    publication = publication_render(publication=publication)
    return publication


def pdf_path(publication) -> Path:
    assert publication.status == "done", publication.error or publication.log
    return Path(default_storage.path(publication.file.name))
