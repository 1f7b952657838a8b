"""Property tests: no input, however mangled, gets anything but located BriefgenError problems.

Example counts come from the Hypothesis profile in conftest.py (200 each); run
``HYPOTHESIS_PROFILE=deep pytest tests/test_fuzz.py`` for a longer hunt.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from helpers import MINIMAL, REAL_BRIEF
from hypothesis import given
from hypothesis import strategies as st

from briefgen.errors import BriefgenError, Problem
from briefgen.load import parse_source
from briefgen.model import Brief
from briefgen.validate import validate

REAL = REAL_BRIEF.read_bytes()
REAL_LINES = REAL.splitlines(keepends=True)
TODAY = dt.date(2025, 11, 28)

YAMLISH = ":-[]{}&*!|>'\"#%@`,?~\t\n\r \\/.0123456789abcdefxyz_<=\x00\x07\x85\u2028\ufeffé高"
FIELDS = [
    *Brief.model_fields,
    "name",
    "role",
    "text",
    "confidence",
    "likelihood",
    "impact",
    "indicator",
    "by",
    "of",
    "ask",
    "quote",
    "events",
    "themes",
    "body",
    "points",
    "actor",
    "url",
]
TOKENS = [
    *(f"{f}:" for f in FIELDS),
    *(f"{f}: " for f in FIELDS),
    "\n",
    "\n  ",
    "\n    ",
    "\n  - ",
    "- ",
    "  ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!x ",
    "|\n  ",
    ">-\n  ",
    "'",
    '"',
    "#",
    "---\n",
    "...\n",
    "? ",
    "~",
    "null",
    "no",
    "yes",
    "1:30",
    "012",
    "2025-11-28",
    "2025-02-30",
    "2012-09",
    "2012",
    "medium",
    "likely",
    "major",
    "watching",
    "[@x]",
    "[@bloomberg-2025-11-28]",
    "china",
    "france",
    "text",
    "\\u0007",
    "é",
]


def check_outcome(raw: bytes, name: str = "fuzz.yaml") -> None:
    """Load and validate; only BriefgenError may escape, and each problem must be located."""
    try:
        _, warnings = validate(parse_source(raw, name), today=TODAY)
    except BriefgenError as exc:
        assert exc.problems, "an error with nothing to say"
        for problem in exc.problems:
            assert_located(problem, raw, name)
        return
    for warning in warnings:
        assert warning.severity == "warning"
        assert_located(warning, raw, name)


def assert_located(problem: Problem, raw: bytes, name: str) -> None:
    assert isinstance(problem, Problem)
    assert problem.path == name
    assert problem.message
    assert "\n" not in str(problem)
    # every problem is about the file's content here (nothing is over the size limit), so it has a line
    assert problem.line >= 1, str(problem)
    assert problem.col >= 1, str(problem)
    lines = raw.decode("utf-8", errors="replace").splitlines()
    assert problem.line <= len(lines) + 1, str(problem)


@given(st.text(alphabet=YAMLISH, max_size=300))
def test_random_yamlish_text(text: str) -> None:
    check_outcome(text.encode("utf-8", errors="surrogatepass"))


@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_random_yaml_tokens(text: str) -> None:
    check_outcome(text.encode())


@given(st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    check_outcome(raw)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True),
    st.sampled_from(["", " ", "no", "1:30", "012", "2025-11-28", "2012-09", "medium", "china", "[@x]", "x" * 200]),
    st.text(max_size=20),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), children, max_size=5),
    ),
    max_leaves=25,
)


@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=12))
def test_random_structures(data: dict[str, Any]) -> None:
    """Well-formed YAML with the right field names in the wrong shapes exercises the model's messages."""
    base = yaml.safe_load(MINIMAL)
    base.update(data)
    check_outcome(yaml.safe_dump(base, allow_unicode=True, sort_keys=False).encode())


@st.composite
def mutated_brief(draw: st.DrawFn) -> bytes:
    lines = list(REAL_LINES)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert", "bytes", "cut"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(j, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = draw(st.sampled_from([b" ", b"  ", b"\t", b"    "])) + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i].lstrip(b" ")
        elif kind == "insert":
            lines.insert(i, draw(st.sampled_from(TOKENS)).encode() + b"\n")
        elif kind == "bytes":
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.binary(min_size=1, max_size=3)) + line[at:]
        else:  # cut the file somewhere
            lines = lines[: max(i, 1)]
        if not lines:
            lines = [b"\n"]
    return b"".join(lines)


@given(mutated_brief())
def test_mutations_of_the_real_brief(raw: bytes) -> None:
    check_outcome(raw, "briefs/china-france-japan-2025-11.yaml")


@given(st.integers(0, len(REAL) - 1), st.binary(min_size=1, max_size=2))
def test_single_byte_edits_of_the_real_brief(at: int, data: bytes) -> None:
    check_outcome(REAL[:at] + data + REAL[at + 1 :])


def test_real_brief_itself_passes_the_property() -> None:
    check_outcome(REAL)
