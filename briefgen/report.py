"""Reports of a set of problems: the closing summary line, the versioned JSON object of `validate --format json`
and the Markdown of a GitHub job summary. Only strings here; the CLI prints them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from briefgen.errors import Problem, json_safe

JSON_VERSION = 1  # bump on a change a reader of the JSON must know of; adding a key is not one

# The kind of a problem, from its message (errors.py has no code of its own): the first pattern that matches
# names it. The codes are part of the JSON format: never rename one, only add.
CODES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), code)
    for pattern, code in [
        (r"^invalid YAML", "yaml-syntax"),
        (r"^invalid TOML", "toml-syntax"),
        (r"duplicate key", "duplicate-key"),
        (r"^(anchors|aliases) \(", "yaml-alias"),
        (r"^YAML tags \(", "yaml-tag"),
        (r"^more than one YAML document", "yaml-documents"),
        (r"^Markdown nested more than", "markdown-too-deep"),
        (r"^nested more than \d+ levels", "too-deep"),
        (r"^file is empty", "empty-file"),
        (r"^file is .* MiB", "file-too-large"),
        (r"byte-order mark", "bom"),
        (r"^not valid UTF-8", "not-utf8"),
        (r"^contains (U\+|control character)", "control-character"),
        (r"carriage return", "line-ending"),
        (r"^tab used for indentation", "tab-indentation"),
        (r"^a brief must be a mapping", "not-a-mapping"),
        (r"^a key must be plain text", "complex-key"),
        (r"unknown field", "unknown-field"),
        (r"^missing required field", "missing-field"),
        # translations (translation.py): their original, their stamp, whether the original changed since
        (r"^expected the value `briefgen translation-stamp", "invalid-stamp"),
        (r"has changed since it was translated", "stale-translation"),
        (r"^cannot tell whether '.*' changed since", "unchecked-translation"),
        (r"^a translation without a stamp", "unstamped-translation"),
        (r"^no brief has the id ", "unknown-original"),
        (r"is itself a translation", "translation-of-translation"),
        (r"^the translation is in .*, as its original", "same-language"),
        (r"^translated_from needs translation_of", "missing-translation-of"),
        (r"is not a real date", "invalid-date"),
        (r"^expected a date and time with its zone", "cutoff-format"),
        (r"^expected a date", "date-format"),
        (r"is before the brief's date", "updated-before-date"),
        (r"^expected one of", "invalid-choice"),
        (r"^expected ", "wrong-type"),
        (r"is not a valid id", "invalid-id"),
        (r"^(duplicate id|id '.*' is already used)", "duplicate-id"),
        (r"is reserved for the site", "reserved-id"),
        (r"^unknown actor", "unknown-actor"),
        (r"^unknown source .* in citation", "unknown-citation"),
        (r"^unknown source", "unknown-source"),
        (r"still 'watching' after its date", "stale-watch-item"),
        (r"past (its date|their dates) .* a new edition", "new-edition-due"),
        # analytic tradecraft (tradecraft.py): the words held to the yardstick, the sources, the judgements
        (r"is the .* term .* but likelihood is ", "likelihood-mismatch"),
        (r"but the judgement declares no likelihood", "likelihood-undeclared"),
        (r"is not a term of the .* yardstick; use one of ", "unknown-likelihood"),
        (r"is not a term of the .* yardstick; use '", "probability-word"),
        (r"^high confidence rests on ", "confidence-one-source"),
        (r"is never cited", "uncited-source"),
        (r"^a key judgement that cites no source", "unsourced-judgement"),
        (r"does not follow the reference format", "reference-format"),
        (r"(over the budget of \d+|it must fit on one)", "page-budget"),
        (r"^yardstick: ", "invalid-yardstick"),
        (r"^no briefs found", "no-briefs"),
        (r"^remote resource", "remote-resource"),
        (r"^(resource|image) '.*' refused", "resource-refused"),
        (r"^refused: ", "refused"),
        (r"^internal error", "internal-error"),
    ]
]


# The kinds of a note (`briefgen review`: what a reviewer did in the Word edition), from its message too. Part of
# the JSON format like CODES.
_WHAT = r'(".*"|a paragraph break|a space|something without text)'  # what review.describe quotes
_END = r"( in an? (header|footer|footnote|endnote))?$"  # a change to a field's footnote says so
NOTE_CODES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), code)
    for pattern, code in [
        (r"^(outside the brief's fields \(.*?\): )?comment by ", "review-comment"),
        (rf" replaced {_WHAT} with ", "review-replacement"),
        (rf" moved {_WHAT} (here|to |away)", "review-move"),
        (rf" inserted {_WHAT}{_END}", "review-insertion"),
        (rf" deleted {_WHAT}{_END}", "review-deletion"),
        (rf" changed the formatting of {_WHAT}{_END}", "review-formatting"),
    ]
]


def problem_code(problem: Problem) -> str:
    """The stable, kebab-case kind of a problem ("unknown-field"); "other" for a kind not in CODES."""
    codes = NOTE_CODES if problem.severity == "note" else CODES
    return next((code for pattern, code in codes if pattern.search(problem.message)), "other")


def summary_line(*, failed: bool, briefs: int, failed_briefs: int, errors: int, warnings: int, notes: int = 0) -> str:
    """The closing line of `validate`: ok: 3 briefs, 0 errors, 1 warning / FAILED: 2 of 3 briefs failed, ...;
    `review` adds its notes (", 4 notes")."""
    counts = f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"
    counts += f", {_count(notes, 'note')}" if notes else ""
    if not failed:
        return f"ok: {_count(briefs, 'brief')}, {counts}"
    if not briefs:
        return f"FAILED: no briefs, {counts}"
    return f"FAILED: {failed_briefs} of {_count(briefs, 'brief')} failed, {counts}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Totals:
    """What a report counts besides its problems."""

    briefs: int = 0


def to_json(problems: Sequence[Problem], totals: Totals = Totals()) -> str:
    """The versioned JSON object of a validation (see the README's "validate --format json")."""
    texts: dict[str, list[str] | None] = {}
    report: dict[str, Any] = {
        "version": JSON_VERSION,
        "briefs": totals.briefs,
        "errors": sum(p.severity == "error" for p in problems),
        "warnings": sum(p.severity == "warning" for p in problems),
        # only in a report that has notes (`review`): validate's object stays as it was
        **({"notes": notes} if (notes := sum(p.severity == "note" for p in problems)) else {}),
        "problems": [_problem_json(p, texts) for p in problems],
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    return json_safe(text)


def _problem_json(problem: Problem, texts: dict[str, list[str] | None]) -> dict[str, Any]:
    fields = asdict(problem)
    end_line, end_col = end_of(problem, texts)
    return {
        **{k: fields[k] for k in ("path", "line", "col")},
        "end_line": end_line,
        "end_col": end_col,
        **{k: fields[k] for k in ("where", "message", "severity")},
        "code": problem_code(problem),
    }


def _lines(path: str, texts: dict[str, list[str] | None]) -> list[str] | None:
    if path not in texts:
        try:
            texts[path] = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError, ValueError):
            texts[path] = None
    return texts[path]


def _candidates(problem: Problem) -> list[str]:
    """What the text at the problem's line and column may be: a citation, a value its message quotes, its key."""
    message = problem.message
    words = [*re.findall(r"@[^\]\s;]+", message), *re.findall(r"\(([&*!][^)\s]+)\)", message)]
    words += re.findall(r"'([^']+)'", message)
    key = re.sub(r"\[\d+\]$", "", problem.where.rsplit(".", 1)[-1]) if problem.where else ""
    return [w for w in [*words, key] if w]


def end_of(problem: Problem, texts: dict[str, list[str] | None]) -> tuple[int | None, int | None]:
    """Where the text a problem points at ends (line, the column just after it), when the file shows it: its
    key, citation or quoted value, written at its line and column; (None, None) when not known."""
    lines = _lines(problem.path, texts) if problem.line and problem.col else None
    if not lines or problem.line > len(lines):
        return None, None
    rest = lines[problem.line - 1][problem.col - 1 :]
    for word in _candidates(problem):
        for written in (word, f"'{word}'", f'"{word}"'):
            if rest.startswith(written):
                return problem.line, problem.col + len(written)
    return None, None


def github_summary(problems: Sequence[Problem], summary: str) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: every problem, where GitHub shows only ten annotations per step."""
    body = "\n".join(str(p) for p in problems) or "no problems"
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", body))])
    return f"### briefgen validate\n\n{summary}\n\n{fence}text\n{body}\n{fence}\n"
