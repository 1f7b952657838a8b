"""The templates: a validated Brief to Markdown, HTML and the print stylesheet, and the index page, with Jinja."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from briefgen import __version__, markdown
from briefgen.defaults import TEMPLATES_DIR
from briefgen.diff import Change
from briefgen.editions import Edition
from briefgen.errors import BriefgenError, Problem
from briefgen.estimates import estimates
from briefgen.formats import index_links
from briefgen.i18n import SCALES as SCALES  # docx_frame and themes' tests read them here
from briefgen.i18n import Translator, grades_in, scales_in, theme_label_problems, translator
from briefgen.load import display_path
from briefgen.marking import Portions
from briefgen.model import IMPACTS, LIKELIHOODS, Brief
from briefgen.model import format_date as format_date  # tests and old themes import it from here
from briefgen.portion_marks import PortionMarks, marked_html, marked_markdown
from briefgen.project import CSS_URL, Project, ThemeFolder
from briefgen.resources import Policy, Refused
from briefgen.risk_matrix import risk_matrix_svg, severity
from briefgen.template_labels import TranslatedEnvironment
from briefgen.timeline import timeline_svg
from briefgen.typeset import keep_last_words, mark_cjk, unbroken
from briefgen.typography import direction, han_language, space_html, space_markdown, text_direction


class TemplateError(BriefgenError):
    """A mistake in a template (usually a theme's): located at its file and line, in Jinja's words."""

    @classmethod
    def of(cls, exc: jinja2.TemplateError) -> TemplateError:
        filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        if not filename:  # an error while rendering: the innermost template frame of the traceback has it
            tb = exc.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename.endswith(".j2"):
                    filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
                tb = tb.tb_next
        shown = display_path(Path(filename)) if filename else getattr(exc, "name", None) or "template"
        return cls([Problem(shown, line or 0, 0, "", f"template error: {exc.message or exc}")])


def _render(kind: str, theme: ThemeFolder, name: str, context: dict[str, Any], language: str) -> str:
    if theme.folder is not None:
        problems = theme_label_problems(theme.folder)
        if problems:
            raise TemplateError(problems)
    try:
        return _environment(kind, theme, language).get_template(name).render(context)
    except jinja2.TemplateError as exc:
        raise TemplateError.of(exc) from None


@functools.cache
def _environment(kind: str, theme: ThemeFolder, language: str) -> jinja2.Environment:
    # a theme's file replaces the default of the same name; "default/<name>" always reaches the default,
    # so a theme's brief.html.j2 can {% extends "default/brief.html.j2" %} and override only some blocks
    defaults = jinja2.FileSystemLoader(str(TEMPLATES_DIR))
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"default": defaults})]
    if theme.folder:
        loaders.append(jinja2.FileSystemLoader(str(theme.folder)))
    # one environment per language: its labels' translations are compiled into it once, and no render
    # installs callables into an environment another may be using
    tr = translator(language)
    env = TranslatedEnvironment(
        tr,
        loader=jinja2.ChoiceLoader([*loaders, defaults]),
        autoescape=kind == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # in HTML (and so the PDF) a date never breaks across lines; Markdown keeps plain spaces
    env.filters["date"] = (lambda value: unbroken(tr.date(value))) if kind == "html" else tr.date
    env.filters["unbroken"] = unbroken
    env.filters["cutoff"] = tr.cutoff
    env.filters["partial"] = tr.partial
    env.filters["built"] = tr.moment
    env.filters["zip"] = zip
    env.filters["label"] = lambda value, scale="": tr.value(value, scale) if scale else label(value)
    env.filters["css_counters"] = css_counters
    env.globals["confidence"] = tr.confidence
    env.filters["mdtext"] = markdown.escape_markdown
    env.filters["css_string"] = css_string
    env.filters["cjk"] = _cjk_filter  # cjk_text, or a redline's marks
    env.filters["isodate"] = lambda value: env.filters["date"](dt.date.fromisoformat(value))
    return env


def cjk_text(value: str | None, lang: str | None = None) -> Markup:
    """Escape plain text for HTML and mark its CJK runs (a Jinja filter)."""
    return mark_cjk(str(escape(value or "")), lang)


def link_ok(url: str) -> bool:
    """A source URL becomes a link only if it is safe and cannot break out of Markdown's <...> form."""
    return markdown.safe_url(url) and not re.search(r"[\s<>\\]", url)


def label(value: str) -> str:
    """almost-certain -> Almost certain."""
    return value.replace("-", " ").capitalize()


def css_counters(text: str) -> str:
    """Page {page} of {pages} -> "Page " counter(page) " of " counter(pages): a translated line of CSS content."""
    parts = re.split(r"\{(pages?)\}", text)
    out = [css_string(p) if i % 2 == 0 else f"counter({p})" for i, p in enumerate(parts) if p or i % 2]
    return " ".join(out)


def css_string(value: str) -> str:
    """Quote text for a CSS content: string, so it can never end the rule."""
    out = []
    for char in value:
        if char.isalnum() or char in " .,:;()-_/'&!?":
            out.append(char)
        else:
            # the space ends the escape and is eaten by the CSS tokenizer, so a real space after it survives
            out.append(f"\\{ord(char):06x} ")
    return '"' + "".join(out) + '"'


def short_title(brief: Brief, limit: int = 55) -> str:
    """The brief's title cut at a word boundary, for the running header."""
    if len(brief.title) <= limit:
        return brief.title
    return brief.title[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"


def sentence_markdown(change: Change) -> str:
    """A change's sentence in Markdown: titles emphasised, everything a writer typed escaped."""
    return markdown.emphasised(change.parts)


def sentence_html(change: Change) -> Markup:
    """A change's sentence in HTML: titles emphasised (and their CJK marked), the rest escaped."""
    return Markup("").join(
        Markup("<em>{}</em>").format(cjk_text(t)) if title else cjk_text(t) for t, title in change.parts
    )


# A redline's marks (redline.py): the HTML of a text of the brief with its changes since an earlier edition
# marked, given the text and how to render any text in its place (it renders the old one the same way).
Marks = Callable[[str, Callable[[str], Markup]], Markup]


@jinja2.pass_context
def _cjk_filter(context: Any, value: str | None, lang: str | None = None) -> Markup:
    lang = lang or context.get("cjk_lang")
    marks: Marks | None = context.get("marks")
    if marks is None or not value:
        return cjk_text(value, lang)
    return marks(value, lambda text: cjk_text(text, lang))


def _context(
    brief: Brief,
    project: Project,
    fmt: str,
    images: dict[str, str] | None = None,
    edition: Edition | None = None,
    marks: Marks | None = None,
    portions: Portions | None = None,
) -> dict[str, Any]:
    tr = translator(project.language_of(brief))
    titles = {s.id: s.title for s in brief.sources}
    citations = markdown.Citations([s.id for s in brief.sources], titles, tr.gettext("Source %(n)s"))
    portion_marks = PortionMarks(portions)
    lang = project.language_of(brief)
    cjk_lang = han_language(lang)
    md: Callable[..., Any]
    pmh: Callable[..., Any]
    if fmt == "html":

        def html(text: str | None, inline: bool = False, mark: str = "") -> Markup:
            rendered = markdown.to_html(text or "", citations, inline=inline, images=images, lang=lang)
            return mark_cjk(marked_html(rendered, mark, inline), cjk_lang)

        def pmh(*loc: str | int) -> Markup:
            mark = portion_marks.of(*loc)
            return Markup(f'<span class="pm">{escape(mark)}</span> ') if mark else Markup("")

        def md(text: str | None, inline: bool = False, mark: str = "") -> Markup:
            if marks is None or not text:
                return html(text, inline, mark)
            return marks(text, lambda other: html(other, inline, mark))

        figures = _figures(brief, tr)
    else:

        def md(text: str | None, inline: bool = False, mark: str = "") -> str:
            return marked_markdown(markdown.to_markdown(text or "", citations, lang), mark)

        def md_cell(text: str) -> str:
            return markdown.to_markdown_cell(text, citations, lang)

        def pmh(*loc: str | int) -> str:
            mark = portion_marks.of(*loc)
            return f"{mark} " if mark else ""

        figures = {}

    return {
        "md_cell": md_cell if fmt != "html" else None,
        "matrix_cell": functools.partial(matrix_cell, brief),
        "link_ok": link_ok,
        "brief": brief,
        "config": project.config,
        "md": md,
        "cite": citations.number,
        "citations": citations,
        "sources": {s.id: s for s in brief.sources},
        "source_index": {s.id: i for i, s in enumerate(brief.sources)},
        "actors": {a.id: a for a in brief.actors},
        "severity": severity,
        "scales": scales_in(tr),
        "likelihoods": LIKELIHOODS,
        "impacts": IMPACTS,
        "figures": figures,
        "short_title": short_title(brief),
        "version": __version__,
        **_language_context(lang),
        "pm": portion_marks.of,
        "pmh": pmh,
        "pm_highest": portion_marks.highest,
        "release_note": release_note(project, tr),
        "edition": edition or Edition(brief.edition),
        "sentence": sentence_html if fmt == "html" else sentence_markdown,
        "marks": marks,
        **estimates(brief, project),
        "grades": grades_in(tr),
    }


def release_note(project: Project, tr: Translator) -> str | None:
    """What a release edition says of itself, in the brief's language (Project.release_note, translated)."""
    level, scheme = project.release_marking, project.scheme
    return scheme.omits(level, tr.gettext) if scheme and level else None


def _figures(brief: Brief, tr: Translator) -> dict[str, Any]:
    """The risk matrix and the timeline as SVG markup, their words in the brief's language."""
    events = brief.historical_context.timeline if brief.historical_context else []
    return {
        "risk_matrix": Markup(risk_matrix_svg(brief.risks, tr=tr)) if brief.risks else "",
        "timeline": Markup(timeline_svg(events, brief.trigger, tr=tr)),
    }


def _language_context(lang: str) -> dict[str, Any]:
    """What the templates need of the brief's language: its tag, its direction, the language Han characters
    alone are in (a CJK brief's own), and how to tell a text's direction (a source's title)."""
    return {"lang": lang, "dir": direction(lang), "cjk_lang": han_language(lang), "text_dir": text_direction}


def matrix_cell(brief: Brief, likelihood: str, impact: str) -> str:
    """The numbers of the risks in one cell of the Markdown risk matrix."""
    numbers = [str(n) for n, r in enumerate(brief.risks, 1) if (r.likelihood, r.impact) == (likelihood, impact)]
    return ", ".join(numbers) or "–"


def render_html(
    brief: Brief,
    project: Project,
    images: dict[str, str] | None = None,
    *,
    policy: Policy | None = None,
    edition: Edition | None = None,
    marks: Marks | None = None,
    portions: Portions | None = None,
    alternates: tuple[Any, ...] = (),  # translation.Alternate: the page in its other languages
) -> str:
    """Render the brief as one self-contained HTML page (``images``: from collect_images); ``edition``
    (editions.whats_changed) numbers it and puts its changes after the bottom line up front; ``portions``:
    the marking of each portion, with a marking scheme.

    A theme's extra.css may use files of the project through ``url()``; they are embedded as data: URIs.
    """
    context = _context(brief, project, "html", images, edition, marks, portions)
    context |= {"extra_css": theme_css(project.theme, policy), "alternates": alternates}
    lang = project.language_of(brief)
    page = space_html(_render("html", project.theme, "brief.html.j2", context, lang), lang)
    # right to left, WeasyPrint orders an inline element by the direction alone, so a Latin phrase's last word
    # in a span of its own would stand left of the phrase; and Arabic and Hebrew are never hyphenated anyway
    return page if direction(lang) == "rtl" else keep_last_words(page)


def theme_css(theme: ThemeFolder, policy: Policy | None) -> Markup:
    """The theme's extra.css with each url() embedded as a data: URI read through ``policy``.

    Without a policy (the index page) a url() is dropped. A refused one is a BriefgenError.
    """
    if not theme.extra_css:
        return Markup("")
    css = re.sub(r"/\*.*?\*/", "", theme.extra_css.read_text(encoding="utf-8"), flags=re.S)  # comments fetch nothing
    problems: list[Problem] = []

    def embed(match: re.Match[str]) -> str:
        url = match.group(2)
        if url.startswith("data:") or policy is None or theme.folder is None:
            return match.group(0) if url.startswith("data:") else "none"
        try:
            data = policy.read(url, theme.folder)
        except Refused as exc:
            problems.append(Problem(str(theme.extra_css), 0, 0, "", str(exc)))
            return "none"
        mime = mimetypes.guess_type(url)[0] or "application/octet-stream"
        return f'url("data:{mime};base64,{base64.b64encode(data).decode("ascii")}")'

    css = CSS_URL.sub(embed, css)
    if problems:
        raise BriefgenError(problems)
    # the organisation's own stylesheet, trusted like its templates; it goes inside <style>, so no "</"
    return Markup(css.replace("</", "<\\/"))


def render_markdown(
    brief: Brief, project: Project, edition: Edition | None = None, portions: Portions | None = None
) -> str:
    """Render the brief as CommonMark (``edition`` and ``portions``: as for render_html)."""
    context = _context(brief, project, "md", edition=edition, portions=portions)
    text = _tidy_blank_lines(_render("md", project.theme, "brief.md.j2", context, context["lang"]))
    return space_markdown(text, project.language_of(brief))


def _tidy_blank_lines(text: str) -> str:
    """Collapse runs of blank lines left by template logic (not inside fenced code)."""
    out: list[str] = []
    fence = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if fence:
            fence = "" if stripped.startswith(fence) else fence
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line.rstrip() if not fence else line)
    return "\n".join(out).rstrip() + "\n"


def render_print_css(brief: Brief, project: Project) -> str:
    """Render the print stylesheet (page size, margin boxes, markings) for this brief."""
    context = {
        "brief": brief,
        "lang": project.language_of(brief),
        "dir": direction(project.language_of(brief)),
        "config": project.config,
        "short_title": short_title(brief),
    }
    return _render("css", project.theme, "print.css.j2", context, project.language_of(brief))


def render_index(entries: list[Any], project: Project, languages: dict[str, list[Any]] | None = None) -> str:
    """Render the site's front page from manifest entries (already sorted); ``languages``: by an original's id,
    the languages it and its translations can be read in (site.py)."""
    config = project.config
    tr, organisation = translator(project.language), config.organisation
    named = tr.gettext("%(organisation)s briefs") % {"organisation": organisation}
    context = {
        "entries": entries,
        "languages": languages or {},
        "lang": project.language,
        "config": config,
        "site_title": named if organisation else tr.gettext("Briefs"),
        "built_at": project.source_date,
        "version": __version__,
        "extra_css": theme_css(project.theme, None),
        "links": index_links(),
        "banner": index_banner(entries, project),
    }
    return _render("html", project.theme, "index.html.j2", context, project.language)


def index_banner(entries: list[Any], project: Project) -> str:
    """The index page's marking, with a marking scheme: the highest of the briefs it lists (none without one)."""
    scheme = project.scheme
    if scheme is None:
        return ""
    marks = [scheme.lowest]
    for entry in entries:
        with contextlib.suppress(ValueError):
            marks.append(scheme.parse(entry.classification))
    return scheme.banner(scheme.highest(marks))
