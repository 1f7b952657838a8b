"""The models and validate(): types, defaults, cross-references, warnings and the real brief."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import BRIEFS, MINIMAL, REAL_BRIEF
from helpers import brief as yaml_brief
from pydantic import ValidationError

from briefgen.errors import BriefgenError
from briefgen.load import load_source, parse_source
from briefgen.model import (
    Author,
    Brief,
    KeyPoint,
    PartialDate,
    citation_ids,
    format_cutoff,
)
from briefgen.validate import validate
from briefgen.yardstick import PHIA

DAY = dt.date(2025, 11, 28)


def check(text: str, name: str = "b.yaml", **kwargs: object) -> Brief:
    return validate(parse_source(text.encode(), name), today=DAY, **kwargs)[0]  # type: ignore[arg-type]


def problems(text: str, name: str = "b.yaml") -> list[str]:
    with pytest.raises(BriefgenError) as info:
        check(text, name)
    return [str(p) for p in info.value.problems]


# --- the real brief


@pytest.fixture(scope="module")
def real() -> Brief:
    source = load_source(REAL_BRIEF, "briefs/china-france-japan-2025-11.yaml")
    brief, warnings = validate(source, today=dt.date(2025, 11, 28), yardstick=PHIA, reference_format=REFERENCE)
    assert warnings == []  # no errors and, on its own date and held to the PHIA yardstick, no warnings
    return brief


REFERENCE = r"BG-[A-Z]+-\d{4}-\d{3}"  # the repository's briefgen.toml


def test_real_brief_metadata(real: Brief) -> None:
    assert real.id == "china-france-japan-2025-11"
    assert real.date == dt.date(2025, 11, 28)
    assert real.status == "final"
    assert real.classification == "UNCLASSIFIED"
    assert real.title == "China seeks French backing in its dispute with Japan over Taiwan"
    assert real.max_pages == 4
    assert real.key_question and real.key_question.startswith("Will France give Beijing the backing it seeks")
    assert real.cutoff is not None and format_cutoff(real.cutoff) == "28 Nov 2025, 07:42 IST"  # the news report's


def test_real_brief_facts(real: Brief) -> None:
    assert real.trigger.date == dt.date(2025, 11, 27)  # the latest reporting first: the Wang–Bonne call
    assert real.actor("antonio-guterres").name == "António Guterres"
    assert real.actor("emmanuel-bonne").role == "Diplomatic adviser to President Macron"
    assert real.actor("wang-yi").name == "Wang Yi (王毅)"
    assert real.trigger.actors == ["wang-yi", "emmanuel-bonne"]
    assert any("Guterres" in real.actor(ask.of).name for ask in real.asks)
    assert "firmly support each other on issues involving each other's core interests" in real.summary
    assert "I hope that the French side will continue to firmly abide by the one-China principle" in real.asks[0].ask
    assert (real.asks[0].by, real.asks[0].of) == ("wang-yi", "emmanuel-bonne")
    assert len(real.watch_list) == 5
    assert all(item.status == "watching" and item.by is not None for item in real.watch_list)
    assert {(s.id, s.kind, s.grade) for s in real.sources} == {
        ("bloomberg-2025-11-28", "reporting", "B2"),
        ("analysis-2025-11", "analysis", "F3"),
    }
    assert real.historical_context is not None and real.historical_context.summary
    assert "Senkaku/Diaoyu" in real.historical_context.summary
    assert [s.id for s in real.sections] == ["dispute", "implications"]
    assert all(r.likelihood and r.impact and r.to for r in real.risks)
    assert real.implications and len(real.options) == 3 and all(o.pros and o.cons for o in real.options)


def test_real_brief_judgements_are_on_the_phia_yardstick(real: Brief) -> None:
    assert [p.likelihood for p in real.key_points] == [
        "almost certain",
        "likely",
        "highly likely",
        "highly unlikely",
        "likely",
        "highly unlikely",
    ]
    assert all(PHIA.term(p.likelihood or "") for p in real.key_points)
    # high confidence only where two sources agree
    assert [p.id for p in real.key_points if p.confidence == "high"] == ["internationalising"]


def test_timeline_is_chronological_and_keeps_partial_dates() -> None:
    events = (
        "historical_context:\n  events:\n"
        "    - {date: '2025-11', title: A month}\n"
        "    - {date: '2012-09', title: A partial date}\n"
        "    - {date: 2025-11-27, title: A day}\n"
        "    - {date: 2025-11-07, title: An earlier day}\n"
    )
    hc = check(yaml_brief(extra=events)).historical_context
    assert hc is not None
    dates = [str(e.date) for e in hc.timeline]
    assert dates == ["2012-09", "2025-11-07", "2025-11-27", "2025-11"]  # a month after its dated events
    parsed = [PartialDate.parse(d) for d in dates]
    assert parsed == sorted(parsed, key=lambda d: (d.year, d.month or 13, d.day or 32))


def test_every_brief_in_briefs_folder_is_valid() -> None:
    paths = sorted([*BRIEFS.glob("*.yaml"), *BRIEFS.glob("*.yml")])
    # the two committed briefs at least: an empty or moved folder must fail, not pass with nothing checked
    assert {"china-france-japan-2025-11.yaml", "example-port-strike.yaml"} <= {p.name for p in paths}
    ids = [validate(load_source(path), today=dt.date(2025, 12, 1))[0].id for path in paths]
    assert len(ids) == len(paths) == len(set(ids))


# --- types and defaults


def test_defaults() -> None:
    brief = check(MINIMAL, "my-brief.yaml")
    assert brief.id == "my-brief"
    assert brief.status == "draft"
    assert brief.classification == "UNCLASSIFIED"
    assert brief.authors == [] and brief.risks == [] and brief.historical_context is None
    assert brief.trigger.date is None


def test_classification_default_comes_from_caller() -> None:
    assert check(MINIMAL, classification="OFFICIAL-SENSITIVE").classification == "OFFICIAL-SENSITIVE"
    own = yaml_brief(extra="classification: SECRET\n")
    assert check(own, classification="OFFICIAL-SENSITIVE").classification == "SECRET"


def test_explicit_id_wins_over_file_name() -> None:
    assert check("id: chosen-id\n" + MINIMAL, "Not A Slug.yaml").id == "chosen-id"


def test_bad_file_name_without_id() -> None:
    assert problems(MINIMAL, "dir/Q3 Energy.yaml") == [
        "dir/Q3 Energy.yaml:1:1: file name 'Q3 Energy' is not a valid id; rename the file or set 'id:'"
    ]


def test_yaml_11_words_stay_strings_in_string_fields() -> None:
    brief = check(
        yaml_brief(
            extra="subtitle: no\nclassification: off\ntags: [yes, no, on, off, 1:30, 012, 0x10, true, null-ish]\n"
            "authors:\n  - yes\n  - name: 012\n    role: 1:30\n"
            "sources:\n  - id: s\n    title: 1:30\n    publisher: 012\n"
        )
    )
    assert brief.subtitle == "no"
    assert brief.classification == "off"
    assert brief.tags == ["yes", "no", "on", "off", "1:30", "012", "0x10", "true", "null-ish"]
    assert brief.authors == [Author(name="yes"), Author(name="012", role="1:30")]
    assert (brief.sources[0].title, brief.sources[0].publisher) == ("1:30", "012")


def test_dates_quoted_or_unquoted() -> None:
    brief = check(
        yaml_brief(extra="updated: \"2025-11-29\"\nwatch_list:\n  - title: w\n    indicator: i\n    by: '2025-12-05'\n")
    )
    assert brief.date == dt.date(2025, 11, 28)
    assert brief.updated == dt.date(2025, 11, 29)
    assert brief.watch_list[0].by == dt.date(2025, 12, 5)
    assert check(MINIMAL.replace("2025-11-28", "'2025-11-28'")).date == DAY


def test_updated_equal_to_date_is_fine() -> None:
    assert check(yaml_brief(extra="updated: 2025-11-28\n")).updated == DAY


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-02-30", "'2025-02-30' is not a real date"),
        ('"2025-11"', "expected a date as YYYY-MM-DD; got '2025-11'"),
        ("2025", "expected a date as YYYY-MM-DD; got '2025'"),
        ("28/11/2025", "expected a date as YYYY-MM-DD; got '28/11/2025'"),
        ("2025-11-28T10:00:00", "expected a date as YYYY-MM-DD; got '2025-11-28T10:00:00'"),
        ("[2025]", "expected a date as YYYY-MM-DD; got a list"),
    ],
)
def test_invalid_iso_dates(value: str, message: str) -> None:
    col = 7
    assert problems(MINIMAL.replace("2025-11-28", value)) == [f"b.yaml:2:{col}: date: {message}"]


def test_key_points_and_authors_accept_plain_strings() -> None:
    brief = check(
        yaml_brief(
            extra="authors:\n  - Jane Doe\n  - name: Sam Roe\n    role: Desk\n"
            "key_points:\n  - A judgement.\n  - text: Another.\n    confidence: high\n"
        )
    )
    assert brief.authors == [Author(name="Jane Doe"), Author(name="Sam Roe", role="Desk")]
    assert brief.key_points == [KeyPoint(text="A judgement."), KeyPoint(text="Another.", confidence="high")]


def test_text_fields_are_one_line_markdown_keeps_newlines() -> None:
    brief = check(
        MINIMAL.replace("title: A minimal brief", "title: |\n  Two\n  lines")
        + "sections:\n  - title: S\n    body: |\n      para one\n\n      para two\n"
    )
    assert brief.title == "Two lines"
    assert brief.sections[0].body == "para one\n\npara two\n"


def test_models_are_frozen() -> None:
    brief = check(MINIMAL)
    with pytest.raises(ValidationError, match="Instance is frozen"):
        brief.title = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Instance is frozen"):
        brief.trigger.title = "changed"  # type: ignore[misc]
    assert brief.title == "A minimal brief" and brief.trigger.title == "What happened"


def test_risk_score() -> None:
    brief = check(
        yaml_brief(
            extra="risks:\n  - title: a\n    likelihood: rare\n    impact: minimal\n"
            "  - title: b\n    likelihood: almost-certain\n    impact: severe\n"
            "  - title: c\n    likelihood: possible\n    impact: major\n"
        )
    )
    assert [r.score for r in brief.risks] == [1, 25, 12]


def test_citation_ids() -> None:
    text = "A [@one] and [@two; @three] but not [link](x) nor email@example.org or [@]."
    assert list(citation_ids(text)) == ["one", "two", "three"]


# --- partial dates


@pytest.mark.parametrize(
    ("text", "parts", "label"),
    [
        ("2012", (2012, 0, 0), "2012"),
        ("2012-09", (2012, 9, 0), "Sep 2012"),
        ("2012-09-11", (2012, 9, 11), "11 Sep 2012"),
        ("0800", (800, 0, 0), "800"),
    ],
)
def test_partial_date_round_trip(text: str, parts: tuple[int, int, int], label: str) -> None:
    date = PartialDate.parse(text)
    assert (date.year, date.month, date.day) == parts
    assert str(date) == text
    assert date.label == label


def test_partial_dates_sort_chronologically_coarse_first() -> None:
    texts = ["2012-09-11", "2011", "2012", "2012-09", "2012-01-31", "2012-10"]
    ordered = [str(d) for d in sorted(PartialDate.parse(t) for t in texts)]
    assert ordered == ["2011", "2012", "2012-01-31", "2012-09", "2012-09-11", "2012-10"]


def test_partial_date_midpoint() -> None:
    assert PartialDate.parse("2012").midpoint == 2012.5
    assert PartialDate(2012, 1, 1).midpoint == pytest.approx(2012 + 0.5 / 366)
    assert 2012.0 < PartialDate.parse("2012-09").midpoint < PartialDate.parse("2012-10").midpoint < 2013.0


def test_event_dates_stay_partial_in_briefs_and_timeline() -> None:
    brief = check(
        yaml_brief(
            extra="historical_context:\n  events:\n"
            "    - date: 2012-09-11\n      title: c\n"
            "    - date: '2012'\n      title: a\n"
            "    - date: 2012\n      title: b\n"
            '    - date: "2012-09"\n      title: d\n'
        )
    )
    assert brief.historical_context is not None
    events = brief.historical_context.events
    assert [str(e.date) for e in events] == ["2012-09-11", "2012", "2012", "2012-09"]
    assert [e.title for e in brief.historical_context.timeline] == ["c", "d", "a", "b"]  # the day, its month, its year
    dumped = brief.model_dump(mode="json")
    assert [e["date"] for e in dumped["historical_context"]["events"]] == ["2012-09-11", "2012", "2012", "2012-09"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2012-13", "'2012-13' is not a real date"),
        ("2012-00", "'2012-00' is not a real date"),
        ("2012-09-00", "'2012-09-00' is not a real date"),
        ("'0000'", "'0000' is not a real date"),
        ("2012-02-30", "'2012-02-30' is not a real date"),
        ("2012-9", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD; got '2012-9'"),
        ("'12'", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD; got '12'"),
        ("Sep 2012", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD; got 'Sep 2012'"),
        ("[2012]", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD; got 'list'"),
    ],
)
def test_invalid_partial_dates(value: str, message: str) -> None:
    text = yaml_brief(extra=f"historical_context:\n  events:\n    - date: {value}\n      title: x\n")
    assert problems(text) == [f"b.yaml:9:13: historical_context.events[0].date: {message}"]


# --- problems: wording and positions


def test_unknown_field_did_you_mean() -> None:
    assert problems(yaml_brief(extra="watchlist: []\n")) == [
        "b.yaml:7:1: watchlist: unknown field; did you mean 'watch_list'?"
    ]


def test_unknown_field_without_near_miss_lists_fields() -> None:
    assert problems(
        yaml_brief(extra="risks:\n  - title: r\n    likelihood: rare\n    impact: minor\n    owner: x\n")
    ) == [
        "b.yaml:11:5: risks[0].owner: unknown field; "
        "expected one of title, description, likelihood, impact, mitigation, to, id, marking"
    ]


def test_missing_fields_point_at_enclosing_mapping() -> None:
    text = "title: T\ntrigger:\n  title: x\nrisks:\n  - title: r\n    impact: minor\n"
    assert problems(text) == [
        "b.yaml:1:1: missing required field 'date'",
        "b.yaml:1:1: missing required field 'summary'",
        "b.yaml:3:3: trigger: missing required field 'summary'",
        "b.yaml:5:5: risks[0]: missing required field 'likelihood'",
    ]


def test_bad_literal_lists_choices() -> None:
    text = yaml_brief(extra="risks:\n  - title: r\n    likelihood: medium\n    impact: minor\n")
    assert problems(text) == [
        "b.yaml:9:17: risks[0].likelihood: expected one of rare, unlikely, possible, likely, almost-certain; "
        "got 'medium'"
    ]


def test_wrong_shapes() -> None:
    text = yaml_brief(extra="subtitle: [a]\ntags: {a: b}\nactors: text\n")
    assert problems(text) == [
        "b.yaml:7:11: subtitle: expected text; got a list",
        "b.yaml:8:7: tags: expected a list (one '- ' item per line); got a mapping (key: value pairs)",
        "b.yaml:9:9: actors: expected a list (one '- ' item per line); got 'text'",
    ]


def test_empty_text_refused() -> None:
    assert problems(yaml_brief(extra="subtitle: '  '\n")) == ["b.yaml:7:11: subtitle: must not be empty"]


def test_empty_optional_value_is_absent() -> None:
    assert check(yaml_brief(extra="subtitle:\nupdated: ~\n")).subtitle is None


def test_control_character_in_escaped_string() -> None:
    assert problems(yaml_brief(extra='subtitle: "a\\u0001b"\n')) == [
        "b.yaml:7:11: subtitle: contains control character U+0001; remove it"
    ]


def test_bad_id_slug() -> None:
    assert problems(yaml_brief(extra="actors:\n  - id: France\n    name: France\n")) == [
        "b.yaml:8:9: actors[0].id: 'France' is not a valid id: use lowercase letters, digits and single hyphens"
    ]


ACTORS = "actors:\n  - id: china\n    name: China\n  - id: france\n    name: France\n"
SOURCES = "sources:\n  - id: news\n    title: News\n"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            ACTORS.replace("  - id: france", "  - id: china"),
            "b.yaml:10:9: actors[1].id: duplicate id 'china' (also actors[0])",
        ),
        (
            SOURCES + "  - id: news\n    title: Again\n",
            "b.yaml:10:9: sources[1].id: duplicate id 'news' (also sources[0])",
        ),
        (
            ACTORS + "motivations:\n  - title: m\n    actor: frnce\n",
            "b.yaml:14:12: motivations[0].actor: unknown actor 'frnce' (did you mean 'france'?)",
        ),
        (
            ACTORS + "asks:\n  - by: chnia\n    of: france\n    ask: a\n",
            "b.yaml:13:9: asks[0].by: unknown actor 'chnia' (did you mean 'china'?)",
        ),
        (
            ACTORS + "asks:\n  - by: china\n    of: frnce\n    ask: a\n",
            "b.yaml:14:9: asks[0].of: unknown actor 'frnce' (did you mean 'france'?)",
        ),
        (
            ACTORS + "asks:\n  - by: china\n    of: japan\n    ask: a\n",
            "b.yaml:14:9: asks[0].of: unknown actor 'japan'",
        ),
        (
            ACTORS + SOURCES + "asks:\n  - by: china\n    of: france\n    ask: a\n    sources: [news, nws]\n",
            "b.yaml:19:21: asks[0].sources[1]: unknown source 'nws' (did you mean 'news'?)",
        ),
        (
            SOURCES + "sections:\n  - title: s\n    body: See [@newz].\n",
            "b.yaml:12:16: sections[0].body: unknown source 'newz' in citation [@newz] (did you mean 'news'?)",
        ),
        ("updated: 2025-11-27\n", "b.yaml:7:10: updated: 2025-11-27 is before the brief's date 2025-11-28"),
    ],
)
def test_cross_references(extra: str, expected: str) -> None:
    assert problems(yaml_brief(extra=extra)) == [expected]


def test_trigger_actor_reference() -> None:
    text = MINIMAL + "  actors: [china, frnce]\n" + ACTORS
    assert problems(text) == ["b.yaml:7:19: trigger.actors[1]: unknown actor 'frnce' (did you mean 'france'?)"]


def test_citation_in_trigger_without_sources() -> None:
    text = MINIMAL.replace("It happened.", "It happened [@a; @b].")
    assert problems(text) == [
        "b.yaml:6:25: trigger.summary: unknown source 'a' in citation [@a]",
        "b.yaml:6:29: trigger.summary: unknown source 'b' in citation [@b]",
    ]


def test_citations_are_pointed_at_where_they_are_written() -> None:
    """In a folded summary, each unknown citation at its own line and column; @src-2 is not @src."""
    text = (
        MINIMAL.replace(
            "summary: The bottom line.",
            "summary: >-\n  First line cites [@src-2] and\n  then [@src] twice [@src], then [@gone;\n  @src].",
        )
        + "sources:\n  - id: src-2\n    title: Known\n"
    )
    assert problems(text) == [
        "b.yaml:5:9: summary: unknown source 'src' in citation [@src] (did you mean 'src-2'?)",
        "b.yaml:5:22: summary: unknown source 'src' in citation [@src] (did you mean 'src-2'?)",
        "b.yaml:5:35: summary: unknown source 'gone' in citation [@gone]",
        "b.yaml:6:3: summary: unknown source 'src' in citation [@src] (did you mean 'src-2'?)",
    ]


def test_a_citation_not_written_verbatim_points_at_its_field() -> None:
    text = MINIMAL.replace("summary: The bottom line.", 'summary: "See [\\u0040nope]."')
    assert problems(text) == ["b.yaml:3:10: summary: unknown source 'nope' in citation [@nope]"]


def test_every_problem_of_a_file_is_reported_in_line_order() -> None:
    text = (
        "title: T\ndate: 2025-02-30\nsummary: See [@x].\ntrigger:\n  title: t\n  summary: s\n"
        "  actors: [nobody]\nstatus: done\nrisks:\n  - title: r\n    likelihood: medium\n"
    )
    assert problems(text) == [
        "b.yaml:2:7: date: '2025-02-30' is not a real date",
        "b.yaml:3:15: summary: unknown source 'x' in citation [@x]",
        "b.yaml:7:12: trigger.actors[0]: unknown actor 'nobody'",
        "b.yaml:8:9: status: expected one of draft, final; got 'done'",
        "b.yaml:10:5: risks[0]: missing required field 'impact'",
        "b.yaml:11:17: risks[0].likelihood: expected one of rare, unlikely, possible, likely, almost-certain; "
        "got 'medium'",
    ]


# --- stale watch items: a warning, never an error


WATCH = "watch_list:\n  - title: w\n    indicator: i\n    by: 2025-12-05\n    status: {status}\n"


def test_stale_watch_item_warns() -> None:
    source = parse_source(yaml_brief(extra=WATCH.format(status="watching")).encode(), "b.yaml")
    brief, warnings = validate(source, today=dt.date(2025, 12, 6))
    assert brief.watch_list[0].by == dt.date(2025, 12, 5)
    assert [str(p) for p in warnings] == [
        "b.yaml:10:9: warning: watch_list[0].by: still 'watching' after its date 2025-12-05; update its status or date"
    ]
    assert warnings[0].severity == "warning"


@pytest.mark.parametrize(
    ("status", "today"),
    [("watching", dt.date(2025, 12, 5)), ("triggered", dt.date(2026, 1, 1)), ("resolved", dt.date(2026, 1, 1))],
)
def test_not_stale(status: str, today: dt.date) -> None:
    source = parse_source(yaml_brief(extra=WATCH.format(status=status)).encode(), "b.yaml")
    assert validate(source, today=today)[1] == []


def test_watch_item_without_date_never_stale() -> None:
    source = parse_source(yaml_brief(extra="watch_list:\n  - title: w\n    indicator: i\n").encode(), "b.yaml")
    assert validate(source, today=dt.date(2100, 1, 1))[1] == []


def test_values_in_messages_are_one_line_and_short() -> None:
    long_id = "a-" * 40 + "\n      continues on the next line"
    text = yaml_brief(extra=f"motivations:\n  - title: m\n    actor: {long_id}\n")
    shown = ("a-" * 40)[:59] + "…"
    assert problems(text) == [
        f"b.yaml:9:12: motivations[0].actor: '{shown}' is not a valid id: use lowercase letters, digits and single "
        "hyphens",
        f"b.yaml:9:12: motivations[0].actor: unknown actor '{shown}'",
    ]


def test_block_scalar_with_final_newline_is_not_an_id_or_date() -> None:
    assert problems(yaml_brief(extra="id: |\n  china\n")) == [
        "b.yaml:7:5: id: 'china' is not a valid id: use lowercase letters, digits and single hyphens"
    ]
    assert problems(MINIMAL.replace("2025-11-28", "|\n  2025-11-28")) == [
        "b.yaml:2:7: date: expected a date as YYYY-MM-DD; got '2025-11-28'"
    ]


def test_quoted_key_with_line_break_is_named_on_one_line() -> None:
    assert problems(yaml_brief(extra='"watch\\nlist": []\n')) == [
        "b.yaml:7:1: watch list: unknown field; did you mean 'watch_list'?"
    ]


def test_events_known_only_to_the_month_or_year_follow_the_dated_events_of_their_period() -> None:
    events = "".join(
        f"    - date: {d}\n      title: {t}\n"
        for d, t in [
            ("2025-11", "month"),
            ("2025-11-27", "late"),
            ("2025", "year"),
            ("2025-11-07", "early"),
            ("2024-12-31", "before"),
        ]
    )
    brief = check(yaml_brief(extra=f"historical_context:\n  events:\n{events}"))
    assert brief.historical_context is not None
    assert [e.title for e in brief.historical_context.timeline] == ["before", "early", "late", "month", "year"]
