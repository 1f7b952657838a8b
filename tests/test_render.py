"""Markdown and HTML output, checked from the files: structure, validity (markdownlint, vnu), injection, CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import (
    ANNEX,
    EXAMPLE_BRIEF,
    PAYLOAD,
    PROJECT,
    REAL_BRIEF,
    Node,
    Rendered,
    expected_h2,
    injection_data,
    load,
    markdown_tree,
    markdownlint,
    minimal_data,
    parse_html,
    settings,
    vnu,
    write_brief,
)
from markdown_it import MarkdownIt

from briefgen.cli import main
from briefgen.markdown import safe_url
from briefgen.model import Brief
from briefgen.produce import render_brief
from briefgen.render import format_date, label, render_html, render_markdown, render_print_css
from briefgen.risk_matrix import severity

RenderOnce = Callable[..., Rendered]
BRIEFS = ["real", "example"]


def test_expected_h2_of_the_real_brief_is_complete() -> None:
    """Guard the helper: the real brief has every optional part, so every fixed title must be expected."""
    brief = load(REAL_BRIEF).brief
    titles = expected_h2(brief)
    fixed = ["Implications for us", "Options", "Motivations", "Asks", "Risks", "Watch list", "Historical context"]
    for title in [*fixed, "Sources", ANNEX]:
        assert title in titles
    assert len(titles) == 11 + len(brief.sections) and len(brief.sections) >= 2


def by_h2(root: Node) -> dict[str, list[Node]]:
    """Top-level elements grouped under the h2 they follow."""
    groups: dict[str, list[Node]] = {}
    current = ""
    for child in root.children:
        if isinstance(child, Node):
            if child.tag == "h2":
                current = child.text()
                groups[current] = []
            elif current:
                groups[current].append(child)
    return groups


def table_rows(table: Node) -> list[list[str]]:
    return [[cell.text() for cell in row.children if isinstance(cell, Node)] for row in table.iter("tr")]


# --- Markdown


@pytest.mark.parametrize("name", BRIEFS)
def test_markdown_headings_in_order(render_once: RenderOnce, name: str) -> None:
    rendered = render_once(name, ("md", "html"))
    tree = markdown_tree(rendered.text("md"))
    assert [h.text() for h in tree.iter("h1")] == [rendered.brief.title]
    assert [h.text() for h in tree.iter("h2")] == expected_h2(rendered.brief)


@pytest.mark.parametrize("name", BRIEFS)
def test_markdown_risk_table(render_once: RenderOnce, name: str) -> None:
    rendered = render_once(name, ("md", "html"))
    risks = rendered.brief.risks
    tables = [n for n in by_h2(markdown_tree(rendered.text("md")))["Risks"] if n.tag == "table"]
    assert tables, "no table under Risks"
    rows = table_rows(tables[0])
    assert rows[0] == ["#", "Risk", "Risk to", "Likelihood", "Impact", "Severity"]
    actors = {a.id: a.affiliation or a.name for a in rendered.brief.actors}
    assert rows[1:] == [
        [
            str(i),
            r.title,
            {None: "—", "us": "us"}.get(r.to) or actors[r.to or ""],
            label(r.likelihood),
            label(r.impact),
            label(severity(r.likelihood, r.impact)),
        ]
        for i, r in enumerate(risks, 1)
    ]


@pytest.mark.parametrize("name", BRIEFS)
def test_markdown_risk_matrix_table(render_once: RenderOnce, name: str) -> None:
    rendered = render_once(name, ("md", "html"))
    risks = rendered.brief.risks
    tables = [n for n in by_h2(markdown_tree(rendered.text("md")))["Risks"] if n.tag == "table"]
    assert len(tables) >= 2, "no risk-matrix table under Risks"
    rows = table_rows(tables[1])
    assert rows[0] == ["Likelihood", "Minimal", "Minor", "Moderate", "Major", "Severe"]
    assert [row[0] for row in rows[1:]] == ["Almost certain", "Likely", "Possible", "Unlikely", "Rare"]
    for row in rows[1:]:
        for impact, cell in zip(["minimal", "minor", "moderate", "major", "severe"], row[1:], strict=True):
            numbers = [str(i) for i, r in enumerate(risks, 1) if (label(r.likelihood), r.impact) == (row[0], impact)]
            assert cell == (", ".join(numbers) or "–")


@pytest.mark.parametrize("name", BRIEFS)
def test_markdown_watch_list_is_a_table(render_once: RenderOnce, name: str) -> None:
    rendered = render_once(name, ("md", "html"))
    tables = [n for n in by_h2(markdown_tree(rendered.text("md")))["Watch list"] if n.tag == "table"]
    assert len(tables) == 1
    rows = table_rows(tables[0])
    assert rows[0] == ["What to watch", "Indicator", "By", "Status"]
    watch = rendered.brief.watch_list
    assert [row[0] for row in rows[1:]] == [w.title for w in watch]
    assert [row[2] for row in rows[1:]] == [format_date(w.by) or "—" for w in watch]
    assert [row[3] for row in rows[1:]] == [label(w.status) for w in watch]
    assert all(row[1] for row in rows[1:])


def test_markdown_sources_numbered_in_citation_order(render_once: RenderOnce) -> None:
    rendered = render_once("real", ("md", "html"))
    groups = by_h2(markdown_tree(rendered.text("md")))
    lists = [n for n in groups["Sources"] if n.tag == "ol"]
    assert len(lists) == 1
    items = [li.text() for li in lists[0].iter("li")]
    # the summary cites Bloomberg first, then the analysis article; each with its Admiralty grade and kind
    assert items[0].startswith("[B2] Beijing urges France to back one-China policy during feud with Japan.")
    assert items[0].endswith(" Reporting.")
    assert items[1].startswith("[F3] Amid Escalating Tensions With Japan, China Seeks Diplomatic")
    assert items[1].endswith(" Analysis.")
    assert len(items) == len(rendered.brief.sources)
    # the numbers are real list numbers (an <ol> from "1." / "2."), and citations link to them
    assert re.search(r"^1\. \\\[B2\\\] \*Beijing urges", rendered.text("md"), re.M)
    assert re.search(r"^2\. \\\[F3\\\] \*Amid Escalating", rendered.text("md"), re.M)
    summary = groups["Bottom line up front"][0]
    assert [a.text() for a in summary.iter("a")][:2] == ["[1]", "[1]"]
    assert all(a.get("href") == "#sources" for a in summary.iter("a"))


def citation_brief(folder: Path) -> tuple[Path, list[str]]:
    """Sources listed a, b, c, d; first cited c (summary), a (key point), d (only via asks[].sources); b never."""
    data = minimal_data(
        summary="Bottom line [@c].",
        key_points=[{"text": "A point [@a; @c]."}],
        actors=[{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
        asks=[{"by": "x", "of": "y", "ask": "Please.", "sources": ["d", "a"]}],
        sections=[{"title": "More", "body": "Again [@a]."}],
        sources=[{"id": s, "title": f"Source {s.upper()}"} for s in "abcd"],
    )
    return write_brief(folder, "citations", data), ["c", "a", "d", "b"]


def test_citation_numbers_and_sources_order_in_markdown_and_html(tmp_path: Path) -> None:
    path, order = citation_brief(tmp_path)
    brief = load(path).brief
    md = render_markdown(brief, PROJECT)
    groups = by_h2(markdown_tree(md))
    assert [li.text() for li in groups["Sources"][0].iter("li")] == [f"Source {s.upper()}." for s in order]
    assert "Bottom line [\\[1\\]](#sources)." in md
    assert "A point [\\[2, 1\\]](#sources)." in md
    assert "Sources: [\\[3\\]](#sources) [\\[2\\]](#sources)" in md
    assert "Again [\\[2\\]](#sources)." in md

    root = parse_html(render_html(brief, PROJECT))
    items = list(next(n for n in root.iter("ol") if "sources" in n.classes()).iter("li"))
    assert [li.get("id") for li in items] == [f"source-{s}" for s in order]
    assert [li.get("value") for li in items] == ["1", "2", "3", "4"]
    refs = [(a.get("href"), a.text()) for a in root.iter("a") if "cite-ref" in a.classes()]
    assert refs == [
        ("#source-c", "1"),
        ("#source-a", "2"),
        ("#source-c", "1"),
        ("#source-d", "[3]"),
        ("#source-a", "[2]"),
        ("#source-a", "2"),
    ]


def test_markdown_passes_markdownlint(render_once: RenderOnce) -> None:
    files = [render_once(name, ("md", "html")).path("md") for name in [*BRIEFS, "injection"]]
    result = markdownlint(*files)
    assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), (
        result.stdout + result.stderr
    )


# --- HTML


def html_root(render_once: RenderOnce, name: str) -> tuple[Rendered, Node]:
    rendered = render_once(name, ("md", "html"))
    return rendered, parse_html(rendered.text("html"))


@pytest.mark.parametrize("name", BRIEFS)
def test_html_document_head(render_once: RenderOnce, name: str) -> None:
    rendered, root = html_root(render_once, name)
    html = root.find("html")
    assert html is not None and html.get("lang") == "en-GB"
    head = root.find("head")
    assert head is not None
    titles = [t for t in head.iter("title")]
    assert [t.text() for t in titles] == [rendered.brief.title]
    metas = {m.get("name"): m.get("content") for m in head.iter("meta") if m.get("name")}
    assert metas["viewport"].startswith("width=device-width")
    assert metas["keywords"] == ", ".join(rendered.brief.tags)
    assert any(m.get("charset").lower() == "utf-8" for m in head.iter("meta"))


@pytest.mark.parametrize("name", BRIEFS)
def test_html_semantic_structure(render_once: RenderOnce, name: str) -> None:
    rendered, root = html_root(render_once, name)
    brief = rendered.brief
    body = root.find("body")
    assert body is not None
    top = [c.tag for c in body.children if isinstance(c, Node)]
    assert top == ["header", "main", "footer"]
    header = body.find("header")
    assert header is not None
    assert [h.text() for h in header.iter("h1")] == [brief.title]
    header_text = header.text()
    assert format_date(brief.date) in header_text and label(brief.status) in header_text
    assert brief.classification in header_text
    footer = body.find("footer")
    assert footer is not None and brief.classification in footer.text()

    main = body.find("main")
    assert main is not None
    sections = [c for c in main.children if isinstance(c, Node) and c.tag == "section"]
    assert [s.find("h2").text() for s in sections] == expected_h2(brief)  # type: ignore[union-attr]
    for section in sections:
        h2 = section.find("h2")
        assert h2 is not None and section.get("id")
        assert section.get("aria-labelledby") == h2.get("id")
        first = next(c for c in section.children if isinstance(c, Node))
        assert first is h2, f"section #{section.get('id')} does not start with its heading"

    # the nav lists, in order, every section that follows it; every link lands on an element. A brief of four
    # pages or fewer (its page budget) is read through and has none.
    nav = main.find("nav")
    if brief.max_pages and brief.max_pages <= 4:
        assert nav is None
        return
    assert nav is not None and nav.get("aria-labelledby")
    links = [a.get("href") for a in nav.iter("a")]
    after_nav = [s.get("id") for s in sections if list(main.children).index(s) > list(main.children).index(nav)]
    assert links == [f"#{i}" for i in after_nav]
    framed = 1 + bool(brief.implications) + bool(brief.options)  # the BLUF and the frame come before it
    assert [a.text() for a in nav.iter("a")] == expected_h2(brief)[framed:]


@pytest.mark.parametrize("name", BRIEFS)
def test_html_tables_and_figures_are_accessible(render_once: RenderOnce, name: str) -> None:
    rendered, root = html_root(render_once, name)
    ths = list(root.iter("th"))
    assert ths and all(th.get("scope") in ("col", "row") for th in ths)
    for table in root.iter("table"):
        assert table.find("caption") is not None and table.find("thead") is not None
    risk_table = next(t for t in root.iter("table") if "risk-table" in t.classes())
    body_rows = list(risk_table.find("tbody").iter("tr"))  # type: ignore[union-attr]
    assert len(body_rows) == len(rendered.brief.risks)

    svgs = list(root.iter("svg"))
    hc = rendered.brief.historical_context
    assert len(svgs) == 1 + bool(hc and hc.events)  # risk matrix, and a timeline if there are events
    for svg in svgs:
        assert svg.get("role") == "img"
        kids = [c for c in svg.children if isinstance(c, Node)]
        assert kids[0].tag == "title" and kids[0].text()
        assert kids[1].tag == "desc" and kids[1].text()
        ids = {n.get("id") for n in svg.iter() if n.get("id")}
        assert set(svg.get("aria-labelledby").split()) == {kids[0].get("id"), kids[1].get("id")} <= ids
        assert next(svg.ancestors()).tag == "figure"
    for figure in root.iter("figure"):
        assert figure.find("figcaption") is not None


def assert_self_contained(root: Node, *, allowed_hrefs: set[str]) -> None:
    """No script, no external resource, no inline handler: the page works offline and without JavaScript."""
    ids = {n.get("id") for n in root.iter() if n.get("id")}
    for node in root.iter():
        assert node.tag not in ("script", "link", "iframe", "object", "embed", "img", "base", "noscript"), node.tag
        for name, value in node.attrs.items():
            assert not name.startswith("on"), (node.tag, name, value)
            assert name not in ("src", "srcset", "poster", "action", "formaction", "background"), (node.tag, name)
            if name.endswith("href"):
                assert value is not None
                if value.startswith("#"):
                    assert value[1:] in ids, f"dangling link {value}"
                else:
                    assert value in allowed_hrefs, f"unexpected link {value!r} on <{node.tag}>"
    for style in root.iter("style"):
        css = style.text()
        assert "@import" not in css
        assert not re.search(r"url\(\s*['\"]?(?!data:)", css), "external url() in inline CSS"


@pytest.mark.parametrize("name", BRIEFS)
def test_html_is_self_contained(render_once: RenderOnce, name: str) -> None:
    rendered, root = html_root(render_once, name)
    source_links = {s.url for s in rendered.brief.sources if s.url}
    assert_self_contained(root, allowed_hrefs=source_links)
    assert all(safe_url(url) for url in source_links)
    sources = next(n for n in root.iter("section") if n.get("id") == "sources")
    external = [a.get("href") for a in sources.iter("a") if not a.get("href").startswith("#")]
    assert sorted(external) == sorted(source_links)


def test_example_brief_links_its_source(render_once: RenderOnce) -> None:
    """Guard for the self-containment test: the example's one external link is its source's URL."""
    _, root = html_root(render_once, "example")
    links = [a for a in root.iter("a") if not a.get("href").startswith("#")]
    assert [(a.get("href"), "url-title" in a.classes()) for a in links] == [
        ("https://example.org/valmora/dockers-walk-out", True)
    ]


def test_html_passes_vnu(render_once: RenderOnce) -> None:
    files = [render_once(name, ("md", "html")).path("html") for name in [*BRIEFS, "injection"]]
    result = vnu(*files)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", result.stdout + result.stderr


# --- injection: a brief whose fields hold markup ends up as visible text or dead links


def test_injection_html_has_no_live_markup(render_once: RenderOnce) -> None:
    _, root = html_root(render_once, "injection")
    for node in root.iter():
        assert node.tag not in ("script", "img", "iframe", "object", "embed"), node.tag
        assert not any(name.startswith("on") for name in node.attrs), node.attrs
    for style in root.iter("style"):
        assert "alert" not in style.text()
    # and the payload is visible as text where it was written
    head = root.find("head")
    assert head is not None and head.find("title").text() == f"Title {PAYLOAD}"  # type: ignore[union-attr]
    assert root.find("h1").text() == f"Title {PAYLOAD}"  # type: ignore[union-attr]
    body_text = root.find("body").text()  # type: ignore[union-attr]
    for prefix in ["Subtitle", "Marking", "Author", "Summary", "Point", "Actor", "Ask", "Quote", "Risk", "Watch"]:
        assert f"{prefix} {PAYLOAD}" in body_text, prefix
    assert f"Source {PAYLOAD}" in body_text and f"Section {PAYLOAD}" in body_text
    metas = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    assert metas["keywords"] == ", ".join(injection_data()["tags"])


def live_hrefs(root: Node) -> list[str]:
    return [value or "" for node in root.iter() for name, value in node.attrs.items() if name.endswith("href")]


def test_injection_html_markdown_links_are_dead(render_once: RenderOnce) -> None:
    """`[link](javascript:alert(1))` in Markdown fields stays text (the source url is checked separately)."""
    _, root = html_root(render_once, "injection")
    for node in root.iter():
        if "url-title" not in node.classes():
            assert not node.get("href").lower().lstrip().startswith("javascript"), node.attrs


def test_injection_html_source_url_is_not_a_live_javascript_link(render_once: RenderOnce) -> None:
    _, root = html_root(render_once, "injection")
    for href in live_hrefs(root):
        assert not re.sub(r"[\x00-\x20]", "", href).lower().startswith("javascript"), href


def test_injection_markdown_is_escaped(render_once: RenderOnce) -> None:
    md = render_once("injection", ("md", "html")).text("md")
    # every < of the payload is escaped, so no HTML reaches a Markdown renderer
    assert not re.search(r"(?<!\\)<(script|img|/script)", md), md
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<script" not in rendered and "<img" not in rendered
    tree = markdown_tree(md)
    assert not [n for n in tree.iter() if n.tag in ("script", "img") or any(a.startswith("on") for a in n.attrs)]
    assert tree.find("h1").text() == f"Title {PAYLOAD}"  # type: ignore[union-attr]
    # a renderer that validates links (markdown-it, GitHub) makes no javascript: link
    assert 'href="javascript' not in rendered.lower()
    text = tree.text()
    for prefix in ["Marking", "Summary", "Actor", "Source", "Risk", "Watch", "Section"]:
        assert f"{prefix} {PAYLOAD}" in text, prefix


def link_targets(md: str) -> list[str]:
    """Every link destination in a Markdown document, as a renderer that validates nothing sees it."""
    parser = MarkdownIt("commonmark").enable("table")
    parser.validateLink = lambda url: True
    out = []
    for token in parser.parse(md):
        for child in token.children or []:
            if child.type == "link_open":
                out.append(str(child.attrs["href"]))
    return out


def test_injection_markdown_markdown_links_are_dead(render_once: RenderOnce) -> None:
    md = render_once("injection", ("md", "html")).text("md")
    targets = link_targets(md)
    assert "#sources" in targets  # the scan sees links at all
    payload_links = [t for t in targets if "alert" in t and not t.startswith("javascript:alert(1)")]
    assert payload_links == []
    # only the citation links, plus the source's own url when it is safe
    assert set(targets) <= {"#sources", "javascript:alert(1)"}


def test_injection_markdown_has_no_unsafe_link(render_once: RenderOnce) -> None:
    md = render_once("injection", ("md", "html")).text("md")
    assert all(safe_url(t) for t in link_targets(md)), link_targets(md)


def test_source_url_cannot_break_out_of_markdown_link(tmp_path: Path) -> None:
    data = injection_data(url="https://example.org/a>)<script>alert(1)</script><img src=x onerror=alert(1)>")
    brief = load(write_brief(tmp_path, "breakout", data)).brief
    md = render_markdown(brief, PROJECT)
    rendered = MarkdownIt("commonmark", {"html": True}).render(md)
    assert "<script" not in rendered and "<img" not in rendered, md[md.index("## Sources") :]


def test_print_css_quotes_brief_text(tmp_path: Path) -> None:
    """Title and marking go into CSS strings of the print stylesheet; they cannot end the string or the rule."""
    evil = '"; } @import url(http://evil.example/x.css); @page { @top-left { content: "x'
    plain = load(write_brief(tmp_path, "plain", minimal_data(classification="SECRET", title="Plain title"))).brief
    nasty = load(write_brief(tmp_path, "nasty", minimal_data(classification=evil, title=evil))).brief
    css, bad = render_print_css(plain, PROJECT), render_print_css(nasty, PROJECT)
    assert bad.count('content: "') == css.count('content: "')
    assert "\\00007d" in bad  # the brace was escaped, not dropped

    def outside_strings(text: str) -> str:
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)

    code, bad_code = outside_strings(css), outside_strings(bad)
    assert "@import" not in bad_code and "evil.example" not in bad_code
    for char in "{};@":
        assert bad_code.count(char) == code.count(char), char


# --- draft watermark (print stylesheet)


def test_draft_watermark_only_on_drafts() -> None:
    example = load(EXAMPLE_BRIEF).brief
    real = load(REAL_BRIEF).brief
    assert example.status == "draft" and real.status == "final"
    draft_css = render_print_css(example, PROJECT)
    final_css = render_print_css(real, PROJECT)
    page_rule = draft_css[draft_css.index("@page {") :]
    assert re.search(r"background: url\(\"data:image/svg\+xml[^\"]*%3EDRAFT%3C/text%3E", page_rule)
    assert "DRAFT" not in final_css and "background" not in final_css.split("@page :first")[0]
    assert 'class="draft-flag"' in render_html(example, PROJECT)
    assert 'class="draft-flag"' not in render_html(real, PROJECT)


# --- command line


def test_cli_render_md_html_writes_two_files_without_weasyprint(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = (
        "import sys\n"
        "from briefgen.cli import main\n"
        f"main(['render', {str(REAL_BRIEF)!r}, '--format', 'md,html', '--out', {str(out)!r}], standalone_mode=False)\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint was imported'\n"
        "print('OK')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "OK"
    assert sorted(p.name for p in out.iterdir()) == ["china-france-japan-2025-11.html", "china-france-japan-2025-11.md"]
    assert (out / "china-france-japan-2025-11.md").read_text(encoding="utf-8").startswith("# China seeks French")


@pytest.mark.parametrize("formats", ["odt", "md,odt", "", ",", "MD", "pdf html"])
def test_cli_render_bad_format_exits_2(tmp_path: Path, formats: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(EXAMPLE_BRIEF), "--format", formats, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "--format" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_render_brief_md_html_only_writes_those(tmp_path: Path) -> None:
    result = render_brief(load(EXAMPLE_BRIEF), settings(formats=["html"], out_dir=tmp_path))
    assert result.outputs == [tmp_path / "example-port-strike.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["example-port-strike.html"]


def test_block_markdown_keeps_its_shape_in_the_markdown_output(tmp_path: Path) -> None:
    data = minimal_data(
        key_points=[{"text": "```\ncode\n```", "confidence": "high"}],
        risks=[{"title": "R", "likelihood": "likely", "impact": "major", "mitigation": "- first step\n- second step"}],
        watch_list=[
            {"title": "Ratio", "indicator": "A ratio a | b above 3"},
            {"title": "Steps", "indicator": "- one\n- two"},
        ],
    )
    brief = load(write_brief(tmp_path, "shape", data)).brief
    md = render_markdown(brief, PROJECT)
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    rows = [t for t in tokens if t.type == "tr_open"]
    watch = md[md.index("## Watch list") :].split("\n## ")[0]
    watch_rows = [line for line in watch.splitlines() if line.startswith("| ") and "---" not in line]
    assert [len(re.findall(r"(?<!\\)\|", line)) for line in watch_rows] == [5, 5, 5]  # 4 cells each
    assert rows  # tables parsed at all
    assert "| Ratio | A ratio a \\| b above 3 |" in md
    assert "| Steps | one two |" in md
    mitigation = md[md.index("**Mitigation:**") :]
    assert mitigation.startswith("**Mitigation:**\n\n- first step\n- second step")
    assert "1. *(High confidence)*\n\n   ```\n   code\n   ```" in md
    fences = [t for t in tokens if t.type == "fence"]
    assert fences and fences[0].content == "code\n"


def test_css_strings_keep_the_space_after_an_escaped_character() -> None:
    css = render_print_css(load_real_like("Japan – China <talks>"), PROJECT)
    assert r'"Japan \002013  China \00003c talks\00003e "' in css  # the marking at the foot of every page


def load_real_like(marking: str) -> Brief:
    return Brief.model_validate({**minimal_data(), "title": "A title", "classification": marking, "id": "x"})
