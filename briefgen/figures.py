"""SVG figures for briefs: the risk matrix, and the helpers the timeline (timeline.py) shares.

Figures are built as plain strings (no dependencies), with every piece of text passed through
``html.escape``. Output is deterministic: the same input gives byte-identical SVG. The SVGs are
self-contained (no scripts, no external references, no ``<style>``), scale with ``viewBox`` and
``width="100%"``, and carry ``role="img"`` with a ``<title>`` and a ``<desc>`` describing the content
in words. Geometry is exposed through ``data-*`` attributes so tests (and curious readers) can check
placement without rendering.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from briefgen.model import IMPACTS, LIKELIHOODS, Risk, risk_score

__all__ = ["SEVERITY_COLOURS", "risk_matrix_svg", "severity"]

FONT_FAMILY = "Noto Sans, DejaVu Sans, sans-serif"
FONT_SIZE = 11
CHAR_EM = 0.55  # estimated advance of an average character, in em (regular weight)
BOLD_CHAR_EM = 0.6  # the same for bold text
INK = "#1f2933"  # body text
MUTED = "#52606d"  # axis lines, secondary text

# Light tints with dark text; lightness falls as severity rises, so the scale survives greyscale
# printing and the common colour-vision deficiencies (the hue shift is only a second cue).
SEVERITY_COLOURS = {
    "low": "#e2efda",
    "medium": "#fbedbb",
    "high": "#f7c99b",
    "extreme": "#ec9a96",
}


def severity(likelihood: str, impact: str) -> str:
    """Severity band of a likelihood/impact pair on the 5x5 matrix.

    The score is ``(likelihood step) * (impact step)``, steps counted from 1, as ``Risk.score``.
    Bands: 1-4 ``"low"``, 5-9 ``"medium"``, 10-16 ``"high"``, 20-25 ``"extreme"`` (scores of 17-19
    cannot occur). So rare/minimal is low, likely/major (16) high and almost-certain/severe extreme.
    Raises ValueError for an unknown level.
    """
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"unknown likelihood {likelihood!r}; expected one of {', '.join(LIKELIHOODS)}")
    if impact not in IMPACTS:
        raise ValueError(f"unknown impact {impact!r}; expected one of {', '.join(IMPACTS)}")
    score = risk_score(likelihood, impact)
    if score <= 4:
        return "low"
    if score <= 9:
        return "medium"
    if score <= 16:
        return "high"
    return "extreme"


# --- shared helpers


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (stable across platforms)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def esc(text: str) -> str:
    """Text escaped for SVG content and attribute values."""
    return escape(text, quote=True)


def text_width(text: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """Estimated rendered width of one line of text, in user units."""
    return len(text) * size * (BOLD_CHAR_EM if bold else CHAR_EM)


def truncate(text: str, limit: int) -> str:
    """Cut text to at most ``limit`` characters, preferably at a word, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[-15:]:  # end at a word if one ends near the limit
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def _level_name(level: str) -> str:
    return level.replace("-", " ")


def svg_open(width: float, height: float, id_prefix: str, kind: str, title: str, desc: str) -> str:
    """The opening <svg> of a figure: scalable, labelled by its <title> and <desc> for screen readers."""
    pid = esc(id_prefix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(width)} {num(height)}" width="100%"'
        f' role="img" aria-labelledby="{pid}-title {pid}-desc" class="figure {kind}"'
        f' font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{pid}-title">{esc(title)}</title>'
        f'<desc id="{pid}-desc">{esc(desc)}</desc>'
    )


# --- risk matrix

_RM_LEFT = 140.0  # room for the likelihood title and level names
_RM_TOP = 12.0
_RM_CELL_W = 80.0
_RM_CELL_H = 60.0  # minimum; grows when one cell holds many risks
_RM_WIDTH = 560.0
_MARKER_R = 11.0
_MARKER_GAP = 3.0
_MARKER_PAD = 4.0  # clear space between markers and the cell edge


def _marker_layout(count: int, cx: float, cy: float, cols: int) -> list[tuple[float, float]]:
    """Centres for ``count`` markers in a cell centred on (cx, cy): rows of ``cols``, each row centred."""
    pitch = 2 * _MARKER_R + _MARKER_GAP
    rows = math.ceil(count / cols)
    out: list[tuple[float, float]] = []
    for row in range(rows):
        in_row = min(cols, count - row * cols)
        y = cy + (row - (rows - 1) / 2) * pitch
        out.extend((cx + (col - (in_row - 1) / 2) * pitch, y) for col in range(in_row))
    return out


def risk_matrix_svg(risks: Sequence[Risk], *, id_prefix: str = "rm") -> str:
    """A 5x5 likelihood/impact matrix with each risk as a numbered marker in its cell.

    Likelihood runs up the Y axis (rare at the bottom), impact along the X axis (minimal at the left).
    Markers are numbered from 1 in list order, to match the risk table. Each cell ``<rect>`` has
    ``data-likelihood``/``data-impact``/``data-severity``; each marker is a
    ``<g class="risk-marker" data-risk="N" data-likelihood=".." data-impact="..">``.
    """
    pitch = 2 * _MARKER_R + _MARKER_GAP
    cols = int((_RM_CELL_W - 2 * _MARKER_PAD + _MARKER_GAP) // pitch)
    cells: dict[tuple[int, int], list[int]] = {}
    for number, risk in enumerate(risks, 1):
        key = (LIKELIHOODS.index(risk.likelihood), IMPACTS.index(risk.impact))
        cells.setdefault(key, []).append(number)
    most = max((len(v) for v in cells.values()), default=0)
    rows_needed = math.ceil(most / cols)
    cell_h = max(_RM_CELL_H, rows_needed * pitch - _MARKER_GAP + 2 * _MARKER_PAD)
    grid_w, grid_h = 5 * _RM_CELL_W, 5 * cell_h
    grid_bottom = _RM_TOP + grid_h
    height = grid_bottom + 78

    if risks:
        desc = "Risks by likelihood and impact: " + "; ".join(
            f"{n}. {r.title}: {_level_name(r.likelihood)} likelihood, {_level_name(r.impact)} impact"
            f" ({severity(r.likelihood, r.impact)} severity)"
            for n, r in enumerate(risks, 1)
        )
    else:
        desc = "Risk matrix of likelihood against impact; no risks recorded."
    parts = [svg_open(_RM_WIDTH, height, id_prefix, "risk-matrix", "Risk matrix", desc)]

    parts.append('<g class="cells" stroke="#ffffff" stroke-width="2">')
    for li, likelihood in enumerate(LIKELIHOODS):
        y = _RM_TOP + (4 - li) * cell_h
        for ii, impact in enumerate(IMPACTS):
            x = _RM_LEFT + ii * _RM_CELL_W
            band = severity(likelihood, impact)
            parts.append(
                f'<rect class="cell {band}" x="{num(x)}" y="{num(y)}" width="{num(_RM_CELL_W)}"'
                f' height="{num(cell_h)}" fill="{SEVERITY_COLOURS[band]}" data-likelihood="{likelihood}"'
                f' data-impact="{impact}" data-severity="{band}"/>'
            )
    parts.append("</g>")
    parts.append(
        f'<rect x="{num(_RM_LEFT)}" y="{num(_RM_TOP)}" width="{num(grid_w)}" height="{num(grid_h)}"'
        f' fill="none" stroke="{MUTED}" stroke-width="1"/>'
    )

    # axis labels and titles
    parts.append('<g class="axis likelihood-axis" text-anchor="end">')
    for li, likelihood in enumerate(LIKELIHOODS):
        cy = _RM_TOP + (4 - li + 0.5) * cell_h
        parts.append(
            f'<text x="{num(_RM_LEFT - 8)}" y="{num(cy + 4)}">{esc(_level_name(likelihood)).capitalize()}</text>'
        )
    parts.append("</g>")
    mid_y = _RM_TOP + grid_h / 2
    parts.append(
        f'<text class="axis-title" x="22" y="{num(mid_y)}" text-anchor="middle" font-size="13" font-weight="bold"'
        f' transform="rotate(-90 22 {num(mid_y)})">Likelihood</text>'
    )
    parts.append('<g class="axis impact-axis" text-anchor="middle">')
    for ii, impact in enumerate(IMPACTS):
        cx = _RM_LEFT + (ii + 0.5) * _RM_CELL_W
        parts.append(f'<text x="{num(cx)}" y="{num(grid_bottom + 17)}">{esc(_level_name(impact)).capitalize()}</text>')
    parts.append("</g>")
    parts.append(
        f'<text class="axis-title" x="{num(_RM_LEFT + grid_w / 2)}" y="{num(grid_bottom + 38)}" text-anchor="middle"'
        ' font-size="13" font-weight="bold">Impact</text>'
    )

    # severity legend, centred under the grid
    legend: list[tuple[str, str | None]] = [("Severity:", None)] + [
        (band.capitalize(), band) for band in SEVERITY_COLOURS
    ]
    widths = [text_width(text) + (18 if band else 0) for text, band in legend]
    x = _RM_LEFT + (grid_w - sum(widths) - 14 * (len(legend) - 1)) / 2
    ly = grid_bottom + 64
    parts.append('<g class="legend">')
    for (text, swatch), width in zip(legend, widths, strict=True):
        if swatch:
            parts.append(
                f'<rect x="{num(x)}" y="{num(ly - 10)}" width="12" height="12" fill="{SEVERITY_COLOURS[swatch]}"'
                f' stroke="{MUTED}" stroke-width="0.75"/>'
            )
            parts.append(f'<text x="{num(x + 17)}" y="{num(ly)}">{esc(text)}</text>')
        else:
            parts.append(f'<text x="{num(x)}" y="{num(ly)}" fill="{MUTED}">{esc(text)}</text>')
        x += width + 14
    parts.append("</g>")

    # markers
    parts.append('<g class="risk-markers">')
    for (li, ii), numbers in sorted(cells.items()):
        cx = _RM_LEFT + (ii + 0.5) * _RM_CELL_W
        cy = _RM_TOP + (4 - li + 0.5) * cell_h
        for number, (mx, my) in zip(numbers, _marker_layout(len(numbers), cx, cy, cols), strict=True):
            risk = risks[number - 1]
            parts.append(
                f'<g class="risk-marker" data-risk="{number}" data-likelihood="{risk.likelihood}"'
                f' data-impact="{risk.impact}"><title>{number}. {esc(risk.title)}</title>'
                f'<circle cx="{num(mx)}" cy="{num(my)}" r="{num(_MARKER_R)}" fill="{INK}"/>'
                f'<text x="{num(mx)}" y="{num(my + 4)}" text-anchor="middle" font-weight="bold"'
                f' fill="#ffffff">{number}</text></g>'
            )
    parts.append("</g></svg>")
    return "".join(parts)
