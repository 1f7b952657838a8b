"""The one door for resources: which images and files a brief may use, and how they are read.

Closed by default: `data:` images and regular files inside the brief's project (the folder holding
briefgen.toml, or the brief's own folder), after resolving symlinks and `..`. Remote http(s) images
only with an explicit allow_remote, with a timeout and a size cap. Everything else is refused.
"""

from __future__ import annotations

import base64
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 10.0
_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class Refused(Exception):
    """A resource the policy does not let a brief use; the message says why."""


@dataclass(frozen=True)
class Policy:
    """Where resources may come from."""

    project_dir: Path
    allow_remote: bool = False

    def read(self, url: str, base_dir: Path) -> bytes:
        """Return the bytes behind ``url`` (relative to ``base_dir``) or raise Refused."""
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            if not self.allow_remote:
                raise Refused(f"remote resource {url!r} refused (build with --allow-remote to fetch it)")
            return _fetch(url)
        if scheme == "file":
            return self._local(Path(urllib.parse.unquote(parts.path)), url)
        if scheme or url.startswith("//"):
            raise Refused(f"resource {url!r} refused: only files inside the project may be used")
        if parts.query or parts.fragment:
            raise Refused(f"resource {url!r} refused: a file path may not carry ? or #")
        return self._local(base_dir / urllib.parse.unquote(parts.path), url)

    def _local(self, path: Path, url: str) -> bytes:
        root = self.project_dir.resolve()
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise Refused(f"resource {url!r} not found") from None
        if not real.is_relative_to(root):
            raise Refused(f"resource {url!r} refused: it lies outside the project folder {root}")
        if not real.is_file():
            raise Refused(f"resource {url!r} refused: not a regular file")
        if real.stat().st_size > MAX_BYTES:
            raise Refused(f"resource {url!r} refused: larger than {MAX_BYTES // 1048576} MiB")
        return real.read_bytes()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere (another host, another scheme): refuse it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "briefgen"})
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data: bytes = response.read(MAX_BYTES + 1)
    except OSError as exc:
        raise Refused(f"remote resource {url!r} could not be fetched: {exc}") from None
    if len(data) > MAX_BYTES:
        raise Refused(f"remote resource {url!r} refused: larger than {MAX_BYTES // 1048576} MiB")
    return data


def image_data_uri(data: bytes, url: str) -> str:
    """Embed image bytes as a data: URI; only PNG, JPEG and GIF (by their magic bytes) are accepted."""
    for magic, mime in _IMAGE_TYPES:
        if data.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    raise Refused(f"image {url!r} refused: not a PNG, JPEG or GIF file")
