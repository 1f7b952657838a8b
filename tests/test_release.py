"""Release editions cut from the data (release.py): what is removed, what follows it out, where each kept
value is still located, what is refused, and the editions and builds made of them. That no byte of a removed
portion reaches any output is proved in tests/test_release_canaries.py."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import brief, write_tree

from briefgen.errors import BriefgenError
from briefgen.load import parse_source
from briefgen.marking import read_portions, scheme_named
from briefgen.release import cut

US = scheme_named("us", ["NOFORN"])
TOML = '[marking]\nscheme = "us"\ncontrols = ["NOFORN"]\nreleases = ["U"]\n'

NESTED = brief(
    extra="motivations:\n  - title: Open motive\n    points:\n"
    "      - kept point\n      - {text: cut point, marking: S}\n      - last point\n"
    "  - title: Closed motive\n    marking: C\n    points:\n      - inside\n"
    "  - title: Third motive\n    summary: Still here.\n"
)


def release(text: str, level: str = "U") -> Any:
    source = parse_source(text.encode(), "b.yaml")
    return cut(source, read_portions(source, US), US.parse(level))


def test_items_above_the_level_go_with_their_children_and_kept_values_keep_their_lines() -> None:
    source = parse_source(NESTED.encode(), "b.yaml")
    out = release(NESTED)
    motives = out.data["motivations"]
    assert [m["title"] for m in motives] == ["Open motive", "Third motive"]
    assert motives[0]["points"] == ["kept point", "last point"]
    # the third motive is now motivations[1], its last point points[1]; each is located where it was written
    assert out.locate(("motivations", 1, "summary")) == source.locate(("motivations", 2, "summary"))
    assert out.locate(("motivations", 0, "points", 1)) == source.locate(("motivations", 0, "points", 2))
    assert ("motivations", 2) not in out.positions
    # the cut source is a copy: the full edition is untouched
    assert len(source.data["motivations"]) == 3


def test_at_a_higher_level_nothing_is_cut_and_unmarked_portions_keep_the_briefs_marking() -> None:
    released = release(NESTED, "S").data
    assert released.pop("marking") == "UNCLASSIFIED"  # what the unmarked portions inherit, written down
    assert released == parse_source(NESTED.encode(), "b").data
    confidential = brief(extra="classification: CONFIDENTIAL\n")
    assert release(confidential, "C").data["marking"] == "CONFIDENTIAL"  # not the lowest level: the brief's


def test_sources_and_actors_only_removed_portions_named_go_too_and_the_rest_stay() -> None:
    text = brief(
        extra="key_points:\n  - Open [@a].\n  - {text: 'Closed [@b]', marking: S}\n"
        "actors:\n  - {id: x, name: X}\n  - {id: y, name: Y}\n  - {id: never, name: Never named}\n"
        "asks:\n  - {by: x, of: y, ask: Closed ask, marking: S, sources: [c]}\n"
        "sources:\n  - {id: a, title: A}\n  - {id: b, title: B}\n  - {id: c, title: C}\n  - {id: uncited, title: U}\n"
    )
    out = release(text)
    assert [s["id"] for s in out.data["sources"]] == ["a", "uncited"]  # b and c were named only by removed items
    assert [a["id"] for a in out.data["actors"]] == ["never"]  # x and y only by the removed ask
    assert "asks" in out.data and out.data["asks"] == []


@pytest.mark.parametrize(
    ("extra", "where", "what"),
    [
        ("actors:\n  - {id: s, name: S, marking: S}\n  - {id: o, name: O}\nasks:\n  - {by: s, of: o, ask: Open.}\n",
         "b.yaml:11:10: asks[0].by", "an actor"),
        ("key_points:\n  - Open but cites [@sec].\nsources:\n  - {id: sec, title: T, marking: S}\n",
         "b.yaml:8:21: key_points[0]", "a source"),
        ("actors:\n  - {id: s, name: S, marking: C}\n", "", ""),  # an unreferenced actor above: simply cut
    ],
)  # fmt: skip
def test_a_kept_portion_naming_a_removed_one_is_an_error_at_the_reference(extra: str, where: str, what: str) -> None:
    text = brief(extra=extra)
    if not where:
        assert release(text).data["actors"] == []
        return
    with pytest.raises(BriefgenError) as caught:
        release(text)
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{where}: refers to {what} marked above U")
    assert "'s'" not in problem.message and "sec" not in problem.message  # the release's log names nothing cut


def test_a_release_without_its_trigger_or_bottom_line_is_refused_at_the_marking() -> None:
    text = brief().replace("  summary: It happened.\n", "  summary: It happened.\n  marking: C\n")
    with pytest.raises(BriefgenError) as caught:
        release(text)
    assert [str(p) for p in caught.value.problems] == [
        "b.yaml:7:12: trigger.marking: is marked above U, so a release at U would have no trigger; mark it U or lower"
    ]


def project_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def everything(files: dict[str, bytes]) -> bytes:
    """Every byte of a set of outputs, with the parts of Word documents unpacked."""
    out = b""
    for name, data in files.items():
        out += name.encode() + data
        if name.endswith(".docx"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                out += b"".join(z.read(n) for n in z.namelist())
    return out


def test_the_changes_box_of_a_release_compares_two_releases(project: Path, run: Callable[..., Any]) -> None:
    """The previous edition is cut at the release's level too: its removed risk is not "removed" in the box."""
    old = brief(extra="risks:\n  - {title: Open risk, likelihood: likely, impact: minor}\n"
                "  - {title: Hidden risk QQHIDDEN, likelihood: likely, impact: major, marking: S}\n")  # fmt: skip
    new = brief(extra="previous: old.yaml\nrisks:\n  - {title: Open risk, likelihood: almost-certain, impact: minor}\n")
    write_tree(project, {"briefgen.toml": TOML, "briefs/old.yaml": old, "briefs/b.yaml": new})
    result = run("build", "briefs/b.yaml", "--format", "md,html,docx")
    assert result.exit_code == 0, result.stderr
    full = (project / "output" / "b.md").read_text(encoding="utf-8")
    assert "QQHIDDEN" in full  # the full edition says the hidden risk was removed
    released = project_files(project / "output" / "release-u")
    assert b"QQHIDDEN" not in everything(released) + result.stdout.encode() + result.stderr.encode()
    assert b"What has changed" in released["b.md"] and b"Open risk" in released["b.md"]
    assert "What has changed" in (project / "output" / "b.md").read_text(encoding="utf-8")


def test_build_makes_each_release_in_its_folder_and_render_writes_one_where_asked(
    project: Path, run: Callable[..., Any]
) -> None:
    text = brief(extra="key_points:\n  - Open point.\n  - {text: Closed QQSECRET point., marking: S}\n")
    write_tree(project, {"briefgen.toml": TOML, "briefs/b.yaml": text,
                         "briefs/all-secret.yaml": brief("QQTITLE", "marking: S\n")})  # fmt: skip
    result = run("build", "--format", "md,html")
    assert result.exit_code == 0, result.stderr
    assert sorted(project_files(project / "output" / "release-u")) == ["b.html", "b.md", "index.html", "manifest.json"]
    assert (project / "output" / "all-secret.md").is_file()
    release_bytes = everything(project_files(project / "output" / "release-u"))
    assert b"QQSECRET" not in release_bytes and b"QQTITLE" not in release_bytes and b"all-secret" not in release_bytes
    assert b"This edition omits material above UNCLASSIFIED." in release_bytes
    single = run("render", "briefs/b.yaml", "--release", "U", "--format", "md", "--out", "single")
    assert single.exit_code == 0, single.stderr
    assert sorted(project_files(project / "single")) == ["b.md"]
    assert "QQSECRET" not in (project / "single" / "b.md").read_text(encoding="utf-8")
    refused = run("render", "briefs/all-secret.yaml", "--release", "U", "--format", "md", "--out", "single")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        "briefs/all-secret.yaml: is marked above the release, or cannot be read (`briefgen validate` says which),"
        " so it has no edition at U"
    )
    assert sorted(project_files(project / "single")) == ["b.md"]


def test_a_brief_raised_above_the_release_loses_its_release_outputs(project: Path, run: Callable[..., Any]) -> None:
    write_tree(project, {"briefgen.toml": TOML, "briefs/b.yaml": brief()})
    assert run("build", "--format", "md").exit_code == 0
    assert (project / "output" / "release-u" / "b.md").is_file()
    (project / "briefs" / "b.yaml").write_text(brief(extra="marking: C\n"), encoding="utf-8")
    assert run("build", "--format", "md").exit_code == 0
    assert not (project / "output" / "release-u" / "b.md").exists()
    assert b"b.yaml" not in (project / "output" / "release-u" / "manifest.json").read_bytes()
    assert (project / "output" / "b.md").is_file()


# --- what an independent review found, each closed


def test_a_marking_that_is_not_text_is_an_error_never_its_parents(project: Path, run: Callable[..., Any]) -> None:
    text = brief().replace("  summary: It happened.\n", "  summary: It happened.\n  points:\n"
                           "    - {text: 'tp QQHIDE', marking: [3]}\n")  # fmt: skip
    write_tree(project, {"briefgen.toml": TOML, "briefs/b.yaml": text})
    result = run("validate")
    assert result.exit_code == 1 and "trigger.points[0].marking" in result.stderr, result.stderr
    built = run("build", "--release", "U", "--format", "md")
    assert built.exit_code == 1
    assert "QQHIDE" not in built.stderr and not (project / "output" / "release-u" / "b.md").exists()


def test_a_classification_above_the_briefs_marking_is_its_floor(project: Path, run: Callable[..., Any]) -> None:
    text = brief(extra="marking: U\nkey_points:\n  - QQFLOOR judgement.\n").replace(
        "date:", "classification: SECRET\ndate:"
    )
    write_tree(project, {"briefgen.toml": TOML, "briefs/b.yaml": text})
    assert run("build", "--format", "md").exit_code == 0
    assert "(S) QQFLOOR" in (project / "output" / "b.md").read_text(encoding="utf-8")
    assert not (project / "output" / "release-u" / "b.md").exists()  # never released whole as UNCLASSIFIED


def test_a_project_setting_the_scheme_cannot_use_is_refused(project: Path, run: Callable[..., Any]) -> None:
    write_tree(project, {"briefgen.toml": 'classification = "SECRET NOFORN"\n' + TOML, "briefs/b.yaml": brief()})
    result = run("validate")
    assert result.exit_code == 1
    assert result.stderr.startswith("briefgen.toml:1:1: classification: unknown marking 'SECRET NOFORN'")
    (project / "briefgen.toml").write_text(TOML.replace('["U"]', '["U//NOFORN"]'), encoding="utf-8")
    assert "a release is cut by level alone" in run("validate").stderr
    (project / "briefgen.toml").write_text(TOML, encoding="utf-8")
    result = run("build", "--release", "U//NOFORN")
    assert (result.exit_code, result.stderr.strip()) == (
        1,
        "--release: a release is cut by level alone; give the level without controls",
    )


def test_a_brief_that_cannot_be_read_is_not_named_in_a_release(project: Path, run: Callable[..., Any]) -> None:
    write_tree(project, {"briefgen.toml": TOML, "briefs/op-qqname.yaml": "title: [unclosed\n",
                         "briefs/b.yaml": brief()})  # fmt: skip
    result = run("build", "--release", "U", "--format", "md", "-v")
    assert result.exit_code == 0, result.stderr
    release = project / "output" / "release-u"
    assert "qqname" not in result.stdout + result.stderr
    assert b"qqname" not in everything(project_files(release))
    assert run("build", "--format", "md").exit_code == 1  # the full edition's build names it


def test_a_rename_matched_by_similarity_is_not_told_in_a_release(project: Path, run: Callable[..., Any]) -> None:
    old = brief(extra="risks:\n  - {title: Power outage in district QQFOUR, likelihood: likely, impact: minor}\n")
    new = brief(extra="previous: old.yaml\nrisks:\n"
                "  - {title: Power outage in district QQFOUR, likelihood: likely, impact: minor, marking: S}\n"
                "  - {title: Power outage in district five, likelihood: likely, impact: minor}\n")  # fmt: skip
    write_tree(project, {"briefgen.toml": TOML, "briefs/old.yaml": old, "briefs/b.yaml": new})
    assert run("build", "briefs/b.yaml", "--format", "md").exit_code == 0
    assert b"QQFOUR" not in everything(project_files(project / "output" / "release-u"))


def test_a_release_of_a_brief_whose_previous_edition_is_above_it(project: Path, run: Callable[..., Any]) -> None:
    write_tree(project, {"briefgen.toml": TOML, "briefs/old.yaml": brief(extra="marking: S\n"),
                         "briefs/b.yaml": brief(extra="previous: old.yaml\n")})  # fmt: skip
    assert run("build", "briefs/b.yaml", "--format", "md").exit_code == 0
    assert (project / "output" / "release-u" / "b.md").is_file()


def test_review_refuses_the_word_document_of_a_release(project: Path, run: Callable[..., Any]) -> None:
    write_tree(project, {"briefgen.toml": TOML, "briefs/b.yaml": brief()})
    assert run("build", "--format", "docx").exit_code == 0
    assert run("review", "output/b.docx").exit_code == 0
    refused = run("review", "output/release-u/b.docx")
    assert refused.exit_code == 1
    assert "refused: a release edition" in refused.stderr
