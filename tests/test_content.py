"""What validation checks beyond the schema (briefgen/content.py): a brief that validates also renders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import PNG, brief, write_tree

from briefgen.content import TOO_DEEP
from briefgen.markdown import MAX_NESTING
from briefgen.markdown_depth import too_deep_inline

Run = Callable[..., Result]
DEEP_STRONG = "**" * 200 + "x" + "**" * 200  # exhausted the Markdown renderer's recursion while validate passed


@pytest.mark.parametrize("levels", [MAX_NESTING - 2, MAX_NESTING - 1, 200])
def test_emphasis_deeper_than_the_limit_is_too_deep(levels: int) -> None:
    text = "".join(f"*a{i} " for i in range(levels)) + "x" + "".join(f" b{i}*" for i in range(levels))
    assert too_deep_inline(text) == (levels > MAX_NESTING - 2)
    assert not too_deep_inline("*" * 400)  # a row of stars is no nesting at all


@pytest.mark.parametrize(
    "command", [("validate",), ("build", "--format", "md", "-j", "1"), ("render", "--format", "md")]
)
def test_what_render_would_refuse_validate_refuses_first(project: Path, run: Run, command: tuple[str, ...]) -> None:
    write_tree(project, {"briefs/deep.yaml": brief("Deep", f'sections:\n  - title: S\n    body: "{DEEP_STRONG}"\n')})
    target = "briefs/deep.yaml" if command[0] == "render" else "briefs"
    result = run(*command, target)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"briefs/deep.yaml:9:11: sections[0].body: {TOO_DEEP}" in result.stderr.splitlines()
    assert not (project / "output" / "deep.md").exists()


def test_validate_reads_the_images_a_render_would(project: Path, run: Run) -> None:
    write_tree(project.parent, {"secret.png": PNG})
    good = brief("Good", "sections:\n  - title: Map\n    body: '![a map](map.png)'\n")
    bad = brief("Bad", "sections:\n  - title: Map\n    body: 'See ![a map](../../secret.png) here'\n")
    write_tree(project, {"briefs/good.yaml": good, "briefs/map.png": PNG, "briefs/bad.yaml": bad})
    result = run("validate")
    assert result.exit_code == 1
    [problem] = [line for line in result.stderr.splitlines() if line.startswith("briefs/bad.yaml")]
    assert problem.startswith("briefs/bad.yaml:9:25: sections[0].body: resource '../../secret.png' refused")
    assert result.stderr.splitlines()[-1] == "FAILED: 1 of 2 briefs failed, 1 error, 0 warnings"
