"""The historical timeline as SVG: events (partial dates placed mid-period) and the trigger on a date axis,
broken where long empty gaps would crowd the rest, with labels in lanes that never collide."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from briefgen.figures import MUTED, esc, num, svg_open, text_width, truncate
from briefgen.model import Event, PartialDate, Trigger

__all__ = ["timeline_svg"]

_TL_WIDTH = 600.0
_AXIS_MARGIN = 32.0  # axis ends this far from the sides, so end tick labels fit
_EDGE = 4.0  # labels stay this far inside the figure
_BREAK_W = 30.0  # width of an axis break
_SEG_MIN_W = 70.0  # smallest width of an axis segment
_MAX_SEGMENTS = 4
_MIN_SEP = 10.0  # dots closer than this (user units) call for an axis break, if a large gap allows one
_SPLIT_RATIO = 0.35  # ... where a gap is large if it is this share of its segment's span
_MAX_TICK_INTERVALS = 10
_TICK_GAP = 8.0  # minimum clear space between tick labels
_LABEL_PAD = 4.0
_LINE_H = 13.0
_BOX_H = 2 * _LINE_H + 4  # two lines: date, then title
_LANE_H = _BOX_H + 6
_LANE_GAP_X = 6.0  # minimum clear space between labels in one lane
_ABOVE_GAP = 12.0  # clearance between the axis and the nearest label above
_BELOW_GAP = 26.0  # ... and below (tick labels sit in between)
_TITLE_LIMIT = 40
_CLEAN_BUDGET = 2  # lanes a label may move outwards to keep its leader clear of other labels
_MAX_LABELLED = 60  # beyond this many events, no labels: lanes take quadratic time, and the page lists the events
_DOT_GRID = 0.5  # unlabelled dots closer than this share one mark, which bounds the figure's size
_EVENT_COLOUR = "#1f4e79"
_TRIGGER_COLOUR = "#b03a2e"


def _frac(day: dt.date) -> float:
    """Start of a day as a fractional year, on the same scale as ``PartialDate.midpoint``."""
    days = 366 if (day.year % 4 == 0 and (day.year % 100 or day.year % 400 == 0)) else 365
    return day.year + (day.timetuple().tm_yday - 1) / days


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(max(year, dt.MINYEAR), month + 1, 1)


@dataclass
class _Item:
    date: PartialDate
    start: dt.date  # first day of the period
    end: dt.date  # day after the period
    mid: float
    title: str
    trigger: bool
    order: int
    x: float = 0.0
    side: int = 0  # 0 above the axis, 1 below
    level: int = 0
    x0: float = 0.0
    x1: float = 0.0
    anchor: str = "start"
    lines: tuple[str, str] = ("", "")

    @property
    def key(self) -> str:
        return str(self.date)

    @property
    def label(self) -> str:
        return self.date.label


def _item(date: PartialDate, title: str, trigger: bool, order: int) -> _Item:
    if date.day:
        start = dt.date(date.year, date.month, date.day)
        end = start + dt.timedelta(days=1) if start < dt.date.max else start
    elif date.month:
        start = dt.date(date.year, date.month, 1)
        end = _add_months(start, 1)
    else:
        start = dt.date(date.year, 1, 1)
        end = _add_months(start, 12)
    return _Item(date, start, end, date.midpoint, title, trigger, order)


@dataclass
class _Segment:
    items: list[_Item]
    x0: float = 0.0
    x1: float = 0.0
    lo: float = 0.0
    hi: float = 1.0
    ticks: list[tuple[float, str]] = field(default_factory=list)  # position, label ("" for none)
    captions: list[tuple[float, str]] = field(default_factory=list)  # labels without a tick

    def x(self, when: float) -> float:
        return self.x0 + (when - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)


def _allocate(segments: list[list[_Item]], width: float) -> list[float]:
    """Share the axis width between segments: a fixed minimum each, the rest by number of events."""
    avail = width - _BREAK_W * (len(segments) - 1)
    base = min(_SEG_MIN_W, avail / len(segments))
    extra = avail - base * len(segments)
    total = sum(len(s) for s in segments)
    return [base + extra * len(s) / total for s in segments]


def _largest_gap(items: list[_Item]) -> tuple[float, int]:
    """The largest empty stretch between consecutive periods (items sorted by start) and where it is."""
    best, at = 0.0, 0
    reach = _frac(items[0].end)
    for k in range(1, len(items)):
        gap = _frac(items[k].start) - reach
        if gap > best:
            best, at = gap, k
        reach = max(reach, _frac(items[k].end))
    return best, at


def _split_axis(items: list[_Item], width: float) -> list[list[_Item]]:
    """Break the axis where dots would be crowded and a large empty gap can be cut out.

    Repeatedly: find the segment whose closest pair of distinct dots is less than ``_MIN_SEP`` apart,
    and cut it at its largest gap if that gap is at least ``_SPLIT_RATIO`` of the segment's span.
    Spread-out dates keep one linear axis; a few decades of context plus a cluster of recent days
    becomes e.g. 1960-1980 // 2012 // Nov 2025.
    """
    segments = [sorted(items, key=lambda i: (i.start, i.mid, i.order))]
    while len(segments) < _MAX_SEGMENTS:
        widths = _allocate(segments, width)
        best: tuple[float, int, int] | None = None
        for index, (segment, seg_w) in enumerate(zip(segments, widths, strict=True)):
            mids = sorted({i.mid for i in segment})
            if len(mids) < 2:
                continue
            lo = min(_frac(i.start) for i in segment)
            hi = max(_frac(i.end) for i in segment)
            closest = min(b - a for a, b in itertools.pairwise(mids)) * seg_w / (hi - lo)
            if closest >= _MIN_SEP:
                continue
            gap, at = _largest_gap(segment)
            if at and gap >= _SPLIT_RATIO * (hi - lo) and (best is None or closest < best[0]):
                best = (closest, index, at)
        if best is None:
            break
        _, index, at = best
        segment = segments[index]
        segments[index : index + 1] = [segment[:at], segment[at:]]
    return segments


_TICK_STEPS: tuple[tuple[str, int], ...] = (
    ("day", 1),
    ("day", 2),
    ("day", 5),
    ("day", 10),
    ("month", 1),
    ("month", 2),
    ("month", 3),
    ("month", 6),
    *(("year", n) for n in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)),
)


def _tick_dates(kind: str, step: int, start: dt.date, end: dt.date) -> list[dt.date]:
    """Ticks every ``step`` days/months/years, from the last one at or before ``start`` to the first
    one at or after ``end``. Day ticks fall on days 1, 1+step, ... of each month (up to the 28th)."""
    if kind == "year":
        first = max(dt.MINYEAR, start.year // step * step)
        needed = end.year if end == dt.date(end.year, 1, 1) else end.year + 1
        last = max(-(-needed // step) * step, first + step)
        return [dt.date(y, 1, 1) for y in range(first, min(last, dt.MAXYEAR) + 1, step)]
    if kind == "month":
        first_index = (start.year * 12 + start.month - 1) // step * step
        end_index = end.year * 12 + end.month - 1 + (1 if end.day > 1 else 0)
        last_index = max(-(-end_index // step) * step, first_index + step)
        out = []
        for index in range(first_index, last_index + 1, step):
            year, month = divmod(index, 12)
            if dt.MINYEAR <= year <= dt.MAXYEAR:
                out.append(dt.date(year, month + 1, 1))
        return out
    candidates: list[dt.date] = []
    cursor = dt.date(start.year, start.month, 1)
    while True:
        for d in range(1, 32 if step == 1 else 29, step):
            try:
                candidates.append(dt.date(cursor.year, cursor.month, d))
            except ValueError:
                break
        if cursor > end or cursor == dt.date.max:
            break
        cursor = _add_months(cursor, 1)
    before = [c for c in candidates if c <= start]
    after = [c for c in candidates if c >= end]
    low, high = before[-1], (after[0] if after else candidates[-1])
    return [c for c in candidates if low <= c <= high]


def _tick_labels(kind: str, ticks: list[dt.date]) -> list[str]:
    out = []
    for k, tick in enumerate(ticks):
        month = tick.strftime("%b")
        if kind == "year":
            out.append(str(tick.year))
        elif kind == "month":
            out.append(f"{month} {tick.year}" if k == 0 or tick.month == 1 else month)
        else:
            full = k == 0 or (tick.month == 1 and tick.day == 1)
            out.append(f"{tick.day} {month} {tick.year}" if full else f"{tick.day} {month}")
    return out


def _choose_ticks(start: dt.date, end: dt.date, width: float) -> list[tuple[float, str]]:
    """The finest tick step with at most ``_MAX_TICK_INTERVALS`` intervals whose labels do not collide."""
    chosen: list[tuple[float, str]] = []
    span_days = (end - start).days
    for kind, step in _TICK_STEPS:
        per_tick = {"day": 1, "month": 28, "year": 365}[kind] * step
        if span_days / per_tick > 2 * _MAX_TICK_INTERVALS:  # far too many: skip without listing them
            continue
        dates = _tick_dates(kind, step, start, end)
        if len(dates) < 2 or len(dates) - 1 > _MAX_TICK_INTERVALS:
            continue
        labels = _tick_labels(kind, dates)
        where = [_frac(d) for d in dates]
        scale = width / (where[-1] - where[0])
        chosen = list(zip(where, labels, strict=True))
        fits = all(
            (where[k + 1] - where[k]) * scale >= (text_width(labels[k]) + text_width(labels[k + 1])) / 2 + _TICK_GAP
            for k in range(len(dates) - 1)
        )
        if fits:
            break
    return chosen


def _event_lines(item: _Item) -> tuple[str, str]:
    if item.trigger:
        return item.label, "Trigger: " + truncate(item.title, _TITLE_LIMIT - 8)
    return item.label, truncate(item.title, _TITLE_LIMIT)


def _label_width(item: _Item) -> float:
    date_line, title_line = _event_lines(item)
    return max(text_width(date_line, bold=True), text_width(title_line, bold=item.trigger)) + 2 * _LABEL_PAD


_Boxes = dict[tuple[int, int], list[tuple[float, float]]]


def _lane_free(boxes: _Boxes, x0: float, x1: float, side: int, level: int) -> bool:
    """Whether a label box from x0 to x1 fits in this lane without touching another box."""
    return all(x1 + _LANE_GAP_X <= a or b + _LANE_GAP_X <= x0 for a, b in boxes.get((side, level), []))


def _lane_clean(
    boxes: _Boxes, leaders: list[tuple[int, int, float]], x: float, x0: float, x1: float, side: int, level: int
) -> bool:
    """Whether, in this lane, a leader at x misses nearer boxes and the box x0-x1 misses farther leaders."""
    for inner in range(level):
        if any(a + 1 < x < b - 1 for a, b in boxes.get((side, inner), [])):
            return False
    return not any(s == side and lv > level and x0 + 1 < lx < x1 - 1 for s, lv, lx in leaders)


def _assign_lanes(items: list[_Item], width: float) -> None:
    """Give each label a side and a lane so that no two label boxes overlap (greedy, in x order).

    A label hangs like a flag from a vertical leader at its dot, to the right of it or else to the left.
    Items alternate between preferring above and below; each takes the nearest lane where its box is
    clear of the others, preferring (up to ``_CLEAN_BUDGET`` lanes further out) one where its leader
    does not cut through a nearer label and its box does not cover a farther label's leader.
    """
    boxes: _Boxes = {}
    leaders: list[tuple[int, int, float]] = []
    for index, item in enumerate(items):
        item.lines = _event_lines(item)
        w = _label_width(item)
        flags: list[tuple[str, float]] = []  # (text-anchor, left edge of the box)
        if item.x + w <= width - _EDGE:
            flags.append(("start", item.x))
        if item.x - w >= _EDGE:
            flags.append(("end", item.x - w))
        if not flags:
            flags.append(("start", max(_EDGE, min(item.x - w / 2, width - _EDGE - w))))
        prefer = index % 2
        fallback: tuple[int, int, str, float] | None = None
        chosen: tuple[int, int, str, float] | None = None
        level = 0
        while chosen is None:
            for side in (prefer, 1 - prefer):
                for anchor, x0 in flags:
                    if not _lane_free(boxes, x0, x0 + w, side, level):
                        continue
                    if fallback is None:
                        fallback = (side, level, anchor, x0)
                    if _lane_clean(boxes, leaders, item.x, x0, x0 + w, side, level):
                        chosen = (side, level, anchor, x0)
                        break
                if chosen is not None:
                    break
            if chosen is None and fallback is not None and level >= fallback[1] + _CLEAN_BUDGET:
                chosen = fallback
            level += 1
        item.side, item.level, item.anchor, item.x0 = chosen
        item.x1 = item.x0 + w
        boxes.setdefault((item.side, item.level), []).append((item.x0, item.x1))
        leaders.append((item.side, item.level, item.x))


def _snap(x: float) -> float:
    return round(x / _DOT_GRID) * _DOT_GRID


def _trigger_mark(x: float, axis_y: float) -> str:
    r = 6.0
    return (
        f'<path class="dot" d="M{num(x)} {num(axis_y - r)}L{num(x + r)} {num(axis_y)}'
        f'L{num(x)} {num(axis_y + r)}L{num(x - r)} {num(axis_y)}Z" fill="{_TRIGGER_COLOUR}"'
        ' stroke="#ffffff" stroke-width="1"/>'
    )


def _labelled_events(items: list[_Item], axis_y: float) -> list[str]:
    """Each event as a group: its leader, its label in its lane, its dot."""
    parts = []
    # events: farther lanes first, so nearer labels are painted over any leader that has to cross them
    for item in sorted(items, key=lambda i: (-i.level, i.x, i.side, i.order)):
        if item.side == 0:
            y0 = axis_y - _ABOVE_GAP - item.level * _LANE_H - _BOX_H
            leader_end = y0 + _BOX_H
        else:
            y0 = axis_y + _BELOW_GAP + item.level * _LANE_H
            leader_end = y0
        y1 = y0 + _BOX_H
        colour = _TRIGGER_COLOUR if item.trigger else _EVENT_COLOUR
        tip = f"{item.label}: {'Trigger: ' if item.trigger else ''}{item.title}"
        parts.append(
            f'<g class="event{" trigger" if item.trigger else ""}" data-date="{esc(item.key)}"'
            f' data-x="{num(item.x)}"><title>{esc(tip)}</title>'
        )
        parts.append(
            f'<line class="leader" x1="{num(item.x)}" y1="{num(axis_y)}" x2="{num(item.x)}"'
            f' y2="{num(leader_end)}" stroke="{colour}" stroke-width="0.75"/>'
        )
        tx = item.x0 + _LABEL_PAD if item.anchor == "start" else item.x1 - _LABEL_PAD
        date_line, title_line = item.lines
        title_fill = f' fill="{colour}"' if item.trigger else ""
        if item.trigger:
            title_svg = f'<tspan font-weight="bold">Trigger:</tspan> {esc(title_line.removeprefix("Trigger: "))}'
        else:
            title_svg = esc(title_line)
        parts.append(
            f'<g class="label" data-box="{num(item.x0)} {num(y0)} {num(item.x1)} {num(y1)}"'
            f' text-anchor="{item.anchor}">'
            f'<rect x="{num(item.x0)}" y="{num(y0)}" width="{num(item.x1 - item.x0)}" height="{num(_BOX_H)}"'
            f' fill="#ffffff" fill-opacity="0.85"/>'
            f'<text x="{num(tx)}" y="{num(y0 + 12)}" font-weight="bold" fill="{colour}">{esc(date_line)}</text>'
            f'<text x="{num(tx)}" y="{num(y0 + 12 + _LINE_H)}"{title_fill}>{title_svg}</text></g>'
        )
        if item.trigger:
            parts.append(_trigger_mark(item.x, axis_y))
        else:
            parts.append(
                f'<circle class="dot" cx="{num(item.x)}" cy="{num(axis_y)}" r="4" fill="{colour}"'
                ' stroke="#ffffff" stroke-width="1"/>'
            )
        parts.append("</g>")
    return parts


def timeline_svg(events: Sequence[Event], trigger: Trigger | None = None, *, id_prefix: str = "tl") -> str:
    """A horizontal timeline of events (and the trigger, if dated), with non-colliding labels.

    Dots sit at ``date.midpoint``; a date known only to the month or year also gets a bar spanning the
    period. The axis is broken where a cluster of close dates sits far from the rest (see
    ``_split_axis``); each segment has its own year, month or day ticks. Labels (date, then title cut
    at 40 characters; the full title is in a ``<title>`` tooltip) are stacked in lanes above and
    below the axis (see ``_assign_lanes``); the figure grows taller with the number of lanes.
    An event with the trigger's date and title is drawn once, as the trigger.

    Each event is ``<g class="event" data-date="2012-09" data-x="..">`` (``class="event trigger"``
    for the trigger) holding a ``<g class="label" data-box="x0 y0 x1 y1">``. Returns "" if there is
    nothing to draw.

    Above ``_MAX_LABELLED`` events the figure has no labels: only the dots (one per ``_DOT_GRID``
    step, in a ``<g class="dots">``), the period bars and the trigger, and the ``<desc>`` says that
    the labels are left out, so time and size stay bounded however long the list of events is.
    """
    items = [_item(e.date, e.title, False, n) for n, e in enumerate(events)]
    if trigger is not None and trigger.date is not None:
        trigger_date = PartialDate.parse(trigger.date)
        same = [i for i in items if i.date == trigger_date and i.title.casefold() == trigger.title.casefold()]
        if same:
            same[0].trigger = True
        else:
            items.append(_item(trigger_date, trigger.title, True, len(items)))
    if not items:
        return ""

    axis_w = _TL_WIDTH - 2 * _AXIS_MARGIN
    groups = _split_axis(items, axis_w)
    segments: list[_Segment] = []
    x = _AXIS_MARGIN
    for group, seg_w in zip(groups, _allocate(groups, axis_w), strict=True):
        start = min(i.start for i in group)
        end = max(i.end for i in group)
        distinct = len({i.mid for i in group})
        if distinct == 1:  # a lone date: show its whole year rather than a zoomed-in month
            start = dt.date(start.year, 1, 1)
            end = _add_months(dt.date((end - dt.timedelta(days=1)).year, 1, 1), 12)
        if distinct == 1 and len(groups) > 1:  # one year between breaks: name the year, not its ends
            lo, hi = _frac(start), _frac(end)
            segment = _Segment(group, x, x + seg_w, lo, hi, [(lo, ""), (hi, "")], [((lo + hi) / 2, str(start.year))])
        else:
            ticks = _choose_ticks(start, end, seg_w)
            lo, hi = min(ticks[0][0], _frac(start)), max(ticks[-1][0], _frac(end))  # (years near 9999)
            segment = _Segment(group, x, x + seg_w, lo, hi, ticks)
        segments.append(segment)
        x += seg_w + _BREAK_W
    for segment in segments:
        for item in segment.items:
            item.x = segment.x(item.mid)

    labelled = len(events) <= _MAX_LABELLED
    if labelled:
        _assign_lanes(sorted(items, key=lambda i: (i.mid, i.trigger, i.order)), _TL_WIDTH)
    above = max((i.level + 1 for i in items if i.side == 0 and labelled), default=0)
    below = max((i.level + 1 for i in items if i.side == 1 and labelled), default=0)
    axis_y = 6 + (_BOX_H + _ABOVE_GAP + (above - 1) * _LANE_H if above else 10)
    height = axis_y + (_BELOW_GAP + (below - 1) * _LANE_H + _BOX_H + 6 if below else 26)

    if labelled:
        chronological = sorted(items, key=lambda i: (i.date, i.trigger, i.order))
        desc = "Events in date order: " + "; ".join(
            f"{i.label}: {'trigger: ' if i.trigger else ''}{i.title}" for i in chronological
        )
    else:
        first, *_, last = sorted(items[: len(events)], key=lambda i: i.date)  # the trigger, if added, is last
        desc = f"{len(events)} events from {first.label} to {last.label}; labels omitted, see the list of events."
        desc += "".join(f" Trigger: {i.label}: {i.title}." for i in items if i.trigger)
    parts = [svg_open(_TL_WIDTH, height, id_prefix, "timeline", "Timeline", desc)]

    # axis segments, breaks, ticks
    parts.append(f'<g class="axis" stroke="{MUTED}" stroke-width="1.25">')
    for k, segment in enumerate(segments):
        parts.append(f'<line x1="{num(segment.x0)}" y1="{num(axis_y)}" x2="{num(segment.x1)}" y2="{num(axis_y)}"/>')
        for at, _ in segment.ticks:
            tx = segment.x(at)
            parts.append(f'<line x1="{num(tx)}" y1="{num(axis_y)}" x2="{num(tx)}" y2="{num(axis_y + 5)}"/>')
        if k:
            gx = segment.x0 - _BREAK_W / 2
            parts.append(
                f'<path class="axis-break" fill="none" d="M{num(gx - 6)} {num(axis_y + 6)}L{num(gx - 1)} '
                f'{num(axis_y - 6)}M{num(gx + 1)} {num(axis_y + 6)}L{num(gx + 6)} {num(axis_y - 6)}"/>'
            )
    parts.append("</g>")

    # periods (dates known to the month or year) as bars under everything else
    parts.append('<g class="periods">')
    drawn: set[tuple[float, float, bool]] = set()
    for segment in segments:
        for item in segment.items:
            if item.date.day == 0:
                bx0, bx1 = segment.x(_frac(item.start)), segment.x(_frac(item.end))
                if not labelled:  # one bar per position, as for the dots
                    bx0, bx1 = _snap(bx0), _snap(bx1)
                    if (bx0, bx1, item.trigger) in drawn:
                        continue
                    drawn.add((bx0, bx1, item.trigger))
                colour = _TRIGGER_COLOUR if item.trigger else _EVENT_COLOUR
                parts.append(
                    f'<rect class="period" data-date="{esc(item.key)}" x="{num(bx0)}" y="{num(axis_y - 3.5)}"'
                    f' width="{num(max(bx1 - bx0, 1))}" height="7" rx="3.5" fill="{colour}" fill-opacity="0.3"/>'
                )
    parts.append("</g>")

    if labelled:
        parts += _labelled_events(items, axis_y)
    else:
        dots = sorted({_snap(i.x) for i in items if not i.trigger})
        parts.append(f'<g class="dots" fill="{_EVENT_COLOUR}" stroke="#ffffff" stroke-width="1">')
        parts += [f'<circle class="dot" cx="{num(x)}" cy="{num(axis_y)}" r="4"/>' for x in dots]
        parts.append("</g>")
        for item in items:
            if item.trigger:
                tip = f"{item.label}: Trigger: {item.title}"
                parts.append(
                    f'<g class="event trigger" data-date="{esc(item.key)}" data-x="{num(item.x)}">'
                    f"<title>{esc(tip)}</title>{_trigger_mark(item.x, axis_y)}</g>"
                )
    # tick labels: keep segment starts (and year captions) first, then the rest left to right, dropping any that collide
    tick_labels: list[tuple[int, float, str]] = []
    for segment in segments:
        for k, (at, text) in enumerate(segment.ticks):
            if text:
                tick_labels.append((0 if k == 0 else 1, segment.x(at), text))
        tick_labels.extend((0, segment.x(at), text) for at, text in segment.captions)
    kept: list[tuple[float, float, float, str]] = []
    for _, tx, text in sorted(tick_labels, key=lambda t: (t[0], t[1])):
        half = text_width(text) / 2
        if all(tx + half + _TICK_GAP / 2 <= a or b + _TICK_GAP / 2 <= tx - half for a, b, _, _ in kept):
            kept.append((tx - half, tx + half, tx, text))
    # drawn after the events, on a white ground, so leaders passing below the axis do not strike them
    parts.append(f'<g class="ticks" text-anchor="middle" fill="{MUTED}">')
    for x0, x1, tx, text in sorted(kept):
        parts.append(
            f'<rect x="{num(x0 - 1)}" y="{num(axis_y + 7)}" width="{num(x1 - x0 + 2)}" height="13" fill="#ffffff"/>'
            f'<text x="{num(tx)}" y="{num(axis_y + 17)}">{esc(text)}</text>'
        )
    parts.append("</g>")

    parts.append("</svg>")
    return "".join(parts)
