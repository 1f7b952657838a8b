"""Editions of a brief: stable item ids (unique in their lists), and a final brief's past watch dates told once,
as a prompt for a new edition, where a draft has a warning per item."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import MINIMAL, REAL_BRIEF, brief, markdownlint, write_tree

Run = Callable[..., Result]

PAST_ITEMS = """\
watch_list:
  - title: Old news
    indicator: Something.
    by: 2000-01-01
  - title: Older news
    indicator: Something else.
    by: 1999-01-01
  - title: Later news
    indicator: Not yet.
    by: 2999-01-01
"""


# --- ids


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ("key_points:\n  - id: a\n    text: One.\n  - id: a\n    text: Two.\n", "b.yaml:10:9: key_points[1].id"),
        ("risks:\n  - id: a\n    title: R\n    likelihood: rare\n    impact: minor\n  - id: a\n    title: S\n"
         "    likelihood: rare\n    impact: minor\n", "b.yaml:12:9: risks[1].id"),
        ("historical_context:\n  events:\n    - id: a\n      date: '2001'\n      title: E\n"
         "    - id: a\n      date: '2002'\n      title: F\n", "b.yaml:12:11: historical_context.events[1].id"),
    ],
)  # fmt: skip
def test_a_duplicate_item_id_is_a_located_error(project: Path, run: Run, extra: str, line: str) -> None:
    write_tree(project, {"b.yaml": brief(extra=extra)})
    result = run("validate", "b.yaml")
    assert result.exit_code == 1
    within = line.split(": ", 1)[1].rsplit("[", 1)[0]
    assert result.stderr.splitlines() == [
        f"{line}: duplicate id 'a' (also {within}[0])",
        "FAILED: 1 of 1 brief failed, 1 error, 0 warnings",
    ]


def test_an_item_id_is_a_slug(project: Path, run: Run) -> None:
    write_tree(project, {"b.yaml": brief(extra="sections:\n  - id: Not A Slug\n    title: S\n    body: B.\n")})
    result = run("validate", "b.yaml")
    assert result.stderr.splitlines()[0] == (
        "b.yaml:8:9: sections[0].id: 'Not A Slug' is not a valid id: use lowercase letters, digits and single hyphens"
    )


def test_the_same_id_in_two_lists_is_fine(project: Path, run: Run) -> None:
    extra = "sections:\n  - id: a\n    title: S\n    body: B.\nkey_points:\n  - id: a\n    text: One.\n"
    write_tree(project, {"b.yaml": brief(extra=extra)})
    assert run("validate", "b.yaml").exit_code == 0


# --- past watch dates


def test_a_draft_warns_of_each_past_watch_item_and_strict_fails(project: Path, run: Run) -> None:
    write_tree(project, {"b.yaml": brief(extra=PAST_ITEMS)})
    result = run("validate", "--strict", "b.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "b.yaml:10:9: warning: watch_list[0].by: still 'watching' after its date 2000-01-01; update its status or date",
        "b.yaml:13:9: warning: watch_list[1].by: still 'watching' after its date 1999-01-01; update its status or date",
        "FAILED: 1 of 1 brief failed, 0 errors, 2 warnings",
    ]


FINAL_PROMPT = (
    "b.yaml:7:1: warning: watch_list: 2 watch items are past their dates (the first: 'Old news', 2000-01-01); this "
    "final brief records its date: update them in a new edition (`briefgen diff` then shows what it changed)"
)


@pytest.mark.parametrize("strict", [False, True])
def test_a_final_brief_prompts_once_for_a_new_edition(project: Path, run: Run, strict: bool) -> None:
    write_tree(project, {"b.yaml": MINIMAL + "status: final\n" + PAST_ITEMS})
    result = run("validate", *(["--strict"] if strict else []), "b.yaml")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [FINAL_PROMPT.replace("7:1", "8:1"), "ok: 1 brief, 0 errors, 1 warning"]


def test_the_prompt_has_its_own_code_in_json(project: Path, run: Run) -> None:
    import json

    write_tree(project, {"b.yaml": MINIMAL + "status: final\n" + PAST_ITEMS})
    report = json.loads(run("validate", "--format", "json", "b.yaml").stdout)
    assert [(p["code"], p["severity"]) for p in report["problems"]] == [("new-edition-due", "warning")]


def test_strict_still_fails_on_another_warning_of_a_final_brief(project: Path, run: Run) -> None:
    write_tree(project, {"b.yaml": MINIMAL + "status: final\n" + PAST_ITEMS, "c.yaml": brief(extra=PAST_ITEMS)})
    result = run("validate", "--strict", "b.yaml", "c.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "FAILED: 1 of 2 briefs failed, 0 errors, 3 warnings"


def test_the_real_brief_prompts_once(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REAL_BRIEF.parent.parent)
    result = run("validate", "--strict", str(REAL_BRIEF.relative_to(REAL_BRIEF.parent.parent)))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and "5 watch items are past their dates" in lines[0]


# --- the "What has changed" box and the edition number, in every format


def editions(folder: Path, *, new_extra: str = "", old_extra: str = "") -> Path:
    """old.yaml (edition 1 by count) and new.yaml naming it as previous, with a risk whose likelihood rose."""
    risk = "risks:\n  - id: fuel\n    title: Fuel shortages\n    likelihood: {}\n    impact: major\n"
    write_tree(
        folder,
        {
            "old.yaml": brief(extra=risk.format("possible") + old_extra).replace("2025-11-28", "2025-11-21", 1),
            "new.yaml": brief(extra="previous: old.yaml\n" + risk.format("likely") + new_extra),
        },
    )
    return folder / "new.yaml"


SENTENCE = "Likelihood of Fuel shortages raised from possible to likely (severity still high)"


def test_the_box_in_markdown(project: Path, run: Run) -> None:
    editions(project)
    assert run("render", "new.yaml", "--format", "md").exit_code == 0
    text = (project / "output" / "new.md").read_text(encoding="utf-8")
    assert "- Date: 28 November 2025\n- Edition: 2\n" in text
    box = text.split("## What has changed\n\n", 1)[1].split("\n## ", 1)[0]
    assert box == (
        "Since the previous edition, of 21 November 2025:\n\n"
        "- Likelihood of *Fuel shortages* raised from possible to likely (severity still high)\n"
    )
    # after the bottom line up front, before the trigger
    assert text.index("## Bottom line up front") < text.index("## What has changed") < text.index("## Trigger")
    lint = markdownlint(project / "output" / "new.md")
    assert (lint.returncode, lint.stdout, lint.stderr) == (0, "", "")


def test_the_diff_report_in_markdown_passes_markdownlint(project: Path, run: Run) -> None:
    editions(project)
    # a section for a job summary or a comment, not a document of its own: linted under a document's title
    report = run("diff", "old.yaml", "new.yaml", "--format", "markdown").stdout
    (project / "report.md").write_text("# Job summary\n\n" + report, encoding="utf-8")
    lint = markdownlint(project / "report.md")
    assert (lint.returncode, lint.stdout, lint.stderr) == (0, "", "")


def test_the_box_in_html(project: Path, run: Run) -> None:
    from helpers import parse_html

    editions(project)
    assert run("render", "new.yaml", "--format", "html").exit_code == 0
    root = parse_html((project / "output" / "new.html").read_text(encoding="utf-8"))
    [box] = [n for n in root.iter("section") if "changes" in n.classes()]
    assert box.find("h2").text() == "What has changed"  # type: ignore[union-attr]
    assert box.find("time").get("datetime") == "2025-11-21"  # type: ignore[union-attr]
    assert [li.text() for li in box.iter("li")] == [SENTENCE]
    assert [em.text() for em in box.iter("em")] == ["Fuel shortages"]
    h2 = [n.text() for n in root.iter("h2")]
    assert h2.index("Bottom line up front") + 1 == h2.index("What has changed")
    meta = root.find("dl")
    assert meta is not None
    terms = [(dt.text(), dd.text()) for dt, dd in zip(meta.iter("dt"), meta.iter("dd"), strict=True)]
    assert terms[:2] == [("Date", "28 November 2025"), ("Edition", "2")]
    running = next(n for n in root.iter("p") if "page-running" in n.classes())
    assert running.text().endswith("Edition 2 · 28 November 2025")


def test_the_box_and_the_edition_in_the_pdf(project: Path, run: Run) -> None:
    from helpers import page_texts

    editions(project)
    assert run("render", "new.yaml", "--format", "pdf").exit_code == 0
    pages = page_texts(project / "output" / "new.pdf")
    text = " ".join(" ".join(pages).split())
    assert "What has changed" in text and "Since the previous edition, of 21 November 2025:" in text
    assert SENTENCE in text
    assert text.index("Bottom line up front") < text.index("What has changed") < text.index(SENTENCE)
    assert "Edition 2" in " ".join(pages[0].split())
    if len(pages) > 1:  # the running header of the later pages
        assert "Edition 2 · 28 November 2025" in " ".join(pages[1].split())


def test_no_changes_of_substance(project: Path, run: Run) -> None:
    write_tree(project, {"old.yaml": MINIMAL, "new.yaml": MINIMAL + "previous: old.yaml\n"})
    assert run("render", "new.yaml", "--format", "md").exit_code == 0
    text = (project / "output" / "new.md").read_text(encoding="utf-8")
    assert "No changes of substance since the previous edition, of 28 November 2025." in text


def test_no_box_and_no_edition_without_a_previous_edition(project: Path, run: Run) -> None:
    write_tree(project, {"a.yaml": MINIMAL})
    assert run("render", "a.yaml", "--format", "md").exit_code == 0
    text = (project / "output" / "a.md").read_text(encoding="utf-8")
    assert "What has changed" not in text and "Edition" not in text


@pytest.mark.parametrize(
    ("files", "number"),
    [
        ({"e1.yaml": MINIMAL, "e2.yaml": MINIMAL + "previous: e1.yaml\n"}, 2),
        (
            {
                "e1.yaml": MINIMAL,
                "e2.yaml": MINIMAL + "previous: e1.yaml\n",
                "e3.yaml": MINIMAL + "previous: e2.yaml\n",
            },
            3,
        ),
        ({"e4.yaml": MINIMAL + "edition: 4\n", "e5.yaml": MINIMAL + "previous: e4.yaml\n"}, 5),
        ({"e1.yaml": MINIMAL, "e7.yaml": MINIMAL + "previous: e1.yaml\nedition: 7\n"}, 7),
    ],
)
def test_the_edition_number_is_counted_along_the_chain(
    project: Path, run: Run, files: dict[str, str], number: int
) -> None:
    write_tree(project, files)
    last = sorted(files)[-1]
    assert run("render", last, "--format", "md").exit_code == 0
    assert f"- Edition: {number}\n" in (project / "output" / last.replace(".yaml", ".md")).read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_previous_edition_that_is_invalid_is_located(project: Path, run: Run, command: str) -> None:
    write_tree(project, {"old.yaml": MINIMAL + "status: done\n", "new.yaml": MINIMAL + "previous: old.yaml\n"})
    result = run(command, "new.yaml", *(["--format", "md"] if command == "render" else []))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "new.yaml:7:11: previous: the previous edition old.yaml is not valid (its problems follow)",
        "old.yaml:7:9: status: expected one of draft, final; got 'done'",
    ]


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_missing_previous_edition_is_one_line(project: Path, run: Run, command: str) -> None:
    write_tree(project, {"new.yaml": MINIMAL + "previous: gone.yaml\n"})
    result = run(command, "new.yaml", *(["--format", "md"] if command == "render" else []))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "new.yaml:7:11: previous: cannot use the previous edition gone.yaml: "
        "cannot read file: No such file or directory"
    )


def test_a_previous_edition_outside_the_project_is_refused(project: Path, run: Run) -> None:
    write_tree(project.parent, {"outside.yaml": MINIMAL})
    write_tree(project, {"briefgen.toml": "", "new.yaml": MINIMAL + "previous: ../outside.yaml\n"})
    result = run("render", "new.yaml", "--format", "md")
    assert result.exit_code == 1
    assert "refused: a previous edition must lie inside the project" in result.stderr


def test_a_changed_previous_edition_rebuilds_the_brief(project: Path, run: Run) -> None:
    editions(project / "editions")
    write_tree(project, {"briefgen.toml": ""})  # the project holds both folders
    (project / "briefs").mkdir()
    new = (project / "editions" / "new.yaml").read_text(encoding="utf-8")
    (project / "briefs" / "new.yaml").write_text(new.replace("old.yaml", "../editions/old.yaml"), encoding="utf-8")
    assert run("build", "--format", "md", "-q").exit_code == 0
    assert run("build", "--format", "md").stderr.splitlines()[-1].startswith("built 0, unchanged 1")
    old = project / "editions" / "old.yaml"
    old.write_text(old.read_text(encoding="utf-8").replace("possible", "unlikely"), encoding="utf-8")
    result = run("build", "--format", "md")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1].startswith("built 1")
    assert "raised from unlikely to likely" in (project / "output" / "new.md").read_text(encoding="utf-8")


def test_one_past_watch_item_of_a_final_brief_is_said_in_the_singular(
    project: Path, run: Callable[..., Result]
) -> None:
    extra = "status: final\nwatch_list:\n  - {title: Old news, indicator: Any word., by: 2000-01-01}\n"
    write_tree(project, {"briefs/b.yaml": brief(extra=extra)})
    result = run("validate", "--format", "json")
    assert "1 watch item is past its date ('Old news', 2000-01-01)" in result.stdout
    assert "update it in a new edition" in result.stdout and '"code": "new-edition-due"' in result.stdout
