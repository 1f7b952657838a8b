"""The committed JSON Schema matches the models and accepts the real briefs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from helpers import BRIEFS, MINIMAL, REPO, brief

from briefgen.load import load_source, parse_source
from briefgen.model import brief_schema
from briefgen.skeleton import skeleton

SCHEMA_FILE = REPO / "schema" / "brief.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/brief.schema.json"
BRIEF_FILES = sorted(BRIEFS.glob("*.yaml"))


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return sorted(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data))


def test_committed_schema_matches_models(schema: dict[str, Any]) -> None:
    assert schema == brief_schema(), "schema/brief.schema.json is out of date: run `make schema`"


def test_committed_schema_is_what_the_command_prints() -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert text == json.dumps(brief_schema(), indent=2, ensure_ascii=False) + "\n", "run `make schema`"


def test_schema_basics(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"title", "date", "summary", "trigger"}


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2): numbers are numbers, dates stay text."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.mark.parametrize("path", BRIEF_FILES, ids=lambda p: p.name)
def test_briefs_validate_against_schema(path: Path, validator: jsonschema.Draft202012Validator) -> None:
    # parse_source keeps dates as the text typed, as an editor sees them, but numbers too (max_pages: 4, a
    # source's credibility: 2), which an editor reads as numbers: read the file as the editor does
    assert load_source(path).data  # and briefgen reads it
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)
    assert schema_errors(validator, data) == []


@pytest.mark.parametrize("path", BRIEF_FILES, ids=lambda p: p.name)
def test_briefs_start_with_schema_line(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


def test_skeleton_validates_against_schema(validator: jsonschema.Draft202012Validator) -> None:
    text = skeleton("a-brief", dt.date(2025, 11, 28))
    assert text.splitlines()[0] == SCHEMA_LINE
    assert parse_source(text.encode(), "a-brief.yaml").data
    assert schema_errors(validator, yaml.load(text, Loader=EditorLoader)) == []


def test_schema_catches_what_editors_should_flag(validator: jsonschema.Draft202012Validator) -> None:
    data = parse_source(
        brief(
            extra="watchlist: []\nrisks:\n  - title: r\n    likelihood: medium\n    impact: major\n"
            "historical_context:\n  events:\n    - date: Sep 2012\n      title: e\n"
        ).encode(),
        "b.yaml",
    ).data
    assert schema_errors(validator, data) == [
        ": Additional properties are not allowed ('watchlist' was unexpected)",
        "historical_context: {'events': [{'date': 'Sep 2012', 'title': 'e'}]} is not valid under any of the given "
        "schemas",
        "risks.0.likelihood: 'medium' is not one of ['rare', 'unlikely', 'possible', 'likely', 'almost-certain']",
    ]


def test_schema_accepts_plain_string_shorthands(validator: jsonschema.Draft202012Validator) -> None:
    data = parse_source(brief(extra="authors: [Jane Doe]\nkey_points: [A judgement.]\n").encode(), "b.yaml").data
    assert schema_errors(validator, data) == []
    assert schema_errors(validator, parse_source(MINIMAL.encode(), "b.yaml").data) == []
