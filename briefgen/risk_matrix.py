"""The risk matrix as SVG: a 5x5 likelihood/impact grid coloured by severity, each risk a numbered marker."""

from __future__ import annotations

import math
from collections.abc import Sequence

from briefgen.i18n import Translator, translator
from briefgen.model import IMPACTS, LIKELIHOODS, Risk, severity
from briefgen.svg import INK, MUTED, esc, num, svg_open, text_width

__all__ = ["SEVERITY_COLOURS", "risk_matrix_svg", "severity"]  # severity: model.py's, for the templates

# Light tints with dark text; lightness falls as severity rises, so the scale survives greyscale
# printing and the common colour-vision deficiencies (the hue shift is only a second cue).
SEVERITY_COLOURS = {
    "low": "#e2efda",
    "medium": "#fbedbb",
    "high": "#f7c99b",
    "extreme": "#ec9a96",
}

_LEFT = 140.0  # room for the likelihood title and level names
_TOP = 12.0
_CELL_W = 80.0
_CELL_H = 60.0  # minimum; grows when one cell holds many risks
_WIDTH = 560.0
_MARKER_R = 11.0
_MARKER_GAP = 3.0
_MARKER_PAD = 4.0  # clear space between markers and the cell edge
_PITCH = 2 * _MARKER_R + _MARKER_GAP
_COLS = int((_CELL_W - 2 * _MARKER_PAD + _MARKER_GAP) // _PITCH)  # markers in one row of a cell


def _marker_layout(count: int, cx: float, cy: float) -> list[tuple[float, float]]:
    """Centres for ``count`` markers in a cell centred on (cx, cy): rows of ``_COLS``, each row centred."""
    rows = math.ceil(count / _COLS)
    out: list[tuple[float, float]] = []
    for row in range(rows):
        in_row = min(_COLS, count - row * _COLS)
        y = cy + (row - (rows - 1) / 2) * _PITCH
        out.extend((cx + (col - (in_row - 1) / 2) * _PITCH, y) for col in range(in_row))
    return out


def _description(risks: Sequence[Risk], tr: Translator) -> str:
    if not risks:
        return tr.gettext("Risk matrix of likelihood against impact; no risks recorded.")
    said = tr.gettext("%(n)s. %(title)s: %(likelihood)s likelihood, %(impact)s impact (%(severity)s severity)")
    rated = [
        {
            "n": n,
            "title": r.title,
            "likelihood": tr.value(r.likelihood, "likelihood").lower(),
            "impact": tr.value(r.impact, "impact").lower(),
            "severity": tr.value(severity(r.likelihood, r.impact), "severity").lower(),
        }
        for n, r in enumerate(risks, 1)
    ]
    return tr.gettext("Risks by likelihood and impact:") + " " + tr.gettext("; ").join(said % r for r in rated)


def _cells(cell_h: float) -> list[str]:
    """The 25 cells, coloured by severity, and the outline of the grid."""
    parts = ['<g class="cells" stroke="#ffffff" stroke-width="2">']
    for li, likelihood in enumerate(LIKELIHOODS):
        y = _TOP + (4 - li) * cell_h
        for ii, impact in enumerate(IMPACTS):
            x = _LEFT + ii * _CELL_W
            band = severity(likelihood, impact)
            parts.append(
                f'<rect class="cell {band}" x="{num(x)}" y="{num(y)}" width="{num(_CELL_W)}"'
                f' height="{num(cell_h)}" fill="{SEVERITY_COLOURS[band]}" data-likelihood="{likelihood}"'
                f' data-impact="{impact}" data-severity="{band}"/>'
            )
    parts.append("</g>")
    parts.append(
        f'<rect x="{num(_LEFT)}" y="{num(_TOP)}" width="{num(5 * _CELL_W)}" height="{num(5 * cell_h)}"'
        f' fill="none" stroke="{MUTED}" stroke-width="1"/>'
    )
    return parts


def _axes(cell_h: float, tr: Translator) -> list[str]:
    """Level names along both axes, and the axis titles."""
    grid_w, grid_h = 5 * _CELL_W, 5 * cell_h
    grid_bottom = _TOP + grid_h
    parts = ['<g class="axis likelihood-axis" text-anchor="end">']
    for li, likelihood in enumerate(LIKELIHOODS):
        cy = _TOP + (4 - li + 0.5) * cell_h
        parts.append(f'<text x="{num(_LEFT - 8)}" y="{num(cy + 4)}">{esc(tr.value(likelihood, "likelihood"))}</text>')
    parts.append("</g>")
    mid_y = _TOP + grid_h / 2
    parts.append(
        f'<text class="axis-title" x="22" y="{num(mid_y)}" text-anchor="middle" font-size="13" font-weight="bold"'
        f' transform="rotate(-90 22 {num(mid_y)})">{esc(tr.gettext("Likelihood"))}</text>'
    )
    parts.append('<g class="axis impact-axis" text-anchor="middle">')
    for ii, impact in enumerate(IMPACTS):
        cx = _LEFT + (ii + 0.5) * _CELL_W
        parts.append(f'<text x="{num(cx)}" y="{num(grid_bottom + 17)}">{esc(tr.value(impact, "impact"))}</text>')
    parts.append("</g>")
    parts.append(
        f'<text class="axis-title" x="{num(_LEFT + grid_w / 2)}" y="{num(grid_bottom + 38)}" text-anchor="middle"'
        f' font-size="13" font-weight="bold">{esc(tr.gettext("Impact"))}</text>'
    )
    return parts


def _legend(grid_bottom: float, tr: Translator) -> list[str]:
    """The severity legend, centred under the grid."""
    legend: list[tuple[str, str | None]] = [(tr.gettext("Severity:"), None)] + [
        (tr.value(band, "severity"), band) for band in SEVERITY_COLOURS
    ]
    widths = [text_width(text) + (18 if band else 0) for text, band in legend]
    x = _LEFT + (5 * _CELL_W - sum(widths) - 14 * (len(legend) - 1)) / 2
    ly = grid_bottom + 64
    parts = ['<g class="legend">']
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
    return parts


def _markers(risks: Sequence[Risk], cells: dict[tuple[int, int], list[int]], cell_h: float) -> list[str]:
    """Each risk as a numbered marker in its cell, with its title as a tooltip."""
    parts = ['<g class="risk-markers">']
    for (li, ii), numbers in sorted(cells.items()):
        cx = _LEFT + (ii + 0.5) * _CELL_W
        cy = _TOP + (4 - li + 0.5) * cell_h
        for number, (mx, my) in zip(numbers, _marker_layout(len(numbers), cx, cy), strict=True):
            risk = risks[number - 1]
            parts.append(
                f'<g class="risk-marker" data-risk="{number}" data-likelihood="{risk.likelihood}"'
                f' data-impact="{risk.impact}"><title>{number}. {esc(risk.title)}</title>'
                f'<circle cx="{num(mx)}" cy="{num(my)}" r="{num(_MARKER_R)}" fill="{INK}"/>'
                f'<text x="{num(mx)}" y="{num(my + 4)}" text-anchor="middle" font-weight="bold"'
                f' fill="#ffffff">{number}</text></g>'
            )
    parts.append("</g>")
    return parts


def risk_matrix_svg(risks: Sequence[Risk], *, id_prefix: str = "rm", tr: Translator | None = None) -> str:
    """A 5x5 likelihood/impact matrix with each risk as a numbered marker in its cell.

    Likelihood runs up the Y axis (rare at the bottom), impact along the X axis (minimal at the left).
    Markers are numbered from 1 in list order, to match the risk table. Each cell ``<rect>`` has
    ``data-likelihood``/``data-impact``/``data-severity``; each marker is a
    ``<g class="risk-marker" data-risk="N" data-likelihood=".." data-impact="..">``.
    """
    cells: dict[tuple[int, int], list[int]] = {}
    for number, risk in enumerate(risks, 1):
        key = (LIKELIHOODS.index(risk.likelihood), IMPACTS.index(risk.impact))
        cells.setdefault(key, []).append(number)
    most = max((len(v) for v in cells.values()), default=0)
    rows_needed = math.ceil(most / _COLS)
    cell_h = max(_CELL_H, rows_needed * _PITCH - _MARKER_GAP + 2 * _MARKER_PAD)
    grid_bottom = _TOP + 5 * cell_h
    height = grid_bottom + 78

    tr = tr or translator("en-GB")
    title = tr.gettext("Risk matrix")
    parts = [svg_open(_WIDTH, height, id_prefix, "risk-matrix", title, _description(risks, tr))]
    parts += _cells(cell_h)
    parts += _axes(cell_h, tr)
    parts += _legend(grid_bottom, tr)
    parts += _markers(risks, cells, cell_h)
    parts.append("</svg>")
    return "".join(parts)
