"""The brief as a Word document, written with python-docx from the validated model (not converted from the
HTML): real styles, native tables with repeating header rows, the marking in every header and footer, a
table of contents field, and every field's text in a content control tagged with its path, so
`briefgen review` can read a cleared document's tracked changes back onto the YAML's lines.

The sections and their order are the HTML page's (templates/brief.html.j2), so citations get the same numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping

import docx
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from briefgen import __version__
from briefgen.docx_frame import FrameSections
from briefgen.docx_markdown import add_text
from briefgen.docx_parts import (
    add_field,
    add_field_part,
    cant_split,
    document_language,
    drop_thumbnail,
    field_begin,
    keep_together,
    page_setup,
    set_widths,
    small_text,
    stable_zip,
    update_fields_on_open,
)
from briefgen.docx_sections import MUTED, text_width
from briefgen.docx_typography import finish_document
from briefgen.editions import Edition
from briefgen.marking import Portions
from briefgen.model import Brief
from briefgen.project import Project
from briefgen.render import release_note, short_title

SHORT_TABLE = 8  # rows (its header's included) of a table kept on one page: the matrix, a scale, six risks
REFERENCE_DOCX = "reference.docx"  # a theme's Word styles (and header logo), like Pandoc's --reference-doc


def docx_bytes(
    brief: Brief,
    project: Project,
    images: Mapping[str, str],
    portions: Portions | None = None,
    edition: Edition | None = None,
) -> bytes:
    """The brief as a .docx package: the same bytes on every build of the same brief and project."""
    reference = project.theme.folder / REFERENCE_DOCX if project.theme.folder else None
    document = docx.Document(str(reference)) if reference and reference.is_file() else docx.Document()
    _clear_body(document)
    page_setup(document, project.config.page_size)
    document_language(document, project.language_of(brief))  # as the HTML's lang
    _WordBrief(document, brief, project, images, portions, edition).write()
    finish_document(document, project.language_of(brief))  # French spaces, right to left
    update_fields_on_open(document)
    drop_thumbnail(document)
    out = io.BytesIO()
    document.save(out)
    return stable_zip(out.getvalue(), brief.updated or brief.date)


def _clear_body(document: DocumentObject) -> None:
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


class _WordBrief(FrameSections):
    """The sections with the document's frame: properties, header and footer, title block, contents."""

    def write(self) -> None:
        self._properties()
        self._header_footer()
        self._title_block()
        self._frame_meta()
        if not self.summary:
            self._contents()
        self._bluf()
        self._changes()
        self._implications()
        self._options()
        if self.summary:  # the one-page edition: the top risks, the watch list and the sources
            parts = [self._risks, self._watch_list]
        else:
            parts = [self._trigger, self._motivations, self._asks, self._risks, self._watch_list]
            parts += [self._historical_context, self._sections]
        for part in parts:
            part()
        self._sources()
        self._annex()
        total = text_width(self.project)
        for table, shares in self.tables:
            set_widths(table, [int(total * share) for share in shares])
            cant_split(table)  # a row (the BLUF's box too) moves to the next page whole rather than break
            if len(table.rows) <= SHORT_TABLE:
                keep_together(table)
            if len(shares) > 1:  # not the BLUF's box
                small_text(table, Pt(9))
        end = self.doc.add_paragraph()
        organisation = self.project.config.organisation
        made = self._("Made with briefgen %(version)s for %(organisation)s.")
        made = made if organisation else self._("Made with briefgen %(version)s.")
        made %= {"version": __version__, "organisation": organisation}
        for run in (made[:-1], ".") if made.endswith(".") else (made,):  # the closing stop a run of its own, as ever
            add_text(end, run, colour=MUTED, size=Pt(8))

    def _sections(self) -> None:
        for i, section in enumerate(self.brief.sections):
            self._heading(section.title, f"sections[{i}].title", mark=("sections", i))
            self._markdown(self.doc, section.body, f"sections[{i}].body", section.title, ("sections", i))

    # -- the document's frame -------------------------------------------------------------------------------

    def _properties(self) -> None:
        brief, props = self.brief, self.doc.core_properties
        props.title = brief.title
        props.subject = brief.subtitle or ""
        props.author = "; ".join(a.name for a in brief.authors)
        props.keywords = ", ".join(brief.tags)
        props.identifier = brief.id or ""
        props.category = brief.classification or ""
        props.content_status = self.value(brief.status, "status")
        props.comments = f"Made with briefgen {__version__}"  # metadata for tools, like the generator tag
        props.last_modified_by = ""
        props.revision = 1
        props.version = f"release {self.project.release}" if self.project.release else ""  # review refuses it
        created = dt.datetime.combine(brief.date, dt.time(), dt.UTC)
        props.created = created
        props.modified = dt.datetime.combine(brief.updated, dt.time(), dt.UTC) if brief.updated else created
        props.last_printed = created
        self.doc.styles["Normal"].font.name = "Calibri"

    def _header_footer(self) -> None:
        section = self.doc.sections[0]
        marking = self.brief.classification or ""
        head = section.header
        top = head.paragraphs[-1] if head.paragraphs and not head.paragraphs[-1].text else head.add_paragraph()
        self._marking_line(top, marking)
        if self.brief.status == "draft":
            draft = head.add_paragraph()
            draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_text(draft, self._("DRAFT"), bold=True, colour=RGBColor(0xC6, 0x28, 0x28), size=Pt(9))
        running = head.add_paragraph()
        running.alignment = WD_ALIGN_PARAGRAPH.CENTER
        numbered = self.edition is not None and self.edition.number
        number = self._("Edition %(n)s") % {"n": self.edition.number} + " · " if self.edition and numbered else ""
        add_text(running, f"{short_title(self.brief)} · {number}{self.date(self.brief.date)}", colour=MUTED, size=Pt(8))
        foot = section.footer
        bottom = foot.paragraphs[0] if foot.paragraphs and not foot.paragraphs[0].text else foot.add_paragraph()
        self._marking_line(bottom, marking)
        pages = foot.add_paragraph()
        pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
        said = self._("Page %(page)s of %(pages)s")
        for part in re.split(r"(%\(pages?\)s)", said):
            if part in ("%(page)s", "%(pages)s"):
                add_field(pages, *(("PAGE", "1") if part == "%(page)s" else ("NUMPAGES", "1")))
            elif part:
                add_text(pages, part)
        for run in pages.runs:
            run.font.size = Pt(8)

    @staticmethod
    def _marking_line(paragraph: Paragraph, marking: str) -> None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_text(paragraph, marking, bold=True, size=Pt(9))

    def _title_block(self) -> None:
        brief = self.brief
        if self.project.config.organisation:
            add_text(self.doc.add_paragraph(), self.project.config.organisation, bold=True, colour=MUTED)
        kind = self.doc.add_paragraph()
        add_text(kind, self._("BRIEF"), colour=MUTED, size=Pt(9))
        if brief.status == "draft":
            add_text(kind, f" · {self._('DRAFT')}", bold=True, colour=RGBColor(0xC6, 0x28, 0x28), size=Pt(9))
        self._plain(self.doc.add_paragraph(style="Title"), brief.title, "title", "Title")
        if brief.subtitle:
            self._plain(self.doc.add_paragraph(style="Subtitle"), brief.subtitle, "subtitle", "Subtitle")
        self._key_question()
        note = release_note(self.project, self.tr)
        if note:
            add_text(self.doc.add_paragraph(), note, bold=True, colour=MUTED)
        meta = self.doc.add_paragraph()
        meta.paragraph_format.space_after = Pt(2)  # the title block's lines as one block (docx_frame too)
        pairs = [(self._("Date:"), self.date(brief.date))]
        if self.edition is not None and self.edition.number:
            pairs.append((self._("Edition:"), str(self.edition.number)))
        if brief.updated:
            pairs.append((self._("Updated:"), self.date(brief.updated)))
        status = self.value(brief.status, "status")
        pairs += [(self._("Status:"), status), (self._("Classification:"), brief.classification or "")]
        for n, (name, value) in enumerate(pairs):
            add_text(meta, ("" if n == 0 else "   ") + f"{name} ", bold=True, colour=MUTED)
            add_text(meta, value)
        if brief.authors:
            authors = self.doc.add_paragraph()
            authors.paragraph_format.space_after = Pt(2)
            said = self.tr.ngettext("Author:", "Authors:", len(brief.authors))
            add_text(authors, f"{said} ", bold=True, colour=MUTED)
            for i, author in enumerate(brief.authors):
                self._plain(authors, author.name, f"authors[{i}].name", "Author")
                if author.role:
                    add_text(authors, " (")
                    self._plain(authors, author.role, f"authors[{i}].role", "Author's role", colour=MUTED)
                    add_text(authors, ")")
                if i < len(brief.authors) - 1:
                    add_text(authors, self._("; "))

    def _changes(self) -> None:
        """What has changed since the previous edition (editions.whats_changed), after the BLUF, as in the HTML."""
        edition = self.edition
        if edition is None or not edition.compared or edition.previous_date is None:
            return
        self._heading(self._("What has changed"), None)
        said = (
            self._("Since the previous edition, of %(date)s:")
            if edition.changes
            else self._("No changes of substance since the previous edition, of %(date)s.")
        )
        add_text(self.doc.add_paragraph(), said % {"date": self.date(edition.previous_date)})
        for change in edition.changes:
            item = self.doc.add_paragraph(style="List Bullet")
            for text, title in change.parts:
                add_text(item, change.quoted(text) if title else text, italic=title)

    def _contents(self) -> None:
        """A TOC field Word fills in on opening (page numbers, links); until then it shows the headings."""
        heading = self.doc.add_paragraph(style="TOC Heading")
        add_text(heading, self._("Contents"))
        titles = self._toc_titles()
        for n, title in enumerate(titles):  # compact, so the title block, contents and BLUF share page 1
            entry = self.doc.add_paragraph()
            entry.paragraph_format.space_after = Pt(0)
            entry.paragraph_format.line_spacing = 1.0
            if n == 0:  # the field opens and closes in its entries, as Word writes it: no blank line around them
                field_begin(entry, 'TOC \\o "1-1" \\h \\z \\u')
            add_text(entry, title, size=Pt(9))
            if n == len(titles) - 1:
                add_field_part(entry, "end")

    def _toc_titles(self) -> list[str]:
        brief = self.brief
        _ = self._
        titles = [_("Bottom line up front")]
        titles += [_("Implications for us")] if brief.implications else []
        titles += [_("Options")] if brief.options else []
        titles.append(f"{_('Trigger:')} {brief.trigger.title}")
        if self.edition is not None and self.edition.compared:
            titles.insert(1, _("What has changed"))
        optional = [
            (brief.motivations, _("Motivations")),
            (brief.asks, _("Asks")),
            (brief.risks, _("Risks")),
            (brief.watch_list, _("Watch list")),
            (brief.historical_context, _("Historical context")),
        ]
        titles += [title for present, title in optional if present]
        titles += [s.title for s in brief.sections]
        if brief.sources:
            titles.append(_("Sources"))
        return [*titles, _("Annex: How to read this brief")]
