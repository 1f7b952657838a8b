"""The live preview: a real server, a real watcher and, for the reload, Debian's headless Chromium."""

from __future__ import annotations

import http.client
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, brief, write_tree

import briefgen.preview
from briefgen.manifest import read_manifest
from briefgen.preview import Preview
from briefgen.preview_pages import EVENTS_PATH
from briefgen.serve import PreviewServer, exposure_warning, host_allowed, is_loopback

# how the page was last loaded, and when (ms since the epoch)
NAVIGATION = """() => {
  const entry = performance.getEntriesByType("navigation")[0];
  return {type: entry.type, loaded: performance.timeOrigin + entry.domContentLoadedEventEnd};
}"""


@contextmanager
def preview_server(tmp_path: Path, *, watch: bool) -> Iterator[tuple[Preview, PreviewServer]]:
    """Build tmp_path/briefs, serve output/ on a free port (and watch, if asked); stop it all afterwards."""
    preview = Preview([Path("briefs")])
    server = PreviewServer(preview, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        preview.start(watch=watch)
        thread.start()
        yield preview, server
    finally:
        server.shutdown()
        server.server_close()
        preview.stop()
        thread.join(timeout=10)


def get(server: PreviewServer, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """Send the path exactly as given (http.client does not tidy '..' away, unlike a browser)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
    finally:
        conn.close()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(
        tmp_path,
        {"briefs/note.yaml": brief("First title"), "pyproject.toml": "secret = true\n", "secret.txt": "secret\n"},
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_preview_reloads_the_open_page_on_save(site: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    source = site / "briefs/note.yaml"
    with preview_server(site, watch=True) as (preview, server), sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(server.url + "note.html")
            title = page.locator("h1")
            sync_api.expect(title).to_have_text("First title")

            since, saved, wall = preview.version, time.perf_counter(), time.time()
            source.write_text(brief("Second title"), encoding="utf-8")
            sync_api.expect(title).to_have_text("Second title", timeout=20_000)
            navigation = page.evaluate(NAVIGATION)
            assert navigation["type"] == "reload"  # by the page's own script
            changed: set[str] = set()
            while "note.pdf" not in changed and time.perf_counter() - saved < 20:
                since, names = preview.changes_since(since, timeout=1)
                changed |= names
            assert "note.pdf" in changed
            reloaded, pdf = navigation["loaded"] / 1000 - wall, time.perf_counter() - saved
            print(f"\nsave -> page reloaded with the new HTML {reloaded:.2f} s, new PDF {pdf:.2f} s")

            source.write_text(brief("Second title").replace("date: 2025-11-28", "date: <b>x</b>"), encoding="utf-8")
            message = "briefs/note.yaml:2:7: date: expected a date as YYYY-MM-DD; got '<b>x</b>'"
            sync_api.expect(page.locator("main")).to_contain_text(message, timeout=20_000)
            assert page.locator("main b").count() == 0
            assert page.title() == "briefs/note.yaml has errors"

            source.write_text(brief("Third title"), encoding="utf-8")
            sync_api.expect(title).to_have_text("Third title", timeout=20_000)
            assert page.locator(".diagnostics").count() == 0
        finally:
            browser.close()


def test_refuses_paths_outside_the_output_folder(site: Path) -> None:
    with preview_server(site, watch=False) as (_, server):
        (site / "output/leak.txt").symlink_to(site / "secret.txt")
        status, headers, _ = get(server, "/note.pdf")
        assert (status, headers["Cache-Control"]) == (200, "no-store")
        for path in ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml", "/leak.txt"]:
            status, _, body = get(server, path)
            assert status in (403, 404), path
            assert "secret" not in body
        assert get(server, "//etc/passwd")[0] == 404
        assert get(server, "/.note.html.123.tmp")[0] == 403  # the build's hidden temporary files
        assert get(server, "/", {"Host": "attacker.example"})[0] == 403  # DNS rebinding


def test_only_served_pages_carry_the_reload_script(site: Path) -> None:
    with preview_server(site, watch=False) as (_, server):
        for name in ["note.html", "index.html"]:
            assert EVENTS_PATH not in (site / "output" / name).read_text(encoding="utf-8")
            status, headers, body = get(server, f"/{name}")
            assert status == 200
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert body.count(EVENTS_PATH) == 1
            assert body.index(EVENTS_PATH) < body.index("</body>")
        assert EVENTS_PATH not in get(server, "/note.md")[2]


def test_a_yaml_mistake_replaces_the_page_and_fixing_it_brings_it_back(site: Path) -> None:
    source = site / "briefs/note.yaml"
    with preview_server(site, watch=False) as (preview, server):
        before = preview.version
        source.write_text(brief("First title") + "<b>x</b>: 1\n", encoding="utf-8")
        preview.rebuild({source})
        _, _, body = get(server, "/note.html")
        assert "<li><code>briefs/note.yaml:7:1: &lt;b&gt;x&lt;/b&gt;: unknown field; expected one of" in body
        assert "<b>x</b>" not in body
        _, _, index = get(server, "/index.html")
        assert "1 file with errors: their last good version is shown" in index
        assert "First title" in index  # the stale listing stays under the banner
        assert (site / "output/note.pdf").is_file()  # the last good outputs stay

        source.write_text('title: "First\n', encoding="utf-8")
        preview.rebuild({source})
        _, _, body = get(server, "/note.html")
        assert "briefs/note.yaml:2:1: invalid YAML: the quote opened at line 1 is never closed" in body

        # the open page hears of it: an event lists the page's file
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        conn.request("GET", f"{EVENTS_PATH}?since={before}")
        events = conn.getresponse()
        assert events.headers["Content-Type"] == "text/event-stream"
        lines = [events.readline() for _ in range(5)]
        conn.close()
        assert lines[2:5] == [f"id: {preview.version}\n".encode(), b"event: reload\n", lines[4]]
        assert b'"note.html"' in lines[4]

        source.write_text(brief("Back again"), encoding="utf-8")
        preview.rebuild({source})
        _, _, body = get(server, "/note.html")
        assert "<h1>Back again</h1>" in body
        assert "diagnostics" not in get(server, "/index.html")[2]


def test_a_brief_that_fails_in_the_pdf_keeps_its_built_html(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, html_file = site / "briefs/note.yaml", site / "output/note.html"
    with preview_server(site, watch=False) as (preview, server):
        built = html_file.read_bytes()
        seen: list[tuple[str, bytes]] = []

        def build_after_looking(*args: Any, **kwargs: Any) -> Any:
            seen.append((get(server, "/note.html")[2], html_file.read_bytes()))
            return build(*args, **kwargs)

        build = briefgen.preview.build
        monkeypatch.setattr(briefgen.preview, "build", build_after_looking)
        # no installed font covers U+10FFFD: the HTML renders, the PDF fails
        failing = brief("Second title").replace("summary: It happened.", 'summary: "It happened \\U0010FFFD."')
        source.write_text(failing, encoding="utf-8")
        preview.rebuild({source})

        ((fast, during),) = seen
        assert "<h1>Second title</h1>" in fast  # the fast preview, from memory
        assert during == built
        assert html_file.read_bytes() == built  # output/ still holds the last good build, as with `briefgen build`
        assert read_manifest(site / "output")[0].entries["briefs/note.yaml"].stale
        _, _, body = get(server, "/note.html")
        assert "<title>briefs/note.yaml has errors</title>" in body
        assert "briefs/note.yaml:6:12: trigger.summary: no installed font can draw U+10FFFD" in body
        assert "Second title" not in body

        source.write_text(brief("Third title"), encoding="utf-8")
        preview.rebuild({source})
        assert "<h1>Third title</h1>" in get(server, "/note.html")[2]
        assert b"<h1>Third title</h1>" in html_file.read_bytes()


def test_a_broken_config_shows_on_every_page(site: Path) -> None:
    config = site / "briefgen.toml"
    config.write_text('organisation = "Desk"\n', encoding="utf-8")
    with preview_server(site, watch=False) as (preview, server):
        config.write_text("organisation = \n", encoding="utf-8")
        preview.rebuild({config})
        for name in ["/note.html", "/index.html"]:
            body = get(server, name)[2]
            assert "briefgen.toml has errors" in body
            assert "briefgen.toml:1:16: invalid TOML" in body
        config.write_text('organisation = "Other desk"\n', encoding="utf-8")
        preview.rebuild({config})
        assert "Other desk" in get(server, "/note.html")[2]


def test_missing_page_reloads_once_it_exists(site: Path) -> None:
    with preview_server(site, watch=False) as (preview, server):
        status, _, body = get(server, "/later.html")
        assert status == 404
        assert EVENTS_PATH in body
        shutil.copy(site / "briefs/note.yaml", site / "briefs/later.yaml")
        preview.rebuild({site / "briefs/later.yaml"})
        assert get(server, "/later.html")[0] == 200


@pytest.mark.parametrize(
    ("bound", "header", "allowed"),
    [
        # on loopback: loopback names only (a page cannot DNS-rebind a name of its own to the briefs)
        ("127.0.0.1", "127.0.0.1:8000", True),
        ("127.0.0.1", "localhost:8000", True),
        ("127.0.0.1", "[::1]:8000", True),
        ("127.0.0.1", None, True),
        ("127.0.0.1", "evil.example:8000", False),
        ("127.0.0.1", "192.168.1.5:8000", False),
        # on the network: also the bound address's own name and IP addresses, still no other name
        ("0.0.0.0", "evil.example:8000", False),
        ("0.0.0.0", "evil.example", False),
        ("0.0.0.0", "192.168.1.5:8000", True),
        ("0.0.0.0", "[fe80::1]:8000", True),
        ("0.0.0.0", "localhost:8000", True),
        ("192.168.1.5", "192.168.1.5:8000", True),
        ("briefs.lan", "briefs.lan:8000", True),
        ("briefs.lan", "BRIEFS.lan:8000", True),
        ("briefs.lan", "rebound.example:8000", False),
        ("0.0.0.0", "[bad", False),
        ("0.0.0.0", "", False),
    ],
)
def test_host_header_is_checked_on_every_address(bound: str, header: str | None, allowed: bool) -> None:
    assert host_allowed(bound, header) is allowed


def test_a_rebound_host_name_is_refused(site: Path) -> None:
    with preview_server(site, watch=False) as (_, server):
        status, _, text = get(server, "/", {"Host": "evil.example"})
    assert (status, text) == (403, "unexpected Host header\n")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("briefs.lan", False),
    ],
)
def test_what_counts_as_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert (exposure_warning(host) is None) is loopback


def test_a_brief_page_links_its_pdf_and_the_index(site: Path) -> None:
    with preview_server(site, watch=False) as (_, server):
        status, _, body = get(server, "/note.html")
        assert status == 200
        bar = re.search(r'<p class="preview-links"[^>]*>(.*?)</p>', body)
        assert bar and 'href="note.pdf"' in bar.group(1) and 'href="index.html"' in bar.group(1)
        assert get(server, "/note.pdf")[0] == 200
        assert 'class="preview-links"' not in get(server, "/index.html")[2]
    assert 'class="preview-links"' not in (site / "output" / "note.html").read_text(encoding="utf-8")  # the file


def test_a_save_shows_its_html_while_an_earlier_build_is_still_running(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, building = threading.Event(), threading.Event()
    real_build = briefgen.preview.build

    def slow_build(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():  # a build the loops started
            building.set()
            release.wait(30)  # a PDF being laid out
        return real_build(*args, **kwargs)

    source = site / "briefs" / "note.yaml"
    with preview_server(site, watch=True) as (_, server):
        monkeypatch.setattr(briefgen.preview, "build", slow_build)
        try:
            source.write_text(brief("Second title"), encoding="utf-8")
            assert building.wait(20), "the save started no build"
            source.write_text(brief("Third title"), encoding="utf-8")  # saved while that build runs
            deadline = time.monotonic() + 20
            while "<h1>Third title</h1>" not in get(server, "/note.html")[2] and time.monotonic() < deadline:
                time.sleep(0.1)
            assert "<h1>Third title</h1>" in get(server, "/note.html")[2]
            assert not release.is_set()  # shown while the build was still held
        finally:
            release.set()
