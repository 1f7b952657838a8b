"""A Markdown field as Word paragraphs and runs, from the same tokens the HTML is made of (markdown.parse):
emphasis, code, safe links, numbered citations linked to the Sources list, lists, quotes, and the brief's
images embedded with their description as alt text. CJK runs get an East Asian font Word has and their
language, so Word and LibreOffice pick a face that has the glyphs.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Emu, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.token import Token

from briefgen import markdown
from briefgen.docx_parts import hyperlink, link_run, new_list, set_lang, web_url, xml_text
from briefgen.markdown import Citations
from briefgen.typography import han_language

# kana means Japanese, Hangul Korean, other Han the brief's CJK language (zh-Hans unless an actor says)
_CJK_RUN = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff00-\uffef]+")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
# fonts every Windows Word has; LibreOffice falls back to the installed CJK faces (Noto CJK)
EAST_ASIAN_FONTS = {
    "ja": ("Yu Gothic", "ja-JP"),
    "ko": ("Malgun Gothic", "ko-KR"),
    "zh-Hans": ("Microsoft YaHei", "zh-CN"),
    "zh-Hant": ("Microsoft JhengHei", "zh-TW"),
}
MONO = "Consolas"


def cjk_language(run_text: str, lang: str | None) -> str:
    if _HANGUL.search(run_text):
        return "ko"
    if _KANA.search(run_text):
        return "ja"
    if lang and lang.split("-")[0] == "zh":
        return "zh-Hant" if "Hant" in lang or lang in ("zh-TW", "zh-HK") else "zh-Hans"
    return lang if lang in EAST_ASIAN_FONTS else "zh-Hans"


def add_text(paragraph: Paragraph, text: str, *, lang: str | None = None, **look: Any) -> list[Run]:
    """Runs for ``text``: CJK stretches apart, with their East Asian font and language."""
    runs = []
    at = 0
    for match in [*_CJK_RUN.finditer(text), None]:
        end = match.start() if match else len(text)
        if end > at:
            run = _styled(paragraph.add_run(xml_text(text[at:end])), look)
            if lang and not lang.startswith(("zh", "ja", "ko")):  # a name in French, say: spelt and hyphenated so
                set_lang(run, lang)
            runs.append(run)
        if match:
            tag = cjk_language(match.group(), lang)
            run = _styled(paragraph.add_run(xml_text(match.group())), look)
            font, word_lang = EAST_ASIAN_FONTS[tag]
            set_lang(run, word_lang, east_asian=font)
            runs.append(run)
            at = match.end()
    return runs


def _styled(run: Run, look: Mapping[str, Any]) -> Run:
    if look.get("bold"):
        run.bold = True
    if look.get("italic"):
        run.italic = True
    if look.get("code"):
        run.font.name = MONO
    if look.get("superscript"):
        run.font.superscript = True
    if look.get("size"):
        run.font.size = look["size"]
    if look.get("colour") is not None:
        run.font.color.rgb = look["colour"]
    return run


@dataclass
class MarkdownWriter:
    """Writes Markdown fields into a document; one per brief (it numbers citations as the other formats)."""

    document: DocumentObject
    citations: Citations
    images: Mapping[str, str]  # src -> data: URI, read when the brief was checked
    max_width: int  # EMU: an image is never wider than the text
    lang: str | None = None
    language: str | None = None  # the brief's, for its quotation marks
    pictures: int = field(default=0)

    def blocks(self, container: DocumentObject | _Cell, text: str, *, style: str | None = None) -> None:
        """The field's paragraphs, lists, quotes and code added to a document body or a table cell."""
        lists: list[tuple[str, int | None]] = []  # (style, numbering id) of each open list
        quote = 0
        paragraph: Paragraph | None = None
        for token in markdown.parse(text, self.language):
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                ordered = kind == "ordered_list_open"
                depth = min(len(lists) + 1, 3)
                name = ("List Number" if ordered else "List Bullet") + ("" if depth == 1 else f" {depth}")
                start = int(token.attrGet("start") or 1) if ordered else None
                lists.append((name, new_list(self.document, name, start) if ordered else None))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif kind == "blockquote_open":
                quote += 1
            elif kind == "blockquote_close":
                quote -= 1
            elif kind == "paragraph_open":
                paragraph = self._paragraph(container, lists, quote, style)
            elif kind == "inline" and paragraph is not None:
                self.inline_tokens(paragraph, token.children or [])
            elif kind in ("fence", "code_block"):
                code = self._paragraph(container, lists, quote, style)
                for n, line in enumerate(token.content.rstrip("\n").split("\n")):
                    if n:
                        code.add_run().add_break()
                    add_text(code, line, code=True, size=Pt(9))
            elif kind == "hr":
                rule = self._paragraph(container, lists, quote, style)
                rule.add_run("* * *")
                rule.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def _paragraph(
        self, container: DocumentObject | _Cell, lists: Sequence[tuple[str, int | None]], quote: int, style: str | None
    ) -> Paragraph:
        if lists:
            name, number = lists[-1]
            paragraph = container.add_paragraph(style=name)
            if number is not None:
                numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                numbering.get_or_add_numId().val = number
                numbering.get_or_add_ilvl().val = 0
            return paragraph
        return container.add_paragraph(style="Quote" if quote else style)

    def inline(self, paragraph: Paragraph, text: str) -> None:
        """The field's inline content added to ``paragraph`` (blocks, if any, joined by line breaks)."""
        first = True
        for token in markdown.parse(text, self.language):
            if token.type == "inline":
                if not first:
                    paragraph.add_run().add_break()
                self.inline_tokens(paragraph, token.children or [])
                first = False

    def inline_tokens(self, paragraph: Paragraph, tokens: Sequence[Token]) -> None:
        look: dict[str, Any] = {}
        link: Any = None
        for n, token in enumerate(tokens):
            kind = token.type
            if kind in ("text", "softbreak") and n + 1 < len(tokens) and tokens[n + 1].type == "citation":
                # a reference number sits on the word it follows, as in the other formats (markdown.to_html)
                token = token.copy(type="text", content=("" if kind == "softbreak" else token.content).rstrip(" \t"))
                kind = "text" if token.content else "empty"
            if kind in ("strong_open", "strong_close"):
                look["bold"] = kind == "strong_open"
            elif kind in ("em_open", "em_close"):
                look["italic"] = kind == "em_open"
            elif kind == "link_open":  # a link to anything but the web is its text alone
                href = str(token.attrGet("href"))
                link = hyperlink(paragraph, url=href) if web_url(href) else None
            elif kind == "link_close":
                link = None
            elif kind in ("text", "code_inline", "softbreak"):
                text = " " if kind == "softbreak" else token.content
                if link is not None:
                    run = link_run(link, paragraph, text)
                    _styled(run, {**look, "code": kind == "code_inline"})
                else:
                    lang = self.lang or han_language(self.language)
                    add_text(paragraph, text, lang=lang, **look, code=kind == "code_inline")
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind == "citation":
                self._citation(paragraph, token, in_link=link)
            elif kind == "image":
                self._image(paragraph, token)

    def _citation(self, paragraph: Paragraph, token: Token, in_link: Any) -> None:
        """[1, 3] in superscript, each number a link to its entry in Sources (as in the PDF)."""
        numbers = [(self.citations.number(i), i) for i in token.meta["ids"]]
        if in_link is not None:  # a link cannot hold another link
            shown = "[" + ", ".join(str(n) for n, _ in numbers) + "]"
            _styled(link_run(in_link, paragraph, shown), {"superscript": True})
            return
        _styled(paragraph.add_run("["), {"superscript": True})
        for k, (n, _) in enumerate(numbers):
            if k:
                _styled(paragraph.add_run(", "), {"superscript": True})
            target = hyperlink(paragraph, anchor=f"source_{n}")
            _styled(link_run(target, paragraph, str(n)), {"superscript": True})
        _styled(paragraph.add_run("]"), {"superscript": True})

    def _image(self, paragraph: Paragraph, token: Token) -> None:
        alt = "".join(child.content for child in token.children or [] if child.type in ("text", "code_inline"))
        data_uri = self.images.get(str(token.attrGet("src")))
        if not data_uri:
            add_text(paragraph, f"[image: {alt}]", italic=True)
            return
        blob = base64.b64decode(data_uri.split(",", 1)[1])
        shape = paragraph.add_run().add_picture(io.BytesIO(blob))
        if shape.width and shape.width > self.max_width:
            shape.height = Emu(int(shape.height * self.max_width / shape.width))
            shape.width = Emu(self.max_width)
        self.pictures += 1
        properties = shape._inline.docPr
        properties.set("id", str(1000 + self.pictures))  # unique in the document, the same on every build
        properties.set("name", f"Image {self.pictures}")
        properties.set("descr", xml_text(alt))


def caption(paragraph: Paragraph) -> None:
    """Mark a paragraph as a table's caption for Word (the Caption style, kept with its table)."""
    paragraph.style = "Caption"
    paragraph.paragraph_format.keep_with_next = True
