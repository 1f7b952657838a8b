"""The brief's sections as Word paragraphs and native tables, in the HTML page's order (templates/brief.html.j2)
so citations get the same numbers. Every field's text is tagged with its path (docx_parts.field_paragraphs),
so `briefgen review` can read a cleared document's changes back onto the YAML. docx_writer.py adds the frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from briefgen.docx_markdown import MarkdownWriter, add_text, caption
from briefgen.docx_parts import (
    MARGINS,
    PAGE_SIZES,
    bookmark,
    field_paragraphs,
    hyperlink,
    left_border,
    link_run,
    no_break_hyphens,
    prefix_run,
    repeat_header,
    run_control,
    shade,
    web_url,
)
from briefgen.editions import Edition
from briefgen.estimates import likelihood_label, risk_rows
from briefgen.i18n import translator
from briefgen.markdown import Citations
from briefgen.marking import Portions
from briefgen.model import IMPACTS, LIKELIHOODS, Brief
from briefgen.portion_marks import PortionMarks
from briefgen.project import Project
from briefgen.render import link_ok
from briefgen.risk_matrix import SEVERITY_COLOURS, severity

ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
MUTED = RGBColor(0x5A, 0x63, 0x72)
BOX_FILL, HEADER_FILL = "EEF2F7", "DCE3EC"


def text_width(project: Project) -> int:
    """The width of the text between the margins, in EMU."""
    width = PAGE_SIZES[project.config.page_size][0]
    return int(width - MARGINS["left"] - MARGINS["right"])


class Sections:
    """One brief being written into one document, section by section."""

    def __init__(
        self,
        document: DocumentObject,
        brief: Brief,
        project: Project,
        images: Mapping[str, str],
        portions: Portions | None = None,
        edition: Edition | None = None,
    ) -> None:
        self.doc, self.brief, self.project = document, brief, project
        self.edition = edition
        self.marks = PortionMarks(portions)
        self.citations = Citations([s.id for s in brief.sources], {s.id: s.title for s in brief.sources})
        self.md = MarkdownWriter(
            document, self.citations, images, text_width(project), language=project.language_of(brief)
        )
        self.actors = {a.id: a for a in brief.actors}
        self.tables: list[tuple[Table, list[float]]] = []  # and their columns' shares of the text width
        self.summary = project.edition_variant == "summary"
        self.risk_rows = [(n - 1, r) for n, r in risk_rows(brief, project.edition_variant)]
        self.tr = translator(project.language_of(brief))  # the labels' language; the brief's words stay its own
        self._, self.date, self.value = self.tr.gettext, self.tr.date, self.tr.value

    # -- helpers ------------------------------------------------------------------------------------------------

    def _plain(self, paragraph: Paragraph, text: str, path: str, alias: str, **look: Any) -> None:
        with run_control(paragraph, path, alias):
            add_text(paragraph, text, **look)

    def _mark(self, paragraph: Paragraph | Any, *loc: str | int, highest: Any = None) -> None:
        """The portion mark (``(S)``) at the start of a paragraph, when the project has a marking scheme."""
        mark = self.marks.highest(*highest) if highest else self.marks.of(*loc)
        if mark:
            p = paragraph._p if isinstance(paragraph, Paragraph) else paragraph
            prefix_run(p, f"{mark} ")

    def _heading(
        self, text: str, path: str | None, level: int = 1, prefix: str = "", mark: tuple[str | int, ...] = ()
    ) -> Paragraph:
        heading: Paragraph = self.doc.add_heading(level=level)
        if mark:
            self._mark(heading, *mark)
        if prefix:
            add_text(heading, prefix)
        if path:
            self._plain(heading, text, path, "Heading")
        else:
            add_text(heading, text)
        return heading

    def _markdown(
        self, container: DocumentObject | _Cell, text: str, path: str, alias: str, mark: tuple[str | int, ...] = ()
    ) -> None:
        if isinstance(container, _Cell):
            self._cell_markdown(container, text, path, alias, mark)
            return
        body = container.element.body
        before = set(body)
        with field_paragraphs(body, path, alias):
            self.md.blocks(container, text)
        if mark:
            first = next((c for c in body if c not in before and c.tag.endswith("}p")), None)
            if first is not None:
                self._mark(first, *mark)

    def _cell_markdown(self, cell: _Cell, text: str, path: str, alias: str, mark: tuple[str | int, ...] = ()) -> None:
        """A Markdown field in a table cell (the cell's first, empty paragraph dropped when the field has one)."""
        fresh = len(cell.paragraphs) == 1 and _empty(cell.paragraphs[0])
        before = len(cell.paragraphs)
        with field_paragraphs(cell._tc, path, alias):
            self.md.blocks(cell, text)
        if mark and len(cell.paragraphs) > before:
            self._mark(cell.paragraphs[before], *mark)
        if fresh and len(cell.paragraphs) > 1:  # the empty paragraph a new cell holds would be a blank line
            cell._tc.remove(cell.paragraphs[0]._p)

    def _inline(self, paragraph: Paragraph, text: str, path: str, alias: str, mark: tuple[str | int, ...] = ()) -> None:
        if mark:
            self._mark(paragraph, *mark)
        with run_control(paragraph, path, alias):
            self.md.inline(paragraph, text)

    def _table(self, caption_text: str | None, headers: list[str], widths: list[float]) -> Table:
        if caption_text:  # None: the heading just above names the table
            caption(add_caption(self.doc, caption_text))
        table: Table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            add_text(cell.paragraphs[0], text, bold=True)
            shade(cell, HEADER_FILL)
        repeat_header(table)
        self.tables.append((table, widths))
        return table

    @staticmethod
    def _row(table: Table) -> list[_Cell]:
        return list(table.add_row().cells)  # type: ignore[no-untyped-call]

    # the brief's sections -----------------------------------------------------------------------------------

    def _bluf(self) -> None:
        self._heading(self._("Bottom line up front"), None)
        box = self.doc.add_table(rows=1, cols=1)
        self.tables.append((box, [1.0]))  # (its one row, as every table's, moves to the next page whole)
        cell = box.rows[0].cells[0]
        shade(cell, BOX_FILL)
        left_border(cell, "1F3A5F")
        self._cell_markdown(cell, self.brief.summary, "summary", "Bottom line up front", ("summary",))
        if not self.brief.key_points:
            return
        self._heading(self._("Key judgements"), None, level=2)
        table = self._table(None, ["#", self._("Judgement"), self._("Likelihood, confidence")], [0.06, 0.7, 0.24])
        yardstick = self.project.yardstick_in(self.brief.language)
        for i, point in enumerate(self.brief.key_points):
            number, text, confidence = self._row(table)
            add_text(number.paragraphs[0], str(i + 1))
            self._inline(text.paragraphs[0], point.text, f"key_points[{i}].text", "Key judgement", ("key_points", i))
            said = [likelihood_label(point.likelihood, yardstick)] if point.likelihood else []
            said += [self.tr.confidence(point.confidence)] if point.confidence else []
            said += [self._("Desk assessment")] if point.basis else []
            for run in add_text(confidence.paragraphs[0], self._("; ").join(said) or "—"):
                no_break_hyphens(run)  # Highly unlikely (10-20%): the range on one line

    def _trigger(self) -> None:
        trigger = self.brief.trigger
        self._heading(trigger.title, "trigger.title", prefix=self._("Trigger:") + " ", mark=("trigger",))
        if trigger.date or trigger.actors:
            byline = self.doc.add_paragraph()
            if trigger.date:
                add_text(byline, self.date(trigger.date), colour=MUTED)
            for n, actor_id in enumerate(trigger.actors):
                add_text(byline, " · " if n == 0 and trigger.date else ", " if n else "", colour=MUTED)
                actor = self.actors[actor_id]
                add_text(byline, actor.name, lang=actor.lang, colour=MUTED)
        self._markdown(self.doc, trigger.summary, "trigger.summary", "Trigger", ("trigger",))
        self._points(trigger.points, "trigger.points", ("trigger", "points"))
        if not self.brief.actors:
            return
        headers = [self._("Actor"), self._("Role"), self._("Affiliation")]
        table = self._table(self._("Key actors"), headers, [0.34, 0.38, 0.28])
        for i, actor in enumerate(self.brief.actors):
            name, role, affiliation = self._row(table)
            self._mark(name.paragraphs[0], "actors", i)
            self._plain(name.paragraphs[0], actor.name, f"actors[{i}].name", "Actor", lang=actor.lang, bold=True)
            for cell, value, key in ((role, actor.role, "role"), (affiliation, actor.affiliation, "affiliation")):
                if value:
                    self._plain(cell.paragraphs[0], value, f"actors[{i}].{key}", f"Actor's {key}", lang=actor.lang)
                else:
                    add_text(cell.paragraphs[0], "—")

    def _points(self, points: list[str], path: str, where: tuple[str | int, ...]) -> None:
        for i, point in enumerate(points):
            with field_paragraphs(self.doc.element.body, f"{path}[{i}]", "Point"):
                paragraph = self.doc.add_paragraph(style="List Bullet")
                self.md.inline(paragraph, point)
            if where:
                self._mark(paragraph, *where, i)

    def _motivations(self) -> None:
        if not self.brief.motivations:
            return
        self._heading(self._("Motivations"), None)
        for i, m in enumerate(self.brief.motivations):
            self._heading(m.title, f"motivations[{i}].title", level=2, mark=("motivations", i))
            if m.actor:  # under the heading, not in it: the navigation pane and contents show the title alone
                actor = self.actors[m.actor]
                add_text(self.doc.add_paragraph(), actor.name, lang=actor.lang, colour=MUTED, size=Pt(9))
            if m.summary:
                self._markdown(self.doc, m.summary, f"motivations[{i}].summary", m.title, ("motivations", i))
            self._points(m.points, f"motivations[{i}].points", ("motivations", i, "points"))

    def _asks(self) -> None:
        if not self.brief.asks:
            return
        self._heading(self._("Asks"), None)
        headers = [self._("Asked by → of"), self._("Ask"), self._("Sources")]
        table = self._table(self._("Who asks what of whom"), headers, [0.24, 0.62, 0.14])
        for i, ask in enumerate(self.brief.asks):
            parties, text, sources = self._row(table)
            by, of = self.actors[ask.by], self.actors[ask.of]
            self._mark(parties.paragraphs[0], "asks", i)
            add_text(parties.paragraphs[0], by.name, lang=by.lang, bold=True)
            add_text(parties.paragraphs[0], " → ")
            add_text(parties.paragraphs[0], of.name, lang=of.lang, bold=True)
            self._cell_markdown(text, ask.ask, f"asks[{i}].ask", "Ask")
            if ask.quote:
                quote = text.add_paragraph(style="Quote")
                opening, closing = self._("“%(quote)s”").split("%(quote)s")
                add_text(quote, opening)
                self._plain(quote, ask.quote, f"asks[{i}].quote", "Quote")
                add_text(quote, closing)
            for n, source_id in enumerate(ask.sources):
                number = self.citations.number(source_id)
                paragraph = sources.paragraphs[0]
                add_text(paragraph, " " if n else "")
                link_run(hyperlink(paragraph, anchor=f"source_{number}"), paragraph, f"[{number}]")
            if not ask.sources:
                add_text(sources.paragraphs[0], "—")

    def _risks(self) -> None:
        risks = self.brief.risks
        if not risks:
            return
        self._heading(self._("Risks"), None)
        if not self.summary:
            self._matrix()
        headers = ["#", self._("Risk"), self._("Risk to"), self._("Likelihood"), self._("Impact"), self._("Severity")]
        table = self._table(self._("Risks by likelihood and impact"), headers, [0.05, 0.44, 0.12, 0.14, 0.13, 0.12])
        for i, risk in self.risk_rows:
            number, text, whose, likelihood_cell, impact_cell, severity_cell = self._row(table)
            add_text(whose.paragraphs[0], self._whose(risk) or "—")
            self._mark(text.paragraphs[0], "risks", i)
            add_text(number.paragraphs[0], str(i + 1), bold=True)  # numbered as in the full edition
            self._plain(text.paragraphs[0], risk.title, f"risks[{i}].title", "Risk", bold=True)
            if risk.description and not self.summary:
                self._cell_markdown(text, risk.description, f"risks[{i}].description", "Risk")
            if risk.mitigation and not self.summary:
                add_text(text.add_paragraph(), self._("Mitigation"), bold=True, colour=MUTED, size=Pt(8))
                self._cell_markdown(text, risk.mitigation, f"risks[{i}].mitigation", "Mitigation")
            add_text(likelihood_cell.paragraphs[0], self.value(risk.likelihood, "likelihood"))
            add_text(impact_cell.paragraphs[0], self.value(risk.impact, "impact"))
            band = severity(risk.likelihood, risk.impact)
            shade(severity_cell, SEVERITY_COLOURS[band].lstrip("#").upper())
            add_text(severity_cell.paragraphs[0], self.value(band, "severity"))

    def _whose(self, risk: Any) -> str:
        """Whose risk it is, as estimates.py says it: an actor's affiliation (China) else its name, or us."""
        actor = self.actors[risk.to] if risk.to and risk.to != "us" else None
        return (actor.affiliation or actor.name) if actor else self._("us") if risk.to else ""

    def _matrix(self) -> None:
        risks = self.brief.risks
        shows = self.marks.highest("risks")
        said = self._(
            "Risk matrix: each number is a risk in the table below, placed by likelihood (rows) and impact (columns)"
        )
        matrix = self._table(
            (f"{shows} " if shows else "") + said,
            [self._("Likelihood \\ Impact"), *[self.value(i, "impact") for i in IMPACTS]],
            [0.2, 0.16, 0.16, 0.16, 0.16, 0.16],
        )
        for likelihood in reversed(LIKELIHOODS):
            cells = matrix.add_row().cells  # type: ignore[no-untyped-call]
            add_text(cells[0].paragraphs[0], self.value(likelihood, "likelihood"), bold=True)
            for cell, impact in zip(cells[1:], IMPACTS, strict=True):
                shade(cell, SEVERITY_COLOURS[severity(likelihood, impact)].lstrip("#").upper())
                numbers = [str(n) for n, r in enumerate(risks, 1) if (r.likelihood, r.impact) == (likelihood, impact)]
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                add_text(cell.paragraphs[0], ", ".join(numbers), bold=True)
        legend = self.doc.add_paragraph()
        add_text(legend, self._("Severity (likelihood step × impact step):") + " ", colour=MUTED, size=Pt(8))
        add_text(legend, self._("low 1–4, medium 5–9, high 10–16, extreme 20–25."), colour=MUTED, size=Pt(8))
        if any(r.to for r in risks):
            add_text(legend, f" {self._('Whose risk:')} ", colour=MUTED, size=Pt(8))
            owners = [f"{n} {self._whose(r) or '—'}" for n, r in enumerate(risks, 1)]
            add_text(legend, self._("; ").join(owners) + ".", colour=MUTED, size=Pt(8))

    def _watch_list(self) -> None:
        if not self.brief.watch_list:
            return
        self._heading(self._("Watch list"), None)
        headers = [self._("What to watch"), self._("Indicator"), self._("By"), self._("Status")]
        table = self._table(self._("What to watch and what would signal change"), headers, [0.25, 0.45, 0.18, 0.12])
        for i, item in enumerate(self.brief.watch_list):
            title, indicator, by, status = self._row(table)
            self._mark(title.paragraphs[0], "watch_list", i)
            self._plain(title.paragraphs[0], item.title, f"watch_list[{i}].title", "What to watch", bold=True)
            self._cell_markdown(indicator, item.indicator, f"watch_list[{i}].indicator", "Indicator")
            add_text(by.paragraphs[0], self.date(item.by).replace(" ", "\u00a0") if item.by else "—")  # unbroken
            add_text(status.paragraphs[0], self.value(item.status, "watch"))

    def _historical_context(self) -> None:
        context = self.brief.historical_context
        if context is None:
            return
        self._heading(self._("Historical context"), None, mark=("historical_context",))
        if context.summary:
            self._markdown(
                self.doc, context.summary, "historical_context.summary", "Historical context", ("historical_context",)
            )
        index = {id(e): n for n, e in enumerate(context.events)}
        if context.events:
            # the timeline as a table of dated events: editable under tracked changes, read by screen readers
            table = self._table(self._("Timeline of events"), [self._("Date"), self._("Event")], [0.18, 0.82])
            for event in context.timeline:
                path = f"historical_context.events[{index[id(event)]}]"
                when, what = self._row(table)
                self._mark(what.paragraphs[0], "historical_context", "events", index[id(event)])
                add_text(when.paragraphs[0], self.tr.partial(event.date))
                self._plain(what.paragraphs[0], event.title, f"{path}.title", "Event", bold=True)
                if event.description:
                    self._cell_markdown(what, event.description, f"{path}.description", "Event")
        for i, theme in enumerate(context.themes):
            where = ("historical_context", "themes", i)
            self._heading(theme.title, f"historical_context.themes[{i}].title", level=2, mark=where)
            self._markdown(self.doc, theme.body, f"historical_context.themes[{i}].body", theme.title, where)

    def _sources(self) -> None:
        brief = self.brief
        if not brief.sources:
            return
        self._heading(self._("Sources"), None)
        index = {s.id: n for n, s in enumerate(brief.sources)}
        for number, source_id in enumerate(self.citations.ordered(), 1):
            source, i = brief.sources[index[source_id]], index[source_id]
            entry = self.doc.add_paragraph()
            entry.paragraph_format.left_indent = Pt(18)
            entry.paragraph_format.first_line_indent = Pt(-18)
            add_text(entry, f"[{number}]\t")
            if mark := self.marks.of("sources", i):  # after the number, as in the other formats: [1] (U) [B2]
                add_text(entry, f"{mark} ", bold=True)
            if source.grade:
                add_text(entry, f"[{source.grade}] ", bold=True)
            if source.url and link_ok(source.url) and web_url(source.url):
                with run_control(entry, f"sources[{i}].title", "Source"):
                    link_run(hyperlink(entry, url=source.url), entry, source.title)
            else:
                self._plain(entry, source.title, f"sources[{i}].title", "Source", italic=True)
            if source.publisher:
                add_text(entry, ". ")
                self._plain(entry, source.publisher, f"sources[{i}].publisher", "Publisher")
            if source.date:
                add_text(entry, f", {self.date(source.date)}")
            add_text(entry, ".")
            if source.kind:
                add_text(entry, f" {self.value(source.kind, 'kind')}.")
            if source.url:
                add_text(entry, f" {source.url}", colour=MUTED, size=Pt(8))
            if source.accessed:
                add_text(entry, " " + self._("Accessed %(date)s.") % {"date": self.date(source.accessed)})
            bookmark(entry, f"source_{number}", number)


def add_caption(document: DocumentObject, text: str) -> Paragraph:
    paragraph = document.add_paragraph()
    add_text(paragraph, text)
    return paragraph


def _empty(paragraph: Paragraph) -> bool:
    return not paragraph._p.xpath("./w:r|./w:sdt|./w:hyperlink")
