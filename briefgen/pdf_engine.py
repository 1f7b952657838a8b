"""Work WeasyPrint and its parsers repeat for every PDF, done once per process; each PDF stays byte for byte
what it was.

- **Author style sheets parsed once.** The page's ``<style>`` elements (the screen sheet, the print sheet) are
  the same text for brief after brief of one language and marking; WeasyPrint parses each again for every PDF
  (tokens, selectors compiled, declarations checked: about 5 % of a warm render). A sheet is kept, by its
  exact text, and given to the next page that holds the same text. It keeps its place in the cascade: it is
  still the page's own author sheet, found by WeasyPrint's own ``find_stylesheets`` (only the ``CSS`` it
  constructs is replaced). A sheet is kept only when parsing it fetched nothing (no ``@import``, no font or
  profile read), logged nothing, and changed nothing but the page rules (no ``@counter-style`` or
  ``@color-profile`` defined, even again under a name already held; no rule in a ``@layer``): the rest is
  parsed every time, as before. An ``@font-face`` that fetched nothing (``local()``) is kept: WeasyPrint
  registers a face once per font configuration, and briefgen has one per process.
- **tinyhtml5's character-class cache.** Its ``chars_until`` stores each regular expression under the wrong
  key (a chained assignment: ``characters = cache[(characters, opposite)] = regex``), so it compiles one for
  every call: about 3,000 a page. The cache now finds them.
- **cffi array types parsed once** by the font subsetter (see _ArraysParsedOnce).

And one setting: pydyf deflates every stream of the PDF at zlib's level 9, which took 45 ms of the real
brief's PDF; at zlib's default level, 6, it takes 21 ms and the file grows by 0.8 % (the same streams,
decoded: the same pages).
"""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import pydyf
import tinyhtml5.inputstream
import weasyprint
import weasyprint.css
import weasyprint.pdf.fonts
from weasyprint.css.tokens import Pending

SHEETS_KEPT = 16  # distinct sheets per process: a build's languages times its markings, with room to spare


class _Kept:
    """A parsed author sheet, what it adds to a page's rules, and its declarations that report their errors."""

    def __init__(self, sheet: Any, page_rules: list[Any]) -> None:
        self.sheet = _copy(sheet, list(page_rules), [])  # not the first page's lists: nothing of it is held
        self.page_rules = page_rules
        self.pending = [
            value for _name, value, _important in _declarations(sheet, page_rules) if isinstance(value, Pending)
        ]

    def for_page(self, page_rules: list[Any], layers: list[Any]) -> Any:
        """The sheet as the page's own: its page rules added to the page's, each var() ready to warn again."""
        page_rules.extend(self.page_rules)
        for value in self.pending:  # a var() that resolves to nothing warns once per sheet: once per page, as before
            value._reported_error = False
        return _copy(self.sheet, page_rules, layers)  # the page's lists, as WeasyPrint's own sheets hold


def _copy(sheet: Any, page_rules: list[Any], layers: list[Any]) -> Any:
    """A sheet that shares ``sheet``'s matcher (matching only reads it) and holds the lists given."""
    copy = object.__new__(type(sheet))
    copy.__dict__.update(sheet.__dict__)
    copy.page_rules, copy.layers = page_rules, layers
    return copy


def _entries(sheet: Any) -> list[Any]:
    """Every selector entry of a sheet's matcher, each ending with its payload: (declarations, layer)."""
    matcher = sheet.matcher
    buckets = [
        *matcher.id_selectors.values(),
        *matcher.class_selectors.values(),
        *matcher.lower_local_name_selectors.values(),
        *matcher.namespace_selectors.values(),
        matcher.lang_attr_selectors,
        matcher.other_selectors,
    ]
    return [entry for bucket in buckets for entry in bucket]


def _declarations(sheet: Any, page_rules: list[Any]) -> list[tuple[str, Any, bool]]:
    found = [d for *_, (declarations, _layer) in _entries(sheet) for d in declarations]
    return found + [d for _rule, _selectors, declarations in page_rules for d in declarations]


class WarningsHeard(logging.Handler):
    """What a logger says at warning level or above while this handler is on it (pdf.captured_warnings too)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_kept: OrderedDict[Hashable, _Kept] = OrderedDict()
_kept_lock = threading.Lock()  # the preview's build loop and a request may lay out pages at once
_constructor = weasyprint.CSS


def _css(*args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's CSS(), as ``find_stylesheets`` calls it for a ``<style>``; the sheet kept when it may be."""
    string = kwargs.get("string")
    if args or not isinstance(string, str) or kwargs.get("matcher") is not None or kwargs.get("layer") is not None:
        return _constructor(*args, **kwargs)
    page_rules, layers = kwargs.get("page_rules"), kwargs.get("layers")
    counters, profiles = kwargs.get("counter_style"), kwargs.get("color_profiles")
    if not (isinstance(page_rules, list) and isinstance(layers, list)):
        return _constructor(*args, **kwargs)
    if not (isinstance(counters, dict) and isinstance(profiles, dict)):
        return _constructor(*args, **kwargs)
    fetcher, font_config = kwargs.get("url_fetcher"), kwargs.get("font_config")
    key = (string, kwargs.get("base_url"), kwargs.get("media_type"), id(fetcher.__class__), id(font_config))
    with _kept_lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
    if kept is not None:
        return kept.for_page(page_rules, layers)
    before = _held(layers, counters, profiles, fetcher)
    rules_before = len(page_rules)
    logged = WarningsHeard()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(logged)
    try:
        sheet = _constructor(*args, **kwargs)
    finally:
        logger.removeHandler(logged)
    # kept only if it changed nothing but the page rules; with no fetcher of ours, which counts its fetches,
    # an @import may have read something
    same = _held(layers, counters, profiles, fetcher) == before and hasattr(fetcher, "fetched")
    if same and not logged.messages and not _layered(sheet):
        fresh = _Kept(sheet, page_rules[rules_before:])
        with _kept_lock:
            _kept[key] = fresh
            while len(_kept) > SHEETS_KEPT:
                _kept.popitem(last=False)
    return sheet


def _held(layers: list[Any], counters: dict[str, Any], profiles: dict[str, Any], fetcher: Any) -> tuple[Any, ...]:
    """What parsing a sheet may change besides the page rules, as it is now: a counter style or colour
    profile defined again under its name is a change too (its object differs)."""
    named = [{name: id(value) for name, value in held.items()} for held in (counters, profiles)]
    return list(layers), *named, getattr(fetcher, "fetched", None)


def _layered(sheet: Any) -> bool:
    """Whether any rule of a sheet sits in a cascade layer (whose place is the page's list of layers, which
    another sheet of that page may have named first)."""
    return any(layer is not None for *_, (_declarations, layer) in _entries(sheet))


class _Expressions(dict[tuple[Any, bool], "re.Pattern[str]"]):
    """tinyhtml5's ``characters_until_regex``, found under the key it is looked up by; the same expressions."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        regex = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            regex = f"^{regex}"
        self[key] = compiled = re.compile(f"[{regex}]+")
        return compiled


_SIZED_ARRAY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([0-9]+)\]")


class _ArraysParsedOnce:
    """WeasyPrint's cffi ``ffi`` as its font subsetter sees it, an array type parsed once whatever its length.

    The subsetter makes ``ffi.new(f"hb_codepoint_t[{n}]", glyphs)`` for each font of each PDF, and cffi parses
    every new length as a C declaration with pycparser (5 to 14 ms each; a PDF brings 10 to 20 lengths, nearly
    all new to a fresh worker). The same array, made from the open type ``hb_codepoint_t[]`` and the same
    values, is parsed once per process. Only the subsetter's module sees this: the text layout's 12,000 calls a
    PDF (``char[]`` from bytes) go to cffi directly, at no cost.
    """

    def __init__(self, ffi: Any) -> None:
        self._ffi = ffi

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)

    def new(self, cdecl: Any, init: Any = None) -> Any:
        if isinstance(init, list | tuple) and isinstance(cdecl, str):
            match = _SIZED_ARRAY.fullmatch(cdecl)
            # not text: cffi sizes char[] from bytes with a terminating NUL, char[n] without one
            if match and len(init) == int(match[2]):
                return self._ffi.new(f"{match[1]}[]", init)
        return self._ffi.new(cdecl, init)


DEFLATE_LEVEL = 6  # zlib's default; pydyf asks for 9


class _Deflate:
    """zlib as pydyf sees it: its streams deflated at DEFLATE_LEVEL."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(DEFLATE_LEVEL, *args, **kwargs)


def install() -> None:
    """Put the three and the setting in place (once; importing this module does it)."""
    if not isinstance(weasyprint.pdf.fonts.ffi, _ArraysParsedOnce):
        weasyprint.pdf.fonts.ffi = _ArraysParsedOnce(weasyprint.pdf.fonts.ffi)
    if not isinstance(tinyhtml5.inputstream.characters_until_regex, _Expressions):
        tinyhtml5.inputstream.characters_until_regex = _Expressions()
    weasyprint.css.CSS = _css
    if not isinstance(pydyf.zlib, _Deflate):
        pydyf.zlib = _Deflate()


def kept_sheets() -> int:
    """How many parsed sheets this process keeps (for tests and benchmarks)."""
    return len(_kept)


def forget_sheets() -> None:
    """Parse every sheet again from now on, until it is kept again (for benchmarks that compare)."""
    with _kept_lock:
        _kept.clear()


install()
