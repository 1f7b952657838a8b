"""Translations: the stamp of an original's content, the warning at translated_from naming the sections that
changed since (content and git stamps), the located errors, ids such as x.fr, and the index page's languages."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import BRIEFS, MINIMAL, REPO, brief, write_tree

from briefgen.load import parse_source
from briefgen.manifest import is_output_name
from briefgen.model import Brief
from briefgen.translation import NOT_TRANSLATED, SECTIONS, content_stamp
from briefgen.validate import validate

Run = Callable[..., Result]
ORIGINAL = brief("The original", "key_points:\n  - id: one\n    text: A judgement.\n")


def stamp_of(run: Run, path: str) -> str:
    result = run("translation-stamp", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    return result.stdout.strip()


def translation(stamp: str | None, of: str = "orig", language: str = "fr") -> str:
    """A French translation of ``of``: translated_from is on line 3, column 18."""
    lines = [f"language: {language}", f"translation_of: {of}"] + ([f"translated_from: {stamp}"] if stamp else [])
    return "\n".join(lines) + "\n" + brief("L'original")


def lines(result: Result) -> list[str]:
    return result.stderr.splitlines()


def test_the_stamp_is_the_same_for_the_same_content_and_differs_after_a_change(project: Path, run: Run) -> None:
    write_tree(
        project, {"orig.yaml": ORIGINAL, "same.yaml": "# a comment\n" + ORIGINAL.replace("title: The", "title: 'The")}
    )
    (project / "same.yaml").write_text((project / "same.yaml").read_text().replace("original\n", "original'\n", 1))
    first = stamp_of(run, "orig.yaml")
    assert stamp_of(run, "orig.yaml") == first
    assert stamp_of(run, "same.yaml") == first  # comments and quoting are not content
    assert re.fullmatch(rf"v1:[A-Za-z0-9_-]{{12}}\.[A-Za-z0-9_-]{{{2 * len(SECTIONS)}}}", first)
    (project / "orig.yaml").write_text(ORIGINAL.replace("The bottom line.", "Another bottom line."))
    changed = stamp_of(run, "orig.yaml")
    assert changed != first
    assert changed[:3] == "v1:" and changed[3:15] != first[3:15]


def test_what_a_translation_has_of_its_own_is_not_in_the_stamp() -> None:
    source = parse_source(ORIGINAL.encode(), "orig.yaml")
    plain = content_stamp(source, validate(source)[0])
    own = "language: de\nedition: 3\nmax_pages: 9\n" + ORIGINAL
    other = parse_source(own.encode(), "orig.yaml")
    assert content_stamp(other, validate(other)[0]) == plain
    # every field of the format is either a section of the stamp or a translation's own
    sections = {name.split(".")[0] for name in SECTIONS}
    assert sections | NOT_TRANSLATED == set(Brief.model_fields)


def test_the_warning_names_the_changed_section_and_goes_after_restamping(project: Path, run: Run) -> None:
    write_tree(project, {"orig.yaml": ORIGINAL})
    write_tree(project, {"orig.fr.yaml": translation(stamp_of(run, "orig.yaml"))})
    result = run("validate", "--strict", ".")
    assert (result.exit_code, lines(result)) == (0, ["ok: 2 briefs, 0 errors, 0 warnings"])

    (project / "orig.yaml").write_text(ORIGINAL.replace("The bottom line.", "A new bottom line."))
    result = run("validate", ".")
    assert result.exit_code == 0
    assert lines(result) == [
        "orig.fr.yaml:3:18: warning: translated_from: the original 'orig' has changed since it was translated:"
        " summary; bring the translation up to date, then stamp it again with `briefgen translation-stamp orig.yaml`",
        "ok: 2 briefs, 0 errors, 1 warning",
    ]
    strict = run("validate", "--strict", ".")
    assert strict.exit_code == 1
    assert lines(strict)[-1] == "FAILED: 1 of 2 briefs failed, 0 errors, 1 warning"

    (project / "orig.fr.yaml").write_text(translation(stamp_of(run, "orig.yaml")))
    result = run("validate", "--strict", ".")
    assert (result.exit_code, lines(result)) == (0, ["ok: 2 briefs, 0 errors, 0 warnings"])


def test_render_warns_of_a_stale_translation_and_still_writes_it(project: Path, run: Run) -> None:
    write_tree(project, {"orig.yaml": ORIGINAL})
    write_tree(project, {"orig.fr.yaml": translation(stamp_of(run, "orig.yaml"))})
    (project / "orig.yaml").write_text(ORIGINAL.replace("The bottom line.", "A new bottom line."))
    result = run("render", "orig.fr.yaml", "--format", "md", "--out", "out")
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        "orig.fr.yaml:3:18: warning: translated_from: the original 'orig' has changed since it was translated:"
        " summary; bring the translation up to date, then stamp it again with `briefgen translation-stamp orig.yaml`"
    ]
    assert (project / "out" / "orig.fr.md").is_file()
    (project / "orig.fr.yaml").write_text(translation(stamp_of(run, "orig.yaml"), of="nope"))
    failed = run("render", "orig.fr.yaml", "--format", "md", "--out", "out2")
    assert failed.exit_code == 1
    assert lines(failed)[0].startswith("orig.fr.yaml:2:17: translation_of: no brief has the id 'nope'")
    assert not (project / "out2").exists()


def test_every_changed_section_is_named_in_the_brief_order(project: Path, run: Run) -> None:
    write_tree(project, {"orig.yaml": ORIGINAL})
    write_tree(project, {"orig.fr.yaml": translation(stamp_of(run, "orig.yaml"))})
    edited = ORIGINAL.replace("A judgement.", "A reworded judgement.").replace("title: The original", "title: New")
    (project / "orig.yaml").write_text(edited + "tags: [new]\n")
    result = run("validate", "orig.fr.yaml")  # the original is found beside the translation
    assert ": title, tags, key_points; bring" in result.stderr


def test_a_translation_alone_finds_its_original_beside_it_or_by_its_id(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/x.yaml": "id: orig\n" + ORIGINAL})
    write_tree(project, {"briefs/t.yaml": translation(stamp_of(run, "briefs/x.yaml"))})
    result = run("validate", "--strict", "briefs/t.yaml")
    assert (result.exit_code, lines(result)) == (0, ["ok: 1 brief, 0 errors, 0 warnings"])


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"t.fr.yaml": translation("v1:x", of="nosuch")},
            "t.fr.yaml:2:17: translation_of: no brief has the id 'nosuch' among the briefs checked or beside this one",
        ),
        (
            {"orig.yaml": ORIGINAL, "t.fr.yaml": translation("v1:x", of="orih")},
            "t.fr.yaml:2:17: translation_of: no brief has the id 'orih' among the briefs checked or beside this one"
            " (did you mean 'orig'?)",
        ),
        (
            {
                "orig.yaml": ORIGINAL,
                "orig.fr.yaml": translation(None),
                "t.de.yaml": translation("v1:x", "orig.fr", "de"),
            },
            "t.de.yaml:2:17: translation_of: 'orig.fr' is itself a translation (of 'orig'): translate the original,"
            " translation_of: orig",
        ),
        (
            {"orig.yaml": "language: fr\n" + ORIGINAL, "t.yaml": translation("v1:x")},
            "t.yaml:1:11: language: the translation is in fr, as its original 'orig' is: set language to the"
            " translation's",
        ),
        (
            {"orig.yaml": ORIGINAL, "t.yaml": translation("v1:x")},
            "t.yaml:3:18: translated_from: expected the value `briefgen translation-stamp ORIGINAL` prints"
            " (v1:... or git:REVISION); got 'v1:x'",
        ),
        (
            {"t.yaml": "translated_from: v1:x\n" + MINIMAL},
            "t.yaml:1:1: translated_from: translated_from needs translation_of: the id of the brief this one"
            " translates",
        ),
        (
            {"orig.yaml": translation("v1:x")},
            "orig.yaml:2:17: translation_of: 'orig' is this brief's own id: name the brief it translates",
        ),
    ],
    ids=[
        "no-such-original",
        "did-you-mean",
        "translation-of-a-translation",
        "same-language",
        "bad-stamp",
        "no-of",
        "self",
    ],
)
def test_located_errors(project: Path, run: Run, files: dict[str, str], expected: str) -> None:
    write_tree(project, files)
    result = run("validate", ".")
    assert result.exit_code == 1
    assert expected in lines(result)


def test_a_translation_without_a_stamp_is_told_how_to_get_one(project: Path, run: Run) -> None:
    write_tree(project, {"orig.yaml": ORIGINAL, "orig.fr.yaml": translation(None)})
    result = run("validate", "orig.fr.yaml")
    assert lines(result)[0] == (
        "orig.fr.yaml:2:1: warning: translation_of: a translation without a stamp cannot tell when 'orig' changes:"
        " add translated_from: with the value `briefgen translation-stamp orig.yaml` prints"
    )


def test_a_translation_cannot_be_stamped_as_an_original(project: Path, run: Run) -> None:
    write_tree(project, {"orig.yaml": ORIGINAL, "orig.fr.yaml": translation(None)})
    result = run("translation-stamp", "orig.fr.yaml")
    assert result.exit_code == 1
    assert lines(result) == [
        "orig.fr.yaml:2:17: translation_of: it is a translation of 'orig': stamp the original, which it translates"
    ]


def git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env={**env, "HOME": "/"})
    return done.stdout.strip()


def test_a_git_stamp_names_the_sections_and_the_diff_command(project: Path, run: Run) -> None:
    write_tree(project, {"orig.yaml": ORIGINAL})
    git(project, "init", "-q")
    refused = run("translation-stamp", "--git", "orig.yaml")
    assert (refused.exit_code, lines(refused)) == (
        1,
        ["orig.yaml: cannot read it from git: ambiguous argument 'HEAD': unknown revision or path not in the working"
         " tree."],
    )  # fmt: skip
    git(project, "add", "orig.yaml")
    git(project, "commit", "-qm", "original")
    stamp = run("translation-stamp", "--git", "orig.yaml").stdout.strip()
    assert stamp == f"git:{git(project, 'rev-parse', 'HEAD')}"
    write_tree(project, {"orig.fr.yaml": translation(stamp)})
    assert run("validate", "--strict", ".").exit_code == 0

    (project / "orig.yaml").write_text(ORIGINAL.replace("The bottom line.", "A new bottom line."))
    uncommitted = run("translation-stamp", "--git", "orig.yaml")
    assert lines(uncommitted) == [
        "orig.yaml: it has changes not committed yet: commit them, or use the content stamp (no --git)"
    ]
    result = run("validate", ".")
    rev = stamp.removeprefix("git:")
    assert lines(result)[0] == (
        "orig.fr.yaml:3:18: warning: translated_from: the original 'orig' has changed since it was translated:"
        f" summary (1 change: `briefgen diff {rev}:./orig.yaml orig.yaml`); bring the translation up to date, then"
        " stamp it again with `briefgen translation-stamp orig.yaml`"
    )


def test_a_git_stamp_that_git_cannot_read_is_a_warning(project: Path, run: Run) -> None:
    write_tree(project, {"orig.yaml": ORIGINAL, "orig.fr.yaml": translation("git:0123abc")})
    result = run("validate", ".")
    assert result.exit_code == 0
    assert lines(result)[0].startswith(
        "orig.fr.yaml:3:18: warning: translated_from: cannot tell whether 'orig' changed since git:0123abc: "
    )


FAST = ("--format", "md,html", "-j", "1")


def test_build_warns_when_the_original_changes_and_the_outputs_are_named_after_the_id(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/orig.yaml": ORIGINAL})
    write_tree(project, {"briefs/orig.fr.yaml": translation(stamp_of(run, "briefs/orig.yaml"))})
    first = run("build", *FAST)
    assert first.exit_code == 0, first.output
    assert "warning" not in first.stderr
    out = project / "output"
    assert {"orig.fr.html", "orig.fr.md"} <= {p.name for p in out.iterdir()}
    assert all(is_output_name(name) for name in ("orig.fr.html", "orig.zh-hans.pdf"))
    entries = {e["id"]: e for e in json.loads((out / "manifest.json").read_text())["briefs"]}
    assert (entries["orig.fr"]["language"], entries["orig.fr"]["translation_of"]) == ("fr", "orig")
    assert "language" not in entries["orig"]  # said only when set: an entry of before keeps its digest

    (project / "briefs" / "orig.yaml").write_text(ORIGINAL.replace("The bottom line.", "A new bottom line."))
    second = run("build", *FAST)  # the translation's file is unchanged, but its original is an input too
    assert second.exit_code == 0, second.output
    assert (
        "briefs/orig.fr.yaml:3:18: warning: translated_from: the original 'orig' has changed since it was"
        " translated: summary;"
    ) in second.stderr
    assert "built 2, unchanged 0" in second.stderr


def test_build_fails_a_translation_of_no_brief_alone(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/orig.yaml": ORIGINAL, "briefs/t.fr.yaml": translation("v1:x", of="nosuch")})
    result = run("build", *FAST)
    assert result.exit_code == 1
    assert "briefs/t.fr.yaml:2:17: translation_of: no brief has the id 'nosuch'" in result.stderr
    assert (project / "output" / "orig.html").exists()


def test_the_index_groups_a_brief_with_its_translations(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/orig.yaml": ORIGINAL, "briefs/other.yaml": brief("Another brief")})
    stamp = stamp_of(run, "briefs/orig.yaml")
    write_tree(
        project, {"briefs/orig.fr.yaml": translation(stamp), "briefs/orig.ja.yaml": translation(stamp, "orig", "ja")}
    )
    assert run("build", *FAST).exit_code == 0
    page = (project / "output" / "index.html").read_text(encoding="utf-8")
    assert page.count('<li class="brief-card">') == 2  # the original with its translations, and the other
    assert 'id="brief-orig.fr"' not in page
    languages = re.findall(r'<p class="languages">(.*?)</p>', page)
    assert languages == [
        '<a href="orig.html" lang="en-GB" hreflang="en-GB">English</a>'
        ' · <a href="orig.fr.html" lang="fr" hreflang="fr">Français</a>'
        ' · <a href="orig.ja.html" lang="ja" hreflang="ja">日本語</a>'
    ]


def test_a_translation_whose_original_is_not_built_has_a_card_of_its_own(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/orig.yaml": ORIGINAL})
    write_tree(project, {"briefs/orig.fr.yaml": translation(stamp_of(run, "briefs/orig.yaml"))})
    assert run("build", *FAST, "briefs/orig.fr.yaml").exit_code == 0
    page = (project / "output" / "index.html").read_text(encoding="utf-8")
    assert '<article aria-labelledby="brief-orig.fr" lang="fr">' in page
    assert 'class="languages"' not in page


def test_the_french_brief_validates_strictly(monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    monkeypatch.chdir(REPO)  # the repository's briefgen.toml: the PHIA yardstick, the US marking scheme
    result = run("validate", "--strict", "briefs/china-france-japan-2025-11.fr.yaml")
    assert result.exit_code == 0, result.output
    assert "translated_from" not in result.stderr  # stamped from the English brief as it is
    french = parse_source((BRIEFS / "china-france-japan-2025-11.fr.yaml").read_bytes(), "fr.yaml")
    english = parse_source((BRIEFS / "china-france-japan-2025-11.yaml").read_bytes(), "en.yaml")
    fr, en = validate(french)[0], validate(english)[0]
    # the same citations, sources and items as the original
    assert [s.id for s in fr.sources] == [s.id for s in en.sources]
    assert [s.title for s in fr.sources] == [s.title for s in en.sources]  # titles as published
    for name in ("key_points", "risks", "watch_list", "asks", "motivations", "sections", "options", "actors"):
        assert [i.id for i in getattr(fr, name)] == [i.id for i in getattr(en, name)], name
    cited = re.compile(r"\[@[^\]]+\]")
    assert sorted(cited.findall(french.text)) == sorted(cited.findall(english.text))
    assert [r.likelihood for r in fr.risks] == [r.likelihood for r in en.risks]


def test_the_json_report_gives_the_warning_its_code(project: Path, run: Run) -> None:
    write_tree(project, {"orig.yaml": ORIGINAL, "orig.fr.yaml": translation(None)})
    result = run("validate", "--format", "json", ".")
    codes = [p["code"] for p in json.loads(result.stdout)["problems"]]
    assert codes == ["unstamped-translation"]
    (project / "orig.fr.yaml").write_text(translation(stamp_of(run, "orig.yaml")))
    (project / "orig.yaml").write_text(ORIGINAL.replace("The bottom line.", "A new one."))
    result = run("validate", "--format", "json", ".")
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["stale-translation"]
