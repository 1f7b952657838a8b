"""Editions in git: `briefgen diff REV:PATH PATH`, `--since REV` for every brief changed since REV (diff, render,
build), `previous: REV:PATH` in a brief, and a bad revision or path told in one located line."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import MINIMAL, brief, write_tree

Run = Callable[..., Result]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

RISK = "risks:\n  - id: fuel\n    title: Fuel shortages\n    likelihood: {}\n    impact: major\n"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture
def repo(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with two briefs committed; then one edited, one added, one left alone."""
    for key, value in {
        "GIT_AUTHOR_NAME": "Desk",
        "GIT_AUTHOR_EMAIL": "desk@example.org",
        "GIT_COMMITTER_NAME": "Desk",
        "GIT_COMMITTER_EMAIL": "desk@example.org",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)
    git(project, "init", "-q", "-b", "main")
    write_tree(project, {"briefs/a.yaml": brief("Brief A", RISK.format("possible")), "briefs/b.yaml": MINIMAL})
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "first editions")
    write_tree(project, {"briefs/a.yaml": brief("Brief A", RISK.format("likely")), "briefs/c.yaml": MINIMAL})
    git(project, "add", "briefs/c.yaml")  # a new brief, staged
    return project


CHANGE = "Likelihood of “Fuel shortages” raised from possible to likely (severity still high)"


def test_diff_rev_path_against_the_working_file(repo: Path, run: Run) -> None:
    result = run("diff", "HEAD:briefs/a.yaml", "briefs/a.yaml")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (f"briefs/a.yaml: since HEAD:briefs/a.yaml (28 November 2025): 1 change\n  - {CHANGE}\n")


def test_since_reports_every_brief_changed_since_the_revision(repo: Path, run: Run) -> None:
    result = run("diff", "--since", "HEAD")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "briefs/a.yaml: since HEAD:./briefs/a.yaml (28 November 2025): 1 change",
        f"  - {CHANGE}",
        "briefs/c.yaml: a new brief (not in HEAD:./briefs/c.yaml): A minimal brief",
    ]
    found = json.loads(run("diff", "--since", "HEAD", "--format", "json").stdout)
    assert [(c["path"], c["section"], c["change"]) for c in found] == [
        ("briefs/a.yaml", "risks", "modified"),
        ("briefs/c.yaml", "brief", "added"),
    ]


def test_since_markdown_for_the_job_summary(repo: Path, run: Run) -> None:
    text = run("diff", "--since", "HEAD", "--format", "markdown").stdout
    assert text.startswith("## What has changed in the briefs\n\n### Brief A\n\n")
    assert "- Likelihood of *Fuel shortages* raised from possible to likely (severity still high)\n" in text


def test_since_a_revision_with_no_brief_changed(repo: Path, run: Run) -> None:
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "second editions")
    result = run("diff", "--since", "HEAD", "--format", "markdown")
    assert (result.exit_code, result.stdout) == (
        0,
        "## What has changed in the briefs\n\nNo brief changed since `HEAD`.\n",
    )
    assert run("diff", "--since", "HEAD").stdout == "no brief changed since HEAD\n"


def test_render_since_shows_the_box(repo: Path, run: Run) -> None:
    assert run("render", "briefs/a.yaml", "--since", "HEAD", "--format", "md").exit_code == 0
    text = (repo / "output" / "a.md").read_text(encoding="utf-8")
    assert "## What has changed\n\nSince the previous edition, of 28 November 2025:\n" in text
    assert "- Edition: 2\n" in text


def test_build_since_shows_the_box_and_a_new_brief_has_none(repo: Path, run: Run) -> None:
    result = run("build", "--since", "HEAD", "--format", "md", "-q")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "## What has changed" in (repo / "output" / "a.md").read_text(encoding="utf-8")
    assert "What has changed" not in (repo / "output" / "c.md").read_text(encoding="utf-8")
    assert "## What has changed\n\nNo changes of substance" in (repo / "output" / "b.md").read_text(encoding="utf-8")


def test_previous_may_name_a_revision(repo: Path, run: Run) -> None:
    text = (repo / "briefs" / "a.yaml").read_text(encoding="utf-8")
    (repo / "briefs" / "a.yaml").write_text(text + "previous: HEAD:briefs/a.yaml\n", encoding="utf-8")
    assert run("render", "briefs/a.yaml", "--format", "md").exit_code == 0
    assert f"- {CHANGE}".replace("“", "*").replace("”", "*") in (repo / "output" / "a.md").read_text(encoding="utf-8")


def test_a_bad_revision_is_one_located_line(repo: Path, run: Run) -> None:
    result = run("diff", "nosuch:briefs/a.yaml", "briefs/a.yaml")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("nosuch:briefs/a.yaml: cannot read it from git: ")
    assert "Traceback" not in result.output
    [line] = run("diff", "--since", "nosuch").stderr.splitlines()
    assert line.startswith("nosuch: cannot read it from git: ")


def test_a_path_missing_in_the_revision_is_one_located_line(repo: Path, run: Run) -> None:
    result = run("diff", "HEAD:briefs/c.yaml", "briefs/c.yaml")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("HEAD:briefs/c.yaml: cannot read it from git: ")


def test_an_invalid_edition_in_git_is_located_at_its_line(repo: Path, run: Run) -> None:
    write_tree(repo, {"briefs/a.yaml": MINIMAL + "status: done\n"})
    git(repo, "commit", "-q", "-am", "broken")
    write_tree(repo, {"briefs/a.yaml": MINIMAL})
    result = run("diff", "HEAD:briefs/a.yaml", "briefs/a.yaml")
    assert (result.exit_code, result.stderr) == (
        1,
        "HEAD:briefs/a.yaml:7:9: status: expected one of draft, final; got 'done'\n",
    )


@pytest.mark.parametrize("argv", [["-x:briefs/a.yaml", "briefs/a.yaml"], ["--since=--output=x"]])
def test_a_revision_that_looks_like_an_option_is_refused(repo: Path, run: Run, argv: list[str]) -> None:
    result = run("diff", "--", *argv) if not argv[0].startswith("--since") else run("diff", *argv)
    assert result.exit_code == 1
    assert "refused: a git revision cannot start with '-'" in result.stderr
    assert not (repo / "x").exists()


def test_outside_a_repository_since_is_one_line(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = run("diff", "--since", "HEAD")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("HEAD: cannot read it from git: ")


def test_render_since_a_bad_revision_is_one_line(repo: Path, run: Run) -> None:
    result = run("render", "briefs/a.yaml", "--since", "nosuch", "--format", "md")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("nosuch:./a.yaml: cannot read it from git: ")
    assert not (repo / "output" / "a.md").exists()


def test_the_edition_number_counts_back_through_the_revision(repo: Path, run: Run) -> None:
    """The edition at REV names its own previous edition, a file beside it in that revision: this is the third."""
    write_tree(repo, {"briefs/e1.yaml": MINIMAL, "briefs/d.yaml": MINIMAL + "previous: e1.yaml\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "second edition of d")
    write_tree(repo, {"briefs/d.yaml": MINIMAL.replace("The bottom line.", "A new bottom line.")})
    assert run("render", "briefs/d.yaml", "--since", "HEAD", "--format", "md").exit_code == 0
    text = (repo / "output" / "d.md").read_text(encoding="utf-8")
    assert "- Edition: 3\n" in text
    assert "- Bottom line up front reworded\n" in text
