"""`briefgen diff` reports: the changes between editions as text, Markdown (a pull request's job summary) and JSON
(a list of change objects, validated by schema/diff.schema.json). Only strings here; the CLI prints them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.diff import Change
from briefgen.diff_words import NEW_BRIEF
from briefgen.editions import Comparison, compare, compare_since, parse_ref
from briefgen.errors import BriefgenError, json_safe, printable
from briefgen.i18n import N_, Translator, translator
from briefgen.typography import space_markdown

if TYPE_CHECKING:
    from briefgen.project import Project

KEYS = ("brief", "path", "previous", "section", "item", "change", "field", "old", "new", "matched_by", "sentence")


def editions_compared(editions: list[str], since: str | None, project: Project) -> list[Comparison]:
    """OLD and NEW compared, or with ``since`` every brief changed since that revision (under ``editions``)."""
    if since is not None:
        return compare_since(since, [Path(p) for p in editions], project)
    old, new = editions
    return [compare(parse_ref(old), parse_ref(new), project)]


def diff_output(comparisons: list[Comparison], fmt: str, since: str | None, project: Project) -> bytes:
    """The report in ``fmt``: text, markdown, json, or a redline of one brief (html, pdf)."""
    if fmt in ("html", "pdf"):
        from briefgen.redline import redline_html, redline_pdf  # Jinja, and WeasyPrint for a PDF

        if len(comparisons) != 1 or comparisons[0].old_brief is None:
            message = f"a {fmt} redline shows one brief against its earlier edition; name OLD and NEW"
            raise BriefgenError.at("briefgen diff", message)
        return redline_html(comparisons[0], project).encode() if fmt == "html" else redline_pdf(comparisons[0], project)
    if fmt == "json":
        return to_json(comparisons).encode()
    return (to_markdown if fmt == "markdown" else to_text)(comparisons, since).encode()


SCHEMA_ID = "https://briefgen.invalid/schema/diff.schema.json"


# Translators: what a brief is compared with in `briefgen diff`: %(previous)s is the earlier edition (a file,
# or REV:PATH), %(date)s its date.
SINCE = N_("since %(previous)s (%(date)s)")
NEW = N_("a new brief (not in %(previous)s)")
NONE, NONE_MARKDOWN = N_("no changes"), N_("No changes.")


def _since(comparison: Comparison, tr: Translator) -> str:
    if comparison.old_date is None:
        return tr.gettext(NEW) % {"previous": comparison.previous}
    return tr.gettext(SINCE) % {"previous": comparison.previous, "date": tr.date(comparison.old_date)}


def to_text(comparisons: Sequence[Comparison], since: str | None = None) -> str:
    """Per brief, a line saying what it is compared with, then one line per change (in the brief's language)."""
    if not comparisons:
        return f"no brief changed since {printable(since)}\n" if since else "no changes\n"
    lines: list[str] = []
    for comparison in comparisons:
        tr = translator(comparison.language)
        count = len(comparison.changes)
        # Translators: how many changes a brief has since its earlier edition (never 0: "no changes" says it)
        counted = tr.ngettext("%(count)s change", "%(count)s changes", count) % {"count": count}
        said = counted if count else tr.gettext(NONE)
        said = said if comparison.old_date is not None else comparison.brief.title
        lines.append(printable(f"{comparison.name}: {_since(comparison, tr)}: {said}"))
        lines += [printable(f"  - {change.sentence}") for change in comparison.changes]
    return "\n".join(lines) + "\n"


# Translators: the heading of `briefgen diff --format markdown` (a pull request's job summary), over every brief
HEADING = N_("What has changed in the briefs")


def to_markdown(comparisons: Sequence[Comparison], since: str | None = None) -> str:
    """A Markdown report: a heading per brief, its changes as a list (for `$GITHUB_STEP_SUMMARY`)."""
    from briefgen.markdown import emphasised, escape_markdown  # markdown-it: only for this format

    languages = {comparison.language for comparison in comparisons}
    heading = translator(languages.pop() if len(languages) == 1 else "en").gettext(HEADING)
    out = [f"## {heading}", ""]
    if not comparisons:
        out.append(f"No brief changed since `{printable(since)}`." if since else "No changes.")
    for comparison in comparisons:
        tr = translator(comparison.language)
        out += [printable(f"### {escape_markdown(comparison.brief.title)}"), ""]
        out += [f"`{printable(comparison.name)}`, {escape_markdown(_since(comparison, tr))}:", ""]
        if comparison.old_date is not None and not comparison.changes:
            out += [tr.gettext(NONE_MARKDOWN), ""]
        said = [printable(f"- {emphasised(change.parts)}") for change in comparison.changes]
        out += space_markdown("\n".join(said), comparison.language).splitlines() if said else []
        if comparison.changes:
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def change_json(change: Change, comparison: Comparison) -> dict[str, Any]:
    """One change as JSON: the stable keys of the README's "briefgen diff --format json"."""
    return {
        "brief": change.brief,
        "path": comparison.name,
        "previous": comparison.previous,
        "section": change.section,
        "item": change.item,
        "change": change.change,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "matched_by": change.matched_by,
        "sentence": change.sentence,
    }


def to_json(comparisons: Sequence[Comparison]) -> str:
    """Every change of every brief, as one JSON list (a new brief is one change: the brief added)."""
    items: list[dict[str, Any]] = []
    for comparison in comparisons:
        if comparison.old_date is None:
            said = ((translator(comparison.language).gettext(NEW_BRIEF), False),)
            added = Change(comparison.brief.id or "", "brief", None, "added", parts=said, language=comparison.language)
            items.append(change_json(added, comparison))
        items += [change_json(change, comparison) for change in comparison.changes]
    return json_safe(json.dumps(items, ensure_ascii=False, indent=2)) + "\n"


def diff_schema() -> dict[str, Any]:
    """The JSON Schema of `briefgen diff --format json` (committed as schema/diff.schema.json)."""
    value = {"type": ["string", "number", "boolean", "array", "null"], "items": {"type": "string"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "briefgen diff",
        "description": "The changes between editions of briefs, in the order of each brief (`briefgen diff --format"
        " json`). Keys are only ever added.",
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": [*KEYS],
            "properties": {
                "brief": {"type": "string", "description": "The brief's id"},
                "path": {"type": "string", "description": "The new edition: a file, or REV:PATH"},
                "previous": {"type": "string", "description": "The old edition: a file, or REV:PATH"},
                "section": {
                    "type": "string",
                    "description": "The field changed or holding the item: risks, key_points, watch_list,"
                    " historical_context.events, summary, ...; 'brief' for a new brief",
                },
                "item": {"type": ["string", "null"], "description": "The item's id, else its title; null for a field"},
                "change": {"enum": ["added", "removed", "modified"]},
                "field": {"type": ["string", "null"], "description": "For 'modified': the field of the item"},
                "old": {**value, "description": "For 'modified': the old value"},
                "new": {**value, "description": "For 'modified': the new value"},
                "matched_by": {
                    "enum": ["id", "title", "similarity", None],
                    "description": "How the item was matched across the editions (null: not an item of a list)",
                },
                "sentence": {"type": "string", "description": "The change in words, for readers"},
            },
            "if": {"properties": {"change": {"const": "modified"}}},
            "then": {"properties": {"field": {"type": "string"}}},
            "else": {"properties": {"field": {"type": "null"}, "old": {"type": "null"}, "new": {"type": "null"}}},
        },
    }


def diff_schema_text() -> str:
    return json.dumps(diff_schema(), indent=2, ensure_ascii=False) + "\n"
