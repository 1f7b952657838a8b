"""Replay the fuzzing seeds and every crash atheris found (fuzz/regressions/) through the loader and validator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.load import parse_source
from briefgen.validate import validate

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"
CASES = sorted(p for folder in ("corpus", "regressions") for p in (FUZZ / folder).iterdir() if p.name != ".gitkeep")


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fuzz_case_gives_a_brief_or_located_problems(case: Path) -> None:
    try:
        validate(parse_source(case.read_bytes(), "fuzz.yaml"), today=dt.date(2026, 1, 1))
    except BriefgenError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1, problem
            assert "\n" not in str(problem), problem


def test_the_seed_corpus_holds_a_valid_brief_and_broken_ones() -> None:
    outcomes = []
    for case in CASES:
        try:
            validate(parse_source(case.read_bytes(), "fuzz.yaml"), today=dt.date(2026, 1, 1))
            outcomes.append("valid")
        except BriefgenError:
            outcomes.append("invalid")
    assert "valid" in outcomes and "invalid" in outcomes
