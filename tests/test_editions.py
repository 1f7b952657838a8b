"""Editions of a brief: stable item ids (unique in their lists), and a final brief's past watch dates told once,
as a prompt for a new edition, where a draft has a warning per item."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import MINIMAL, REAL_BRIEF, brief, write_tree

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
