"""Shared helpers: a file-tree writer, a minimal valid brief and a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from briefgen.cli import main

# modest by default so the suite stays fast; HYPOTHESIS_PROFILE=deep for a long bug hunt
settings.register_profile("default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parent.parent
BRIEFS = REPO / "briefs"
REAL_BRIEF = BRIEFS / "china-france-japan-2025-11.yaml"
CASES = Path(__file__).resolve().parent / "cases"

# The smallest brief that validates: the four required fields and nothing else.
MINIMAL = """\
title: A minimal brief
date: 2025-11-28
summary: The bottom line.
trigger:
  title: What happened
  summary: It happened.
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite expected-output files from the current output."
    )


def brief_text(extra: str = "") -> str:
    """Return MINIMAL with ``extra`` YAML appended (top-level fields, starting on line 7)."""
    return MINIMAL + extra


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root``; return ``root``."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(name="write_tree")
def write_tree_fixture() -> Callable[[Path, Mapping[str, str | bytes]], Path]:
    return write_tree


@pytest.fixture
def run() -> Callable[..., Result]:
    """Invoke the briefgen CLI in-process; stdout and stderr stay separate."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), prog_name="briefgen", catch_exceptions=True)

    return invoke
