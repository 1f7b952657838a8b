"""briefgen installed from a wheel (as docs/own-repository.md installs it) finds its default templates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # from a copy: a checkout's own build/ folder may hold modules that no longer exist
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("briefgen", "templates"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        cwd=out,
        env={**os.environ, "PIP_NO_INDEX": "1"},
        timeout=300,
    )
    (found,) = out.glob("briefgen-*.whl")
    return found


def test_the_wheel_carries_every_default_template(wheel: Path) -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "templates"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert "templates/brief.html.j2" in tracked
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"briefgen/{name}" for name in tracked} <= names


def test_the_wheel_carries_every_module_of_the_package(wheel: Path) -> None:
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "briefgen").rglob("*.py")}
    assert "briefgen/formats/pdf.py" in modules
    packed = {n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".py")}
    assert packed == modules


def test_an_installed_wheel_renders_and_starts_briefs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}

    def briefgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "briefgen", *args], cwd=work, env=env, capture_output=True, text=True, timeout=120
        )

    where = subprocess.run(
        [sys.executable, "-c", "import briefgen.defaults as d; print(d.__file__); print(d.TEMPLATES_DIR)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where == [str(target / "briefgen/defaults.py"), str(target / "briefgen/templates")]

    made = briefgen("new", "installed-brief")
    assert made.returncode == 0, made.stderr
    checked = briefgen("validate", "briefs/installed-brief.yaml")
    assert checked.returncode == 0, checked.stderr
    assert "Installed brief" in (work / "briefs/installed-brief.yaml").read_text(encoding="utf-8")

    example = str(ROOT / "briefs/example-port-strike.yaml")
    done = briefgen("render", example, "--format", "html,md", "--out", "installed")
    assert done.returncode == 0, done.stderr
    # the same command from the checkout, in the same folder (so the same, absent, briefgen.toml)
    env.pop("PYTHONPATH")
    done = briefgen("render", example, "--format", "html,md", "--out", "checkout")
    assert done.returncode == 0, done.stderr
    for name in ("example-port-strike.html", "example-port-strike.md"):
        assert (work / "installed" / name).read_bytes() == (work / "checkout" / name).read_bytes()


def test_the_wheel_carries_the_message_catalogues(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    catalogues = {p.relative_to(ROOT).as_posix() for p in (ROOT / "briefgen/locales").rglob("*.po")}
    assert "briefgen/locales/fr/LC_MESSAGES/briefgen.po" in catalogues
    assert catalogues | {"briefgen/locales/briefgen.pot"} <= names
