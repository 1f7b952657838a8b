"""Turn rendered HTML into a PDF with WeasyPrint: a closed resource door, captured warnings, font checks."""

from __future__ import annotations

import functools
import gc
import logging
import mimetypes
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from briefgen.errors import BriefgenError
from briefgen.pdf_engine import WarningsHeard  # and WeasyPrint's per-PDF repeats done once per process
from briefgen.resources import TIMEOUT, Policy, Refused


class RefusedResource(FatalURLFetchingError):  # type: ignore[misc]
    """A resource a brief may not load."""


class ClosedFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's only way to resources: data: URIs, and what the brief's Policy allows; the rest stops the render."""

    def __init__(self, policy: Policy | None = None) -> None:
        super().__init__(timeout=TIMEOUT, allowed_protocols=("data", "file", "http", "https"), allow_redirects=False)
        self.policy = policy
        self.fetched = 0  # pdf_engine keeps a style sheet only if parsing it fetched nothing

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.fetched += 1
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


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs at warning level or above during the block."""
    handler = WarningsHeard()
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
    document = weasyprint.HTML(string=page, url_fetcher=fetcher, base_url=None).render(
        font_config=_font_config(), **options
    )
    return document.write_pdf(finisher=_accessible, **options), len(document.pages)


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
