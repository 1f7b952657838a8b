"""Every broken input in tests/cases/broken/ gets its exact diagnostics, exit 1 and no traceback.

Each case is a ``.yaml`` file or a folder; ``<name>.expected`` beside it holds the exact stderr of
``briefgen validate <name>`` run from that folder. Run ``pytest --update-golden`` to rewrite them
after an intended change of wording, then read the diff.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import CASES, MINIMAL

BROKEN = CASES / "broken"
CASE_NAMES = sorted(p.name for p in BROKEN.iterdir() if p.suffix == ".yaml" or p.is_dir())


def test_there_is_a_case_for_every_bad_input() -> None:
    expected = {p.stem for p in BROKEN.glob("*.expected")}
    cases = {Path(name).stem for name in CASE_NAMES}
    assert cases == expected, "each case needs a .expected file and vice versa"
    assert len(cases) >= 40


@pytest.mark.parametrize("name", CASE_NAMES)
def test_broken_case(
    name: str, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.chdir(BROKEN)
    result = run("validate", name)
    golden = BROKEN / f"{Path(name).stem}.expected"
    if request.config.getoption("--update-golden"):
        golden.write_text(result.stderr, encoding="utf-8")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines() == golden.read_text(encoding="utf-8").splitlines()
    assert result.stdout == ""
    assert result.exit_code == 1


def test_file_over_size_limit(tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    # generated here rather than committed: 3 MiB of valid YAML (a long comment)
    big = tmp_path / "big.yaml"
    big.write_text(MINIMAL + "# " + "x" * (3 * 1024 * 1024) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("validate", "big.yaml")
    assert result.stderr.splitlines() == [
        "big.yaml: file is 3.0 MiB; a brief may be at most 2 MiB",
        "FAILED: 1 of 1 brief failed, 1 error, 0 warnings",
    ]
    assert result.exit_code == 1


def test_file_just_under_size_limit_is_read(project: Path, run: Callable[..., Result]) -> None:
    ok = project / "ok.yaml"
    ok.write_text(MINIMAL + "# " + "x" * (2 * 1024 * 1024 - len(MINIMAL) - 3) + "\n", encoding="utf-8")
    assert ok.stat().st_size == 2 * 1024 * 1024
    result = run("validate", str(ok))
    assert result.exit_code == 0, result.stderr


def test_whole_folder_reports_every_file(run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    """Validating the whole folder reports the problems of every case, not only the first file's."""
    monkeypatch.chdir(BROKEN)
    result = run("validate", ".")
    assert result.exit_code == 1
    lines = set(result.stderr.splitlines())
    for name in CASE_NAMES:
        if name in ("no-briefs", "duplicate-brief-ids"):
            continue  # depend on being the only thing validated
        expected = (BROKEN / f"{Path(name).stem}.expected").read_text(encoding="utf-8").splitlines()
        for line in expected[:-1]:  # the last line is the per-run summary
            assert line in lines, f"{name}: {line}"
    assert "Traceback" not in result.output
