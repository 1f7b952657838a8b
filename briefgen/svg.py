"""The SVG toolkit both figures (risk_matrix.py, timeline.py) build on: fonts, colours, numbers, text.

Figures are built as plain strings (no dependencies), with every piece of text passed through
``html.escape``. Output is deterministic: the same input gives byte-identical SVG. The SVGs are
self-contained (no scripts, no external references, no ``<style>``), scale with ``viewBox`` and
``width="100%"``, and carry ``role="img"`` with a ``<title>`` and a ``<desc>`` describing the content
in words. Geometry is exposed through ``data-*`` attributes so tests (and curious readers) can check
placement without rendering.
"""

from __future__ import annotations

import unicodedata
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
    "wrap",
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
    """Estimated rendered width of one line of text, in user units (wide East Asian characters count 1 em)."""
    wide = sum(map(_wide, text))
    return ((len(text) - wide) * (BOLD_CHAR_EM if bold else CHAR_EM) + wide) * size


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _pieces(text: str) -> list[tuple[str, str]]:
    """The places a line may break: (what joins it to the previous piece, the piece)."""
    pieces: list[tuple[str, str]] = []
    for word in text.split():
        joint = " "
        run = ""
        for char in word:
            if _wide(char):  # CJK text breaks between characters, as it does on the page
                if run:
                    pieces.append((joint, run))
                    joint, run = "", ""
                pieces.append((joint, char))
                joint = ""
            else:
                run += char
        if run:
            pieces.append((joint, run))
    return pieces


def _fill(pieces: list[tuple[str, str]], width: float, bold: bool) -> list[str]:
    lines: list[str] = []
    for joint, piece in pieces:
        if lines and text_width(lines[-1] + joint + piece, bold=bold) <= width:
            lines[-1] += joint + piece
        else:
            lines.append(piece)
    return lines


def wrap(text: str, width: float, max_lines: int, *, limit: float, bold: bool = False) -> list[str]:
    """Break text into lines at most ``width`` wide, widened up to ``limit`` to fit in ``max_lines``.

    Lines break at spaces and between CJK characters. Every word is kept: a text that does not fit in
    ``max_lines`` at any width up to ``limit`` takes more lines.
    """
    pieces = _pieces(text)
    if not pieces:
        return [""]
    lines = _fill(pieces, width, bold)
    while len(lines) > max_lines and width < limit:
        width = min(width + FONT_SIZE * CHAR_EM * 2, limit)
        lines = _fill(pieces, width, bold)
    return lines


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
