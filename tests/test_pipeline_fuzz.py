"""Property test of the whole pipeline: generated briefs (valid and near-valid, shaped by the models) go
through load -> validate -> render to HTML and Markdown. Nothing but located problems may come out, and
the HTML may hold only elements and attributes the templates themselves write."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from helpers import EXAMPLE_BRIEF, PROJECT, REAL_BRIEF, live_markdown, parse_html
from helpers import load as load_brief
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.errors import BriefgenError
from briefgen.load import parse_source
from briefgen.model import CONFIDENCES, IMPACTS, LIKELIHOODS
from briefgen.render import render_html, render_markdown
from briefgen.validate import validate

# text meant to break out: markup, Markdown syntax, links of every scheme, citations, control characters
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    "![i](data:text/html,x)",
    '"><svg onload=alert(1)>',
    "[@src]",
    "*em* **strong** `code`",
    "> quote",
    "- item",
    "1. item",
    "# heading",
    "&amp; &#x3c;",
    "王毅 高市早苗",
    "\u202e\u0301",
    "| a | b |",
    "<<img src=x onerror=alert(1)>",
    "&lt;<script>",
    "&#60;<b>",
    "```\nopen fence",
    "~~~~\n<img src=y>",
    "    indented <i>",
    "<!-- c -->",
    "\\<<b>",
]
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]), min_size=1, max_size=40
    ).filter(lambda t: t.strip() and not any("\x7f" <= c <= "\x9f" for c in t)),
    st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=4).map(" ".join),
)
# mostly valid values, sometimes wrong: near-valid briefs
LIKELIHOOD = st.sampled_from(LIKELIHOODS)
IMPACT = st.sampled_from(IMPACTS)
DATE = st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)).map(str)
ACTOR_ID = st.sampled_from(["a", "b"])
# one of these, now and then, makes a generated brief near-valid: one located problem to find
MUTATIONS: list[tuple[str, Any]] = [
    ("title", None),
    ("date", "2025-02-30"),
    ("date", "2025"),
    ("summary", "see [@nope]"),
    ("status", "yes"),
    ("watchlist", []),
    ("subtitle", "bell \x07"),
    ("trigger", "not a mapping"),
    ("risks", [{"title": "r", "likelihood": "medium", "impact": "major"}]),
    ("asks", [{"by": "a", "of": "c", "ask": "x"}]),
]


@st.composite
def brief(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": draw(TEXT),
        "date": draw(DATE),
        "summary": draw(TEXT),
        "classification": draw(TEXT),
        "tags": draw(st.lists(TEXT, max_size=3)),
        "actors": [{"id": "a", "name": draw(TEXT)}, {"id": "b", "name": draw(TEXT)}],
        "trigger": {"title": draw(TEXT), "summary": draw(TEXT), "actors": draw(st.lists(ACTOR_ID, max_size=2))},
        "key_points": draw(
            st.lists(st.fixed_dictionaries({"text": TEXT, "confidence": st.sampled_from(CONFIDENCES)}), max_size=2)
        ),
        "asks": draw(
            st.lists(st.fixed_dictionaries({"by": ACTOR_ID, "of": ACTOR_ID, "ask": TEXT, "quote": TEXT}), max_size=2)
        ),
        "risks": draw(
            st.lists(
                st.fixed_dictionaries({"title": TEXT, "likelihood": LIKELIHOOD, "impact": IMPACT, "mitigation": TEXT}),
                max_size=3,
            )
        ),
        "watch_list": draw(st.lists(st.fixed_dictionaries({"title": TEXT, "indicator": TEXT}), max_size=2)),
        "historical_context": {
            "events": draw(st.lists(st.fixed_dictionaries({"date": DATE, "title": TEXT}), max_size=3))
        },
        "sections": draw(st.lists(st.fixed_dictionaries({"title": TEXT, "body": TEXT}), max_size=2)),
        "sources": [
            {
                "id": "src",
                "title": draw(TEXT),
                "url": draw(st.sampled_from(["https://e.org/x", "javascript:alert(1)", "/x"])),
            }
        ],
    }
    if draw(st.integers(0, 2)) == 0:
        key, value = draw(st.sampled_from(MUTATIONS))
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return data


def _tags_and_attributes(html: str) -> tuple[set[str], set[str]]:
    tags: set[str] = set()
    attributes: set[str] = set()
    for node in parse_html(html).iter():
        if node.tag:
            tags.add(node.tag)
            attributes.update(f"{node.tag}[{name}]" for name in node.attrs)
    return tags, attributes


# what the templates write for the two rich briefs (the real one has options, no contents: it is four pages;
# the example has a contents list and a timeline), plus what Markdown may add inside fields
ALLOWED_TAGS, ALLOWED_ATTRIBUTES = set[str](), set[str]()
for _rich in (REAL_BRIEF, EXAMPLE_BRIEF):
    _tags, _attributes = _tags_and_attributes(render_html(load_brief(_rich).brief, PROJECT))
    ALLOWED_TAGS |= _tags
    ALLOWED_ATTRIBUTES |= _attributes
ALLOWED_TAGS |= {"em", "strong", "code", "pre", "blockquote", "hr", "br", "ol", "ul", "li", "p", "a", "span", "sup"}
ALLOWED_ATTRIBUTES |= {"a[href]", "ol[start]", "code[class]", "span[lang]", "span[class]", "sup[class]", "a[class]"}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(brief())
def test_pipeline_gives_located_problems_or_safe_outputs(data: dict[str, Any]) -> None:
    raw = json.dumps(data, ensure_ascii=False).encode()  # JSON is YAML: one line, so columns matter
    try:
        source = parse_source(raw, "gen.yaml")
        model, _ = validate(source, today=dt.date(2025, 1, 1))
    except BriefgenError as exc:
        assert exc.problems
        assert all(p.line >= 1 and p.col >= 1 for p in exc.problems), exc.problems
        return
    html = render_html(model, PROJECT)
    assert live_markdown(render_markdown(model, PROJECT)) == []  # as a reader's renderer shows it, raw HTML on
    tags, attributes = _tags_and_attributes(html)
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert attributes <= ALLOWED_ATTRIBUTES, attributes - ALLOWED_ATTRIBUTES
    for node in parse_html(html).iter():
        for name, value in node.attrs.items():
            assert not (value or "").strip().lower().startswith(("javascript:", "vbscript:", "data:text")), (
                name,
                value,
            )


def _valid(data: dict[str, Any]) -> bool:
    try:
        validate(parse_source(json.dumps(data, ensure_ascii=False).encode(), "gen.yaml"), today=dt.date(2025, 1, 1))
    except BriefgenError:
        return False
    return True


def test_the_generator_reaches_valid_briefs_with_rich_fields() -> None:
    from hypothesis import Phase, find

    quick = settings(max_examples=300, phases=[Phase.generate], database=None)  # found, not shrunk
    found = find(brief(), lambda d: _valid(d) and len(d["risks"]) >= 2 and "<script>" in json.dumps(d), settings=quick)
    assert _valid(found)
    assert not _valid(find(brief(), lambda d: not _valid(d), settings=quick))
