"""The semantic diff of two editions: every change kind the issue names, each with how its item was matched, in
the brief's order; reordering is no change; `briefgen diff` in text, Markdown and JSON (validated by the committed
schema/diff.schema.json); invalid and missing editions as located lines."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import Result
from helpers import REPO, minimal_data, to_yaml, write_brief

from briefgen.diff import Change, diff_briefs
from briefgen.diff_report import diff_schema, diff_schema_text
from briefgen.load import parse_source
from briefgen.model import Brief
from briefgen.validate import validate

Run = Callable[..., Result]
DIFF_SCHEMA = REPO / "schema" / "diff.schema.json"


def base() -> dict[str, Any]:
    """An edition with an item of every list that the diff matches."""
    return minimal_data(
        id="desk",
        summary="The port is closed and talks have not begun.",
        key_points=[
            {"id": "talks", "text": "The government will seek mediation within a fortnight.", "confidence": "moderate"},
            {"text": "Shipping lines will divert vessels if the strike lasts a week.", "confidence": "high"},
        ],
        risks=[
            {"id": "fuel", "title": "Fuel shortages inland", "likelihood": "possible", "impact": "major"},
            {"title": "Loss of shipping routes", "likelihood": "likely", "impact": "moderate"},
        ],
        watch_list=[
            {"id": "mediator", "title": "Mediation offer", "indicator": "A mediator is named.", "by": "2025-12-12"},
            {"title": "Vessel diversions", "indicator": "Two lines divert.", "by": "2025-12-08"},
        ],
        historical_context={"events": [{"date": "2021-03", "title": "Collective agreement signed"}]},
        sections=[{"id": "legal", "title": "Legal position", "body": "Consultation is required, not consent."}],
        sources=[{"id": "gazette", "title": "Dockers walk out"}],
        tags=["labour"],
    )


def load(data: dict[str, Any]) -> Brief:
    brief, _ = validate(parse_source((to_yaml(data) + "\n").encode(), "desk.yaml"))
    return brief


def changes(new: dict[str, Any], old: dict[str, Any] | None = None) -> list[Change]:
    return diff_briefs(load(old or base()), load(new))


def edited(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(base())
    edit(data)
    return data


def rows(found: list[Change]) -> list[tuple[Any, ...]]:
    return [(c.section, c.item, c.change, c.field, c.old, c.new, c.matched_by) for c in found]


# --- every change kind


def test_identical_editions_have_no_changes() -> None:
    assert changes(base()) == []


def test_reordering_items_is_no_change() -> None:
    def reorder(d: dict[str, Any]) -> None:
        for key in ("key_points", "risks", "watch_list"):
            d[key].reverse()

    assert changes(edited(reorder)) == []


def test_bluf_reworded() -> None:
    [change] = changes(edited(lambda d: d.update(summary="The port is closed; talks begin on Monday.")))
    assert rows([change]) == [
        ("summary", None, "modified", "summary", base()["summary"], "The port is closed; talks begin on Monday.", None)
    ]
    assert change.sentence == "Bottom line up front reworded"


def test_key_judgements_added_removed_reworded_and_confidence() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["key_points"][0]["text"] = "The government will seek mediation within a week."
        d["key_points"][0]["confidence"] = "high"
        del d["key_points"][1]
        d["key_points"].append({"text": "The union will accept mediation."})

    found = changes(edited(edit))
    assert [(c.item, c.change, c.field, c.matched_by) for c in found] == [
        ("talks", "modified", "text", "id"),
        ("talks", "modified", "confidence", "id"),
        ("Shipping lines will divert vessels if the strike lasts a week.", "removed", None, None),
        ("The union will accept mediation.", "added", None, None),
    ]
    assert [c.sentence for c in found] == [
        "Key judgement reworded: “The government will seek mediation within a week.”",
        "Confidence in “The government will seek mediation within a week.” raised from moderate to high",
        "Key judgement removed: “Shipping lines will divert vessels if the strike lasts a week.”",
        "Key judgement added: “The union will accept mediation.”",
    ]


def test_confidence_lowered() -> None:
    [change] = changes(edited(lambda d: d["key_points"][1].update(confidence="low")))
    assert (change.old, change.new, change.matched_by) == ("high", "low", "title")
    assert change.sentence.endswith("lowered from high to low")


def test_risks_added_removed_and_likelihood_and_impact_moved_with_their_band() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["risks"][0]["likelihood"] = "almost-certain"
        d["risks"][1]["impact"] = "minor"
        d["risks"].insert(1, {"title": "Sympathy strikes", "likelihood": "unlikely", "impact": "moderate"})

    found = changes(edited(edit))
    assert [c.sentence for c in found] == [
        "Likelihood of “Fuel shortages inland” raised from possible to almost certain (severity extreme, was high)",
        "Risk added: “Sympathy strikes” (unlikely, moderate: medium severity)",
        "Impact of “Loss of shipping routes” lowered from moderate to minor (severity medium, was high)",
    ]
    assert [(c.field, c.old, c.new) for c in found] == [
        ("likelihood", "possible", "almost-certain"),
        (None, None, None),
        ("impact", "moderate", "minor"),
    ]
    [removed] = changes(edited(lambda d: d["risks"].pop(0)))
    assert (removed.section, removed.item, removed.change) == ("risks", "fuel", "removed")
    assert removed.sentence == "Risk removed: “Fuel shortages inland”"


def test_watch_items_status_changed_date_moved_added_and_removed() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["watch_list"][0]["status"] = "triggered"
        d["watch_list"][1]["by"] = "2026-01-15"
        d["watch_list"].append({"id": "rail", "title": "Rail depots", "indicator": "Rail workers walk out."})

    assert [c.sentence for c in changes(edited(edit))] == [
        "Status of watch item “Mediation offer” changed from watching to triggered",
        "Date of watch item “Vessel diversions” moved from 8 Dec 2025 to 15 Jan 2026",
        "Watch item added: “Rail depots”",
    ]
    [removed] = changes(edited(lambda d: d["watch_list"].pop()))
    assert (removed.item, removed.change, removed.sentence) == (
        "Vessel diversions",
        "removed",
        "Watch item removed: “Vessel diversions”",
    )


def test_events_added_and_sources_added_and_removed() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["historical_context"]["events"].append({"date": "2025-11-28", "title": "Strike called"})
        d["sources"] = [{"id": "wire", "title": "Port closed"}]

    assert rows(changes(edited(edit))) == [
        ("historical_context.events", "Strike called", "added", None, None, None, None),
        ("sources", "gazette", "removed", None, None, None, None),
        ("sources", "wire", "added", None, None, None, None),
    ]


def test_other_fields_changed() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["title"] = "Port strike"
        d["status"] = "draft"
        d["tags"] = ["labour", "shipping"]
        d["sections"][0]["body"] = "Consent is not required."

    assert [c.sentence for c in changes(edited(edit))] == [
        "Title changed from A minimal brief to Port strike",
        "Status changed from final to draft",
        "Tags: added shipping",
        "Body of section “Legal position” reworded",
    ]


def test_the_date_and_edition_fields_are_not_changes() -> None:
    assert changes(edited(lambda d: d.update(date="2025-12-05", edition=2, previous="old.yaml"))) == []


# --- matching


def test_renaming_with_the_same_id_is_a_modification() -> None:
    [change] = changes(edited(lambda d: d["risks"][0].update(title="Fuel rationing inland")))
    assert rows([change]) == [
        ("risks", "fuel", "modified", "title", "Fuel shortages inland", "Fuel rationing inland", "id")
    ]
    assert change.sentence == "Risk renamed: “Fuel shortages inland” is now “Fuel rationing inland”"


def test_items_without_ids_match_by_title() -> None:
    [change] = changes(edited(lambda d: d["risks"][1].update(likelihood="possible")))
    assert (change.item, change.matched_by) == ("Loss of shipping routes", "title")


def test_items_without_id_or_title_in_common_match_by_similarity() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["risks"][1]["title"] = "Loss of the shipping routes"
        d["watch_list"][1]["title"] = "Vessel diversion"

    found = changes(edited(edit))
    assert [(c.section, c.item, c.change, c.field, c.matched_by) for c in found] == [
        ("risks", "Loss of the shipping routes", "modified", "title", "similarity"),
        ("watch_list", "Vessel diversion", "modified", "title", "similarity"),
    ]


def test_a_different_item_is_removed_and_added_not_matched() -> None:
    found = changes(edited(lambda d: d["risks"][1].update(title="Cyber attack on the port authority")))
    assert [(c.item, c.change) for c in found] == [
        ("Loss of shipping routes", "removed"),  # where it was: after the risk before it
        ("Cyber attack on the port authority", "added"),
    ]


def test_a_removed_item_is_reported_where_it_was() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["risks"] = [d["risks"][1], {"title": "New risk", "likelihood": "rare", "impact": "minor"}]

    assert [(c.item, c.change) for c in changes(edited(edit))] == [("fuel", "removed"), ("New risk", "added")]


# --- the command


@pytest.fixture
def pair(project: Path) -> tuple[Path, Path]:
    old = write_brief(project, "old", base())
    new = write_brief(project, "new", edited(lambda d: d["risks"][0].update(likelihood="likely")))
    return old, new


def test_diff_text(pair: tuple[Path, Path], run: Run) -> None:
    result = run("diff", "old.yaml", "new.yaml")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "new.yaml: since old.yaml (28 November 2025): 1 change\n"
        "  - Likelihood of “Fuel shortages inland” raised from possible to likely (severity still high)\n"
    )


def test_diff_of_identical_editions_says_so_and_exits_0(pair: tuple[Path, Path], run: Run) -> None:
    result = run("diff", "old.yaml", "old.yaml")
    assert (result.exit_code, result.stdout) == (0, "old.yaml: since old.yaml (28 November 2025): no changes\n")
    assert json.loads(run("diff", "old.yaml", "old.yaml", "--format", "json").stdout) == []


def test_diff_markdown(pair: tuple[Path, Path], run: Run) -> None:
    result = run("diff", "old.yaml", "new.yaml", "--format", "markdown")
    assert result.stdout == (
        "## What has changed in the briefs\n\n### A minimal brief\n\n"
        "`new.yaml`, since old.yaml (28 November 2025):\n\n"
        "- Likelihood of *Fuel shortages inland* raised from possible to likely (severity still high)\n"
    )


def test_diff_json_is_the_documented_shape(pair: tuple[Path, Path], run: Run) -> None:
    result = run("diff", "old.yaml", "new.yaml", "--format", "json")
    assert json.loads(result.stdout) == [
        {
            "brief": "desk",
            "path": "new.yaml",
            "previous": "old.yaml",
            "section": "risks",
            "item": "fuel",
            "change": "modified",
            "field": "likelihood",
            "old": "possible",
            "new": "likely",
            "matched_by": "id",
            "sentence": "Likelihood of “Fuel shortages inland” raised from possible to likely (severity still high)",
        }
    ]


@pytest.fixture(scope="module")
def diff_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(DIFF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_committed_diff_schema_is_current() -> None:
    assert DIFF_SCHEMA.read_text(encoding="utf-8") == diff_schema_text(), "run `make schema`"
    assert diff_schema()["$id"].endswith("/diff.schema.json")


def test_every_change_kind_validates_against_the_diff_schema(
    project: Path, run: Run, diff_validator: jsonschema.Draft202012Validator
) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["summary"] = "Reworded."
        d["key_points"].pop()
        d["risks"][0]["likelihood"] = "likely"
        d["watch_list"].append({"title": "New", "indicator": "Seen.", "by": "2026-01-01"})
        d["tags"] = ["labour", "shipping"]

    write_brief(project, "old", base())
    write_brief(project, "new", edited(edit))
    found = json.loads(run("diff", "old.yaml", "new.yaml", "--format", "json").stdout)
    assert {item["change"] for item in found} == {"added", "removed", "modified"}
    assert {item["matched_by"] for item in found} == {"id", None}
    assert [e.message for e in diff_validator.iter_errors(found)] == []
    # and the schema catches what a consumer must be able to rely on
    modified = next(item for item in found if item["change"] == "modified")
    broken = [
        {**modified, "change": "renamed"},
        {k: v for k, v in modified.items() if k != "item"},
        {**modified, "field": None},
        {**modified, "matched_by": "luck"},
    ]
    assert [bool(list(diff_validator.iter_errors([b]))) for b in broken] == [True] * 4


def test_an_invalid_edition_is_located_and_both_are_checked(project: Path, run: Run) -> None:
    write_brief(project, "old", {**base(), "status": "finished"})
    write_brief(project, "new", {**base(), "risks": [{"title": "r", "likelihood": "often", "impact": "minor"}]})
    result = run("diff", "old.yaml", "new.yaml")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines()] == ["old.yaml:3:9", "new.yaml:17:17"]
    assert "Traceback" not in result.output


def test_a_missing_edition_is_one_line(project: Path, run: Run) -> None:
    write_brief(project, "old", base())
    result = run("diff", "old.yaml", "nowhere.yaml")
    assert (result.exit_code, result.stderr) == (1, "nowhere.yaml: cannot read file: No such file or directory\n")


def test_diff_needs_two_editions_or_since(project: Path, run: Run) -> None:
    result = run("diff", "old.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("Error: name OLD and NEW, or use --since REV")


def test_likelihood_and_impact_moved_together_name_the_band_of_both() -> None:
    found = changes(edited(lambda d: d["risks"][0].update(likelihood="likely", impact="severe")))
    assert [c.sentence for c in found] == [
        "Likelihood of “Fuel shortages inland” raised from possible to likely (severity extreme, was high)",
        "Impact of “Fuel shortages inland” raised from major to severe (severity extreme, was high)",
    ]


@pytest.mark.parametrize(
    "path", [REPO / "briefs" / "china-france-japan-2025-11.yaml", REPO / "briefs" / "example-port-strike.yaml"]
)
def test_a_real_brief_against_itself_reordered_has_no_changes(path: Path) -> None:
    brief, _ = validate(parse_source(path.read_bytes(), path.name))
    assert diff_briefs(brief, brief) == []
    hc = brief.historical_context
    assert hc is not None
    flipped = brief.model_copy(
        update={
            **{key: list(reversed(getattr(brief, key))) for key in ("key_points", "actors", "motivations", "asks")},
            **{key: list(reversed(getattr(brief, key))) for key in ("risks", "watch_list", "sections", "sources")},
            "historical_context": hc.model_copy(update={"events": hc.events[::-1], "themes": hc.themes[::-1]}),
        }
    )
    assert diff_briefs(brief, flipped) == []
    # and without their ids every item is still found, by title
    bare = flipped.model_copy(update={"risks": [r.model_copy(update={"id": None}) for r in flipped.risks]})
    assert diff_briefs(brief, bare) == []
