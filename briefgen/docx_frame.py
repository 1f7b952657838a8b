"""The brief's frame and annex in Word: key question, document number, cut-off, who prepared, cleared and
received it, its scope; the implications for the reader and the options; the annex with the scales, the
yardstick and the source grades. Fields are tagged with their paths, as in docx_sections.py."""

from __future__ import annotations

from docx.shared import Pt

from briefgen.docx_markdown import add_text
from briefgen.docx_sections import MUTED, Sections
from briefgen.model import format_cutoff
from briefgen.render import SCALES, label
from briefgen.yardstick import CREDIBILITY, RELIABILITY


class FrameSections(Sections):
    """The sections of docx_sections.py and those of the brief's frame."""

    def _key_question(self) -> None:
        brief = self.brief
        if brief.key_question:
            question = self.doc.add_paragraph()
            add_text(question, "Key question: ", bold=True)
            self._plain(question, brief.key_question, "key_question", "Key question", bold=True)

    def _frame_meta(self) -> None:
        """The document number, the cut-off and the people of the brief, under the title block's meta line."""
        brief = self.brief
        pairs = [
            ("Reference", brief.reference, "reference"),
            ("Information as of", format_cutoff(brief.cutoff) if brief.cutoff else None, None),
            ("Prepared by", brief.prepared_by, "prepared_by"),
            ("Cleared by", brief.cleared_by, "cleared_by"),
            ("Coordinated with", "; ".join(brief.coordinated_with) or None, None),
            ("Distribution", "; ".join(brief.distribution) or None, None),
        ]
        for name, value, path in pairs:
            if value is None:
                continue
            line = self.doc.add_paragraph()
            add_text(line, f"{name}{'' if name.endswith('of') else ':'} ", bold=True, colour=MUTED)
            if path:
                self._plain(line, value, path, name)
            else:
                add_text(line, value)
        if brief.scope:
            add_text(self.doc.add_paragraph(), "Scope", bold=True, colour=MUTED, size=Pt(9))
            self._markdown(self.doc, brief.scope, "scope", "Scope")

    def _implications(self) -> None:
        brief = self.brief
        if brief.implications and not self.summary:
            self._heading("Implications for us", None, mark=("implications",))
            self._markdown(self.doc, brief.implications, "implications", "Implications", ("implications",))

    def _options(self) -> None:
        if not self.brief.options or self.summary:
            return
        self._heading("Options", None)
        for i, option in enumerate(self.brief.options):
            self._heading(option.title, f"options[{i}].title", level=2, prefix=f"Option {i + 1}: ", mark=("options", i))
            if option.description:
                self._markdown(self.doc, option.description, f"options[{i}].description", option.title)
            for side, key, items in (("For", "pros", option.pros), ("Against", "cons", option.cons)):
                if items:
                    add_text(self.doc.add_paragraph(), side, bold=True, colour=MUTED)
                    self._points(items, f"options[{i}].{key}", ())

    def _annex(self) -> None:
        if self.summary:
            return
        self._heading("Annex: How to read this brief", None)
        add_text(
            self.doc.add_paragraph(),
            "Risks are rated on two five-step scales; their product places each risk on the matrix and sets its"
            " severity (low, medium, high, extreme). Key judgements state the analyst's confidence.",
        )
        scales = [
            ("likelihood", "Likelihood: how probable the risk is within the brief's horizon"),
            ("impact", "Impact: how much it would matter if it happened"),
            ("confidence", "Confidence in key judgements"),
        ]
        for scale, caption_text in scales:
            self._scale(caption_text, ["Level", "Meaning"], [(label(s), m) for s, m in SCALES[scale]])
        yardstick = self.project.yardstick_in(self.brief.language)
        if yardstick:
            add_text(
                self.doc.add_paragraph(),
                f"Key judgements state how likely they are in the terms of the {yardstick.name} yardstick, and the"
                f" analyst's confidence in the judgement. {yardstick.note}".rstrip(),
            )
            rows = [(t.label.capitalize(), t.range) for t in yardstick.terms]
            self._scale(f"{yardstick.name} probability yardstick", ["Term", "Probability"], rows)
        if any(s.grade for s in self.brief.sources):
            add_text(
                self.doc.add_paragraph(),
                "Sources are graded on the Admiralty system: a letter for the source's reliability, a digit for the"
                " credibility of its information, judged apart ([B2]: usually reliable, probably true).",
            )
            for caption_text, grades in (("Source reliability", RELIABILITY), ("Information credibility", CREDIBILITY)):
                self._scale(caption_text, ["Grade", "Meaning"], [(f"{g} {name}", m) for g, name, m in grades])

    def _scale(self, caption_text: str, headers: list[str], rows: list[tuple[str, str]]) -> None:
        table = self._table(caption_text, headers, [0.3, 0.7])
        for step, meaning in rows:
            level, text = self._row(table)
            add_text(level.paragraphs[0], step, bold=True)
            add_text(text.paragraphs[0], meaning)
        self.doc.add_paragraph()
