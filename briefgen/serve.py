"""``briefgen serve``: serve the output folder of a live Preview and stream its changes to the open pages.

Pages learn of changes through Server-Sent Events; the listening script is added only to pages this
server sends, never to built files.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import socket
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from briefgen.errors import BriefgenError
from briefgen.preview import Log, Preview, Resolve
from briefgen.preview_pages import EVENTS_PATH
from briefgen.project import resolve_project

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """Whether listening on ``host`` keeps the server to this machine."""
    address = _ip(host)
    return host.lower() == "localhost" or (address is not None and address.is_loopback)


def exposure_warning(host: str) -> str | None:
    """The warning for a --host that other machines can reach, or None for a loopback one."""
    if is_loopback(host):
        return None
    return (
        f"warning: listening on {host}: the briefs are served to the network, to anyone who can reach this "
        "machine; open them by its IP address (other host names are refused: DNS rebinding)"
    )


def host_allowed(bound: str, header: str | None) -> bool:
    """Whether a request's Host header may reach a server listening on ``bound``: loopback names always; on a
    loopback address nothing else, so a web page cannot DNS-rebind a name of its own to the briefs; on another
    address also that address's own name and IP addresses (a page reached by its IP cannot be rebound)."""
    if header is None:  # HTTP/1.0; every browser sends a Host
        return True
    try:
        name = urllib.parse.urlsplit(f"//{header}").hostname
    except ValueError:
        return False
    if name is None:
        return False
    if name in LOOPBACK or name == bound.lower().strip("[]"):
        return True
    return not is_loopback(bound) and _ip(name) is not None


def resolve_request(out_dir: Path, url_path: str) -> Path | None:
    """The file inside ``out_dir`` a URL path names, or None when it points elsewhere or at hidden files."""
    path = urllib.parse.unquote(url_path)
    if "\0" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part]
    if any(part.startswith(".") for part in parts):  # "..", and the build's hidden temporary files
        return None
    root = out_dir.resolve()
    target = root.joinpath(*parts).resolve()
    if target.is_dir():
        target = (target / "index.html").resolve()
    if not target.is_relative_to(root):  # a symlink that leads out
        return None
    return target


_TYPES = {".html": "text/html; charset=utf-8", ".md": "text/markdown; charset=utf-8", ".json": "application/json"}


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "briefgen"

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for build messages."""

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        preview = self.server.preview
        if not self._host_ok():
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"unexpected Host header\n", body)
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path == EVENTS_PATH and body:
            self._events(url.query)
            return
        target = resolve_request(preview.out_dir, url.path)
        if target is None:
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"outside the output folder\n", body)
            return
        if target.suffix == ".html":
            name = target.relative_to(preview.out_dir.resolve()).as_posix()
            status, text = preview.page(name, target)
            self._send(status, _TYPES[".html"], text.encode(), body)
            return
        try:
            data = target.read_bytes()
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", body)
            return
        kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, kind, data, body)

    def _host_ok(self) -> bool:
        return host_allowed(self.server.host, self.headers.get("Host"))

    def _send(self, status: HTTPStatus, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self, query: str) -> None:
        """Stream a "reload" event (the names of changed files) after each change, until the page goes."""
        preview = self.server.preview
        asked = self.headers.get("Last-Event-ID") or urllib.parse.parse_qs(query).get("since", [""])[0]
        since = int(asked) if asked.isdigit() else preview.version
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not preview.stopped:
                version, names = preview.changes_since(since, timeout=10)
                if names:
                    data = json.dumps(sorted(names))
                    self.wfile.write(f"id: {version}\nevent: reload\ndata: {data}\n\n".encode())
                else:
                    self.wfile.write(b": waiting\n\n")  # finds closed connections
                since = version
        except OSError:  # the page went away
            pass


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server for the output folder of a Preview."""

    daemon_threads = True

    def __init__(self, preview: Preview, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.preview = preview
        self.host = host
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.server_address[1]}/"


def serve(
    paths: list[Path],
    resolve: Resolve = resolve_project,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log: Log | None = None,
    quiet: bool = False,
    verbose: bool = False,
) -> None:
    """Build, serve and watch until Ctrl-C (``resolve`` makes the Project again when briefgen.toml changes)."""
    log = log or (lambda message: None)
    preview = Preview(paths, resolve, log=log, quiet=quiet, verbose=verbose)
    try:
        server = PreviewServer(preview, host, port)
    except OSError as exc:
        raise BriefgenError.at(f"{host}:{port}", f"cannot listen: {exc.strerror or exc}") from None
    try:
        preview.start()
        log(f"serving {preview.out_dir} at {server.url} (Ctrl-C to stop)")
        server.serve_forever()
    except KeyboardInterrupt:
        log("stopped")
    finally:
        server.server_close()
        preview.stop()
