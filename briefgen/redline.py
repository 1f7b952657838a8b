"""A redline: the new edition of a brief rendered with its changes since an earlier one marked word by word
(<ins>, <del>, each with words for screen readers), removed items struck through where they were, a legend,
and the "What has changed" box. HTML for the web, and a PDF through the usual PDF path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup, escape

from briefgen.content import check_content
from briefgen.diff import LISTS, ListSpec, match
from briefgen.editions import Comparison, Edition
from briefgen.formats.pdf import write_pdf_here
from briefgen.model import Brief
from briefgen.project import Project
from briefgen.render import render_html, render_print_css

# the fields of items whose words are marked (the others are told in the "What has changed" box)
TEXT_FIELDS: tuple[str, ...] = (
    "title",
    "text",
    "name",
    "role",
    "affiliation",
    "summary",
    "ask",
    "quote",
    "description",
)
TEXT_FIELDS += ("mitigation", "indicator", "body", "publisher")
_TOKEN = re.compile(r"<[^>]*>|\s+|[^\s<]+")
_VOID = frozenset({"br", "hr", "img", "wbr", "input", "meta", "link", "source", "col", "area", "base", "embed"})
_NO_TEXT = frozenset({"ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "dl", "colgroup"})

Change = tuple[str, str]  # ("changed", old text) | ("added", "") | ("removed", "")


def mark_words(old: str, new: str) -> Markup:
    """``new`` HTML with the words that differ from ``old`` HTML marked: inserted words in <ins>, deleted ones in
    <del> where they were (text only: the new edition's markup is kept whole, so the result nests as it does)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    stack: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            words = "".join(t for t in a[i1:i2] if not t.startswith("<"))
            if words.strip():
                _place_deleted(out, stack, _wrap("del", "deleted", words))
        if op in ("equal", "insert", "replace"):
            run: list[str] = []
            for token in b[j1:j2]:
                if token.startswith("<"):
                    if op != "equal" and "".join(run).strip():
                        out.append(_wrap("ins", "inserted", "".join(run)))
                    elif run:
                        out.append("".join(run))
                    run = []
                    out.append(token)
                    _track(stack, token)
                else:
                    run.append(token)
            if run:
                out.append(
                    _wrap("ins", "inserted", "".join(run)) if op != "equal" and "".join(run).strip() else "".join(run)
                )
    return Markup("".join(out))


def _wrap(tag: str, said: str, words: str) -> str:
    # the words said to screen readers too: most announce neither <ins> nor <del> by default
    lead, trail = words[: len(words) - len(words.lstrip())], words[len(words.rstrip()) :]
    return (
        f'{lead}<{tag}><span class="sr-only">[{said}: </span>{words.strip()}<span class="sr-only">]</span></{tag}>'
        + trail
    )


def _track(stack: list[str], token: str) -> None:
    name = re.match(r"</?([a-zA-Z0-9]+)", token)
    if not name or token.endswith("/>") or name.group(1).lower() in _VOID:
        return
    tag = name.group(1).lower()
    if token.startswith("</"):
        while stack and stack.pop() != tag:
            pass
    else:
        stack.append(tag)


def _place_deleted(out: list[str], stack: list[str], deleted: str) -> None:
    """Put deleted words where text may stand: inside the last item closed, in a list or a table."""
    if not stack or stack[-1] not in _NO_TEXT:
        out.append(deleted)
        return
    for k in range(len(out) - 1, -1, -1):
        if re.match(r"</(li|td|th|dd|dt|p)>", out[k]):
            out.insert(k, " " + deleted)
            return


# --- the two editions merged: the new one, with each removed item back where it was


def _merge_list(spec: ListSpec, old: Sequence[Any], new: Sequence[Any], marks: dict[str, Change]) -> list[Any]:
    pairs = match(spec, old, new)
    merged: list[tuple[float, int, Any]] = []
    for j, item in enumerate(new):
        if j in pairs:
            _changed(old[pairs[j][0]], item, marks)
        else:
            _all(item, "added", marks)
        merged.append((j, 0, item))
    matched = {i: j for j, (i, _) in pairs.items()}
    anchor = -1.0
    for i, item in enumerate(old):
        if i in matched:
            anchor = matched[i]
        else:
            _all(item, "removed", marks)
            merged.append((anchor + 0.5, i, item))
    return [item for _, _, item in sorted(merged, key=lambda m: (m[0], m[1]))]


def _changed(old: Any, new: Any, marks: dict[str, Change], fields: Sequence[str] = TEXT_FIELDS) -> None:
    for name in fields:
        before, after = getattr(old, name, None), getattr(new, name, None)
        if isinstance(after, str) and before != after:
            marks.setdefault(after, ("changed", before) if isinstance(before, str) else ("added", ""))


def _all(item: Any, kind: str, marks: dict[str, Change]) -> None:
    for name in TEXT_FIELDS:
        value = getattr(item, name, None)
        if isinstance(value, str):
            marks.setdefault(value, (kind, ""))


def merge(old: Brief, new: Brief) -> tuple[Brief, dict[str, Change]]:
    """The new brief with the old one's removed items put back, and how each changed text is marked."""
    marks: dict[str, Change] = {}
    _changed(old, new, marks, ("title", "subtitle", "summary"))
    _changed(old.trigger, new.trigger, marks)
    update: dict[str, Any] = {}
    for spec in LISTS:
        merged = _merge_list(spec, spec.items(old), spec.items(new), marks)
        if spec.section.startswith("historical_context."):
            update.setdefault("historical_context", {})[spec.section.split(".")[1]] = merged
        else:
            update[spec.section] = merged
    context = update.pop("historical_context")
    if new.historical_context is not None:
        if old.historical_context is not None:
            _changed(old.historical_context, new.historical_context, marks, ("summary",))
        update["historical_context"] = new.historical_context.model_copy(update=context)
    return new.model_copy(update=update), marks


def _marker(marks: dict[str, Change]) -> Callable[[str, Callable[[str], Markup]], Markup]:
    def mark(text: str, render: Callable[[str], Markup]) -> Markup:
        kind, old = marks.get(text, ("", ""))
        if kind == "changed":
            return mark_words(str(render(old)), str(render(text)))
        if kind == "added":
            return mark_words("", str(render(text)))
        if kind == "removed":
            return mark_words(str(render(text)), "")
        return render(text)

    return mark


def redline_html(comparison: Comparison, project: Project) -> str:
    """The new edition as an HTML page with its changes since the old one marked, a legend and the box."""
    assert comparison.old_brief is not None
    merged, marks = merge(comparison.old_brief, comparison.brief)
    edition = Edition(comparison.brief.edition, comparison.old_date, comparison.previous, comparison.changes)
    images, policy = None, None
    if comparison.source is not None and comparison.path is not None:  # a file: its images, as when built
        policy = project.policy(comparison.path)
        images = check_content(comparison.source, policy, comparison.path.parent)
    page = render_html(merged, project, images, policy=policy, edition=edition, marks=_marker(marks))
    legend = Markup(
        '<p class="redline-legend">Redline: the changes since {old}. Inserted words are {ins}; deleted words are'
        " {dele}; a removed item is struck through where it was.</p>"
    ).format(
        old=escape(comparison.previous),
        ins=Markup(_wrap("ins", "inserted", "underlined in green")),
        dele=Markup(_wrap("del", "deleted", "struck through in red")),
    )
    return page.replace("<main>", f"<main>\n{legend}", 1)


def redline_pdf(comparison: Comparison, project: Project) -> bytes:
    """The redline laid out as a PDF, with the print stylesheet of the brief."""
    html = redline_html(comparison, project)
    css = render_print_css(comparison.brief, project)
    policy = project.policy(comparison.path) if comparison.path is not None else None
    data, _, _ = write_pdf_here(html, css, name=comparison.name, variant=project.pdf_variant, policy=policy)
    return data
