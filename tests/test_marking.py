"""Portion markings (marking.py), the banner computed from them (validate.py), their configuration
(config.py's [marking]) and the portion marks every format prints. The release editions' property that
nothing dropped reaches an output is tests/test_release_canaries.py; cutting them is tests/test_release.py."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import brief, load, settings, write_tree

from briefgen.config import Config, MarkingConfig
from briefgen.errors import BriefgenError
from briefgen.load import parse_source
from briefgen.marking import Marking, read_portions, scheme_named
from briefgen.produce import make_outputs

US = Config(marking=MarkingConfig(scheme="us", controls=("NOFORN", "REL TO USA, FRA")))
US_TOML = '[marking]\nscheme = "us"\ncontrols = ["NOFORN", "REL TO USA, FRA"]\n'


@pytest.mark.parametrize(
    ("written", "rank", "controls"),
    [
        ("S", 3, ()),
        ("s", 3, ()),
        ("SECRET", 3, ()),
        ("(C)", 2, ()),
        ("S//NOFORN", 3, ("NOFORN",)),
        ("TOP SECRET//REL TO USA, FRA/NOFORN", 4, ("NOFORN", "REL TO USA, FRA")),  # in the scheme's order
        ("CUI", 1, ()),
    ],
)
def test_a_marking_is_read_in_any_of_the_schemes_spellings(written: str, rank: int, controls: tuple[str, ...]) -> None:
    scheme = scheme_named("us", ["NOFORN", "REL TO USA, FRA"])
    assert scheme.parse(written) == Marking(rank, controls)


def test_banner_and_portion_mark_are_spelled_as_the_scheme_spells_them() -> None:
    us = scheme_named("us", ["NOFORN"])
    assert us.banner(us.parse("S//NOFORN")) == "SECRET//NOFORN"
    assert us.portion(us.parse("S//NOFORN")) == "(S//NOFORN)"
    uk = scheme_named("uk")
    assert (uk.banner(uk.parse("OS")), uk.portion(uk.parse("OS"))) == ("OFFICIAL-SENSITIVE", "(OS)")
    tlp = scheme_named("tlp")
    assert [tlp.banner(tlp.parse(x)) for x in ("clear", "AMBER+STRICT")] == ["TLP:CLEAR", "TLP:AMBER+STRICT"]
    custom = scheme_named("custom", levels=[{"id": "L", "banner": "LOW", "portion": "L"},
                                            {"id": "H", "banner": "HIGH", "portion": "H"}])  # fmt: skip
    assert custom.banner(custom.parse("H")) == "HIGH" and custom.omits(custom.parse("L")) == (
        "This edition omits material above LOW."
    )


def test_the_banner_is_the_highest_level_and_the_union_of_controls() -> None:
    us = scheme_named("us", ["NOFORN", "REL TO USA, FRA"])
    marks = [us.parse("C//NOFORN"), us.parse("S"), us.parse("U//REL TO USA, FRA")]
    assert us.banner(us.highest(marks)) == "SECRET//NOFORN/REL TO USA, FRA"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("X", "unknown marking 'X'; the us scheme has U, CUI, C, S, TS"),
        ("S//ORCON", "unknown dissemination control 'ORCON'; expected one of NOFORN, REL TO USA, FRA"),
    ],
)
def test_an_unknown_marking_is_an_error_at_its_line(written: str, message: str) -> None:
    text = brief(extra=f"risks:\n  - title: R\n    likelihood: likely\n    impact: minor\n    marking: {written}\n")
    source = parse_source(text.encode(), "b.yaml")
    with pytest.raises(BriefgenError) as caught:
        read_portions(source, US.marking.resolved())  # type: ignore[union-attr]
    assert [str(p) for p in caught.value.problems] == [f"b.yaml:11:14: risks[0].marking: {message}"]


def test_items_inherit_their_parents_marking_and_the_brief_is_the_root() -> None:
    text = (
        brief(extra="marking: C\n").replace(
            "trigger:\n  title: What happened\n  summary: It happened.\n",
            "trigger:\n  title: What happened\n  summary: It happened.\n  marking: S\n"
            "  points:\n    - inherits\n    - {text: own, marking: U}\n",
        )
        + "risks:\n  - title: R\n    likelihood: likely\n    impact: minor\n"
    )
    portions = read_portions(parse_source(text.encode(), "b.yaml"), US.marking.resolved())  # type: ignore[union-attr]
    us = portions.scheme
    got = {loc: us.portion(m) for loc, m in portions.marks.items()}
    assert got[("summary",)] == "(C)"  # the brief's own marking
    assert got[("trigger",)] == "(S)"
    assert got[("trigger", "points", 0)] == "(S)"  # its parent's
    assert got[("trigger", "points", 1)] == "(U)"  # its own
    assert got[("risks", 0)] == "(C)"
    assert us.banner(portions.banner_marking()) == "SECRET"


def test_a_classification_written_below_the_portions_is_an_error_at_its_line(project: Path) -> None:
    write_tree(project, {"briefgen.toml": US_TOML, "briefs/b.yaml": brief(extra="risks:\n"
               "  - title: R\n    likelihood: likely\n    impact: minor\n    marking: S\n").replace(
               "date: 2025-11-28\n", "date: 2025-11-28\nclassification: CONFIDENTIAL\n")})  # fmt: skip
    with pytest.raises(BriefgenError) as caught:
        load(project / "briefs" / "b.yaml", settings(US))
    assert [str(p) for p in caught.value.problems] == [
        "briefs/b.yaml:3:17: classification: risks[0] is S; the brief is marked CONFIDENTIAL: mark it SECRET"
    ]


def test_a_classification_without_a_portions_control_is_an_error(project: Path) -> None:
    extra = "risks:\n  - title: R\n    likelihood: likely\n    impact: minor\n    marking: C//NOFORN\n"
    write_tree(project, {"briefs/b.yaml": brief(extra=extra).replace("date:", "classification: SECRET\ndate:")})
    with pytest.raises(BriefgenError) as caught:
        load(project / "briefs" / "b.yaml", settings(US))
    assert [p.message for p in caught.value.problems] == [
        "risks[0] carries NOFORN; the brief is marked SECRET: mark it SECRET//NOFORN"
    ]


def test_a_classification_written_higher_is_kept_and_without_one_the_banner_is_computed(project: Path) -> None:
    extra = "risks:\n  - title: R\n    likelihood: likely\n    impact: minor\n    marking: C\n"
    write_tree(project, {"briefs/high.yaml": brief(extra=extra).replace("date:", "classification: S\ndate:"),
                         "briefs/plain.yaml": brief(extra=extra)})  # fmt: skip
    assert load(project / "briefs" / "high.yaml", settings(US)).brief.classification == "SECRET"
    assert load(project / "briefs" / "plain.yaml", settings(US)).brief.classification == "CONFIDENTIAL"
    assert load(project / "briefs" / "plain.yaml", settings()).brief.classification == "UNCLASSIFIED"  # no scheme


MARKED = brief(extra="key_points:\n  - text: Open judgement.\n  - text: Closed judgement.\n    marking: S\n"
               "risks:\n  - title: Risky\n    likelihood: likely\n    impact: minor\n    marking: C//NOFORN\n"
               "sources:\n  - id: src\n    title: A source\n")  # fmt: skip


def outputs(project: Path, config: Config, text: str = MARKED) -> dict[str, bytes]:
    write_tree(project, {"briefs/b.yaml": text})
    files, _ = make_outputs(load(project / "briefs" / "b.yaml", settings(config)), settings(config))
    return files


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_every_format_prints_the_portion_marks_and_the_computed_banner(project: Path) -> None:
    files = outputs(project, US)
    md = files["b.md"].decode()
    assert "**SECRET//NOFORN**" in md
    assert "(U) The bottom line." in md
    assert "1. (U) Open judgement." in md and "2. (S) Closed judgement." in md
    assert "| 1 | (C//NOFORN) Risky |" in md
    html = files["b.html"].decode()
    assert '<span class="pm">(S)</span> Closed <span class="last-word">judgement.</span>' in html
    assert '<p class="marking marking-top">SECRET//NOFORN</p>' in html
    assert '<span class="pm">(C//NOFORN)</span> Risk matrix' in html  # a figure: the highest of what it shows
    word = docx_text(files["b.docx"])
    assert "(S) Closed judgement." in word and "(C//NOFORN) Risky" in word
    assert "(C//NOFORN) Risk matrix" in word


def test_without_a_scheme_nothing_is_portion_marked(project: Path) -> None:
    files = outputs(project, Config())
    for name in ("b.md", "b.html"):
        assert not re.search(r"\((U|S|C)(//[A-Z ,]+)?\)", files[name].decode()), name
    assert "(S)" not in docx_text(files["b.docx"])


def test_the_pdf_prints_them_too(project: Path, tmp_path: Path) -> None:
    from helpers import run_tool

    write_tree(project, {"briefs/b.yaml": MARKED})
    pdf_project = settings(US, formats=["pdf"])
    files, _ = make_outputs(load(project / "briefs" / "b.yaml", pdf_project), pdf_project)
    (tmp_path / "b.pdf").write_bytes(files["b.pdf"])
    text = " ".join(run_tool("pdftotext", tmp_path / "b.pdf", "-").split())
    assert "(S) Closed judgement." in text and "(C//NOFORN) Risky" in text
    assert "SECRET//NOFORN" in text


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[marking]\nscheme = "custom"\n', "briefgen.toml:2:1: a custom scheme needs levels"),
        ('[marking]\nscheme = "us"\nlevels = [{id = "L", banner = "L", portion = "L"}]\n',
         'briefgen.toml:2:1: levels are for scheme = "custom"'),
        ('[marking]\nscheme = "uk"\nreleases = ["U"]\n',
         "briefgen.toml:3:1: releases: unknown marking 'U'; the uk scheme has O, OS, S, TS"),
        ('[marking]\nscheme = "fr"\n', "briefgen.toml:1:2: marking"),
    ],
)  # fmt: skip
def test_a_broken_marking_table_is_a_located_error(
    project: Path, run: Callable[..., Any], toml: str, message: str
) -> None:
    write_tree(project, {"briefgen.toml": toml, "briefs/b.yaml": brief()})
    result = run("validate")
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr


def test_a_release_without_a_scheme_or_of_an_unknown_level_is_one_line(project: Path, run: Callable[..., Any]) -> None:
    write_tree(project, {"briefs/b.yaml": brief()})
    result = run("build", "--release", "U")
    assert (result.exit_code, result.stderr.strip()) == (
        1,
        "--release: a release needs a marking scheme: add [marking] to briefgen.toml",
    )
    (project / "briefgen.toml").write_text(US_TOML, encoding="utf-8")
    result = run("render", "briefs/b.yaml", "--release", "SECRETISH")
    assert result.stderr.strip() == "--release: unknown marking 'SECRETISH'; the us scheme has U, CUI, C, S, TS"


def test_the_index_page_carries_the_highest_marking_of_the_briefs_it_lists(
    project: Path, run: Callable[..., Any]
) -> None:
    write_tree(project, {"briefgen.toml": US_TOML + 'releases = ["U"]\n', "briefs/b.yaml": MARKED,
                         "briefs/plain.yaml": brief("Plain")})  # fmt: skip
    assert run("build", "--format", "md").exit_code == 0
    index = (project / "output" / "index.html").read_text(encoding="utf-8")
    assert index.count('class="marking marking-top">SECRET//NOFORN<') == 1
    assert index.count('class="marking marking-bottom">SECRET//NOFORN<') == 1
    release = (project / "output" / "release-u" / "index.html").read_text(encoding="utf-8")
    assert 'class="marking marking-top">UNCLASSIFIED<' in release and "SECRET" not in release
