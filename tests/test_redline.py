"""The redline (`briefgen diff OLD NEW --format html|pdf`): the new edition with words inserted and deleted marked
(<ins>, <del>, words for screen readers, a legend), removed items struck through where they were; valid HTML
(the Nu checker), no axe violations, and the same marks in the PDF."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import AXE_JS, EXAMPLE_BRIEF, axe_violations, need, page_texts, parse_html, vnu

from briefgen.redline import mark_words

Run = Callable[..., Result]


def edit_example(text: str) -> str:
    """The example brief's next edition: a judgement reworded, a risk removed, a watch item added and one
    triggered, the bottom line extended."""
    text = text.replace(
        "The government will likely seek mediation rather than impose a return to work.",
        "The government will likely seek mediation quickly rather than impose a return to work.",
    )
    start = text.index("  - id: lost-routes")
    text = text[:start] + text[text.index("  - id: sympathy-strikes") :]
    text = text.replace(
        "watch_list:\n",
        "watch_list:\n  - id: rail\n    title: Rail depots join the strike\n    indicator: Rail workers walk out.\n",
        1,
    )
    text = text.replace("    status: watching", "    status: triggered", 1)
    return text.replace("cannot absorb a longer closure.", "cannot absorb a longer closure, as the ministry admits.")


@pytest.fixture(scope="module")
def redline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """old.yaml, new.yaml and their redline.html, made once for the module."""
    from click.testing import CliRunner

    from briefgen.cli import main

    folder = tmp_path_factory.mktemp("redline")
    (folder / "old.yaml").write_text(EXAMPLE_BRIEF.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "new.yaml").write_text(edit_example(EXAMPLE_BRIEF.read_text(encoding="utf-8")), encoding="utf-8")
    old = [str(folder / "old.yaml"), str(folder / "new.yaml")]
    result = CliRunner().invoke(main, ["diff", *old, "--format", "html", "-o", str(folder / "redline.html")])
    assert (result.exit_code, result.output) == (0, ""), result.output
    return folder


def test_mark_words_marks_inserted_and_deleted_words() -> None:
    marked = mark_words("<p>The port is <em>closed</em> today.</p>", "<p>The port is <em>open</em> again today.</p>")
    assert marked == (
        "<p>The port is <em>"
        '<del><span class="sr-only">[deleted: </span>closed<span class="sr-only">]</span></del>'
        '<ins><span class="sr-only">[inserted: </span>open<span class="sr-only">]</span></ins></em>'
        ' <ins><span class="sr-only">[inserted: </span>again<span class="sr-only">]</span></ins> today.</p>'
    )


def test_mark_words_keeps_deleted_list_items_inside_an_item() -> None:
    marked = mark_words("<ul>\n<li>one</li>\n<li>two</li>\n</ul>", "<ul>\n<li>one</li>\n</ul>")
    tree = parse_html(str(marked), fragment=True)
    ul = tree.find("ul")
    assert ul is not None and all((isinstance(c, str) and not c.strip()) or c.tag == "li" for c in ul.children)  # type: ignore[union-attr]
    assert [words(d) for d in tree.iter("del")] == ["two"]


def test_unchanged_text_is_not_marked() -> None:
    assert mark_words("<p>Same.</p>", "<p>Same.</p>") == "<p>Same.</p>"


def words(node: Any) -> str:
    """The visible words of a mark (without the screen-reader text)."""
    parts = [c if isinstance(c, str) else words(c) if "last-word" in c.classes() else "" for c in node.children]
    return " ".join("".join(parts).split())


def test_the_redline_marks_words_and_strikes_removed_items_in_place(redline: Path) -> None:
    root = parse_html((redline / "redline.html").read_text(encoding="utf-8"))
    inserted = [words(n) for n in root.iter("ins")]
    deleted = [words(n) for n in root.iter("del")]
    assert "quickly" in inserted and "as the ministry admits." in " ".join(inserted)
    assert "Rail depots join the strike" in inserted
    assert "Permanent loss of shipping routes" in deleted  # the removed risk, struck through
    # where it was: between the two risks kept
    risks = [
        words(n) if n.find("del") is None else "DELETED " + words(n.find("del"))
        for n in root.iter("p")
        if "risk-title" in n.classes()
    ]  # type: ignore[arg-type]
    assert risks == [
        "Fuel shortages inland",
        "DELETED Permanent loss of shipping routes",
        "Sympathy strikes at rail freight depots",
    ]
    # every mark says what it is to a screen reader
    for node in [*root.iter("ins"), *root.iter("del")]:
        hidden = [s for s in node.iter("span") if "sr-only" in s.classes()]
        assert hidden and hidden[0].text() in ("[inserted:", "[deleted:"), node.text()


def test_the_redline_has_a_legend_and_the_box(redline: Path) -> None:
    root = parse_html((redline / "redline.html").read_text(encoding="utf-8"))
    [legend] = [n for n in root.iter("p") if "redline-legend" in n.classes()]
    assert legend.text().startswith("Redline: the changes since ")
    assert [words(n) for n in legend.iter("ins")] == ["underlined in green"]
    assert [words(n) for n in legend.iter("del")] == ["struck through in red"]
    [box] = [n for n in root.iter("section") if "changes" in n.classes()]
    assert "Risk removed: Permanent loss of shipping routes" in [li.text() for li in box.iter("li")]
    assert "Status of watch item Mediation offer changed from watching to triggered" in [
        li.text() for li in box.iter("li")
    ]


def test_the_redline_passes_the_nu_checker(redline: Path) -> None:
    result = vnu(redline / "redline.html")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", result.stdout + result.stderr


def test_the_redline_has_no_axe_violations(browser: Any, redline: Path) -> None:
    need(AXE_JS, "axe-core")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    try:
        page = context.new_page()
        page.goto((redline / "redline.html").as_uri(), wait_until="load")
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=2)
    finally:
        context.close()


def test_the_redline_pdf(redline: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(redline)
    result = run("diff", "old.yaml", "new.yaml", "--format", "pdf", "-o", "redline.pdf")
    assert (result.exit_code, result.output) == (0, "")
    assert (redline / "redline.pdf").read_bytes().startswith(b"%PDF-")
    text = " ".join(" ".join(page_texts(redline / "redline.pdf")).split())
    assert "Redline: the changes since old.yaml" in text
    assert "Permanent loss of shipping routes" in text and "Rail depots join the strike" in text
    assert "[inserted:" not in text  # the screen-reader words are for the web page


def test_a_redline_needs_one_brief_and_its_earlier_edition() -> None:
    from helpers import PROJECT

    from briefgen.diff_report import diff_output
    from briefgen.errors import BriefgenError

    with pytest.raises(BriefgenError) as caught:
        diff_output([], "html", "HEAD", PROJECT)
    assert str(caught.value) == (
        "briefgen diff: a html redline shows one brief against its earlier edition; name OLD and NEW"
    )


def test_the_redline_embeds_the_new_editions_images(project: Path, run: Run) -> None:
    from helpers import PNG, brief, write_tree

    write_tree(project, {"map.png": PNG, "old.yaml": brief(), "new.yaml": brief()})
    new = project / "new.yaml"
    new.write_text(new.read_text().replace("The bottom line.", "The bottom line ![a map](map.png)."))
    result = run("diff", "old.yaml", "new.yaml", "--format", "html")
    assert result.exit_code == 0, result.stderr
    [img] = list(parse_html(result.stdout).iter("img"))
    assert (img.get("alt"), img.get("src").startswith("data:image/png;base64,")) == ("a map", True)


def test_mark_words_keeps_the_space_after_a_mark() -> None:
    marked = mark_words("<p>a c</p>", "<p>a b c</p>")
    assert words(parse_html(str(marked), fragment=True).find("p")) == "a c"  # around the mark
    assert "</ins> c" in marked
