"""atheris fuzz target for the loader and validator: any bytes in, a Brief or BriefgenError out.

Run through `make fuzz` (bounded time). A crash found here is saved by atheris as crash-<hash>; add it to
fuzz/regressions/, where tests/test_fuzz_regressions.py replays every file on each test run.
"""

from __future__ import annotations

import datetime as dt
import sys

import atheris

with atheris.instrument_imports():
    from briefgen.errors import BriefgenError
    from briefgen.load import parse_source
    from briefgen.validate import validate

TODAY = dt.date(2026, 1, 1)


def check_one(data: bytes) -> None:
    """The property: loading and validating never raises anything but BriefgenError, and problems are located."""
    try:
        source = parse_source(data, "fuzz.yaml")
        validate(source, today=TODAY)
    except BriefgenError as exc:
        for problem in exc.problems:
            assert problem.path == "fuzz.yaml", problem
            assert problem.line >= 1 and problem.col >= 1, problem
            assert "\n" not in str(problem), problem


def main() -> None:
    atheris.Setup(sys.argv, check_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
