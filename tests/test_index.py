"""The site's front page (output/index.html): content, order, escaping, links; vnu and axe like the brief pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from helpers import (
    AXE_JS,
    MINIMAL,
    PAYLOAD,
    Node,
    axe_violations,
    brief,
    injection_data,
    need,
    parse_html,
    settings,
    to_yaml,
    vnu,
    write_tree,
)

from briefgen import __version__
from briefgen.cli import main
from briefgen.manifest import Entry, Manifest
from briefgen.site import write_index

Run = Callable[..., Result]
FAST = ("--format", "md,html", "-j", "1")

SOURCES = "sources:\n  - id: s1\n    title: A source\n    url: https://example.org/s1\n"
BRIEFS = {
    # oldest by date, but with a citation and two sentences in its summary
    "briefs/old.yaml": brief(extra="status: final\nclassification: OFFICIAL\ntags: [energy, japan]\n" + SOURCES)
    .replace("A minimal brief", "Old brief")
    .replace("date: 2025-11-28", "date: 2025-01-10")
    .replace("summary: The bottom line.", "summary: Tokyo moved first [@s1]. Paris followed."),
    # the oldest date, but updated last: it comes first
    "briefs/revised.yaml": brief(extra="updated: 2025-02-01\nsubtitle: With a subtitle\n")
    .replace("A minimal brief", "Revised brief")
    .replace("date: 2025-11-28", "date: 2024-12-01")
    .replace("summary: The bottom line.", "summary: Updated **today**! More to come."),
    "briefs/new.yaml": brief()
    .replace("A minimal brief", "New brief")
    .replace("date: 2025-11-28", "date: 2025-01-20")
    .replace("summary: The bottom line.", "summary: No full stop here"),
}


@pytest.fixture
def project(project: Path) -> Path:
    """The project with the briefs above."""
    return write_tree(project, BRIEFS)


def text(node: Node) -> str:
    """The text of a node as a browser shows it: the pieces joined as they are, then white space collapsed."""

    def raw(n: Node) -> str:
        return "".join(c if isinstance(c, str) else raw(c) for c in n.children)

    return " ".join(raw(node).split())


def cards(index: Path) -> list[Node]:
    tree = parse_html(index.read_text(encoding="utf-8"))
    return [li for li in tree.iter("li") if "brief-card" in li.classes()]


def first(node: Node, tag: str, cls: str | None = None) -> Node:
    found = [n for n in node.iter(tag) if n is not node and (cls is None or cls in n.classes())]
    assert found, f"no <{tag} class={cls}> in {node.text()}"
    return found[0]


def texts(node: Node, tag: str, cls: str) -> list[str]:
    return [text(n) for n in node.iter(tag) if cls in n.classes()]


def hrefs(node: Node) -> list[str]:
    return [a.get("href") for a in node.iter("a")]


def test_index_lists_every_brief_newest_first_with_its_details(project: Path, run: Run) -> None:
    result = run("build", *FAST)
    assert result.exit_code == 0, result.output
    index = project / "output" / "index.html"
    tree = parse_html(index.read_text(encoding="utf-8"))
    assert text(first(tree, "title")) == "Briefs"
    assert text(first(tree, "h1")) == "Briefs"
    assert text(first(tree, "p", "subtitle")) == "3 briefs, newest first"

    found = cards(index)
    assert [text(first(c, "h2")) for c in found] == ["Revised brief", "New brief", "Old brief"]
    revised, new, old = found

    assert text(first(old, "p", "card-meta")) == "10 January 2025 Final OFFICIAL"
    assert first(old, "time").get("datetime") == "2025-01-10"
    assert texts(old, "p", "lead") == ["Tokyo moved first."]  # first sentence, citation gone
    assert [text(li) for li in first(old, "ul", "tags").iter("li")] == ["energy", "japan"]
    assert first(old, "ul", "tags").get("aria-label") == "Tags"

    assert text(first(revised, "p", "card-meta")) == "1 December 2024 · updated 1 February 2025 Draft UNCLASSIFIED"
    assert texts(revised, "span", "status-badge") == ["Draft"]
    assert texts(revised, "p", "card-subtitle") == ["With a subtitle"]
    assert texts(revised, "p", "lead") == ["Updated today!"]  # no Markdown emphasis marks
    assert not [n for n in revised.iter("ul")]  # no tags, no empty list

    assert texts(new, "p", "lead") == ["No full stop here"]
    assert texts(new, "span", "classification") == ["UNCLASSIFIED"]

    # the title links the web page; the format links name what they link, for screen readers too
    assert hrefs(first(new, "h2")) == ["new.html"]
    formats = first(new, "p", "formats")
    assert hrefs(formats) == ["new.html", "new.md"]
    assert [text(a) for a in formats.iter("a")] == ["Web page of New brief", "Markdown of New brief"]
    assert texts(formats, "span", "sr-only") == ["of New brief", "of New brief"]
    # every link of the page leads to a file that was built
    for href in hrefs(tree):
        assert (project / "output" / href).is_file(), href


def test_index_links_pdf_when_there_is_one(tmp_path: Path) -> None:
    entry = Entry(
        id="x",
        source="briefs/x.yaml",
        source_sha256="0" * 64,
        inputs_sha256="1" * 64,
        outputs={"x.md": "2" * 64, "x.html": "3" * 64, "x.pdf": "4" * 64},
        title="X",
        date="2025-11-28",
        status="final",
        classification="UNCLASSIFIED",
    )
    write_index(Manifest(entries={entry.source: entry}), settings(out_dir=tmp_path))
    (card,) = cards(tmp_path / "index.html")
    formats = first(card, "p", "formats")
    assert hrefs(formats) == ["x.html", "x.pdf", "x.md"]
    assert [text(a) for a in formats.iter("a")] == ["Web page of X", "PDF of X", "Markdown of X"]


@pytest.mark.parametrize("fmt", ["md"])
def test_index_links_only_files_that_exist(project: Path, run: Run, fmt: str) -> None:
    assert run("build", "--format", fmt, "-j", "1").exit_code == 0
    tree = parse_html((project / "output" / "index.html").read_text(encoding="utf-8"))
    missing = [href for href in hrefs(tree) if not (project / "output" / href).is_file()]
    assert missing == []


def test_hostile_titles_and_tags_show_as_text(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/injection.yaml": to_yaml(injection_data()) + "\n"})
    result = run("build", *FAST)
    assert result.exit_code == 0, result.output
    html = (project / "output" / "index.html").read_text(encoding="utf-8")
    tree = parse_html(html)
    assert not list(tree.iter("script")) and not list(tree.iter("img"))
    assert not [n for n in tree.iter() if any(name.startswith("on") for name in n.attrs)]
    assert not [h for h in hrefs(tree) if h.lower().startswith("javascript:")]
    (card,) = [c for c in cards(project / "output" / "index.html") if "injection" in first(c, "h2").get("id")]
    assert text(first(card, "h2")) == " ".join(f"Title {PAYLOAD}".split())
    assert texts(card, "p", "card-subtitle") == [" ".join(f"Subtitle {PAYLOAD}".split())]
    assert texts(card, "span", "classification") == [" ".join(f"Marking {PAYLOAD}".split())]
    tags = [text(li) for li in first(card, "ul", "tags").iter("li")]
    assert tags == ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[link](javascript:alert(1))"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Summary &lt;script&gt;" in html  # the lead too


def test_built_time_comes_only_from_source_date_epoch(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    index = project / "output" / "index.html"
    run("build", *FAST)
    without = index.read_text(encoding="utf-8")
    assert text(first(parse_html(without), "p", "subtitle")) == "3 briefs, newest first"
    assert "built" not in without and "UTC" not in without
    assert all("T" not in t.get("datetime") for t in parse_html(without).iter("time"))

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764333000")  # 2025-11-28 12:30 UTC
    run("build", *FAST)
    subtitle = first(parse_html(index.read_text(encoding="utf-8")), "p", "subtitle")
    assert text(subtitle) == "3 briefs, newest first · built 28 November 2025, 12:30 UTC"
    assert first(subtitle, "time").get("datetime") == "2025-11-28T12:30:00+00:00"

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    run("build", *FAST)
    assert index.read_text(encoding="utf-8") == without
    # not a count of seconds: an error before anything is written (the reproducible-builds rule)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    failed = run("build", *FAST)
    assert failed.exit_code == 1 and failed.stderr.startswith("SOURCE_DATE_EPOCH: expected the seconds")
    assert index.read_text(encoding="utf-8") == without


def test_organisation_names_the_site(project: Path, run: Run) -> None:
    write_tree(project, {"briefgen.toml": 'organisation = "Ministry of Examples"\n'})
    assert run("build", *FAST).exit_code == 0
    tree = parse_html((project / "output" / "index.html").read_text(encoding="utf-8"))
    assert text(first(tree, "title")) == "Ministry of Examples briefs"
    assert text(first(tree, "p", "organisation")) == "Ministry of Examples"
    assert text(first(tree, "h1")) == "Ministry of Examples briefs"
    assert text(first(tree, "p", "generated")) == f"Made with briefgen {__version__} for Ministry of Examples."


def test_index_without_briefs(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"briefs/broken.yaml": MINIMAL.replace("  summary: It happened.\n", "")})
    assert run("build", *FAST).exit_code == 1
    tree = parse_html((tmp_path / "output" / "index.html").read_text(encoding="utf-8"))
    assert text(first(tree, "p", "subtitle")) == "0 briefs, newest first"
    assert "No briefs have been built yet." in text(first(tree, "main"))
    assert cards(tmp_path / "output" / "index.html") == []


def test_index_is_self_contained(project: Path, run: Run) -> None:
    run("build", *FAST)
    tree = parse_html((project / "output" / "index.html").read_text(encoding="utf-8"))
    assert not list(tree.iter("link")) and not list(tree.iter("script")) and not list(tree.iter("img"))
    assert len(list(tree.iter("style"))) == 2
    assert all(not h.startswith(("http:", "https:", "//", "/")) for h in hrefs(tree))


# --- the whole page checked by vnu and axe: every kind of card on it


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site with final, draft, updated, tagged, stale and hostile briefs, for an organisation."""
    root = tmp_path_factory.mktemp("site")
    write_tree(root, BRIEFS)
    write_tree(
        root,
        {
            "briefgen.toml": 'organisation = "Ministry of Examples"\n',
            "briefs/injection.yaml": to_yaml(injection_data()) + "\n",
            "briefs/stale.yaml": brief().replace("A minimal brief", "Stale brief"),
        },
    )
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        assert runner.invoke(main, ["build", *FAST]).exit_code == 0
        (root / "briefs/stale.yaml").write_text(MINIMAL.replace("  summary: It happened.\n", ""), encoding="utf-8")
        patch.setenv("SOURCE_DATE_EPOCH", "1764288000")
        assert runner.invoke(main, ["build", *FAST]).exit_code == 1
    index = root / "output" / "index.html"
    badges = [texts(c, "span", "stale") for c in cards(index)]
    assert sorted(badges) == [[]] * 4 + [["Stale"]]
    return index


def test_index_passes_vnu(site: Path) -> None:
    result = vnu(site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == ""


@pytest.mark.parametrize("width", [1280, 390])
def test_index_passes_axe_and_fits_a_phone(browser: Any, site: Path, width: int) -> None:
    need(AXE_JS, "axe-core")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(site.as_uri(), wait_until="load")
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=2)
        sizes = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], sizes
        titles = page.evaluate("() => [...document.querySelectorAll('h2')].map(h => h.textContent)")
        assert len(titles) == 5 and any("<script>" in t for t in titles)
    finally:
        context.close()
    assert requests == [site.as_uri()]  # self-contained: nothing else is fetched
