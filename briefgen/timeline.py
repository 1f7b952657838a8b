"""The historical timeline as SVG: events (partial dates placed mid-period) and the trigger on a date axis,
broken where long empty gaps would crowd the rest, with labels in lanes that never collide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from briefgen.i18n import Translator, translator
from briefgen.model import Event, PartialDate, Trigger
from briefgen.svg import MUTED, esc, num, svg_open, text_width, wrap
from briefgen.timeline_axis import BREAK_W, TICK_GAP, Segment, axis_segments, frac, period

__all__ = ["timeline_svg"]

_TL_WIDTH = 600.0
_AXIS_MARGIN = 32.0  # axis ends this far from the sides, so end tick labels fit
_EDGE = 4.0  # labels stay this far inside the figure
_LABEL_PAD = 4.0
_LINE_H = 13.0
_TITLE_W = 240.0  # a title wraps at this width (about 40 characters), wider only to fit in _TITLE_LINES
_TITLE_LINES = 3
_LANE_PAD = 6.0  # between one lane's tallest label and the next lane
_LANE_GAP_X = 6.0  # minimum clear space between labels in one lane
_ABOVE_GAP = 12.0  # clearance between the axis and the nearest label above
_BELOW_GAP = 26.0  # ... and below (tick labels sit in between)
_CLEAN_BUDGET = 2  # lanes a label may move outwards to keep its leader clear of other labels
_MAX_LABELLED = 60  # beyond this many events, no labels: lanes take quadratic time, and the page lists the events
_DOT_GRID = 0.5  # unlabelled dots closer than this share one mark, which bounds the figure's size
_EVENT_COLOUR = "#1f4e79"
_TRIGGER_COLOUR = "#b03a2e"


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
    lines: tuple[str, ...] = ()  # the date, then the title's lines
    shown: str = ""  # the date as the label shows it, in the brief's language
    trigger_word: str = "Trigger:"

    @property
    def key(self) -> str:
        return str(self.date)

    @property
    def label(self) -> str:
        return self.shown or self.date.label


def _item(date: PartialDate, title: str, trigger: bool, order: int, tr: Translator) -> _Item:
    item = _Item(date, *period(date), date.midpoint, title, trigger, order)
    item.shown, item.trigger_word = tr.partial(date), tr.gettext("Trigger:")
    return item


def _items(events: Sequence[Event], trigger: Trigger | None, tr: Translator) -> list[_Item]:
    """The events in input order, then the trigger if dated, unless an event has its date and title."""
    items = [_item(e.date, e.title, False, n, tr) for n, e in enumerate(events)]
    if trigger is not None and trigger.date is not None:
        trigger_date = PartialDate.parse(trigger.date)
        same = [i for i in items if i.date == trigger_date and i.title.casefold() == trigger.title.casefold()]
        if same:
            same[0].trigger = True
        else:
            items.append(_item(trigger_date, trigger.title, True, len(items), tr))
    return items


def _event_lines(item: _Item, width: float) -> tuple[str, ...]:
    """The date, then the whole title wrapped on up to three lines (more only if it cannot fit the figure)."""
    title = f"{item.trigger_word} {item.title}" if item.trigger else item.title
    limit = width - 2 * (_EDGE + _LABEL_PAD)
    return (item.label, *wrap(title, _TITLE_W, _TITLE_LINES, limit=limit, bold=item.trigger))


def _label_width(item: _Item) -> float:
    date_line, *title_lines = item.lines
    widths = [text_width(date_line, bold=True), *(text_width(t, bold=item.trigger) for t in title_lines)]
    return max(widths) + 2 * _LABEL_PAD


def _box_h(item: _Item) -> float:
    return len(item.lines) * _LINE_H + 4


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
        item.lines = _event_lines(item, width)
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


_Lanes = dict[tuple[int, int], float]


def _lane_offsets(items: list[_Item]) -> tuple[_Lanes, list[float]]:
    """How far each lane's near edge lies beyond the first lane's, each lane as tall as its tallest label;
    and how far the outermost label reaches, above and below."""
    tallest: _Lanes = {}
    for item in items:
        key = (item.side, item.level)
        tallest[key] = max(tallest.get(key, 0.0), _box_h(item))
    offsets: _Lanes = {}
    reach = [0.0, 0.0]
    for side in (0, 1):
        at = 0.0
        for level in range(1 + max((lv for s, lv in tallest if s == side), default=-1)):
            offsets[side, level] = at
            height = tallest.get((side, level), 2 * _LINE_H + 4)
            reach[side] = at + height
            at += height + _LANE_PAD
    return offsets, reach


def _label_text(item: _Item, tx: float, y0: float, colour: str) -> str:
    """The label's lines: the date in bold, then the title (its ``Trigger:`` prefix in bold)."""
    date_line, *title_lines = item.lines
    texts = [f'<text x="{num(tx)}" y="{num(y0 + 12)}" font-weight="bold" fill="{colour}">{esc(date_line)}</text>']
    title_fill = f' fill="{colour}"' if item.trigger else ""
    for k, line in enumerate(title_lines):
        if item.trigger and k == 0:
            rest = line.removeprefix(item.trigger_word).lstrip(" ")
            svg = f'<tspan font-weight="bold">{esc(item.trigger_word)}</tspan>{" " if rest else ""}{esc(rest)}'
        else:
            svg = esc(line)
        texts.append(f'<text x="{num(tx)}" y="{num(y0 + 12 + (k + 1) * _LINE_H)}"{title_fill}>{svg}</text>')
    return "".join(texts)


def _labelled_events(items: list[_Item], axis_y: float, offsets: _Lanes) -> list[str]:
    """Each event as a group: its leader, its label in its lane, its dot."""
    parts = []
    # events: farther lanes first, so nearer labels are painted over any leader that has to cross them
    for item in sorted(items, key=lambda i: (-i.level, i.x, i.side, i.order)):
        box_h = _box_h(item)
        if item.side == 0:
            leader_end = axis_y - _ABOVE_GAP - offsets[0, item.level]
            y0 = leader_end - box_h
        else:
            y0 = axis_y + _BELOW_GAP + offsets[1, item.level]
            leader_end = y0
        y1 = y0 + box_h
        colour = _TRIGGER_COLOUR if item.trigger else _EVENT_COLOUR
        tip = f"{item.label}: {item.trigger_word + ' ' if item.trigger else ''}{item.title}"
        parts.append(
            f'<g class="event{" trigger" if item.trigger else ""}" data-date="{esc(item.key)}"'
            f' data-x="{num(item.x)}"><title>{esc(tip)}</title>'
        )
        parts.append(
            f'<line class="leader" x1="{num(item.x)}" y1="{num(axis_y)}" x2="{num(item.x)}"'
            f' y2="{num(leader_end)}" stroke="{colour}" stroke-width="0.75"/>'
        )
        tx = item.x0 + _LABEL_PAD if item.anchor == "start" else item.x1 - _LABEL_PAD
        parts.append(
            f'<g class="label" data-box="{num(item.x0)} {num(y0)} {num(item.x1)} {num(y1)}"'
            f' text-anchor="{item.anchor}">'
            f'<rect x="{num(item.x0)}" y="{num(y0)}" width="{num(item.x1 - item.x0)}" height="{num(box_h)}"'
            f' fill="#ffffff" fill-opacity="0.85"/>{_label_text(item, tx, y0, colour)}</g>'
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


def _description(items: list[_Item], count: int, labelled: bool, tr: Translator) -> str:
    """Every event in date order; or, without labels, only the range of ``count`` events and the trigger."""
    if labelled:
        chronological = sorted(items, key=lambda i: (i.date, i.trigger, i.order))
        trigger = tr.gettext("trigger:") + " "
        return (tr.gettext("Events in date order:") + " ") + tr.gettext("; ").join(
            f"{i.label}: {trigger if i.trigger else ''}{i.title}" for i in chronological
        )
    first, *_, last = sorted(items[:count], key=lambda i: i.date)  # the trigger, if added, is last
    desc = tr.gettext("%(count)s events from %(first)s to %(last)s; labels omitted, see the list of events.") % {
        "count": count,
        "first": first.label,
        "last": last.label,
    }
    return desc + "".join(f" {i.trigger_word} {i.label}: {i.title}." for i in items if i.trigger)


def _axis(segments: list[Segment[_Item]], axis_y: float) -> list[str]:
    """The axis segments with their tick marks, and a break mark before each segment after the first."""
    parts = [f'<g class="axis" stroke="{MUTED}" stroke-width="1.25">']
    for k, segment in enumerate(segments):
        parts.append(f'<line x1="{num(segment.x0)}" y1="{num(axis_y)}" x2="{num(segment.x1)}" y2="{num(axis_y)}"/>')
        for at, _ in segment.ticks:
            tx = segment.x(at)
            parts.append(f'<line x1="{num(tx)}" y1="{num(axis_y)}" x2="{num(tx)}" y2="{num(axis_y + 5)}"/>')
        if k:
            gx = segment.x0 - BREAK_W / 2
            parts.append(
                f'<path class="axis-break" fill="none" d="M{num(gx - 6)} {num(axis_y + 6)}L{num(gx - 1)} '
                f'{num(axis_y - 6)}M{num(gx + 1)} {num(axis_y + 6)}L{num(gx + 6)} {num(axis_y - 6)}"/>'
            )
    parts.append("</g>")
    return parts


def _periods(segments: list[Segment[_Item]], axis_y: float, labelled: bool) -> list[str]:
    """Dates known to the month or year as bars spanning the period (drawn under everything else)."""
    parts = ['<g class="periods">']
    drawn: set[tuple[float, float, bool]] = set()
    for segment in segments:
        for item in segment.items:
            if item.date.day == 0:
                bx0, bx1 = segment.x(frac(item.start)), segment.x(frac(item.end))
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
    return parts


def _unlabelled_events(items: list[_Item], axis_y: float) -> list[str]:
    """One dot per ``_DOT_GRID`` step for the events, and the trigger as its own marked group."""
    dots = sorted({_snap(i.x) for i in items if not i.trigger})
    parts = [f'<g class="dots" fill="{_EVENT_COLOUR}" stroke="#ffffff" stroke-width="1">']
    parts += [f'<circle class="dot" cx="{num(x)}" cy="{num(axis_y)}" r="4"/>' for x in dots]
    parts.append("</g>")
    for item in items:
        if item.trigger:
            tip = f"{item.label}: {item.trigger_word} {item.title}"
            parts.append(
                f'<g class="event trigger" data-date="{esc(item.key)}" data-x="{num(item.x)}">'
                f"<title>{esc(tip)}</title>{_trigger_mark(item.x, axis_y)}</g>"
            )
    return parts


def _tick_texts(segments: list[Segment[_Item]], axis_y: float) -> list[str]:
    """Tick labels and year captions that fit, each on a white ground."""
    # keep segment starts (and year captions) first, then the rest left to right, dropping any that collide
    tick_labels: list[tuple[int, float, str]] = []
    for segment in segments:
        for k, (at, text) in enumerate(segment.ticks):
            if text:
                tick_labels.append((0 if k == 0 else 1, segment.x(at), text))
        tick_labels.extend((0, segment.x(at), text) for at, text in segment.captions)
    kept: list[tuple[float, float, float, str]] = []
    for _, tx, text in sorted(tick_labels, key=lambda t: (t[0], t[1])):
        half = text_width(text) / 2
        if all(tx + half + TICK_GAP / 2 <= a or b + TICK_GAP / 2 <= tx - half for a, b, _, _ in kept):
            kept.append((tx - half, tx + half, tx, text))
    # drawn after the events, on a white ground, so leaders passing below the axis do not strike them
    parts = [f'<g class="ticks" text-anchor="middle" fill="{MUTED}">']
    for x0, x1, tx, text in sorted(kept):
        parts.append(
            f'<rect x="{num(x0 - 1)}" y="{num(axis_y + 7)}" width="{num(x1 - x0 + 2)}" height="13" fill="#ffffff"/>'
            f'<text x="{num(tx)}" y="{num(axis_y + 17)}">{esc(text)}</text>'
        )
    parts.append("</g>")
    return parts


def timeline_svg(
    events: Sequence[Event], trigger: Trigger | None = None, *, id_prefix: str = "tl", tr: Translator | None = None
) -> str:
    """A horizontal timeline of events (and the trigger, if dated), with non-colliding labels.

    Dots sit at ``date.midpoint``; a date known only to the month or year also gets a bar spanning the
    period. The axis is broken where a cluster of close dates sits far from the rest (see
    ``timeline_axis.split_axis``); each segment has its own year, month or day ticks. Labels (date, then
    the whole title on up to three lines; also in a ``<title>`` tooltip) are stacked in lanes above and
    below the axis (see ``_assign_lanes``); the figure grows taller with the number of lanes.
    An event with the trigger's date and title is drawn once, as the trigger.

    Each event is ``<g class="event" data-date="2012-09" data-x="..">`` (``class="event trigger"``
    for the trigger) holding a ``<g class="label" data-box="x0 y0 x1 y1">``. Returns "" if there is
    nothing to draw.

    Above ``_MAX_LABELLED`` events the figure has no labels: only the dots (one per ``_DOT_GRID``
    step, in a ``<g class="dots">``), the period bars and the trigger, and the ``<desc>`` says that
    the labels are left out, so time and size stay bounded however long the list of events is.
    """
    tr = tr or translator("en-GB")
    items = _items(events, trigger, tr)
    if not items:
        return ""
    segments = axis_segments(items, _AXIS_MARGIN, _TL_WIDTH - 2 * _AXIS_MARGIN, tr)
    for segment in segments:
        for item in segment.items:
            item.x = segment.x(item.mid)

    labelled = len(events) <= _MAX_LABELLED
    if labelled:
        _assign_lanes(sorted(items, key=lambda i: (i.mid, i.trigger, i.order)), _TL_WIDTH)
    offsets, (above, below) = _lane_offsets(items if labelled else [])
    axis_y = 6 + (_ABOVE_GAP + above if above else 10)
    height = axis_y + (_BELOW_GAP + below + 6 if below else 26)

    desc = _description(items, len(events), labelled, tr)
    parts = [svg_open(_TL_WIDTH, height, id_prefix, "timeline", tr.gettext("Timeline"), desc)]
    parts += _axis(segments, axis_y)
    parts += _periods(segments, axis_y, labelled)
    parts += _labelled_events(items, axis_y, offsets) if labelled else _unlabelled_events(items, axis_y)
    parts += _tick_texts(segments, axis_y)
    parts.append("</svg>")
    return "".join(parts)
