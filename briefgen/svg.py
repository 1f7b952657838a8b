"""The SVG toolkit both figures (risk_matrix.py, timeline.py) build on: fonts, colours, numbers, text.

Figures are built as plain strings (no dependencies), with every piece of text passed through
``html.escape``. Output is deterministic: the same input gives byte-identical SVG. The SVGs are
self-contained (no scripts, no external references, no ``<style>``), scale with ``viewBox`` and
``width="100%"``, and carry ``role="img"`` with a ``<title>`` and a ``<desc>`` describing the content
in words. Geometry is exposed through ``data-*`` attributes so tests (and curious readers) can check
placement without rendering.
"""

from __future__ import annotations

from html import escape

__all__ = [
    "BOLD_CHAR_EM",
    "CHAR_EM",
    "FONT_FAMILY",
    "FONT_SIZE",
    "INK",
    "MUTED",
    "esc",
    "num",
    "svg_open",
    "text_width",
    "truncate",
]

FONT_FAMILY = "Noto Sans, DejaVu Sans, sans-serif"
FONT_SIZE = 11
CHAR_EM = 0.55  # estimated advance of an average character, in em (regular weight)
BOLD_CHAR_EM = 0.6  # the same for bold text
INK = "#1f2933"  # body text
MUTED = "#52606d"  # axis lines, secondary text


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
