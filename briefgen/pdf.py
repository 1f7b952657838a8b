"""Turn rendered HTML into a PDF with WeasyPrint: a closed resource door, captured warnings, font checks."""

from __future__ import annotations

import functools
import gc
import logging
import mimetypes
import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from briefgen.errors import BriefgenError
from briefgen.resources import TIMEOUT, Policy, Refused


class RefusedResource(FatalURLFetchingError):  # type: ignore[misc]
    """A resource a brief may not load."""


class ClosedFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's only way to resources: data: URIs, and what the brief's Policy allows; the rest stops the render."""

    def __init__(self, policy: Policy | None = None) -> None:
        super().__init__(timeout=TIMEOUT, allowed_protocols=("data", "file", "http", "https"), allow_redirects=False)
        self.policy = policy

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if self.policy is None:
            raise RefusedResource(f"refused to load {url!r}: briefs may only use embedded (data:) resources")
        try:
            body = self.policy.read(url, self.policy.project_dir)
        except Refused as exc:
            raise RefusedResource(str(exc)) from None
        mime = mimetypes.guess_type(urllib.parse.urlsplit(url).path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs at warning level or above during the block."""
    handler = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


@functools.cache
def _font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def printable_html(html: str, css: str) -> str:
    """Add the print stylesheet to the page as its last author style sheet.

    WeasyPrint treats `stylesheets=` as user style sheets, which lose to the page's own <style>; the print
    rules must win. Brief text reaches the print CSS only as escaped CSS strings.
    """
    if "</style" in css.lower():
        raise ValueError("print stylesheet must not contain '</style'")
    return html.replace("</head>", f'<style media="print">\n{css}</style>\n</head>', 1)


def _accessible(document: Any, pdf: Any) -> None:
    """Add what PDF/UA asks for and WeasyPrint 70 leaves out: words for every link (its title, else its text;
    WeasyPrint writes the target's slug), and the IDTree that names the table header cells it gives IDs."""
    import pydyf

    for page in document.pages:
        for _kind, _target, _rectangle, box in page.links:
            annotation, element = getattr(box, "link_annotation", None), box.element
            if annotation is None or element is None:
                continue
            words = element.get("title") or " ".join("".join(element.itertext()).split())
            if words:
                annotation["Contents"] = pydyf.String(words)
    elements = [o for o in pdf.objects if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/StructElem"]
    named = sorted((str(e["ID"].string), e) for e in elements if "ID" in e)
    roots = [o for o in pdf.objects if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/StructTreeRoot"]
    if named and roots:
        names = pydyf.Array()
        for key, element in named:
            names.extend([pydyf.String(key), element.reference])
        roots[0]["IDTree"] = pydyf.Dictionary({"Names": names})


def write_pdf(
    html: str,
    css: str,
    *,
    name: str,
    variant: str,
    policy: Policy | None = None,
) -> tuple[bytes, list[str], int]:
    """Lay out ``html`` with ``css``; return the PDF bytes, what WeasyPrint warned about and the page count.

    There is no base URL: a relative link stays a relative link and never becomes a path on this machine;
    the page embeds its images already, and any other fetch goes through ``policy``.
    """
    fetcher = ClosedFetcher(policy)
    options: dict[str, Any] = {"pdf_tags": True}
    if variant != "none":
        options["pdf_variant"] = variant
    printable = printable_html(html, css)
    with captured_warnings() as messages, collector_paused():
        try:
            data, pages = _lay_out(printable, fetcher, options)
        except RefusedResource as exc:
            raise BriefgenError.at(name, f"pdf: {exc}") from None
    return data, messages, pages


def _lay_out(page: str, fetcher: ClosedFetcher, options: dict[str, Any]) -> tuple[bytes, int]:
    """The PDF of a printable page and its page count; WeasyPrint's document is garbage once this returns."""
    split = split_styles(page)
    if split is not None:
        page, texts = split
        options = {**options, "stylesheets": [parsed_sheet(text) for text in texts]}
    document = weasyprint.HTML(string=page, url_fetcher=fetcher, base_url=None).render(
        font_config=_font_config(), **options
    )
    return document.write_pdf(finisher=_accessible, **options), len(document.pages)


_SIZED_ARRAY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([0-9]+)\]")


def _array_types_parsed_once(ffi: Any) -> None:
    """Let cffi parse an array type once, whatever its length. WeasyPrint subsets each font of each PDF with
    ``ffi.new(f"hb_codepoint_t[{n}]", glyphs)``, and cffi parses every new length as a C declaration with
    pycparser (5 to 14 ms each; a PDF brings 10 to 20 lengths, nearly all new to a fresh worker). The same
    array, made from the open type ``hb_codepoint_t[]`` and the same values, is parsed once per process."""
    if getattr(ffi, "_briefgen_arrays", False):
        return
    sized_new = ffi.new

    def new(cdecl: Any, init: Any = None) -> Any:  # about 17,000 calls a PDF: the common ones tested cheaply
        if init is not None and isinstance(cdecl, str) and cdecl.endswith("]"):
            match = _SIZED_ARRAY.fullmatch(cdecl)
            # not text: cffi sizes char[] from bytes with a terminating NUL, char[n] without one
            if match and isinstance(init, list | tuple) and len(init) == int(match[2]):
                return sized_new(f"{match[1]}[]", init)
        return sized_new(cdecl, init)

    ffi.new = new
    ffi._briefgen_arrays = True


_array_types_parsed_once(weasyprint.text.ffi.ffi)

# The page's <style> elements, laid out as stylesheets parsed once per process (parsed_sheet): WeasyPrint parses
# a page's own <style> at every render, selectors compiled and declarations validated, 3 to 4 % of a warm render.
_STYLE = re.compile(r"<style(\s[^>]*)?>(.*?)</style>", re.S)
_MEDIA = re.compile(r"""\smedia\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
# WeasyPrint gives the sheets passed to it the user origin, a page's own the author one. No author sheet is left
# and a style attribute still wins, so the cascade comes out the same, except where these take part; then the
# page is laid out as it is: !important (against an !important style attribute); <style> or <link> outside the
# head, and what in the head could hide or hold one, or set the base of their url(); in a sheet, @layer (ordered
# across a page's sheets), and what acts when a sheet is parsed (@import, @font-face: fetches; the document's own
# counters and profiles).
_PAGE_AS_IS = re.compile(r"!\s*important|<link\b", re.I)
_HEAD_AS_IS = re.compile(r"<(?:base\b|script|template|noscript|!--)|\stype\s*=", re.I)
_SHEET_AS_IS = re.compile(r"@(?:import|layer|font-face|counter-style|color-profile)\b|[\r\0]", re.I)
_COMMENT_OR_STRING = re.compile(r"/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)
_BRACE_OR_STRING = re.compile(r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|[{};]")
_CUSTOM = re.compile(r"(--[A-Za-z0-9_-]+)\s*:")
_ROOT_VALUE = re.compile(r"(--[A-Za-z0-9_-]+)\s*:\s*([^;{}!\"'()]+?)\s*(?:;|$)")
_VAR = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)\s*\)")


def split_styles(page: str) -> tuple[str, list[str]] | None:
    """The printable page without its <style> elements, and the text of those WeasyPrint reads (print media), in
    order, each var() of a custom property set once, on :root, to a plain value written as that value (see
    _plain_vars). None where that could lay the page out differently (see _PAGE_AS_IS), or without a head."""
    end = page.find("<body")
    head, body = page[:end], page[end:]
    if end < 0 or _PAGE_AS_IS.search(page) or _HEAD_AS_IS.search(head) or "<style" in body:
        return None
    matches = list(_STYLE.finditer(head))
    if len(matches) != head.count("<style"):
        return None
    texts: list[str] = []
    for match in matches:
        media = _MEDIA.search(match.group(1) or "")
        value = next((v for v in media.groups() if v is not None), "") if media else ""
        kinds = {kind.strip().lower() for kind in value.split(",")} if value.strip() else {"all"}
        if kinds == {"screen"}:
            continue  # WeasyPrint never reads it
        if not kinds <= {"all", "print"} or _SHEET_AS_IS.search(match.group(2)):
            return None
        texts.append(match.group(2))
    return _STYLE.sub("", head) + body, _plain_vars(texts, body)


def _plain_vars(texts: list[str], body: str) -> list[str]:
    """``texts`` with each var(--x) written as the value of --x where the page sets --x once, in a top-level
    :root rule, to a plain value: every element inherits that one value, which WeasyPrint would otherwise look up
    and validate again for each element and property using it (the custom properties stay, for anything else).
    Comments go, their lines kept (a warning's line number stays the same)."""
    bare = [_COMMENT_OR_STRING.sub(lambda m: _blank(m.group()), text) for text in texts]
    names = [name for text in [*bare, body] for name in _CUSTOM.findall(text)]
    once = {name for name in names if names.count(name) == 1}
    values = {name: value for text in bare for name, value in _root_values(text) if name in once}
    if not values:
        return bare
    return [_VAR.sub(lambda m: values.get(m.group(1), m.group()), text) for text in bare]


def _blank(token: str) -> str:
    """A comment as the line breaks in it (or a space); a string as it is."""
    return token if not token.startswith("/*") else "\n" * token.count("\n") or " "


def _root_values(css: str) -> list[tuple[str, str]]:
    """The custom properties of the top-level ``:root { ... }`` rules of a stylesheet without comments."""
    found: list[tuple[str, str]] = []
    depth, start, opened = 0, 0, -1
    for token in _BRACE_OR_STRING.finditer(css):
        kind = token.group()
        if kind == "{":
            depth += 1
            if depth == 1 and css[start : token.start()].strip() == ":root":
                opened = token.end()
            elif depth == 2:
                opened = -1  # a block inside: not a plain rule
        elif kind == "}":
            depth -= 1
            if depth == 0:
                if opened >= 0:
                    found.extend(_ROOT_VALUE.findall(css[opened : token.start()]))
                start, opened = token.end(), -1
        elif kind == ";" and depth == 0:
            start = token.end()  # after an at-rule such as @charset
    return found


@functools.lru_cache(maxsize=32)
def _sheet(text: str) -> tuple[Any, tuple[str, ...]]:
    """The parsed sheet and what WeasyPrint warned of parsing it, kept from anyone else listening (parsed_sheet
    says it at each use, this first one included)."""
    logger, capture = logging.getLogger("weasyprint"), _Capture()
    handlers, propagate = logger.handlers, logger.propagate
    logger.handlers, logger.propagate = [capture], False
    try:
        sheet = weasyprint.CSS(string=text, media_type="print", font_config=_font_config(), base_url=None)
    finally:
        logger.handlers, logger.propagate = handlers, propagate
    return sheet, tuple(capture.messages)


def parsed_sheet(text: str) -> Any:
    """The stylesheet of ``text``, parsed once per process (a sheet is only read by a layout); what WeasyPrint
    warned of when it parsed it is said again at each use, as a page's own <style> would have it say."""
    sheet, messages = _sheet(text)
    for message in messages:
        logging.getLogger("weasyprint").warning("%s", message)
    return sheet


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector out of one layout.

    A layout makes some 100,000 objects that live until it ends: the collector ran about 150 times during one
    (a tenth of a warm render), traversing them again and again, to free almost nothing. Paused, it collects
    the layout's young objects once it is over, when they are garbage: left to run, it would promote them to
    an old generation that it seldom collects, and a worker would grow by some 10 MiB a brief. That
    collection costs less where the process's long-lived objects are frozen (warm.warm_up).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)
