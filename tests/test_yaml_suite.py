"""The official YAML test suite through the loader: no crash, nothing that YAML refuses accepted, nothing accepted
with other data than the suite's, every refusal located in the file.

briefgen reads a part of YAML on purpose: a mapping at the root, every scalar kept as the text typed, no anchors,
aliases, tags, complex keys or second document. So a valid case may be refused by those rules, or because
libyaml cannot read it; what is accepted must mean what the suite says it means. The suite's cases (the data of
github.com/yaml/yaml-test-suite, ``src/*.yaml``) live beside the repository in ../shared/yaml-test-suite; CI has
them, a fresh machine may not.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from helpers import REPO

from briefgen.errors import BriefgenError, Problem
from briefgen.load import parse_source

SUITE = REPO.parent / "shared" / "yaml-test-suite" / "src"
if not SUITE.is_dir():
    pytest.skip(f"the YAML test suite is not at {SUITE}", allow_module_level=True)


@dataclass(frozen=True)
class Case:
    id: str
    yaml: str
    tree: str | None  # the suite's event stream, whose scalars are the text a brief keeps
    json: str | None
    fail: bool


def unescape(text: str) -> str:
    """The suite's visible markers (its ReadMe, and bin/YAMLTestSuite.pm) as the characters they stand for."""
    text = text.replace("␣", " ").replace("←", "\r").replace("⇔", "\ufeff").replace("↵", "")
    text = re.sub("—*»", "\t", text)
    return re.sub("∎\n\\Z", "", text)


def load_cases() -> list[Case]:
    """Every case; a file's later cases take what they leave out from the one before (but not ``fail``), and
    a file whose first case says ``skip`` is left out, as the suite's own tools do."""
    cases = []
    for path in sorted(SUITE.glob("*.yaml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        if entries[0].get("skip"):
            continue
        kept: dict[str, str] = {}
        for number, entry in enumerate(entries):
            for key in ("yaml", "tree", "json"):
                if key in entry and entry[key] is None:  # said to have none, unlike the case before
                    kept.pop(key, None)
                elif key in entry:
                    kept[key] = entry[key]
            tree = unescape(kept["tree"]) if "tree" in kept else None
            name = path.stem if len(entries) == 1 else f"{path.stem}-{number:02d}"
            cases.append(Case(name, unescape(kept["yaml"]), tree, kept.get("json"), bool(entry.get("fail"))))
    return cases


CASES = load_cases()


def outcome(case: Case) -> tuple[Any, list[Problem]]:
    """The data of an accepted case, or the problems of a refused one; anything else escapes."""
    try:
        return parse_source(case.yaml.encode("utf-8"), "case.yaml").data, []
    except BriefgenError as exc:
        assert exc.problems, "a refusal says why"
        return None, exc.problems


def libyaml_accepts(text: str) -> bool:
    try:
        for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
            pass
    except yaml.YAMLError:
        return False
    return True


# --- what an accepted case must mean: its tree, scalars as typed; its JSON, scalars typed by YAML's core schema

_TREE_ESCAPES = {"\\\\": "\\", "\\n": "\n", "\\t": "\t", "\\r": "\r", "\\b": "\b", "\\0": "\0"}
_NULLS = {"", "~", "null", "Null", "NULL"}


def tree_data(tree: str) -> Any:
    """The data the suite's event stream describes, as briefgen builds it; AssertionError on what a brief may not
    use (anchors, aliases, tags, a second document)."""
    stack: list[Any] = [[]]  # a list holding the root
    keys: list[Any] = [None]
    for line in (line.lstrip() for line in tree.splitlines()):  # a value may end in spaces
        kind, _, rest = line.partition(" ")
        assert kind in ("+STR", "-STR", "+DOC", "-DOC", "+MAP", "-MAP", "+SEQ", "-SEQ", "=VAL"), line
        assert not re.match(r"[&<]", rest), f"a brief may not use anchors or tags: {line}"
        if kind in ("+MAP", "+SEQ", "=VAL"):
            node: Any = {} if kind == "+MAP" else [] if kind == "+SEQ" else tree_scalar(rest)
            parent = stack[-1]
            if isinstance(parent, list):
                parent.append(node)
            elif keys[-1] is None:
                assert isinstance(node, str) or node is None, f"a key must be text: {line}"
                keys[-1] = rest[1:] if node is None else node  # a key keeps its text, "" or "~" alike
            else:
                parent[keys[-1]], keys[-1] = node, None
            if kind != "=VAL":
                stack.append(node)
                keys.append(None)
        elif kind in ("-MAP", "-SEQ"):
            stack.pop()
            keys.pop()
    assert len(stack[0]) == 1, "one document"
    return stack[0][0]


def tree_scalar(rest: str) -> str | None:
    style, text = rest[:1], rest[1:]
    text = text.replace("<SPC>", " ").replace("<TAB>", "\t")
    text = re.sub(r"\\.", lambda m: _TREE_ESCAPES[m.group()], text)  # KeyError: an escape to learn
    return None if style == ":" and text in _NULLS else text


def same_as_json(data: Any, expected: Any) -> bool:
    """Whether briefgen's data is the suite's JSON, a scalar typed in YAML's core schema matching its text."""
    if isinstance(expected, dict):
        return (
            isinstance(data, dict)
            and data.keys() == expected.keys()
            and all(same_as_json(data[key], value) for key, value in expected.items())
        )
    if isinstance(expected, list):
        return isinstance(data, list) and len(data) == len(expected) and all(map(same_as_json, data, expected))
    if expected is None or isinstance(expected, str):
        return data == expected
    if isinstance(expected, bool):
        return data in ({"true", "True", "TRUE"} if expected else {"false", "False", "FALSE"})
    return isinstance(data, str) and core_number(data) == expected


def core_number(text: str) -> float | None:
    if re.fullmatch(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", text):
        return float(text)
    return None


def json_documents(text: str) -> list[Any]:
    decoder, found, at = json.JSONDecoder(), [], 0
    while text[at:].strip():
        at = len(text) - len(text[at:].lstrip())
        value, at = decoder.raw_decode(text, at)
        found.append(value)
    return found


# --- the tests


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case) -> None:
    data, problems = outcome(case)
    if problems:
        lines = case.yaml.split("\n")
        for problem in problems:  # at a place the writer can find in the file
            assert 1 <= problem.line <= len(lines), str(problem)
            assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, str(problem)
        return
    assert not case.fail, f"accepted what YAML refuses: {case.yaml!r}"
    assert case.tree is not None
    assert data == tree_data(case.tree)
    if case.json is not None:
        documents = json_documents(case.json)
        assert len(documents) == 1
        assert same_as_json(data, documents[0]), documents[0]


# what libyaml accepts and YAML 1.2 refuses, or reads otherwise, and a brief could hold: refused where it is
LIBYAML_LAX = {
    "SU5Z": "case.yaml:1:13: invalid YAML: '# invalid comment' right after the closing quote would be lost: put a"
    " space before '#' to start a comment, or put the '#' inside the quotes",
    "X4QW": "case.yaml:1:9: invalid YAML: '# comment' right after '>' would be lost: put a space before '#' to start"
    " a comment",
    "9C9N": "case.yaml:3:1: invalid YAML: the '[' list from line 2 goes on in this line, which must be indented"
    " further than its key (or '-')",
    "QB6E": "case.yaml:3:1: invalid YAML: the quoted text from line 2 goes on in this line, which must be indented"
    " further than its key (or '-')",
    "DK95-01": "case.yaml:2:1: invalid YAML: the quoted text from line 1 goes on in this line, which must be indented"
    " further than its key (or '-'); a tab does not count as indentation",
    "S98Z": "case.yaml:3:2: invalid YAML: this line of spaces is longer than the indentation of line 5, the first"
    " line of the text under '>'; remove the spaces",
    "652Z": "case.yaml:1:3: invalid YAML: inside '{...}', '?' before text is dropped as a key marker; put the text"
    " in quotes",
    "L24T-01": "case.yaml:3:1: invalid YAML: the file ends, with no line break, in a line of spaces inside the text"
    " under '|'; remove the spaces or end the file with a line break",
}


@pytest.mark.parametrize(("name", "message"), LIBYAML_LAX.items(), ids=LIBYAML_LAX.keys())
def test_what_libyaml_lets_pass_is_refused_where_it_is(name: str, message: str) -> None:
    case = next(case for case in CASES if case.id == name)
    assert libyaml_accepts(case.yaml)
    assert [str(problem) for problem in outcome(case)[1]] == [message]


def test_counts() -> None:
    """The figures the README gives: how the suite's cases fare."""
    counts: Counter[str] = Counter()
    for case in CASES:
        problems = outcome(case)[1]
        if not problems:
            counts["accepted, same data"] += 1
        elif not libyaml_accepts(case.yaml):
            counts["refused as libyaml refuses them"] += 1
        elif problems[0].message.startswith("invalid YAML:"):
            counts["refused where libyaml is laxer than YAML 1.2"] += 1
        else:
            counts["refused by briefgen's rules"] += 1
    assert len(CASES) == sum(counts.values()) == 402
    assert counts == {
        "accepted, same data": 73,
        "refused by briefgen's rules": 187,
        "refused where libyaml is laxer than YAML 1.2": 13,
        "refused as libyaml refuses them": 129,
    }
