"""Media files served by the app itself, so that the embedded default needs no web server.

The rules (which stored files are public, how long they may be cached) are written once here
and used by the ``/media/`` view, by the print fetcher and, as documentation, by the README's
nginx example:

- Public, content-addressed (named by a SHA-256 or by everything that determines them), cached
  for a year as immutable: product assets (``assets/``), their renditions (``renditions/``),
  QR codes and barcodes (``publishing/qr/``, ``publishing/barcodes/``).
- Public, cached briefly: theme logos (``themes/``) and the PDF of a finished publication made
  for everyone (no audience, or a public one); dealer and technician pieces carry their prices
  and are only downloaded through the admin.
- Everything else is private and answers 404: import uploads (``imports/``), feed files
  (``feeds/``, downloaded through the authenticated API), temporary files (dot files,
  ``.part``), and any folder a later feature adds until it is listed here.

Asset URLs are capabilities: an asset limited to an audience is only linked for that audience,
and its name is the SHA-256 of its content, which nobody can guess.
"""

import mimetypes
import os
import re
import stat
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.urls import URLPattern, path
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from publishing.models import Publication, PublicationStatus

CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_SHORT = "public, max-age=300"

_CONTENT_ADDRESSED = ("assets/", "renditions/", "publishing/qr/", "publishing/barcodes/")
_SHORT_LIVED = ("themes/",)
_PUBLICATIONS = "publications/"
_TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp")

# Types a browser may show inline from our origin. Anything else is sent as a download, so an
# uploaded logo that is really HTML cannot run script on the site.
_INLINE_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/avif",
    "image/svg+xml",
    "application/pdf",
}
# SVG may carry script; as a document of its own it gets no script and no origin.
_SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

_CHUNK = 64 * 1024


def media_name(url_path: str) -> str | None:
    """The storage name behind the part of a URL after MEDIA_URL, or None when it could leave
    the media folder or name a hidden file (``..``, absolute, empty or dot segments)."""
    if not url_path or "\x00" in url_path or "\\" in url_path:
        return None
    parts = url_path.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    return url_path


def media_cache_control(name: str) -> str | None:
    """Cache-Control for a public media file, or None when the file is private."""
    if name.endswith(_TEMPORARY_SUFFIXES):
        return None
    if name.startswith(_CONTENT_ADDRESSED):
        return CACHE_IMMUTABLE
    if name.startswith(_SHORT_LIVED):
        return CACHE_SHORT
    if name.startswith(_PUBLICATIONS) and _public_publication(name):
        return CACHE_SHORT
    return None


def media_is_public(name: str) -> bool:
    return media_cache_control(name) is not None


def _public_publication(name: str) -> bool:
    return (
        Publication.objects.filter(file=name, status=PublicationStatus.DONE)
        .filter(Q(audience__isnull=True) | Q(audience__is_public=True))
        .exists()
    )


def media_urlpatterns() -> list[URLPattern]:
    """The ``/media/`` route, in production as in development; empty when MEDIA_URL is on
    another host (a CDN or the object storage serves it)."""
    parts = urlsplit(settings.MEDIA_URL)
    prefix = parts.path.strip("/")
    if parts.netloc or not prefix:
        return []
    return [path(f"{prefix}/<path:path>", serve_media, name="media")]


def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """One public media file from MEDIA_ROOT, with caching, conditional and range requests."""
    if not settings.PIM_SERVE_MEDIA:
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    name = media_name(path)
    cache_control = media_cache_control(name) if name else None
    if cache_control is None:
        raise Http404
    handle, info = _open_regular_file(str(settings.MEDIA_ROOT), name)
    try:
        return _file_response(request, handle, info, name=name, cache_control=cache_control)
    except BaseException:
        handle.close()
        raise


def _open_regular_file(root: str, name: str):
    """Open ``root/name`` for reading only if it is a regular file reached without following
    any symbolic link (a link could lead out of the media folder or into a private one)."""
    root = os.path.realpath(root)
    full = os.path.join(root, name)
    if os.path.realpath(full) != full:
        raise Http404
    try:
        # O_NONBLOCK: opening a FIFO planted in media must not hang the worker.
        fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        raise Http404 from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Http404
    return os.fdopen(fd, "rb"), info


def _content_headers(name: str) -> dict[str, str]:
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    headers = {"X-Content-Type-Options": "nosniff"}
    if content_type not in _INLINE_TYPES:
        headers["Content-Type"] = "application/octet-stream"
        headers["Content-Disposition"] = "attachment"
        return headers
    headers["Content-Type"] = content_type
    if content_type == "image/svg+xml":
        headers["Content-Security-Policy"] = _SVG_POLICY
    return headers


def _file_response(request, handle, info, *, name: str, cache_control: str) -> HttpResponseBase:
    size = info.st_size
    etag = f'"{info.st_mtime_ns:x}-{size:x}"'
    last_modified = http_date(info.st_mtime)
    validators = HttpResponse()
    validators.headers["ETag"] = etag
    validators.headers["Last-Modified"] = last_modified
    validators.headers["Cache-Control"] = cache_control
    conditional = get_conditional_response(
        request, etag=etag, last_modified=int(info.st_mtime), response=validators
    )
    if conditional is not validators:  # 304 Not Modified or 412 Precondition Failed
        handle.close()
        return conditional

    headers = {
        **_content_headers(name),
        "ETag": etag,
        "Last-Modified": last_modified,
        "Cache-Control": cache_control,
        "Accept-Ranges": "bytes",
    }
    wanted = _wanted_range(request, size=size, etag=etag, last_modified=last_modified)
    if wanted is _UNSATISFIABLE:
        handle.close()
        response = HttpResponse(status=416, headers=headers)
        response.headers["Content-Range"] = f"bytes */{size}"
        response.headers["Content-Length"] = "0"
        return response
    if wanted is None:
        status, start, length = 200, 0, size
    else:
        start, end = wanted
        status, length = 206, end - start + 1
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"

    content_type = headers.pop("Content-Type")
    if request.method == "HEAD":
        handle.close()
        response = HttpResponse(status=status, headers=headers, content_type=content_type)
    elif status == 200:
        response = _MediaFileResponse(handle, headers=headers, content_type=content_type)
    else:
        handle.seek(start)
        response = _MediaFileResponse(
            _Slice(handle, length), status=206, headers=headers, content_type=content_type
        )
    # After construction: FileResponse would otherwise measure the (sliced) file itself.
    response.headers["Content-Length"] = str(length)
    return response


_UNSATISFIABLE = object()
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _wanted_range(request, *, size: int, etag: str, last_modified: str):
    """(first, last) byte of a single satisfiable range, None to send the whole file, or
    _UNSATISFIABLE. Several ranges and malformed headers get the whole file (RFC 9110 lets a
    server ignore Range); a range starting past the end is unsatisfiable (416)."""
    header = request.headers.get("Range")
    if not header:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() not in (etag, last_modified):
        return None  # the client's copy is outdated: it needs the whole new file
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            return _UNSATISFIABLE
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # invalid, so ignored
    if start >= size:
        return _UNSATISFIABLE
    return start, min(int(last), size - 1) if last else size - 1


class _MediaFileResponse(FileResponse):
    block_size = _CHUNK


@dataclass
class _Slice:
    """``length`` bytes of an open file from its current position; deliberately without
    ``fileno``/``seek``/``name`` so that neither FileResponse nor a server's sendfile reads
    past the range."""

    handle: object
    remaining: int

    def read(self, size: int = _CHUNK) -> bytes:
        if self.remaining <= 0:
            return b""
        data = self.handle.read(min(size if size > 0 else _CHUNK, self.remaining))
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()
