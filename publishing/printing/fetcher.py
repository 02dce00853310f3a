"""WeasyPrint may read this project's static files and media, and nothing else.

Print HTML refers to files by the same paths a browser uses (``/static/...``, ``/media/...``),
resolved against a base URL on a reserved domain that never reaches the network. Anything
else (other hosts, ``file://``, paths escaping those folders) is refused.
"""

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join
from weasyprint.urls import URLFetcher, URLFetcherResponse

# ".invalid" is reserved (RFC 2606): even a fetcher bug could not reach a real host.
PRINT_BASE_URL = "https://print.invalid/"
_HOST = urlsplit(PRINT_BASE_URL).netloc


class FetchRefused(ValueError):
    """A print document asked for something outside the project's static and media files."""


def _url_prefix(setting: str) -> str:
    return "/" + urlsplit(setting).path.strip("/") + "/"


def _allowed_roots() -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)]
    roots += [
        Path(d if isinstance(d, str | os.PathLike) else d[1]) for d in settings.STATICFILES_DIRS
    ]
    from django.apps import apps

    roots += [Path(app.path) / "static" for app in apps.get_app_configs()]
    return [root.resolve() for root in roots]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def resolve_print_url(url: str, *, roots: list[Path] | None = None) -> Path:
    """The local file behind a print URL, or FetchRefused."""
    roots = roots if roots is not None else _allowed_roots()
    parts = urlsplit(url)
    if parts.scheme == "file":
        # Only accepted when it points inside an allowed folder (e.g. a font WeasyPrint
        # resolved itself); never elsewhere on disk.
        path = Path(unquote(parts.path)).resolve()
        if path.is_file() and _inside(path, roots):
            return path
        raise FetchRefused(f"Refused file outside static and media folders: {url}")
    if parts.scheme != "https" or parts.netloc != _HOST:
        raise FetchRefused(f"Refused non-local URL: {url}")
    path = unquote(parts.path)
    static_prefix, media_prefix = _url_prefix(settings.STATIC_URL), _url_prefix(settings.MEDIA_URL)
    try:
        if path.startswith(static_prefix):
            relative = path[len(static_prefix) :]
            if ".." in Path(relative).parts:
                raise FetchRefused(f"Refused path traversal: {url}")
            found = finders.find(relative)
            candidate = Path(found) if found else Path(safe_join(settings.STATIC_ROOT, relative))
        elif path.startswith(media_prefix):
            candidate = Path(safe_join(settings.MEDIA_ROOT, path[len(media_prefix) :]))
        else:
            raise FetchRefused(f"Refused path outside static and media: {url}")
    except SuspiciousFileOperation as exc:
        raise FetchRefused(f"Refused path traversal: {url}") from exc
    candidate = candidate.resolve()
    if not _inside(candidate, roots):
        raise FetchRefused(f"Refused path outside static and media: {url}")
    if not candidate.is_file():
        raise FetchRefused(f"Not found: {url}")
    return candidate


class ProjectFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only static and media files from local disk."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("https", "file"), allow_redirects=False)
        self.refused: list[str] = []
        self._roots = _allowed_roots()  # resolved once per document, not per image

    def fetch(self, url, headers=None):
        try:
            path = resolve_print_url(url, roots=self._roots)
        except FetchRefused as exc:
            self.refused.append(str(exc))
            raise
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})
