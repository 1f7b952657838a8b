"""The resource door (briefgen/resources.py): whatever a brief names, reading it gives the bytes of a file
inside the project, of a remote image fetched within one deadline, or a Refused with the reason; an image
is embedded only if it decodes, and then byte for byte.

The network tests use servers on 127.0.0.1 that serve a fixed number of connections and stop by
themselves; name lookups are replaced, so no test leaves the machine.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import pathlib
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageFile

import briefgen.resources
from briefgen.resources import MAX_BYTES, Policy, Refused, check_image, image_data_uri

# --- local files


@dataclass(frozen=True)
class Tree:
    project: Path
    outside: Path
    inside: frozenset[bytes]  # the contents of every regular file inside the project


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    """A project with files, links in and out, a loop and a FIFO; and a secret next to it."""
    root = tmp_path_factory.mktemp("door")
    project, outside = root / "project", root / "outside"
    (project / "briefs" / "sub").mkdir(parents=True)
    (project / "img").mkdir()
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"SECRET")
    files = {"briefs/a.png": b"inside a", "briefs/sub/b.png": b"inside b", "img/c.png": b"inside c"}
    for rel, content in files.items():
        (project / rel).write_bytes(content)
    (project / "briefs" / "link").symlink_to(outside / "secret.png")
    (project / "briefs" / "inlink").symlink_to(project / "img" / "c.png")
    (project / "briefs" / "loop").symlink_to(project / "briefs" / "loop")
    (project / "briefs" / "up").symlink_to(root)
    os.mkfifo(project / "briefs" / "fifo")
    return Tree(project, outside, frozenset(files.values()))


def refusal(policy: Policy, url: str, base: Path) -> str:
    with pytest.raises(Refused) as caught:
        policy.read(url, base)
    return str(caught.value)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("a%00b.png", "refused: not a valid file name"),
        ("a\x00b.png", "refused: not a valid file name"),
        ("file:///tmp/a%00b.png", "refused: not a valid file name"),
        ("\ud800.png", "refused: not a valid file name"),
        ("x://[", "refused: not a valid URL (Invalid IPv6 URL)"),
        ("a" * 5000 + ".png", "not found"),
        ("loop", "not found"),
        ("fifo", "refused: not a regular file"),
        ("link", "refused: it lies outside the project folder {project}"),
    ],
)
def test_an_unusable_path_is_refused_with_its_reason(tree: Tree, url: str, reason: str) -> None:
    policy = Policy(tree.project)
    reason = reason.format(project=tree.project.resolve())
    assert refusal(policy, url, tree.project / "briefs") == f"resource {url!r} {reason}"


def test_a_file_that_cannot_be_read_is_refused(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(self: Path, *args: object, **kwargs: object) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "open", unreadable)
    message = refusal(Policy(tree.project), "a.png", tree.project / "briefs")
    assert message == "resource 'a.png' could not be read: Permission denied"


def test_file_urls_are_relative_to_the_brief_not_to_the_working_folder(tree: Tree) -> None:
    assert Policy(tree.project).read("file:sub/b.png", tree.project / "briefs") == b"inside b"


PIECES = [
    *("a.png", "sub/b.png", "c.png", "img", "briefs", "sub", "link", "inlink", "loop", "fifo", "up", "secret.png"),
    *("..", ".", "/", "//", "\\", "%2e%2e", "%2f", "%00", "\x00", "%", "%ff", "%ud800", "\ud800", "~"),
    *("?", "#", "[", "]", ":", "@", " ", "\n", "file:", "file://", "http:", "data:", "OUTSIDE", "PROJECT"),
]
BASES = ["project", "briefs", "sub", "outside", "missing", "nul"]


@given(
    url=st.one_of(st.text(), st.lists(st.sampled_from(PIECES), max_size=8).map("".join)),
    base=st.one_of(st.sampled_from(BASES), st.text(max_size=20)),
)
def test_read_returns_a_file_inside_the_project_or_refuses(tree: Tree, url: str, base: str) -> None:
    url = url.replace("OUTSIDE", str(tree.outside)).replace("PROJECT", str(tree.project))
    folders = {
        "project": tree.project,
        "briefs": tree.project / "briefs",
        "sub": tree.project / "briefs" / "sub",
        "outside": tree.outside,
        "missing": tree.project / "missing",
        "nul": tree.project / "a\x00b",
    }
    try:
        data = Policy(tree.project).read(url, folders.get(base, Path(base)))
    except Refused as exc:
        assert str(exc).removeprefix("remote ").startswith(f"resource {url!r} ") and "\n" not in str(exc)
    else:
        assert data in tree.inside


# --- remote: one deadline, and every malformed URL refused

TIMEOUT = 1.0  # the tests' deadline (monkeypatched in), so that they are quick
LIFETIME = 4 * TIMEOUT  # how long a test server keeps a connection busy before it gives up
TICK = TIMEOUT / 10  # a trickling server's pause between bytes: each read is quick, the whole is slow


@pytest.fixture
def remote(monkeypatch: pytest.MonkeyPatch) -> Policy:
    """A Policy with allow_remote, a deadline of TIMEOUT and no proxy between it and 127.0.0.1."""
    monkeypatch.setattr(briefgen.resources, "TIMEOUT", TIMEOUT)
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return Policy(Path("/nonexistent"), allow_remote=True)


@contextlib.contextmanager
def loopback(answer: Callable[[socket.socket], None], connections: int = 1) -> Iterator[int]:
    """A TCP server on 127.0.0.1 that hands ``connections`` clients, one by one, to ``answer``, then stops."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(LIFETIME)

    def serve() -> None:
        with listener:
            for _ in range(connections):
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                with conn, contextlib.suppress(OSError):  # the client gave up: that is what is tested
                    conn.settimeout(LIFETIME)
                    answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        thread.join(2 * LIFETIME)


def read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk


def trickle(conn: socket.socket, data: bytes) -> None:
    """Send ``data`` a byte at a time, for LIFETIME at most."""
    end = time.monotonic() + LIFETIME
    for byte in data:
        if time.monotonic() > end:
            return
        conn.sendall(bytes([byte]))
        time.sleep(TICK)


def answer_with(head: bytes, body: bytes = b"", *, slow_head: bool = False, slow_body: bool = False) -> Any:
    def answer(conn: socket.socket) -> None:
        read_request(conn)
        trickle(conn, head) if slow_head else conn.sendall(head)
        trickle(conn, body) if slow_body else conn.sendall(body)

    return answer


def ok_head(length: int) -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {length}\r\n\r\n".encode()


def timed_refusal(policy: Policy, url: str) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(Refused) as caught:
        policy.read(url, Path("/nonexistent"))
    return str(caught.value), time.monotonic() - started


def assert_cut_at_the_deadline(message: str, elapsed: float, url: str) -> None:
    assert message == f"remote resource {url!r} could not be fetched: timed out"
    assert 0.9 * TIMEOUT <= elapsed < 3 * TIMEOUT, f"ended after {elapsed:.2f} s, the deadline is {TIMEOUT} s"


@pytest.mark.parametrize(
    "answer",
    [
        answer_with(ok_head(10_000), b"\0" * 10_000, slow_body=True),
        answer_with(b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 10_000 + b"\r\n\r\n", slow_head=True),
    ],
    ids=["body", "headers"],
)
def test_a_trickling_server_is_cut_off_at_the_deadline(remote: Policy, answer: Any) -> None:
    with loopback(answer) as port:
        url = f"http://127.0.0.1:{port}/slow.png"
        message, elapsed = timed_refusal(remote, url)
    assert_cut_at_the_deadline(message, elapsed, url)


def test_a_trickling_tls_handshake_is_cut_off_at_the_deadline(remote: Policy) -> None:
    record = b"\x16\x03\x03\x40\x00" + b"\0" * 10_000  # a 16 KiB handshake record that never completes
    with loopback(lambda conn: trickle(conn, record)) as port:
        url = f"https://127.0.0.1:{port}/slow.png"
        message, elapsed = timed_refusal(remote, url)
    assert_cut_at_the_deadline(message, elapsed, url)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@contextlib.contextmanager
def tls_loopback(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, answer: Callable[[socket.socket], None]
) -> Iterator[int]:
    """``loopback`` speaking TLS with ``certificate``, which the client trusts (alone) for the test."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def over_tls(conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as tls:
            answer(tls)

    with loopback(over_tls) as port:
        yield port


def test_https_is_fetched(remote: Policy, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    with tls_loopback(certificate, monkeypatch, answer_with(ok_head(5), b"pixel")) as port:
        assert remote.read(f"https://127.0.0.1:{port}/pixel.png", Path("/nonexistent")) == b"pixel"


def test_a_trickling_https_answer_is_cut_off_at_the_deadline(
    remote: Policy, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = answer_with(ok_head(10_000), b"\0" * 10_000, slow_body=True)
    with tls_loopback(certificate, monkeypatch, answer) as port:
        url = f"https://127.0.0.1:{port}/slow.png"
        message, elapsed = timed_refusal(remote, url)
    assert_cut_at_the_deadline(message, elapsed, url)


def fake_lookup(monkeypatch: pytest.MonkeyPatch, lookup: Callable[..., Any]) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lookup)


def test_a_slow_name_lookup_is_cut_off_at_the_deadline(remote: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    def stalled(*args: object, **kwargs: object) -> Any:
        time.sleep(LIFETIME)  # in a daemon thread that ends by itself
        raise socket.gaierror(-2, "Name or service not known")

    fake_lookup(monkeypatch, stalled)
    url = "http://images.example/map.png"
    message, elapsed = timed_refusal(remote, url)
    assert_cut_at_the_deadline(message, elapsed, url)


def test_many_unanswering_addresses_share_one_deadline(remote: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    # on Linux a listener whose queue is full drops further connection attempts, which wait until given up
    with socket.create_server(("127.0.0.1", 0), backlog=0) as listener, socket.socket() as filler:
        address = listener.getsockname()
        filler.connect(address)
        fake_lookup(monkeypatch, lambda *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address)] * 5)
        url = "http://images.example/map.png"
        message, elapsed = timed_refusal(remote, url)
    assert_cut_at_the_deadline(message, elapsed, url)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int) -> bytes:
    """A PNG declaring ``width`` x ``height`` RGB pixels, with the image stream of one pixel."""
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0")) + chunk(b"IEND", b"")


PNG_1X1 = png_header(1, 1)


def test_a_prompt_server_is_fetched(remote: Policy) -> None:
    with loopback(answer_with(ok_head(len(PNG_1X1)), PNG_1X1)) as port:
        assert remote.read(f"http://127.0.0.1:{port}/pixel.png", Path("/nonexistent")) == PNG_1X1


REDIRECT = "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"


@pytest.mark.parametrize(
    ("head", "body", "reason"),
    [
        (
            REDIRECT.format(location="file:///etc/passwd").encode(),
            b"",
            "could not be fetched: HTTP Error 302: Found - Redirection to url 'file:///etc/passwd' is not allowed",
        ),
        (
            REDIRECT.format(location="http://127.0.0.1:1/pixel.png").encode(),
            b"",
            "could not be fetched: HTTP Error 302: Found",
        ),
        (ok_head(MAX_BYTES + 100), b"\0" * (MAX_BYTES + 100), "refused: larger than 5 MiB"),
        (ok_head(1000), b"\0" * 10, "could not be fetched: the answer ended early"),
        (b"", b"", "could not be fetched: the server closed the connection without answering"),
        (b"HELLO\r\n\r\n", b"", "could not be fetched: not an HTTP answer"),
        (
            b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 200 + b"\r\n",
            b"",
            "could not be fetched: not a valid HTTP answer (got more than 100 headers)",
        ),
    ],
    ids=["redirect-file", "redirect-http", "too-big", "cut-short", "no-answer", "not-http", "many-headers"],
)
def test_a_bad_answer_is_refused(remote: Policy, head: bytes, body: bytes, reason: str) -> None:
    with loopback(answer_with(head, body)) as port:  # one connection: a redirect followed would fail differently
        url = f"http://127.0.0.1:{port}/x.png"
        message, _ = timed_refusal(remote, url)
    assert message == f"remote resource {url!r} {reason}"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:abc/x.png", "'abc' is not a port (a number up to 65535)"),
        ("http://127.0.0.1:99999/x.png", "'99999' is not a port (a number up to 65535)"),
        ("https://[::1]:x/x.png", "'x' is not a port (a number up to 65535)"),
        ("http:///x.png", "the URL names no host"),
        ("http:x.png", "the URL names no host"),
        ("http://:80/x.png", "the URL names no host"),
        ("http://u:p@127.0.0.1/x.png", "a URL may not carry a user name or password"),
        ("http://127.0.0.1\\@images.example/x.png", "a URL may not carry a user name or password"),
        ("http://127.0.0.1/a b.png", "a URL may not contain spaces or control characters"),
        ("http://\x00/x.png", "a URL may not contain spaces or control characters"),
        ("http://127.0.0.1/画.png", "a URL's path may hold only ASCII characters (percent-encode the others)"),
        ("http://a..b/x.png", "'a..b' is not a host name"),
        ("http://images!.example/x.png", "'images!.example' is not a host name"),
        ("http://" + "a" * 64 + ".example/x.png", f"'{'a' * 64}.example' is not a host name"),
        ("http://127.0.0.1:80:80/x.png", "'80:80' is not a port (a number up to 65535)"),
    ],
)
def test_a_malformed_url_is_refused_before_any_connection(remote: Policy, url: str, reason: str) -> None:
    assert timed_refusal(remote, url)[0] == f"remote resource {url!r} refused: {reason}"


def test_an_unparsable_url_is_refused(remote: Policy) -> None:
    assert (
        timed_refusal(remote, "http://[::1")[0] == "resource 'http://[::1' refused: not a valid URL (Invalid IPv6 URL)"
    )


@pytest.fixture(scope="module")
def closed_port() -> Iterator[tuple[str, int]]:
    """An address on 127.0.0.1 where nothing listens: every connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()


@given(scheme=st.sampled_from(["http://", "https://", "HTTP://", "http:"]), rest=st.text())
def test_any_remote_url_is_fetched_or_refused(closed_port: tuple[str, int], scheme: str, rest: str) -> None:
    """Whatever follows the scheme, every name leads to a closed port here: the answer is a Refused."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(briefgen.resources, "TIMEOUT", TIMEOUT)
        for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            patch.delenv(name, raising=False)
        fake_lookup(patch, lambda *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", closed_port)])
        with pytest.raises(Refused):
            Policy(Path("/nonexistent"), allow_remote=True).read(scheme + rest, Path("/nonexistent"))


# --- images: decoded, bounded, embedded unchanged


def pillow(fmt: str, mode: str = "RGB", size: tuple[int, int] = (40, 30), **options: Any) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode != "P" else 3).save(out, fmt, **options)
    return out.getvalue()


def gif_header(screen: tuple[int, int], frame: tuple[int, int]) -> bytes:
    """A GIF with a ``screen`` logical screen and one ``frame``-sized image of a few bytes."""
    return (
        b"GIF89a"
        + struct.pack("<HHBBB", *screen, 0, 0, 0)
        + b","
        + struct.pack("<HHHHB", 0, 0, *frame, 0)
        + b"\x02\x02D\x01\0;"
    )


def jpeg_header(width: int, height: int) -> bytes:
    """A JPEG whose frame header declares ``width`` x ``height`` pixels."""
    data = pillow("JPEG")
    sof = data.index(b"\xff\xc0")
    return data[: sof + 5] + struct.pack(">HH", height, width) + data[sof + 9 :]


GOOD = {
    "png-rgb": pillow("PNG"),
    "png-rgba": pillow("PNG", "RGBA"),
    "png-palette": pillow("PNG", "P"),
    "png-grey-interlaced": pillow("PNG", "L", interlace=1),
    "png-1x1": PNG_1X1,
    "jpeg": pillow("JPEG"),
    "jpeg-progressive": pillow("JPEG", progressive=True),
    "jpeg-cmyk": pillow("JPEG", "CMYK"),
    "gif": pillow("GIF", "P"),
    "gif-animated": pillow("GIF", "P", save_all=True, append_images=[Image.new("P", (40, 30), 5)]),
    "gif87a": pillow("GIF", "P").replace(b"GIF89a", b"GIF87a", 1),
}
MIME = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}


@pytest.mark.parametrize("name", GOOD)
def test_a_good_image_is_embedded_byte_for_byte(name: str) -> None:
    data = GOOD[name]
    mime = MIME[name.split("-")[0].removesuffix("87a")]
    assert image_data_uri(data, f"{name}.img") == f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def test_an_image_of_exactly_the_pixel_limit_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(briefgen.resources, "MAX_PIXELS", 40 * 30)
    assert check_image(GOOD["png-rgb"], "x.png") == "image/png"
    monkeypatch.setattr(briefgen.resources, "MAX_PIXELS", 40 * 30 - 1)
    with pytest.raises(Refused, match="40 x 30 pixels; at most 0 megapixels"):
        check_image(GOOD["png-rgb"], "x.png")


PNG = GOOD["png-rgb"]
JPEG = GOOD["jpeg"]
GIF = GOOD["gif"]
BAD = {
    "png-30000": (png_header(30000, 30000), "30000 x 30000 pixels; at most 40 megapixels"),
    "png-max": (png_header(2**31 - 1, 2**31 - 1), "2147483647 x 2147483647 pixels; at most 40 megapixels"),
    "gif-screen": (gif_header((65535, 65535), (1, 1)), "65535 x 65535 pixels; at most 40 megapixels"),
    "gif-frame": (gif_header((10, 10), (9000, 9000)), "9000 x 9000 pixels; at most 40 megapixels"),
    "gif-frame-bomb": (gif_header((10, 10), (10000, 10000)), "more than 40 megapixels"),
    "gif-frame-bigger-bomb": (gif_header((10, 10), (30000, 30000)), "more than 40 megapixels"),
    "jpeg-30000": (jpeg_header(30000, 30000), "30000 x 30000 pixels; at most 40 megapixels"),
    "png-garbage": (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "not a readable PNG (truncated)"),
    "jpeg-garbage": (b"\xff\xd8\xff" + b"garbage" * 10, "not a readable JPEG (no marker found)"),
    "gif-garbage": (b"GIF89a" + b"garbage" * 10, "not a readable GIF (truncated)"),
    "png-magic-only": (PNG[:8], "not a readable PNG (truncated)"),
    "png-truncated-header": (PNG[:30], "not a readable PNG (truncated)"),
    "png-truncated-data": (PNG[: len(PNG) - 20], "not a readable PNG (truncated)"),
    "png-no-end": (PNG[: len(PNG) - 12], "not a readable PNG (truncated)"),
    "jpeg-truncated": (JPEG[: len(JPEG) - 100], "not a readable JPEG (truncated)"),
    "jpeg-truncated-header": (JPEG[:100], "not a readable JPEG (truncated)"),
    "gif-truncated": (GIF[: len(GIF) - 8], "not a readable GIF (truncated)"),
    "png-bad-checksum": (
        PNG[:-5] + b"x" + PNG[-4:],
        "not a readable PNG (broken PNG file (bad header checksum in b'IENx'))",
    ),
    "png-zero-width": (png_header(0, 30), "not a readable PNG (not identified by this driver)"),
    "jpeg-magic-png-body": (b"\xff\xd8\xff" + PNG, "not a readable JPEG (no marker found)"),
    "gif-magic-png-body": (b"GIF89a" + PNG[8:], "more than 40 megapixels"),
    "text": (b"<svg/>", "not a PNG, JPEG or GIF file"),
}


@pytest.mark.parametrize("name", BAD)
def test_an_image_that_does_not_decode_or_is_too_large_is_refused(name: str) -> None:
    data, reason = BAD[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(Refused) as refused:
            image_data_uri(data, f"{name}.png")
    assert str(refused.value) == f"image '{name}.png' refused: {reason}"
    assert [str(w.message) for w in caught] == []  # nor a DecompressionBombWarning on the side


def test_a_truncated_image_is_refused_even_after_weasyprint_relaxed_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what `import weasyprint` does
    with pytest.raises(Refused, match=r"not a readable GIF \(truncated\)"):
        check_image(BAD["gif-truncated"][0], "x.gif")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


@given(
    image=st.sampled_from(sorted(GOOD)),
    cut=st.integers(min_value=0),
    patch=st.binary(max_size=16),
    at=st.integers(min_value=0),
)
def test_a_damaged_image_is_accepted_or_refused(image: str, cut: int, patch: bytes, at: int) -> None:
    """Truncate a good image and overwrite a few bytes: the check answers with a MIME type or a Refused."""
    data = GOOD[image]
    data = data[: max(cut % (len(data) + 1), 3)]
    at %= len(data) + 1
    data = data[:at] + patch + data[at + len(patch) :]
    try:
        mime = check_image(data, "x.img")
    except Refused:
        return
    assert data.startswith(b"\x89PNG" if mime == "image/png" else b"\xff\xd8\xff" if mime == "image/jpeg" else b"GIF8")
