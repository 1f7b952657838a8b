"""The one door for resources: which images and files a brief may use, and how they are read.

Closed by default: regular files inside the brief's project (the folder holding
briefgen.toml, or the brief's own folder), after resolving symlinks and `..`. Remote http(s) images
only with an explicit allow_remote, within one deadline for the whole fetch and a size cap. Every
failure, whatever the input, is a Refused with its reason. An image must decode as the PNG, JPEG or
GIF its magic bytes announce, and be at most MAX_PIXELS.
"""

from __future__ import annotations

import base64
import functools
import http.client
import io
import ipaddress
import re
import socket
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer
    from PIL import ImageFile

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
TIMEOUT = 10.0  # seconds for a whole remote fetch: resolving, connecting, sending and reading every byte
_IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
                (b"GIF89a", "image/gif"))  # fmt: skip
_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


class Refused(Exception):
    """A resource the policy does not let a brief use; the message says why."""


@dataclass(frozen=True)
class Policy:
    """Where resources may come from."""

    project_dir: Path
    allow_remote: bool = False

    def read(self, url: str, base_dir: Path) -> bytes:
        """Return the bytes behind ``url`` (relative to ``base_dir``) or raise Refused."""
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError as exc:
            raise Refused(f"resource {url!r} refused: not a valid URL ({exc})") from None
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            if not self.allow_remote:
                raise Refused(f"remote resource {url!r} refused (build with --allow-remote to fetch it)")
            return _fetch(url, parts)
        if scheme == "file":
            return self._local(base_dir, parts.path, url)
        if scheme or url.startswith("//"):
            raise Refused(f"resource {url!r} refused: only files inside the project may be used")
        if parts.query or parts.fragment:
            raise Refused(f"resource {url!r} refused: a file path may not carry ? or #")
        return self._local(base_dir, parts.path, url)

    def _local(self, base_dir: Path, path: str, url: str) -> bytes:
        try:
            root = self.project_dir.resolve()
            real = (base_dir / urllib.parse.unquote(path)).resolve(strict=True)
        except ValueError:  # a NUL or a lone surrogate: no file can have that name
            raise Refused(f"resource {url!r} refused: not a valid file name") from None
        except (OSError, RuntimeError):
            raise Refused(f"resource {url!r} not found") from None
        if not real.is_relative_to(root):
            raise Refused(f"resource {url!r} refused: it lies outside the project folder {root}")
        if not real.is_file():
            raise Refused(f"resource {url!r} refused: not a regular file")
        try:
            with real.open("rb") as file:
                data = file.read(MAX_BYTES + 1)  # a cap, not a stat: the file may grow meanwhile
        except OSError as exc:
            raise Refused(f"resource {url!r} could not be read: {exc.strerror or exc}") from None
        if len(data) > MAX_BYTES:
            raise Refused(f"resource {url!r} refused: larger than {MAX_BYTES // 1048576} MiB")
        return data


# --- remote: one deadline for the whole fetch


def _left(deadline: float) -> float:
    """The seconds left before ``deadline``; TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("timed out")
    return left


def _resolve(host: str, port: int, deadline: float) -> list[Any]:
    """socket.getaddrinfo, given up at ``deadline``: a lookup has no timeout of its own."""
    answer: list[Any] = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as exc:  # handed to the caller, which knows what to make of it
            answer.append(exc)

    thread = threading.Thread(target=lookup, name="briefgen-resolve", daemon=True)
    thread.start()
    thread.join(_left(deadline))  # on time-out the thread ends by itself when the resolver gives up
    if not answer:
        raise TimeoutError("timed out")
    if isinstance(answer[0], Exception):
        raise answer[0]
    return list(answer[0])


def _connect(address: tuple[str, int], *args: object, deadline: float) -> socket.socket:
    """Connect like socket.create_connection, but every address tried shares one deadline."""
    errors: list[OSError] = []
    for family, kind, proto, _, sockaddr in _resolve(*address, deadline):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(_left(deadline))  # left as is, it also bounds the TLS handshake that follows
            sock.connect(sockaddr)
            return sock
        except TimeoutError:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            errors.append(exc)
    raise errors[0] if errors else OSError(f"no address found for {address[0]}")


class _DeadlineReader(io.RawIOBase):
    """A socket's reading side that gives each read only the time left before the deadline."""

    def __init__(self, owner: _DeadlineSocket, raw: socket.SocketIO) -> None:
        super().__init__()
        self._owner = owner
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        self._owner.arm()
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """A connected socket whose every send and receive must end before one deadline."""

    # a timeout per read is not enough: a server sending a byte a second never lets it expire

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def arm(self) -> None:
        """Let the next send or receive wait only for the time left."""
        self._sock.settimeout(_left(self._deadline))

    def sendall(self, data: ReadableBuffer) -> None:
        self.arm()
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self, self._sock.makefile("rb", buffering=0)))

    def close(self) -> None:
        self._sock.close()


class _Connection(http.client.HTTPConnection):
    """An HTTP connection bound to one deadline, from the name lookup to the last byte read."""

    def __init__(self, host: str, *, deadline: float, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.deadline = deadline
        self._create_connection = functools.partial(_connect, deadline=deadline)  # http.client's connect hook

    def connect(self) -> None:
        super().connect()
        # http.client only sends, reads (through makefile) and closes through its socket
        self.sock = _DeadlineSocket(self.sock, self.deadline)


class _TLSConnection(_Connection, http.client.HTTPSConnection):
    """An HTTPS connection bound to one deadline."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_Connection, deadline=self.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_TLSConnection, deadline=self.deadline), req)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere (another host, another scheme): refuse it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _malformed(url: str, parts: urllib.parse.SplitResult) -> str | None:
    """Why http.client could not even try ``url``, checked before any connection; None if it can."""
    if any(char <= " " or char == "\x7f" for char in url):
        return "a URL may not contain spaces or control characters"
    if not (parts.path + parts.query).isascii():
        return "a URL's path may hold only ASCII characters (percent-encode the others)"
    if parts.username is not None or parts.password is not None:
        return "a URL may not carry a user name or password"
    try:
        parts.port  # noqa: B018 - urllib checks the port only when asked for it
    except ValueError:
        port = parts.netloc.rpartition("@")[2].rpartition("]")[2].partition(":")[2]
        return f"{port!r} is not a port (a number up to 65535)"
    host = parts.hostname or ""
    if not host:
        return "the URL names no host"
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    try:
        name = host.encode("idna").decode("ascii").removesuffix(".")
    except UnicodeError:
        name = ""
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        return f"{host!r} is not a host name"
    return None


def _failure(exc: BaseException) -> str:
    """The reason a fetch failed, in words (urllib nests them)."""
    if isinstance(exc, urllib.error.HTTPError):
        return str(exc)
    if isinstance(exc, urllib.error.URLError):
        return _failure(exc.reason) if isinstance(exc.reason, BaseException) else str(exc.reason)
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, http.client.IncompleteRead):
        return "the answer ended early"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.BadStatusLine):
        return "not an HTTP answer"
    if isinstance(exc, http.client.HTTPException):
        return f"not a valid HTTP answer ({str(exc) or type(exc).__name__})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _fetch(url: str, parts: urllib.parse.SplitResult) -> bytes:
    """GET ``url`` in at most TIMEOUT seconds all told, without redirects, up to MAX_BYTES."""
    reason = _malformed(url, parts)
    if reason:
        raise Refused(f"remote resource {url!r} refused: {reason}")
    deadline = time.monotonic() + TIMEOUT
    request = urllib.request.Request(url, headers={"User-Agent": "briefgen"})
    opener = urllib.request.build_opener(_NoRedirects, _HTTPHandler(deadline), _HTTPSHandler(deadline))
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data: bytes = response.read(MAX_BYTES + 1)
            missing = response.length  # http.client returns a body cut short without a word
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise Refused(f"remote resource {url!r} could not be fetched: {_failure(exc)}") from None
    if len(data) > MAX_BYTES:
        raise Refused(f"remote resource {url!r} refused: larger than {MAX_BYTES // 1048576} MiB")
    if missing:
        raise Refused(f"remote resource {url!r} could not be fetched: the answer ended early")
    return data


# --- images: decoded once here, so that none is dropped later by the PDF engine

_PILLOW = threading.Lock()


@contextmanager
def _strict_pillow() -> Iterator[None]:
    """Make Pillow fail on truncated images and on decompression bombs, for the block only."""
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES on import (weasyprint/images.py), after which Pillow pads a
    # truncated image with grey instead of failing. Both settings are process-wide, but they change only
    # how a broken image loads, never a good one: another thread loading a good image is not affected.
    from PIL import Image, ImageFile

    with _PILLOW, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _unreadable(exc: BaseException) -> str:
    """What Pillow's exception says about the image, in a few words."""
    message = str(exc)
    if isinstance(exc.__cause__ or exc, EOFError | struct.error) or "truncated" in message.lower():
        return "truncated"
    return message.splitlines()[0] if message else type(exc).__name__


def check_image(data: bytes, url: str) -> str:
    """Return the MIME type of ``data`` if it decodes as the image its magic bytes announce; else raise Refused."""
    mime = next((mime for magic, mime in _IMAGE_TYPES if data.startswith(magic)), None)
    if mime is None:
        raise Refused(f"image {url!r} refused: not a PNG, JPEG or GIF file")
    from PIL import Image  # Pillow imported only when a brief has an image

    decoder = _decoder(mime)
    kind = decoder.format
    megapixels = MAX_PIXELS // 1_000_000
    try:
        with _strict_pillow():
            # the decoder the magic bytes chose, not Pillow's guess: a file of another format under them fails
            with decoder(io.BytesIO(data)) as image:  # reads the header only
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Refused(f"image {url!r} refused: {width} x {height} pixels; at most {megapixels} megapixels")
                image.verify()
            with decoder(io.BytesIO(data)) as image:  # verify() leaves an image unusable
                image.load()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(f"image {url!r} refused: more than {megapixels} megapixels") from None
    except Exception as exc:  # Pillow's decoders raise any type on malformed input
        raise Refused(f"image {url!r} refused: not a readable {kind} ({_unreadable(exc)})") from None
    return mime


def _decoder(mime: str) -> type[ImageFile.ImageFile]:
    from PIL import GifImagePlugin, JpegImagePlugin, PngImagePlugin

    decoders = {"image/png": PngImagePlugin.PngImageFile, "image/jpeg": JpegImagePlugin.JpegImageFile}
    return decoders.get(mime, GifImagePlugin.GifImageFile)


def image_data_uri(data: bytes, url: str) -> str:
    """Embed image bytes, unchanged, as a data: URI; only PNG, JPEG and GIF that decode (check_image)."""
    return f"data:{check_image(data, url)};base64,{base64.b64encode(data).decode('ascii')}"
