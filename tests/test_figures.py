"""The SVG figures: risk matrix placement, colours, escaping; timeline order, positions, label layout, axis."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefgen import svg
from briefgen import timeline_axis as axis
from briefgen.model import IMPACTS, LIKELIHOODS, Event, PartialDate, Risk, Trigger
from briefgen.risk_matrix import SEVERITY_COLOURS, risk_matrix_svg, severity
from briefgen.timeline import timeline_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def event(date: str, title: str) -> Event:
    return Event.model_validate({"date": date, "title": title})


def trigger(title: str, date: dt.date | None) -> Trigger:
    return Trigger(title=title, date=date, summary="What happened.")


# --- risk matrix


def cell_rects(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {
        (r.get("data-likelihood", ""), r.get("data-impact", "")): r
        for r in root.iter(f"{SVG}rect")
        if r.get("data-likelihood")
    }


def bounds(rect: ET.Element) -> tuple[float, float, float, float]:
    x, y = float(rect.get("x", "0")), float(rect.get("y", "0"))
    return x, y, x + float(rect.get("width", "0")), y + float(rect.get("height", "0"))


def markers(root: ET.Element) -> list[tuple[ET.Element, float, float, float]]:
    out = []
    for group in root.iter(f"{SVG}g"):
        if "risk-marker" in group.get("class", "").split():
            circle = group.find("svg:circle", NS)
            assert circle is not None
            out.append((group, float(circle.get("cx", "")), float(circle.get("cy", "")), float(circle.get("r", ""))))
    return out


RISKS = [
    Risk(title="Escalation at sea", likelihood="possible", impact="severe"),
    Risk(title="Economic coercion widens", likelihood="likely", impact="major"),
    Risk(title="France drawn in", likelihood="unlikely", impact="moderate"),
    Risk(title="Diplomatic freeze", likelihood="almost-certain", impact="moderate"),
    Risk(title="Tourism drop", likelihood="likely", impact="moderate"),
    Risk(title="Minor irritant", likelihood="rare", impact="minimal"),
]


def test_matrix_root_and_accessibility() -> None:
    svg = risk_matrix_svg(RISKS, id_prefix="m1")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m1-title m1-desc"
    assert "risk-matrix" in root.get("class", "").split()
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.find("svg:title", NS) is not None and root.find("svg:title", NS).text == "Risk matrix"  # type: ignore[union-attr]
    assert root.find("svg:title", NS).get("id") == "m1-title"  # type: ignore[union-attr]
    desc = root.find("svg:desc", NS)
    assert desc is not None and desc.get("id") == "m1-desc"
    for n, risk in enumerate(RISKS, 1):
        assert f"{n}. {risk.title}" in (desc.text or "")
    assert "likely likelihood, major impact" in (desc.text or "")
    assert "almost certain likelihood" in (desc.text or "")
    for bad in ("<script", "foreignObject", "<style", "href=", "<image"):
        assert bad not in svg
    for el in root.iter():
        size = el.get("font-size")
        if size:
            assert float(size) >= 11


def test_matrix_has_25_cells_coloured_by_severity() -> None:
    cells = cell_rects(parse(risk_matrix_svg([])))
    assert set(cells) == {(li, im) for li in LIKELIHOODS for im in IMPACTS}
    for (li, im), rect in cells.items():
        assert rect.get("fill") == SEVERITY_COLOURS[severity(li, im)]
    assert cells[("almost-certain", "severe")].get("data-severity") == "extreme"
    assert cells[("rare", "minimal")].get("data-severity") == "low"


def test_matrix_axes_orientation() -> None:
    cells = cell_rects(parse(risk_matrix_svg(RISKS)))
    likely_major = bounds(cells[("likely", "major")])
    possible_major = bounds(cells[("possible", "major")])
    likely_moderate = bounds(cells[("likely", "moderate")])
    assert likely_major[3] <= possible_major[1]  # the row above (smaller y)
    assert likely_major[0] >= likely_moderate[2]  # the column to the right
    assert bounds(cells[("almost-certain", "minimal")])[1] < bounds(cells[("rare", "minimal")])[1]
    assert bounds(cells[("rare", "severe")])[0] > bounds(cells[("rare", "minimal")])[0]


def test_matrix_axis_labels() -> None:
    root = parse(risk_matrix_svg(RISKS))
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Likelihood", "Impact", "Rare", "Almost certain", "Minimal", "Severe"} <= texts


def test_every_marker_lands_in_its_cell() -> None:
    root = parse(risk_matrix_svg(RISKS))
    cells = cell_rects(root)
    found = markers(root)
    assert sorted(int(g.get("data-risk", "")) for g, *_ in found) == list(range(1, len(RISKS) + 1))
    for group, cx, cy, r in found:
        risk = RISKS[int(group.get("data-risk", "")) - 1]
        assert (group.get("data-likelihood"), group.get("data-impact")) == (risk.likelihood, risk.impact)
        x0, y0, x1, y1 = bounds(cells[(risk.likelihood, risk.impact)])
        assert x0 + r <= cx <= x1 - r and y0 + r <= cy <= y1 - r
        number = group.find("svg:text", NS)
        assert number is not None and number.text == group.get("data-risk")


@pytest.mark.parametrize("count", [2, 6, 11])
def test_crowded_cell_markers_do_not_overlap(count: int) -> None:
    risks = [Risk(title=f"Risk {n}", likelihood="likely", impact="major") for n in range(count)]
    risks.append(Risk(title="Other", likelihood="rare", impact="minimal"))
    root = parse(risk_matrix_svg(risks))
    cell = bounds(cell_rects(root)[("likely", "major")])
    found = [(cx, cy, r) for g, cx, cy, r in markers(root) if g.get("data-impact") == "major"]
    assert len(found) == count
    for cx, cy, r in found:
        assert cell[0] + r <= cx <= cell[2] - r and cell[1] + r <= cy <= cell[3] - r
    for (ax, ay, ar), (bx, by, br) in itertools.combinations(found, 2):
        assert math.hypot(ax - bx, ay - by) >= ar + br


def test_severity_bands() -> None:
    assert severity("almost-certain", "severe") == "extreme"
    assert severity("rare", "minimal") == "low"
    assert severity("likely", "major") == "high"  # 16
    assert severity("possible", "moderate") == "medium"  # 9
    assert severity("unlikely", "severe") == "high"  # 10
    assert severity("likely", "severe") == "extreme"  # 20
    for li, im in itertools.product(LIKELIHOODS, IMPACTS):
        risk = Risk(title="r", likelihood=li, impact=im)  # type: ignore[arg-type]
        expected = (
            "low" if risk.score <= 4 else "medium" if risk.score <= 9 else "high" if risk.score <= 16 else "extreme"
        )
        assert severity(li, im) == expected
    with pytest.raises(ValueError, match="likelihood"):
        severity("certain", "major")


def test_matrix_escapes_text() -> None:
    risks = [Risk(title="<script>alert('x')</script> & \"co\"", likelihood="likely", impact="major")]
    svg = risk_matrix_svg(risks, id_prefix='a"b')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    desc = root.find("svg:desc", NS)
    assert desc is not None and "<script>alert('x')</script> & \"co\"" in (desc.text or "")
    title = markers(root)[0][0].find("svg:title", NS)
    assert title is not None and "<script>" in (title.text or "")


# --- timeline

BRIEF_EVENTS = [
    event("1964-01-27", "France recognises the People's Republic of China"),
    event("1972-09-29", "China and Japan normalise relations"),
    event("1978-08-12", "China–Japan Treaty of Peace and Friendship"),
    event("2012-09", "Japan nationalises three of the Senkaku/Diaoyu islands"),
    event("2025-11-07", "Takaichi links Japan's security to a Taiwan contingency"),
    event("2025-11", "China writes to the UN Secretary-General"),
    event("2025-11-27", "Wang Yi–Emmanuel Bonne call"),
]
CLUSTER = [
    *BRIEF_EVENTS,
    event("2025-11-14", "China advises its citizens against travel to Japan"),
    event("2025-11-18", "Seafood imports suspended again"),
    event("2025-11-21", "Chinese coast guard patrols near the Senkakus"),
    event("2010-09", "Trawler collision off the Senkakus"),
    event("2005", "Anti-Japanese protests"),
]
TRIGGER = trigger("Beijing escalates with a seafood import ban and travel warnings", dt.date(2025, 11, 19))


def event_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "event" in g.get("class", "").split()]


def positions(root: ET.Element) -> dict[str, float]:
    return {g.get("data-date", ""): float(g.get("data-x", "")) for g in event_groups(root)}


def label_boxes(root: ET.Element) -> list[tuple[float, float, float, float]]:
    out = []
    for group in event_groups(root):
        labels = [g for g in group.iter(f"{SVG}g") if g.get("data-box")]
        assert len(labels) == 1
        x0, y0, x1, y1 = map(float, labels[0].get("data-box", "").split())
        out.append((x0, y0, x1, y1))
    return out


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = map(float, root.get("viewBox", "").split())
    return x, y, x + w, y + h


def assert_labels_clear(root: ET.Element) -> None:
    vx0, vy0, vx1, vy1 = view_box(root)
    boxes = label_boxes(root)
    for x0, y0, x1, y1 in boxes:
        assert vx0 <= x0 < x1 <= vx1 and vy0 <= y0 < y1 <= vy1, "label outside the figure"
    for a, b in itertools.combinations(boxes, 2):
        overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        assert not overlap, f"labels overlap: {a} {b}"


def test_timeline_root_and_desc() -> None:
    svg = timeline_svg(BRIEF_EVENTS, TRIGGER, id_prefix="t1")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t1-title t1-desc"
    assert "timeline" in root.get("class", "").split()
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "Timeline" and title.get("id") == "t1-title"
    desc = root.find("svg:desc", NS)
    assert desc is not None and desc.get("id") == "t1-desc"
    text = desc.text or ""
    spots = [text.index(e.title) for e in sorted(BRIEF_EVENTS, key=lambda e: e.date)]
    assert spots == sorted(spots), "desc lists events chronologically"
    assert "27 Jan 1964" in text and TRIGGER.title in text
    for bad in ("<script", "foreignObject", "<style", "href="):
        assert bad not in svg


def test_timeline_x_follows_chronology_regardless_of_input_order() -> None:
    events = [event(d, f"Event {d}") for d in ("2001-05-03", "1999", "2003-02", "1999-12-31", "2010-01-01", "2000-06")]
    for order in (events, list(reversed(events)), events[3:] + events[:3]):
        xs = positions(parse(timeline_svg(order)))
        in_time = [xs[str(e.date)] for e in sorted(events, key=lambda e: e.date.midpoint)]
        assert in_time == sorted(in_time)
        assert len(set(in_time)) == len(in_time)


def test_clustered_dates_stay_distinguishable() -> None:
    root = parse(timeline_svg(BRIEF_EVENTS, TRIGGER))
    xs = positions(root)
    order = sorted(xs, key=lambda d: xs[d])
    assert order == [
        "1964-01-27",
        "1972-09-29",
        "1978-08-12",
        "2012-09",
        "2025-11-07",
        "2025-11",
        "2025-11-19",
        "2025-11-27",
    ]
    # days apart in Nov 2025 remain visibly apart even though the axis spans six decades
    assert xs["2025-11-27"] - xs["2025-11-07"] > 40
    assert xs["2025-11-19"] - xs["2025-11-07"] > 10
    assert_labels_clear(root)


def test_partial_year_sits_mid_year() -> None:
    events = [event("2012-01-01", "start"), event("2012", "the year"), event("2012-12-31", "end")]
    xs = positions(parse(timeline_svg(events)))
    assert xs["2012-01-01"] < xs["2012"] < xs["2012-12-31"]
    assert xs["2012"] == pytest.approx((xs["2012-01-01"] + xs["2012-12-31"]) / 2, abs=0.05)


def test_partial_month_sits_mid_month() -> None:
    events = [event("2012-09-01", "start"), event("2012-09", "the month"), event("2012-09-30", "end")]
    xs = positions(parse(timeline_svg(events)))
    assert xs["2012-09-01"] < xs["2012-09"] < xs["2012-09-30"]
    assert xs["2012-09"] == pytest.approx((xs["2012-09-01"] + xs["2012-09-30"]) / 2, abs=1)


def test_period_bars_for_partial_dates() -> None:
    root = parse(timeline_svg(BRIEF_EVENTS))
    periods = {r.get("data-date") for r in root.iter(f"{SVG}rect") if "period" in r.get("class", "").split()}
    assert periods == {"2012-09", "2025-11"}


def test_labels_do_not_overlap_for_clustered_events() -> None:
    assert sum(str(e.date).startswith("2025-11") for e in CLUSTER) == 6
    root = parse(timeline_svg(CLUSTER))
    assert len(event_groups(root)) == 12
    assert_labels_clear(root)
    root = parse(timeline_svg(list(reversed(CLUSTER)), TRIGGER))
    assert len(event_groups(root)) == 13
    assert_labels_clear(root)


def test_labels_do_not_overlap_many_events() -> None:
    events = [
        event(f"{2000 + n % 7}-{1 + n % 12:02d}-{1 + n:02d}", f"A fairly long event title number {n}")
        for n in range(28)
    ]
    assert_labels_clear(parse(timeline_svg(events)))
    same_day = [event("2020-02-02", f"Same day {n} with a long title to fill the lane") for n in range(8)]
    assert_labels_clear(parse(timeline_svg(same_day)))


def test_long_titles_wrap_whole_with_tooltip() -> None:
    long = "A very long event title that goes on and on well past forty characters"
    root = parse(timeline_svg([event("2020-01-01", long)]))
    (group,) = event_groups(root)
    tip = group.find("svg:title", NS)
    assert tip is not None and long in (tip.text or "")
    lines = ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]
    assert lines[0] == "1 Jan 2020"
    assert 2 <= len(lines[1:]) <= 3 and " ".join(lines[1:]) == long


def text_boxes(root: ET.Element) -> list[tuple[int, tuple[float, float, float, float]]]:
    """Each label line's box from svg.text_width, with the number of the event it belongs to."""
    out = []
    for n, group in enumerate(event_groups(root)):
        for label in (g for g in group.iter(f"{SVG}g") if g.get("data-box")):
            for text in label.iter(f"{SVG}text"):
                words = "".join(text.itertext())
                bold = text.get("font-weight") == "bold" or "trigger" in group.get("class", "")
                width = svg.text_width(words, bold=bold)
                x, y = float(text.get("x", "")), float(text.get("y", ""))
                x0 = x - width if label.get("text-anchor") == "end" else x
                out.append((n, (x0, y - svg.FONT_SIZE, x0 + width, y + 3)))
    return out


def assert_words_kept(root: ET.Element, events: list[Event]) -> None:
    """No label cut with an ellipsis, every title's words in the figure's text, no two labels' text touching."""
    shown = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "…" not in shown
    for e in events:
        for word in e.title.split():
            assert word in shown.split(), f"{word!r} of {e.title!r} lost"
    assert_labels_clear(root)
    boxes = text_boxes(root)
    for (n, a), (m, b) in itertools.combinations(boxes, 2):
        overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        assert n == m or not overlap, f"label texts overlap: {a} {b}"
    for group in event_groups(root):
        for label in (g for g in group.iter(f"{SVG}g") if g.get("data-box")):
            bx0, by0, bx1, by1 = map(float, label.get("data-box", "").split())
            for _, (x0, y0, x1, y1) in text_boxes(label_root(group)):
                assert bx0 <= x0 + 0.01 and x1 <= bx1 + 0.01 and by0 <= y0 and y1 <= by1, "text outside its label"


def label_root(group: ET.Element) -> ET.Element:
    root = ET.Element(f"{SVG}svg")
    root.append(group)
    return root


LONG_TITLES = [
    event(
        f"{2010 + n % 15}-{1 + n % 12:02d}" + (f"-{1 + n:02d}" if n % 3 else ""),
        f"Event {n}: ministers of several neighbouring governments meet again to discuss maritime boundaries",
    )
    for n in range(30)
]


@pytest.mark.parametrize("name", ["example-port-strike"])
def test_repository_timelines_keep_every_word(name: str) -> None:  # the real brief (4 pages) has no timeline
    from helpers import BRIEFS, load  # here: _RENDER_ELSEWHERE imports this module without the plugin

    brief = load(BRIEFS / f"{name}.yaml").brief
    events = brief.historical_context.timeline if brief.historical_context else []
    assert events
    assert_words_kept(parse(timeline_svg(events, brief.trigger)), list(events))


def test_thirty_long_titles_keep_every_word() -> None:
    long_trigger = trigger("A trigger whose title is long enough to need two lines of the label", dt.date(2024, 6, 2))
    assert_words_kept(parse(timeline_svg(LONG_TITLES, long_trigger)), LONG_TITLES)
    assert_words_kept(parse(timeline_svg(LONG_TITLES[:5])), LONG_TITLES[:5])
    cjk = [event("2025-11-07", "高市早苗首相が台湾有事に関する国会答弁を行い中国が強く反発した")]
    root = parse(timeline_svg(cjk))
    (group,) = event_groups(root)
    assert "".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))[10:] == cjk[0].title
    assert_labels_clear(root)


def test_trigger_is_present_and_marked() -> None:
    root = parse(timeline_svg(BRIEF_EVENTS, TRIGGER))
    triggers = [g for g in event_groups(root) if "trigger" in g.get("class", "").split()]
    assert len(triggers) == 1
    assert triggers[0].get("data-date") == "2025-11-19"
    text = " ".join("".join(t.itertext()) for t in triggers[0].iter(f"{SVG}text"))
    assert "Trigger:" in text and "19 Nov 2025" in text


def test_trigger_matching_an_event_is_drawn_once() -> None:
    same = trigger("Takaichi links Japan's security to a Taiwan contingency", dt.date(2025, 11, 7))
    root = parse(timeline_svg(BRIEF_EVENTS, same))
    groups = event_groups(root)
    assert len(groups) == len(BRIEF_EVENTS)
    marked = [g.get("data-date") for g in groups if "trigger" in g.get("class", "").split()]
    assert marked == ["2025-11-07"]


def test_trigger_only_and_empty() -> None:
    assert timeline_svg([]) == ""
    assert timeline_svg([], trigger("Undated", None)) == ""
    root = parse(timeline_svg([], TRIGGER))
    (group,) = event_groups(root)
    assert "trigger" in group.get("class", "").split()


def test_undated_trigger_is_left_out() -> None:
    root = parse(timeline_svg(BRIEF_EVENTS, trigger("Undated", None)))
    assert not [g for g in event_groups(root) if "trigger" in g.get("class", "").split()]


def tick_labels(root: ET.Element) -> list[str]:
    ticks = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "ticks")
    return [t.text or "" for t in ticks.iter(f"{SVG}text")]


def test_ticks_for_a_single_event_and_a_single_year() -> None:
    labels = tick_labels(parse(timeline_svg([event("2012-09", "Senkaku purchase")])))
    assert 4 <= len(labels) <= 11
    assert labels[0] == "Jan 2012" and labels[-1] == "Jan 2013"
    events = [event("2025-03-02", "a"), event("2025-06", "b"), event("2025-11-07", "c")]
    labels = tick_labels(parse(timeline_svg(events)))
    assert 4 <= len(labels) <= 11 and "2025" in labels[0]


def test_ticks_for_many_decades() -> None:
    events = [event(str(year), f"Event {year}") for year in range(1900, 2030, 13)]
    labels = tick_labels(parse(timeline_svg(events)))
    assert 5 <= len(labels) <= 11
    steps = {int(b) - int(a) for a, b in itertools.pairwise(labels)}
    assert steps <= {10, 20, 25}


def test_timeline_escapes_text() -> None:
    svg = timeline_svg([event("2020", "<script>x</script> & co")], trigger("<b>bold</b>", dt.date(2021, 1, 1)))
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    desc = root.find("svg:desc", NS)
    assert desc is not None and "<script>x</script> & co" in (desc.text or "")


def test_timeline_grows_with_lanes() -> None:
    few = view_box(parse(timeline_svg(BRIEF_EVENTS[:2])))
    many = view_box(parse(timeline_svg(CLUSTER)))
    assert many[2] == few[2]
    assert many[3] > few[3]


def test_timeline_deterministic() -> None:
    assert timeline_svg(CLUSTER, TRIGGER) == timeline_svg(list(CLUSTER), TRIGGER)
    assert timeline_svg(CLUSTER, TRIGGER, id_prefix="x") != timeline_svg(CLUSTER, TRIGGER)


def test_many_events_are_drawn_as_dots_without_labels() -> None:
    events = [event(f"{1900 + n % 126}-{1 + n % 12:02d}-{1 + n % 28:02d}", f"Event number {n}") for n in range(10_000)]
    svg = timeline_svg(events, TRIGGER)  # about 0.2 s; with labels it took 26 s and made 7 MB
    assert len(svg) < 1_000_000
    root = parse(svg)
    assert not [g for g in root.iter(f"{SVG}g") if g.get("data-box")]
    assert not [t for t in root.iter(f"{SVG}text") if "Event number" in (t.text or "")]
    desc = root.find("svg:desc", NS)
    assert desc is not None
    assert desc.text == (
        "10000 events from 1 Jan 1900 to 28 Dec 2025; labels omitted, see the list of events."
        f" Trigger: 19 Nov 2025: {TRIGGER.title}."
    )
    (marked,) = [g for g in event_groups(root) if "trigger" in g.get("class", "").split()]
    assert marked.get("data-date") == "2025-11-19"
    dots = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "dots")
    xs = [float(c.get("cx", "")) for c in dots.iter(f"{SVG}circle")]
    assert 100 < len(xs) <= 2 * 536 + 1  # at most one dot per half unit of the axis
    assert xs == sorted(xs)
    assert 32 <= xs[0] <= xs[-1] <= 568
    assert tick_labels(root)[0] == "1900"


def test_sixty_events_still_get_labels() -> None:
    events = [event(f"{1960 + n}-{1 + n % 12:02d}-01", f"Event number {n}") for n in range(60)]
    root = parse(timeline_svg(events, TRIGGER))
    assert len(label_boxes(root)) == 61
    assert_labels_clear(root)
    assert "labels omitted" not in (root.findtext("svg:desc", namespaces=NS) or "")
    root = parse(timeline_svg([*events, event("2021-01-01", "One more")], TRIGGER))
    assert not [g for g in root.iter(f"{SVG}g") if g.get("data-box")]


# --- the timeline's axis


@dataclass
class Spot:
    start: dt.date
    end: dt.date
    mid: float
    order: int


def spots(*dates: str) -> list[Spot]:
    out = []
    for n, text in enumerate(dates):
        date = PartialDate.parse(text)
        out.append(Spot(*axis.period(date), date.midpoint, n))
    return out


BRIEF_DATES = [str(e.date) for e in BRIEF_EVENTS] + ["2025-11-19"]  # the events and the trigger


def test_frac_and_add_months() -> None:
    assert axis.frac(dt.date(2024, 1, 1)) == 2024
    assert axis.frac(dt.date(2024, 7, 1)) == 2024 + 182 / 366  # a leap year
    assert axis.frac(dt.date(2025, 7, 1)) == 2025 + 181 / 365
    assert axis.add_months(dt.date(2025, 11, 19), 1) == dt.date(2025, 12, 1)
    assert axis.add_months(dt.date(2025, 11, 19), 2) == dt.date(2026, 1, 1)
    assert axis.add_months(dt.date(2012, 1, 1), 12) == dt.date(2013, 1, 1)
    assert axis.add_months(dt.date(9999, 12, 5), 1) == dt.date.max


def test_period_of_a_partial_date() -> None:
    assert axis.period(PartialDate(2012)) == (dt.date(2012, 1, 1), dt.date(2013, 1, 1))
    assert axis.period(PartialDate(2012, 9)) == (dt.date(2012, 9, 1), dt.date(2012, 10, 1))
    assert axis.period(PartialDate(2012, 12)) == (dt.date(2012, 12, 1), dt.date(2013, 1, 1))
    assert axis.period(PartialDate(2024, 2, 29)) == (dt.date(2024, 2, 29), dt.date(2024, 3, 1))
    assert axis.period(PartialDate(9999, 12, 31)) == (dt.date.max, dt.date.max)


def test_split_axis_cuts_the_brief_at_its_two_large_gaps() -> None:
    groups = axis.split_axis(spots(*BRIEF_DATES), 536)
    assert [[str(s.start) for s in g] for g in groups] == [
        ["1964-01-27", "1972-09-29", "1978-08-12"],
        ["2012-09-01"],
        ["2025-11-01", "2025-11-07", "2025-11-19", "2025-11-27"],
    ]
    gap, at = axis.largest_gap([s for g in groups for s in g])
    assert at == 3  # the 34 empty years before 2012, not the 13 after it
    assert gap == pytest.approx(axis.frac(dt.date(2012, 9, 1)) - axis.frac(dt.date(1978, 8, 13)))


def test_split_axis_keeps_spread_out_dates_on_one_axis() -> None:
    years = spots(*(str(year) for year in range(1900, 2030, 13)))
    assert axis.split_axis(reversed(years), 536) == [years]  # sorted by start, whatever the input order


def test_allocate_shares_width_by_events_after_a_minimum() -> None:
    widths = axis.allocate([[1, 2], [3], [4, 5, 6, 7, 8]], 536)  # 536 less two breaks and three minimums: 266
    assert sum(widths) + 2 * axis.BREAK_W == pytest.approx(536)
    assert widths == pytest.approx([70 + 266 * 2 / 8, 70 + 266 / 8, 70 + 266 * 5 / 8])


def test_axis_segments_of_the_brief() -> None:
    segments = axis.axis_segments(spots(*BRIEF_DATES), 32, 536)
    assert len(segments) == 3
    assert segments[0].x0 == 32 and segments[-1].x1 == pytest.approx(568)
    for a, b in itertools.pairwise(segments):
        assert b.x0 == pytest.approx(a.x1 + axis.BREAK_W)
    decades, year, november = segments
    assert decades.ticks == [(y, str(y)) for y in (1960, 1965, 1970, 1975, 1980)]
    assert decades.x(1960) == 32 and decades.x(1980) == pytest.approx(decades.x1)
    assert year.ticks == [(2012, ""), (2013, "")] and year.captions == [(2012.5, "2012")]  # named, not its ends
    assert [text for _, text in november.ticks] == ["1 Nov 2025", "11 Nov", "21 Nov", "1 Dec"]


def test_tick_dates_cover_the_span() -> None:
    assert axis.tick_dates("year", 10, dt.date(1964, 1, 27), dt.date(1978, 8, 13)) == [
        dt.date(1960, 1, 1),
        dt.date(1970, 1, 1),
        dt.date(1980, 1, 1),
    ]
    assert axis.tick_dates("month", 3, dt.date(2012, 9, 1), dt.date(2012, 10, 1)) == [
        dt.date(2012, 7, 1),
        dt.date(2012, 10, 1),
    ]
    assert axis.tick_dates("day", 5, dt.date(2025, 11, 7), dt.date(2025, 11, 28)) == [
        *(dt.date(2025, 11, d) for d in (6, 11, 16, 21, 26)),
        dt.date(2025, 12, 1),
    ]


def test_tick_labels_name_only_what_changed() -> None:
    months = [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert axis.tick_labels("month", months) == ["Nov 2025", "Dec", "Jan 2026", "Feb"]
    days = [dt.date(2025, 12, 21), dt.date(2025, 12, 26), dt.date(2026, 1, 1), dt.date(2026, 1, 6)]
    assert axis.tick_labels("day", days) == ["21 Dec 2025", "26 Dec", "1 Jan 2026", "6 Jan"]
    assert axis.tick_labels("year", [dt.date(1960, 1, 1), dt.date(1970, 1, 1)]) == ["1960", "1970"]


def test_choose_ticks_takes_the_finest_step_that_fits() -> None:
    labels = [text for _, text in axis.choose_ticks(dt.date(2012, 1, 1), dt.date(2013, 1, 1), 536)]
    assert labels == ["Jan 2012", "Mar", "May", "Jul", "Sep", "Nov", "Jan 2013"]  # monthly labels would collide
    ticks = axis.choose_ticks(dt.date(2025, 11, 1), dt.date(2025, 12, 1), 100)
    assert ticks == [(axis.frac(dt.date(2025, 11, 1)), "Nov 2025"), (axis.frac(dt.date(2025, 12, 1)), "Dec")]


# --- determinism

_RENDER_ELSEWHERE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("figures_elsewhere", sys.argv[1])
case = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = case  # dataclasses look their module up while the module runs
spec.loader.exec_module(case)
print(json.dumps(case.rendered()))
"""


def rendered() -> list[str]:
    return [risk_matrix_svg(RISKS), timeline_svg(BRIEF_EVENTS, TRIGGER), timeline_svg(CLUSTER, TRIGGER)]


def test_figures_deterministic_across_interpreters() -> None:
    """Fresh interpreters with different string hashing draw byte-identical figures, equal to this one's."""
    outputs = []
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", _RENDER_ELSEWHERE, __file__],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).resolve().parents[1],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0] == rendered()
    assert all(svg.startswith("<svg") for svg in outputs[0])
