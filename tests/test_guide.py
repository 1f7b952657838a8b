"""docs/own-repository.md followed literally: every shell command of its ```sh blocks run in order in an empty
folder, and every file it says to save saved where it says, failing at the first step that fails.

Offline and in seconds: the steps that need the network or root are skipped by an explicit list below, and
installing briefgen (a venv, then pip install from Git or a clone) is replaced by a `.venv/` folder of links to
the parts of this checkout's `.venv` (bin, lib, pyvenv.cfg): `.venv/bin/briefgen` and `.venv/bin/python` are
then this checkout's code with its dependencies, as a real install would give. Installing the package itself
(the wheel, with its templates) is tested by test_packaging.py.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from helpers import REPO

GUIDE = REPO / "docs" / "own-repository.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)

# Steps not run here, each with why; every one must be in the guide (a renamed step fails the test).
SKIPPED = {
    "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "
    "fonts-noto-core fonts-noto-cjk fonts-dejavu-core": "root and Debian's mirrors (the packages are here already)",
    "git remote add origin https://github.com/OWNER/team-briefs.git": "GitHub",
    "git push -u origin main": "GitHub",
    "pre-commit install": "pre-commit fetches the hook's repository from GitHub",
}
# Steps replaced by what they amount to here (see the module's docstring).
VENV = "mkdir .venv && " + " && ".join(
    f"ln -s {shlex.quote(str(REPO / '.venv' / part))} .venv/{part}" for part in ("bin", "lib", "pyvenv.cfg")
)
REPLACED = {
    "python3 -m venv .venv": VENV,
    '.venv/bin/pip install "briefgen @ git+https://github.com/OWNER/briefgen@COMMIT"': "true",
    ".venv/bin/pip install ../briefgen": "true",
}
# The files the guide says to save, by how their block starts.
SAVED = {
    "organisation = ": "briefgen.toml",
    "name: publish\n": ".github/workflows/publish.yml",
    "repos:\n": ".pre-commit-config.yaml",
}


def commands(block: str) -> list[str]:
    """The commands of a ```sh block: continuation lines joined, comments and blank lines left out."""
    joined = re.sub(r"\\\n\s*", "", block)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def steps() -> list[tuple[str, str]]:
    """The guide's steps in order: ("run", command) or ("save", path) with the block's text after it."""
    found: list[tuple[str, str]] = []
    for kind, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        if kind == "sh":
            found += [("run", command) for command in commands(body)]
        elif kind in ("yaml", "toml"):
            [path] = [path for start, path in SAVED.items() if body.startswith(start)]
            found.append(("save", f"{path}\n{body}"))
    return found


def script(folder: Path) -> str:
    """One bash script of the steps (run from ``folder``), each announced, stopping at the first that fails."""
    lines = ["set -euo pipefail", f"cd {shlex.quote(str(folder))}"]
    for number, (kind, step) in enumerate(steps(), 1):
        if kind == "save":
            path, body = step.split("\n", 1)
            lines += [f"echo {shlex.quote(f'step {number}: save {path}')} >&2", f'mkdir -p "$(dirname {path})"']
            lines.append(f"cat > {path} <<'GUIDE_EOF'\n{body}GUIDE_EOF")
        elif step not in SKIPPED:
            lines += [f"echo {shlex.quote(f'step {number}: {step}')} >&2", REPLACED.get(step, step)]
    return "\n".join(lines) + "\n"


def test_every_skipped_or_replaced_step_is_in_the_guide() -> None:
    run = [step for kind, step in steps() if kind == "run"]
    assert [step for step in [*SKIPPED, *REPLACED] if step not in run] == []
    assert len(run) > len(SKIPPED) + len(REPLACED)  # and most steps do run


def test_following_the_guide_literally(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),  # no one's git or pip configuration
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "A Writer",
        "GIT_AUTHOR_EMAIL": "writer@example.org",
        "GIT_COMMITTER_NAME": "A Writer",
        "GIT_COMMITTER_EMAIL": "writer@example.org",
        "CI": "1",
        "LANG": "C.UTF-8",
    }
    proc = subprocess.run(
        ["bash", "-c", script(tmp_path)], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    repo = tmp_path / "team-briefs"
    committed = subprocess.run(
        ["git", "ls-files"], cwd=repo, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert committed == [
        ".github/workflows/publish.yml",
        ".gitignore",
        "briefgen.toml",
        "briefs/q3-energy.yaml",
        "schema/brief.schema.json",
    ]
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=repo, env=env, capture_output=True)
    # built, and kept out of Git; the optional pre-commit set-up comes after the first commit
    assert status.stdout.decode().splitlines() == ["?? .pre-commit-config.yaml", "!! .venv/", "!! output/"]
    assert {"index.html", "q3-energy.pdf", "q3-energy.html", "q3-energy.md"} <= set(os.listdir(repo / "output"))
    # the editor's modeline leads to the schema the repository holds
    brief = repo / "briefs" / "q3-energy.yaml"
    modeline = brief.read_text(encoding="utf-8").splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=../schema/brief.schema.json"
    assert (brief.parent / modeline.split("$schema=", 1)[1]).resolve() == repo / "schema" / "brief.schema.json"


@pytest.mark.parametrize("step", ["git init -q -b main", "printf '.venv/\\noutput/\\n' > .gitignore"])
def test_the_guide_starts_the_repository_with_a_gitignore(step: str) -> None:
    assert ("run", step) in steps()


def test_the_guides_diff_examples_are_what_briefgen_prints(tmp_path: Path) -> None:
    """Step 8's sample output: the skeleton committed, then its risk raised and its watch item triggered."""
    import datetime as dt

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "A Writer",
        "GIT_AUTHOR_EMAIL": "writer@example.org",
        "GIT_COMMITTER_NAME": "A Writer",
        "GIT_COMMITTER_EMAIL": "writer@example.org",
        "LANG": "C.UTF-8",
    }
    briefgen = str(REPO / ".venv" / "bin" / "briefgen")

    def run(*args: str) -> str:
        return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout

    run("git", "init", "-q", "-b", "main")
    run(briefgen, "new", "q3-energy")
    run("git", "add", ".")
    run("git", "commit", "-q", "-m", "first")
    brief = tmp_path / "briefs" / "q3-energy.yaml"
    text = brief.read_text(encoding="utf-8").replace("likelihood: possible", "likelihood: likely")
    brief.write_text(text.replace("status: watching", "status: triggered"), encoding="utf-8")
    today = dt.date.today()
    shown = f"{today.day} {today:%B %Y}"
    blocks = dict(BLOCK.findall(GUIDE.read_text(encoding="utf-8")))
    for fmt, kind in (("text", "text"), ("markdown", "markdown")):
        printed = run(briefgen, "diff", "--since", "HEAD", "--format", fmt)
        assert printed.replace(shown, "28 November 2025") == blocks[kind]
