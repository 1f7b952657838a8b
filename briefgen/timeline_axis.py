"""The timeline's date axis: dates as fractional years, the axis broken at large gaps, and its ticks."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from briefgen.i18n import Translator
from briefgen.model import PartialDate
from briefgen.svg import text_width

__all__ = [
    "BREAK_W",
    "TICK_GAP",
    "Segment",
    "Span",
    "add_months",
    "allocate",
    "axis_segments",
    "choose_ticks",
    "frac",
    "largest_gap",
    "period",
    "split_axis",
    "tick_dates",
    "tick_labels",
]

BREAK_W = 30.0  # width of an axis break
TICK_GAP = 8.0  # minimum clear space between tick labels
_SEG_MIN_W = 70.0  # smallest width of an axis segment
_MAX_SEGMENTS = 4
_MIN_SEP = 10.0  # dots closer than this (user units) call for an axis break, if a large gap allows one
_SPLIT_RATIO = 0.35  # ... where a gap is large if it is this share of its segment's span
_MAX_TICK_INTERVALS = 10


class Span(Protocol):
    """What the axis places: a period from ``start`` to the day after it ends, its midpoint, its input order."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...

    @property
    def mid(self) -> float: ...

    @property
    def order(self) -> int: ...


S = TypeVar("S", bound=Span)


def frac(day: dt.date) -> float:
    """Start of a day as a fractional year, on the same scale as ``PartialDate.midpoint``."""
    days = 366 if (day.year % 4 == 0 and (day.year % 100 or day.year % 400 == 0)) else 365
    return day.year + (day.timetuple().tm_yday - 1) / days


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after the month of ``day``, kept within the calendar's range."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(max(year, dt.MINYEAR), month + 1, 1)


def period(date: PartialDate) -> tuple[dt.date, dt.date]:
    """The first day of the day, month or year a partial date names, and the day after it."""
    if date.day:
        start = dt.date(date.year, date.month, date.day)
        end = start + dt.timedelta(days=1) if start < dt.date.max else start
    elif date.month:
        start = dt.date(date.year, date.month, 1)
        end = add_months(start, 1)
    else:
        start = dt.date(date.year, 1, 1)
        end = add_months(start, 12)
    return start, end


@dataclass
class Segment(Generic[S]):
    """One unbroken stretch of the axis: its items, its x range, the years it spans, its ticks."""

    items: list[S]
    x0: float = 0.0
    x1: float = 0.0
    lo: float = 0.0
    hi: float = 1.0
    ticks: list[tuple[float, str]] = field(default_factory=list)  # position, label ("" for none)
    captions: list[tuple[float, str]] = field(default_factory=list)  # labels without a tick

    def x(self, when: float) -> float:
        """The x of a fractional year within this segment."""
        return self.x0 + (when - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)


def allocate(segments: Sequence[Sequence[object]], width: float) -> list[float]:
    """Share the axis width between segments: a fixed minimum each, the rest by number of events."""
    avail = width - BREAK_W * (len(segments) - 1)
    base = min(_SEG_MIN_W, avail / len(segments))
    extra = avail - base * len(segments)
    total = sum(len(s) for s in segments)
    return [base + extra * len(s) / total for s in segments]


def largest_gap(items: Sequence[Span]) -> tuple[float, int]:
    """The largest empty stretch between consecutive periods (items sorted by start) and where it is."""
    best, at = 0.0, 0
    reach = frac(items[0].end)
    for k in range(1, len(items)):
        gap = frac(items[k].start) - reach
        if gap > best:
            best, at = gap, k
        reach = max(reach, frac(items[k].end))
    return best, at


def split_axis(items: Iterable[S], width: float) -> list[list[S]]:
    """Break the axis where dots would be crowded and a large empty gap can be cut out.

    Repeatedly: find the segment whose closest pair of distinct dots is less than ``_MIN_SEP`` apart,
    and cut it at its largest gap if that gap is at least ``_SPLIT_RATIO`` of the segment's span.
    Spread-out dates keep one linear axis; a few decades of context plus a cluster of recent days
    becomes e.g. 1960-1980 // 2012 // Nov 2025.
    """
    segments = [sorted(items, key=lambda i: (i.start, i.mid, i.order))]
    while len(segments) < _MAX_SEGMENTS:
        widths = allocate(segments, width)
        best: tuple[float, int, int] | None = None
        for index, (segment, seg_w) in enumerate(zip(segments, widths, strict=True)):
            mids = sorted({i.mid for i in segment})
            if len(mids) < 2:
                continue
            lo = min(frac(i.start) for i in segment)
            hi = max(frac(i.end) for i in segment)
            closest = min(b - a for a, b in itertools.pairwise(mids)) * seg_w / (hi - lo)
            if closest >= _MIN_SEP:
                continue
            gap, at = largest_gap(segment)
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


def tick_dates(kind: str, step: int, start: dt.date, end: dt.date) -> list[dt.date]:
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
        cursor = add_months(cursor, 1)
    before = [c for c in candidates if c <= start]
    after = [c for c in candidates if c >= end]
    low, high = before[-1], (after[0] if after else candidates[-1])
    return [c for c in candidates if low <= c <= high]


def tick_labels(kind: str, ticks: list[dt.date], tr: Translator | None = None) -> list[str]:
    """Labels for year, month or day ticks: the first in full, later ones only as much as changed (in the
    translator's language, British English without one)."""
    if tr is not None and not tr.british:
        return _tick_labels_in(kind, ticks, tr)
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


def _tick_labels_in(kind: str, ticks: list[dt.date], tr: Translator) -> list[str]:
    out = []
    for k, tick in enumerate(ticks):
        if kind == "year":
            out.append(str(tick.year))
        elif kind == "month":
            first = k == 0 or tick.month == 1
            out.append(tr.partial(PartialDate(tick.year, tick.month)) if first else tr.month(tick.month))
        else:
            full = k == 0 or (tick.month == 1 and tick.day == 1)
            out.append(tr.partial(PartialDate(tick.year, tick.month, tick.day)) if full else tr.day_month(tick))
    return out


def choose_ticks(start: dt.date, end: dt.date, width: float, tr: Translator | None = None) -> list[tuple[float, str]]:
    """The finest tick step with at most ``_MAX_TICK_INTERVALS`` intervals whose labels do not collide."""
    chosen: list[tuple[float, str]] = []
    span_days = (end - start).days
    for kind, step in _TICK_STEPS:
        per_tick = {"day": 1, "month": 28, "year": 365}[kind] * step
        if span_days / per_tick > 2 * _MAX_TICK_INTERVALS:  # far too many: skip without listing them
            continue
        dates = tick_dates(kind, step, start, end)
        if len(dates) < 2 or len(dates) - 1 > _MAX_TICK_INTERVALS:
            continue
        labels = tick_labels(kind, dates, tr)
        where = [frac(d) for d in dates]
        scale = width / (where[-1] - where[0])
        chosen = list(zip(where, labels, strict=True))
        fits = all(
            (where[k + 1] - where[k]) * scale >= (text_width(labels[k]) + text_width(labels[k + 1])) / 2 + TICK_GAP
            for k in range(len(dates) - 1)
        )
        if fits:
            break
    return chosen


def axis_segments(items: Iterable[S], left: float, width: float, tr: Translator | None = None) -> list[Segment[S]]:
    """Lay out an axis from ``left`` over ``width``: broken at large gaps, each segment with its own ticks."""
    groups = split_axis(items, width)
    segments: list[Segment[S]] = []
    x = left
    for group, seg_w in zip(groups, allocate(groups, width), strict=True):
        start = min(i.start for i in group)
        end = max(i.end for i in group)
        distinct = len({i.mid for i in group})
        if distinct == 1:  # a lone date: show its whole year rather than a zoomed-in month
            start = dt.date(start.year, 1, 1)
            end = add_months(dt.date((end - dt.timedelta(days=1)).year, 1, 1), 12)
        if distinct == 1 and len(groups) > 1:  # one year between breaks: name the year, not its ends
            lo, hi = frac(start), frac(end)
            segment = Segment(group, x, x + seg_w, lo, hi, [(lo, ""), (hi, "")], [((lo + hi) / 2, str(start.year))])
        else:
            ticks = choose_ticks(start, end, seg_w, tr)
            lo, hi = min(ticks[0][0], frac(start)), max(ticks[-1][0], frac(end))  # (years near 9999)
            segment = Segment(group, x, x + seg_w, lo, hi, ticks)
        segments.append(segment)
        x += seg_w + BREAK_W
    return segments
