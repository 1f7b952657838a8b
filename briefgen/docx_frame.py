"""The brief's frame and annex in Word: key question, document number, cut-off, who prepared, cleared and
received it, its scope; the implications for the reader and the options; the annex with the scales, the
yardstick and the source grades. Fields are tagged with their paths, as in docx_sections.py."""

from __future__ import annotations

from docx.shared import Pt

from briefgen.docx_markdown import add_text
from briefgen.docx_sections import MUTED, Sections
from briefgen.i18n import grades_in, scales_in


class FrameSections(Sections):
    """The sections of docx_sections.py and those of the brief's frame."""

    def _key_question(self) -> None:
        brief = self.brief
        if brief.key_question:
            question = self.doc.add_paragraph()
            add_text(question, self._("Key question:") + " ", bold=True)
            self._plain(question, brief.key_question, "key_question", "Key question", bold=True)

    def _frame_meta(self) -> None:
        """The document number, the cut-off and the people of the brief, under the title block's meta line."""
        brief = self.brief
        pairs = [  # (the label, its value, the field's path, the content control's name)
            (self._("Reference:"), brief.reference, "reference", "Reference"),
            (self._("Information as of"), self.tr.cutoff(brief.cutoff) if brief.cutoff else None, None, ""),
            (self._("Prepared by:"), brief.prepared_by, "prepared_by", "Prepared by"),
            (self._("Cleared by:"), brief.cleared_by, "cleared_by", "Cleared by"),
            (self._("Coordinated with:"), "; ".join(brief.coordinated_with) or None, None, ""),
            (self._("Distribution:"), "; ".join(brief.distribution) or None, None, ""),
        ]
        for name, value, path, alias in pairs:
            if value is None:
                continue
            line = self.doc.add_paragraph()
            line.paragraph_format.space_after = Pt(2)  # lines of one block, as in the PDF's title block
            add_text(line, f"{name} ", bold=True, colour=MUTED)
            if path:
                self._plain(line, value, path, alias)
            else:
                add_text(line, value)
        if brief.scope:  # "Scope: ..." on its line, as in the other formats
            scope = self.doc.add_paragraph()
            add_text(scope, self._("Scope:") + " ", bold=True, colour=MUTED)
            self._inline(scope, brief.scope, "scope", "Scope")

    def _implications(self) -> None:
        brief = self.brief
        if brief.implications and not self.summary:
            self._heading(self._("Implications for us"), None, mark=("implications",))
            self._markdown(self.doc, brief.implications, "implications", "Implications", ("implications",))

    def _options(self) -> None:
        if not self.brief.options or self.summary:
            return
        self._heading(self._("Options"), None)
        # a table of the options and their arguments for and against, as in the other formats
        headers = [self._("Option"), self._("For"), self._("Against")]
        table = self._table(self._("Courses of action open to us"), headers, [0.4, 0.3, 0.3])
        for i, option in enumerate(self.brief.options):
            title, pros, cons = self._row(table)
            add_text(title.paragraphs[0], f"{i + 1}. ", bold=True)
            self._plain(title.paragraphs[0], option.title, f"options[{i}].title", "Option", bold=True)
            self._mark(title.paragraphs[0], "options", i)
            if option.description:
                self._cell_markdown(title, option.description, f"options[{i}].description", option.title)
            for cell, key, items in ((pros, "pros", option.pros), (cons, "cons", option.cons)):
                for j, item in enumerate(items):
                    paragraph = cell.paragraphs[0] if j == 0 else cell.add_paragraph()
                    paragraph.style = "List Bullet"
                    paragraph.paragraph_format.space_after = Pt(2)
                    self._inline(paragraph, item, f"options[{i}].{key}[{j}]", "Point")
                if not items:
                    add_text(cell.paragraphs[0], "—")

    def _annex(self) -> None:
        if self.summary:
            return
        self._heading(self._("Annex: How to read this brief"), None)
        parts = (
            self._(
                "Risks are rated on two five-step scales; their product places each risk on the matrix and sets its"
                " severity (low, medium, high, extreme)."
            ),
            self._("Key judgements state the analyst’s confidence."),
        )
        add_text(self.doc.add_paragraph(), " ".join(parts))
        scales = [
            ("likelihood", self._("Likelihood: how probable the risk is within the brief’s horizon")),
            ("impact", self._("Impact: how much it would matter if it happened")),
            ("confidence", self._("Confidence in key judgements")),
        ]
        meanings = scales_in(self.tr)
        headers = [self._("Level"), self._("Meaning")]
        for scale, caption_text in scales:
            self._scale(caption_text, headers, [(self.value(s, scale), m) for s, m in meanings[scale]])
        yardstick = self.project.yardstick_in(self.brief.language)
        if yardstick:
            said = self._(
                "Key judgements state how likely they are in the terms of the %(name)s yardstick, and the analyst’s"
                " confidence in the judgement."
            )
            add_text(self.doc.add_paragraph(), f"{said % {'name': yardstick.name}} {yardstick.note}".rstrip())
            rows = [(t.label.capitalize(), t.range) for t in yardstick.terms]
            caption_text = self._("%(name)s probability yardstick") % {"name": yardstick.name}
            self._scale(caption_text, [self._("Term"), self._("Probability")], rows)
        if any(s.grade for s in self.brief.sources):
            said = self._(
                "Sources are graded on the Admiralty system: a letter for the source’s reliability, a digit for the"
                " credibility of its information, judged apart (\\[B2\\]: usually reliable, probably true)."
            )
            add_text(self.doc.add_paragraph(), said.replace("\\[", "[").replace("\\]", "]"))
            grades = grades_in(self.tr)
            for scale, caption_text in (
                ("reliability", self._("Source reliability")),
                ("credibility", self._("Information credibility")),
            ):
                self._scale(
                    caption_text, [self._("Grade"), self._("Meaning")], [(f"{g} {n}", m) for g, n, m in grades[scale]]
                )

    def _scale(self, caption_text: str, headers: list[str], rows: list[tuple[str, str]]) -> None:
        table = self._table(caption_text, headers, [0.3, 0.7])
        for step, meaning in rows:
            level, text = self._row(table)
            add_text(level.paragraphs[0], step, bold=True)
            add_text(text.paragraphs[0], meaning)
        self.doc.add_paragraph()
