"""WeasyPrint may read this project's static files and public media, and nothing else.

Print HTML refers to files by the same URLs a browser uses (``/static/...``, ``/media/...``),
resolved against a base URL on a reserved domain that never reaches the network. Media is read
through the storage API (``default_storage.open``), so it works the same on local disk and in
S3-compatible object storage, whose absolute URLs are mapped back to storage names here rather
than fetched over the network. Anything else (other hosts, ``file://`` outside the project's
folders, paths escaping them, private media such as import uploads) is refused.
"""

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils._os import safe_join
from weasyprint.urls import URLFetcher, URLFetcherResponse

from publishing.media import media_is_public, media_name

# ".invalid" is reserved (RFC 2606): even a fetcher bug could not reach a real host.
PRINT_BASE_URL = "https://print.invalid/"
_HOST = urlsplit(PRINT_BASE_URL).netloc


class FetchRefused(ValueError):
    """A print document asked for something outside the project's static and media files."""


def _url_prefix(setting: str) -> str:
    return "/" + urlsplit(setting).path.strip("/") + "/"


def _storage_url_prefix() -> str | None:
    """The absolute URL before a storage name in ``default_storage.url()`` (object storage),
    or None when media URLs are paths on this site (local disk)."""
    probe = "print-url-probe"
    url = default_storage.url(probe)
    if "://" not in url or probe not in url:
        return None
    return url.split("?", 1)[0].rsplit(probe, 1)[0]


def print_media_name(url: str, *, storage_prefix: str | None = None) -> str | None:
    """The storage name of a media URL in print HTML; None for a URL that is not media;
    FetchRefused for media that may not be printed (private or malformed)."""
    parts = urlsplit(url)
    relative = None
    media_prefix = _url_prefix(settings.MEDIA_URL)
    if parts.scheme == "https" and parts.netloc == _HOST and parts.path.startswith(media_prefix):
        relative = parts.path[len(media_prefix) :]
    elif storage_prefix and parts.scheme in ("http", "https"):
        bare = parts._replace(query="", fragment="").geturl()
        if bare.startswith(storage_prefix):
            relative = bare[len(storage_prefix) :]
    if relative is None:
        return None
    name = media_name(unquote(relative))
    if name is None:
        raise FetchRefused(f"Refused path traversal: {url}")
    if not media_is_public(name):
        raise FetchRefused(f"Refused private media: {url}")
    return name


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
            name = print_media_name(url)
            candidate = Path(safe_join(settings.MEDIA_ROOT, name))
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


def _read_media(name: str, url: str, roots: list[Path]) -> bytes:
    if isinstance(default_storage, FileSystemStorage):
        # The local checks first: no symbolic link out of the media folder, files only.
        resolve_print_url(PRINT_BASE_URL + _url_prefix(settings.MEDIA_URL)[1:] + name, roots=roots)
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError) as exc:
        raise FetchRefused(f"Not found: {url}") from exc


class ProjectFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only static files and public media."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("https", "file"), allow_redirects=False)
        self.refused: list[str] = []
        self._roots = _allowed_roots()  # resolved once per document, not per image
        self._storage_prefix = _storage_url_prefix()

    def fetch(self, url, headers=None):
        try:
            name = print_media_name(url, storage_prefix=self._storage_prefix)
            if name is not None:
                body = _read_media(name, url, self._roots)
                file_name = name
            else:
                path = resolve_print_url(url, roots=self._roots)
                body, file_name = path.read_bytes(), path.name
        except FetchRefused as exc:
            self.refused.append(str(exc))
            raise
        mime_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime_type})
