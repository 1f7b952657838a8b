"""The fixtures every test may use: ``project`` (an empty project folder as the working folder), ``run`` (the
CLI in-process) and ``write_tree``; the helpers themselves live in helpers.py, loaded here as a plugin."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from briefgen.cli import main

# modest by default so the suite stays fast; HYPOTHESIS_PROFILE=deep for a long bug hunt
settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# the compiled templates' cache (template_labels.py) is the suite's own, not the user's ~/.cache/briefgen
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="briefgen-tests-")

pytest_plugins = ["helpers"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite expected-output files from the current output."
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/project, empty, as the working folder; no SOURCE_DATE_EPOCH, and CI set (one line per brief).

    A test module that needs briefs in it overrides this fixture, taking it as its argument.
    """
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("CI", "1")
    return root


@pytest.fixture
def run() -> Callable[..., Result]:
    """Invoke the briefgen CLI in-process; stdout and stderr stay separate."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), prog_name="briefgen", catch_exceptions=True)

    return invoke
