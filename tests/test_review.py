"""`briefgen review`: a cleared Word edition read back onto its YAML, line by line; and every document it must
refuse (damaged, not Word, a zip bomb, entities, external relationships, another brief's, not briefgen's)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import brief, write_tree
from review_fixtures import (
    Commented,
    Del,
    Edition,
    Formatted,
    Ins,
    MoveFrom,
    MoveTo,
    edit_like_word,
    lying_directory,
    notes_part,
    part,
    rezip,
)
from review_fixtures import with_relationship as with_rel

from briefgen.errors import Problem
from briefgen.report import problem_code, summary_line, to_json

Run = Callable[..., Result]

# line numbers matter: the notes point into this file
X_YAML = brief(
    extra="""\
key_points:
  - The port will close.
risks:
  - title: Port strike
    likelihood: likely
    impact: major
    description: A strike is likely within weeks.
actors:
  - id: union
    name: Dockers' union
"""
).replace("summary: The bottom line.", "summary: The bottom line is likely a strike.")


@pytest.fixture
def project(project: Path) -> Path:
    """A project with briefs/x.yaml (id x, from its file name)."""
    write_tree(project, {"briefs/x.yaml": X_YAML})
    return project


def cleared() -> Edition:
    """The Word edition of x, cleared: a replacement, an insertion, changes outside the fields, a deletion in
    a table cell and a comment in another."""
    ed = Edition("x")
    ed.heading("A minimal brief", level=0, tag="title")
    ed.heading("Bottom line up front")
    ed.field("summary", ("The bottom line is ", Del("likely"), Ins("a realistic possibility"), " a strike."))
    ed.heading("Key judgements")
    ed.field("key_points[0].text", ("The port will ", Ins("soon "), "close."))
    ed.heading("Risks", Ins(" and issues"))
    ed.text("Likelihood ", Ins("(as judged)"))
    ed.row("Title", "risks[0].title", "Port strike")
    ed.row("Description", "risks[0].description", "A strike is ", Del("likely "), "within weeks.", block=True)
    ed.heading("Actors")
    ed.row("Name", "actors[0].name", "Dockers' ", Commented("union", "source?"))
    return ed


LINES = [
    'briefs/x.yaml:3:29: summary: Jane Doe replaced "likely" with "a realistic possibility"',
    'briefs/x.yaml:8:19: key_points[0].text: Jane Doe inserted "soon"',
    'cleared.docx: outside the brief\'s fields (in heading "Risks"): Jane Doe inserted "and issues"',
    'cleared.docx: outside the brief\'s fields (after heading "Risks"): Jane Doe inserted "(as judged)"',
    'briefs/x.yaml:13:30: risks[0].description: Jane Doe deleted "likely"',
    'briefs/x.yaml:16:11: actors[0].name: comment by Jane Doe: "source?"',
]


def review(run: Run, edition: Edition, *args: str, name: str = "cleared.docx") -> Result:
    edition.save(Path(name))
    return run("review", name, *args)


def lines(result: Result) -> list[str]:
    return result.stderr.splitlines()


def test_every_change_and_comment_at_the_yaml_line_it_touches(project: Path, run: Run) -> None:
    result = review(run, cleared())
    assert (result.exit_code, result.stdout) == (0, "")
    assert lines(result) == [*LINES, "ok: 1 brief, 0 errors, 0 warnings, 6 notes"]


def test_json_form(project: Path, run: Run) -> None:
    result = review(run, cleared(), "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["briefs"], report["errors"], report["warnings"], report["notes"]) == (1, 0, 0, 6)
    first, *_, last = report["problems"]
    assert first == {
        "path": "briefs/x.yaml",
        "line": 3,
        "col": 29,
        "end_line": None,
        "end_col": None,
        "where": "summary",
        "message": 'Jane Doe replaced "likely" with "a realistic possibility"',
        "severity": "note",
        "code": "review-replacement",
    }
    assert (last["message"], last["code"]) == ('comment by Jane Doe: "source?"', "review-comment")
    codes = [p["code"] for p in report["problems"]]
    assert codes[1:5] == ["review-insertion", "review-insertion", "review-insertion", "review-deletion"]
    assert [
        str(Problem(**{k: p[k] for k in ("path", "line", "col", "where", "message")})) for p in report["problems"]
    ] == LINES


def test_github_form(project: Path, run: Run) -> None:
    result = review(run, cleared(), "--format", "github")
    assert result.exit_code == 0
    out = result.stdout.splitlines()
    assert out[0] == (
        '::notice file=briefs/x.yaml,line=3,col=29::summary: Jane Doe replaced "likely" with "a realistic possibility"'
    )
    assert out[3] == (
        '::notice file=cleared.docx::outside the brief\'s fields (after heading "Risks"): '
        'Jane Doe inserted "(as judged)"'
    )
    assert len(out) == 6 and all(line.startswith("::notice ") for line in out)


def test_a_replacement_is_one_author_s_deletion_next_to_an_insertion(project: Path, run: Run) -> None:
    ed = Edition("x")
    ed.field("summary", ("The bottom line is ", Del("likely", "Ann"), Ins("possible", "Bob"), " a strike."))
    ed.field("trigger.summary", (Ins("It "), Ins("really "), "happened", Del(" today")))
    ed.field("trigger.title", (Del("What"), " ", Ins("When")))
    assert lines(review(run, ed))[:-1] == [
        'briefs/x.yaml:3:29: summary: Ann deleted "likely"',
        'briefs/x.yaml:3:35: summary: Bob inserted "possible"',
        'briefs/x.yaml:6:12: trigger.summary: Jane Doe inserted "It really"',  # Word's split runs, joined
        'briefs/x.yaml:6:12: trigger.summary: Jane Doe deleted "today"',  # not in the YAML: at the value
        'briefs/x.yaml:5:10: trigger.title: Jane Doe deleted "What"',
        'briefs/x.yaml:5:15: trigger.title: Jane Doe inserted "When"',
    ]


def test_a_paragraph_break_inserted_or_removed(project: Path, run: Run) -> None:
    ed = Edition("x")
    first, _ = ed.field("summary", ("The bottom line is likely",), (" a strike.",))
    ed.paragraph_mark(first, "w:ins")
    typed, _ = ed.field("trigger.summary", ("It", Del(" hap")), (Del("pened"), "."))
    ed.paragraph_mark(typed, "w:del")
    assert lines(review(run, ed))[:-1] == [
        "briefs/x.yaml:3:35: summary: Jane Doe inserted a paragraph break",
        'briefs/x.yaml:6:12: trigger.summary: Jane Doe deleted "hap pened"',  # across the removed break
    ]


def test_moves_are_said_as_moves(project: Path, run: Run) -> None:
    ed = Edition("x")
    ed.field("summary", ("The bottom line is ", MoveFrom("likely"), " a strike."))
    ed.field("trigger.summary", ("It happened ", MoveTo("likely"), "."))
    ed.heading("Notes")
    ed.text(MoveTo("elsewhere"))
    assert lines(review(run, ed))[:-1] == [
        'briefs/x.yaml:3:29: summary: Jane Doe moved "likely" to trigger.summary',
        'briefs/x.yaml:6:12: trigger.summary: Jane Doe moved "likely" here from summary',
        'cleared.docx: outside the brief\'s fields (after heading "Notes"): Jane Doe moved "elsewhere" here',
    ]


def test_a_change_without_text(project: Path, run: Run) -> None:
    ed = Edition("x")
    (paragraph,) = ed.field("summary", ("The bottom line is likely a strike.", Ins(" ")))
    paragraph._p.append(ed.mark("w:ins", "Ann"))  # around a picture, say: no text of its own
    assert lines(review(run, ed))[:-1] == [
        "briefs/x.yaml:3:45: summary: Jane Doe inserted a space",
        "briefs/x.yaml:3:45: summary: Ann inserted something without text",
    ]


def test_long_text_is_shortened_on_one_line(project: Path, run: Run) -> None:
    ed = Edition("x")
    ed.field("summary", ("The bottom line.",), (Ins("word " * 30),))
    (line,) = lines(review(run, ed))[:-1]
    assert line == f'briefs/x.yaml:3:10: summary: Jane Doe inserted "{"word " * 11}word…"'


def test_a_comment_anchored_nowhere_is_listed_last(project: Path, run: Run) -> None:
    ed = Edition("x")
    ed.field("summary", ("The bottom line is likely a strike.",))
    ed.doc.comments.add_comment(text="a general remark", author="Ann")  # in comments.xml, no range
    ed.field("trigger.summary", (Commented("It happened.", "when?", "Bob"),))
    assert lines(review(run, ed))[:-1] == [
        'briefs/x.yaml:6:12: trigger.summary: comment by Bob: "when?"',
        'cleared.docx: outside the brief\'s fields (anchored nowhere): comment by Ann: "a general remark"',
    ]


def test_a_document_without_changes_has_no_notes(project: Path, run: Run) -> None:
    ed = Edition("x")
    ed.field("summary", ("The bottom line is likely a strike.",))
    result = review(run, ed)
    assert (result.exit_code, lines(result)) == (0, ["ok: 1 brief, 0 errors, 0 warnings"])


# --- the brief a document belongs to


def test_the_brief_is_found_by_the_document_s_identifier(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/sub/named-otherwise.yaml": "id: port\n" + X_YAML, "briefs/broken.yaml": "port: ["})
    ed = Edition("port")
    ed.field("summary", ("The bottom line is ", Del("likely"), " a strike."))
    assert lines(review(run, ed))[:-1] == ['briefs/sub/named-otherwise.yaml:4:29: summary: Jane Doe deleted "likely"']
    write_tree(project, {"briefs/sub/named-otherwise.yaml": "id: port\n" + X_YAML.replace("title:", "title: [")})
    result = run("review", "cleared.docx")  # the brief named by the id, invalid: its usual located error
    assert (result.exit_code, lines(result)) == (
        1,
        [
            "briefs/sub/named-otherwise.yaml:3:5: invalid YAML: the '[' at line 2 starts a YAML list that is never"
            " closed; if the text starts with '[', put the whole value in quotes"
        ],
    )


def test_a_brief_given_with_brief(project: Path, run: Run) -> None:
    write_tree(project, {"elsewhere/x.yaml": X_YAML})
    ed = Edition("x")
    ed.field("summary", ("The bottom line is ", Del("likely"), " a strike."))
    result = review(run, ed, "--brief", "elsewhere/x.yaml")
    assert lines(result)[:-1] == ['elsewhere/x.yaml:3:29: summary: Jane Doe deleted "likely"']


def test_the_edition_of_another_brief_is_refused(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/y.yaml": X_YAML, "briefs/z.yaml": "id: zed\n" + X_YAML})
    ed = Edition("other-id")
    ed.field("summary", ("The bottom line.",))
    result = review(run, ed, "--brief", "briefs/y.yaml")
    assert (result.exit_code, lines(result)) == (
        1,
        ["briefs/y.yaml: cleared.docx is the Word edition of 'other-id', not of 'y'"],
    )
    result = run("review", "cleared.docx", "--brief", "briefs/z.yaml")
    assert lines(result) == ["briefs/z.yaml:1:5: id: cleared.docx is the Word edition of 'other-id', not of 'zed'"]


def test_no_brief_with_the_document_s_identifier(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/twin.yaml": "id: x\n" + X_YAML})
    ed = Edition("nowhere")
    ed.field("summary", ("The bottom line.",))
    result = review(run, ed)
    assert (result.exit_code, lines(result)) == (
        1,
        ["cleared.docx: no brief under briefs/ has the id 'nowhere'; give the brief with --brief"],
    )
    result = review(run, _x_edition())
    assert lines(result) == [
        "cleared.docx: id 'x' is used by briefs/twin.yaml and briefs/x.yaml; give the brief with --brief"
    ]


def test_a_document_that_names_no_brief(project: Path, run: Run) -> None:
    ed = Edition("")
    ed.field("summary", ("The bottom line.",))
    result = review(run, ed)
    assert (result.exit_code, lines(result)) == (
        1,
        ["cleared.docx: the document names no brief (its identifier is empty); give it with --brief"],
    )
    assert review(run, ed, "--brief", "briefs/x.yaml").exit_code == 0


def _x_edition() -> Edition:
    ed = Edition("x")
    ed.field("summary", ("The bottom line.",))
    return ed


def test_an_invalid_brief_gives_its_located_errors(project: Path, run: Run) -> None:
    write_tree(project, {"briefs/x.yaml": X_YAML.replace("impact: major", "impact: huge")})
    result = review(run, _x_edition())
    assert result.exit_code == 1
    assert lines(result) == [
        "briefs/x.yaml:12:13: risks[0].impact: expected one of minimal, minor, moderate, major, severe; got 'huge'"
    ]


# --- documents refused


def refusal(run: Run, data: bytes) -> list[str]:
    Path("cleared.docx").write_bytes(data)
    result = run("review", "cleared.docx")
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines(result)


def test_not_a_zip(project: Path, run: Run) -> None:
    assert refusal(run, b"title: not a document\n") == [
        "cleared.docx: refused: not a zip file, so not a Word document (.docx)"
    ]


def test_a_damaged_zip(project: Path, run: Run) -> None:
    data = _x_edition().data()
    assert refusal(run, data[: len(data) // 2]) == [
        "cleared.docx: refused: not a zip file, so not a Word document (.docx)"
    ]
    stored = rezip(data, {}, stored=True)
    at = stored.index(b"The bottom line.")
    broken = stored[:at] + b"The bottom lime." + stored[at + 16 :]
    assert refusal(run, broken) == [
        "cleared.docx: word/document.xml: refused: damaged zip file (Bad CRC-32 for file 'word/document.xml')"
    ]


def test_a_zip_that_is_not_a_word_document(project: Path, run: Run) -> None:
    data = rezip(_x_edition().data(), {"word/document.xml": None})
    assert refusal(run, data) == ["cleared.docx: refused: no word/document.xml in the zip; not a Word document (.docx)"]


def test_a_zip_bomb(project: Path, run: Run) -> None:
    data = _x_edition().data()
    assert refusal(run, rezip(data, {"word/media/zeros.bin": b"\0" * (8 << 20)})) == [
        "cleared.docx: word/media/zeros.bin: refused: compressed over 200 times (a zip bomb?)"
    ]
    big = bytes(range(256)) * (65 << 12)  # 65 MiB that deflate cannot shrink 200 times
    assert refusal(run, rezip(data, {"word/media/big.bin": big})) == [
        "cleared.docx: refused: unpacks to over 64 MiB (a zip bomb?)"
    ]
    many = {f"word/media/{n}.bin": b"" for n in range(2000)}
    entries = 2000 + len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert refusal(run, rezip(data, many)) == [
        f"cleared.docx: refused: {entries} entries in the zip; a Word document has far fewer (a zip bomb?)"
    ]


def test_a_zip_whose_directory_lies_about_a_size(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _x_edition().data()
    padded = rezip(data, {"word/document.xml": part(data, "word/document.xml") + b" " * (4 << 20)})
    lie = lying_directory(padded, "word/document.xml", 1000)  # 4 MiB said to be 1000 bytes
    assert refusal(run, lie) == [  # zipfile reads no more than the directory says, then finds the CRC wrong
        "cleared.docx: word/document.xml: refused: damaged zip file (Bad CRC-32 for file 'word/document.xml')"
    ]
    real_open = zipfile.ZipFile.open

    def overflowing(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        stream = real_open(self, name, *args, **kwargs)
        more = io.BytesIO(stream.read() + b" " * 10)  # a reader that trusts the data, not the directory
        return more

    monkeypatch.setattr(zipfile.ZipFile, "open", overflowing)
    (line,) = refusal(run, data)
    assert line.endswith(": refused: unpacks to more than its directory says (a zip bomb?)")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"""
EXTERNAL_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE cp [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier>&x;</dc:identifier></cp:coreProperties>"""


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("word/document.xml", BILLION_LAUGHS),
        ("docProps/core.xml", EXTERNAL_FILE),
        ("word/_rels/document.xml.rels", EXTERNAL_FILE),
    ],
)
def test_xml_with_a_doctype(project: Path, run: Run, name: str, content: bytes) -> None:
    assert refusal(run, rezip(_x_edition().data(), {name: content})) == [
        f"cleared.docx: {name}: refused: XML with a DOCTYPE (entities); Word never writes one"
    ]


def test_xml_that_is_not_well_formed(project: Path, run: Run) -> None:
    document = part(_x_edition().data(), "word/document.xml").replace(b"The bottom line.", b"&#x1b;[31m")
    (line,) = refusal(run, rezip(_x_edition().data(), {"word/document.xml": document}))
    assert line.startswith("cleared.docx: word/document.xml: refused: not well-formed XML (")
    assert "\x1b" not in line


SETTINGS_RELS = "word/_rels/settings.xml.rels"
DOCUMENT_RELS = "word/_rels/document.xml.rels"


NOT_WEB = "; a briefgen document links nothing but web pages"
NOT_ALLOWED = "; only http(s) and mailto links are allowed"


@pytest.mark.parametrize(
    ("rels", "kind", "target", "expected"),
    [
        (SETTINGS_RELS, "attachedTemplate", "file:///C:/macros.dotm", "external attachedTemplate relationship"),
        (DOCUMENT_RELS, "image", "https://tracker.example/pixel.png", "external image relationship"),  # linked
        (DOCUMENT_RELS, "oleObject", "\\\\server\\share\\x.xls", "external oleObject relationship"),
        (DOCUMENT_RELS, "frame", "https://example.org/", "external frame relationship"),
        (DOCUMENT_RELS, "hyperlink", "file:///etc/passwd", "a link"),
        (DOCUMENT_RELS, "hyperlink", "javascript:alert(1)", "a link"),
        (DOCUMENT_RELS, "hyperlink", "report.docm", "a link"),  # relative: a file next to the document
    ],
)
def test_external_relationships(project: Path, run: Run, rels: str, kind: str, target: str, expected: str) -> None:
    why = NOT_ALLOWED if kind == "hyperlink" else NOT_WEB
    assert refusal(run, with_rel(_x_edition().data(), rels, kind, target)) == [
        f"cleared.docx: {rels}: refused: {expected} to '{target}'{why}"
    ]


def test_a_web_link_is_no_external_relationship_to_refuse(project: Path, run: Run) -> None:
    Path("cleared.docx").write_bytes(with_rel(_x_edition().data(), DOCUMENT_RELS, "hyperlink", "https://example.org/a"))
    assert run("review", "cleared.docx").exit_code == 0


def test_a_document_not_made_by_briefgen(project: Path, run: Run) -> None:
    ed = Edition("x")
    ed.text("The bottom line is ", Ins("not"), " likely.")
    sdt, content = ed.control("Customer name")  # a Word form's content control is not a field of a brief
    ed.doc.element.body.insert(0, sdt)
    content.append(ed.text("A form")._p)
    assert refusal(run, ed.data()) == [
        "cleared.docx: refused: no briefgen content controls:"
        " not made by briefgen, or its content controls were removed"
    ]


def test_controls_from_a_hostile_document_are_not_printed_raw(project: Path, run: Run) -> None:
    ed = Edition("x")
    evil = "Jane\u202eeoD\x9b31m"
    ed.field(
        "summary",
        ("The bottom line is ", Ins("very\u200b ", evil), Commented("likely", "source?\x85\u2028::error::x", evil)),
    )
    result = review(run, ed)
    for text in (result.stdout, result.stderr):
        assert not any(c in text for c in "\u202e\x9b\u200b\x85\u2028")
    assert lines(result)[:-1] == [
        'briefs/x.yaml:3:29: summary: Jane\\u202eeoD\\x9b31m inserted "very\\u200b"',
        'briefs/x.yaml:3:10: summary: comment by Jane\\u202eeoD\\x9b31m: "source? ::error::x"',
    ]
    github = review(run, ed, "--format", "github").stdout.splitlines()
    assert len(github) == 2 and all(line.startswith("::notice file=briefs/x.yaml,line=3,col=") for line in github)
    assert not any(c in "".join(github) for c in "\u202e\x9b\u200b\x85\u2028")


# --- the severity itself


def test_a_note_is_neither_an_error_nor_a_warning() -> None:
    note = Problem("b.yaml", 3, 5, "summary", 'Ann inserted "x"', "note")
    assert str(note) == 'b.yaml:3:5: summary: Ann inserted "x"'
    assert note.github() == '::notice file=b.yaml,line=3,col=5::summary: Ann inserted "x"'
    report = json.loads(to_json([note]))
    assert (report["errors"], report["warnings"], report["notes"]) == (0, 0, 1)
    assert "notes" not in json.loads(to_json([]))  # validate's object stays as it was
    assert summary_line(failed=False, briefs=1, failed_briefs=0, errors=0, warnings=0, notes=1).endswith(", 1 note")


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ('Ann replaced "likely" with "possible"', "review-replacement"),
        ('Ann inserted "x"', "review-insertion"),
        ("Ann inserted a paragraph break", "review-insertion"),
        ("Ann deleted something without text", "review-deletion"),
        ('Ann moved "x" to summary', "review-move"),
        ('Ann moved "x" here', "review-move"),
        ('comment by Ann: "source?"', "review-comment"),
        ('Ann changed the formatting of "x"', "review-formatting"),
        ('Ann inserted "Per the union." in a footnote', "review-insertion"),
        ('outside the brief\'s fields (in a header): Ann deleted "DRAFT"', "review-deletion"),
        ('outside the brief\'s fields (after heading "Risks"): comment by Ann: "x"', "review-comment"),
        ("outside the brief's fields (before the first heading): Ann deleted a space", "review-deletion"),
    ],
)
def test_the_kind_of_a_note_in_json(message: str, code: str) -> None:
    assert problem_code(Problem("d.docx", 0, 0, "", message, "note")) == code
    assert problem_code(Problem("d.docx", 0, 0, "", message)) == "other"  # an error's kinds are CODES


# --- the real Word edition, as `briefgen render --format docx` writes it


def test_a_generated_document_edited_like_word(project: Path, run: Run) -> None:
    rendered = run("render", "briefs/x.yaml", "--format", "docx", "-q")
    assert rendered.exit_code == 0, rendered.stderr
    data = (project / "output" / "x.docx").read_bytes()
    data = edit_like_word(data, "summary", "likely", "a realistic possibility")
    data = edit_like_word(data, "risks[0].description", "likely ")
    data = edit_like_word(data, "key_points[0].text", "close", "close soon", author="Ann")
    data = edit_like_word(data, "actors[0].name", "union", comment="source?")
    Path("cleared.docx").write_bytes(data)
    result = run("review", "cleared.docx")
    assert (result.exit_code, lines(result)) == (
        0,
        [
            'briefs/x.yaml:3:29: summary: Jane Doe replaced "likely" with "a realistic possibility"',
            'briefs/x.yaml:8:19: key_points[0].text: Ann replaced "close" with "close soon"',
            'briefs/x.yaml:16:11: actors[0].name: comment by Jane Doe: "source?"',  # the actors come first
            'briefs/x.yaml:13:30: risks[0].description: Jane Doe deleted "likely"',
            "ok: 1 brief, 0 errors, 0 warnings, 4 notes",
        ],
    )


# --- outside the body, and formatting


def test_a_formatting_change_is_a_note_at_its_field(project: Path, run: Run) -> None:
    ed = Edition("x")
    ed.heading("A minimal brief", level=0, tag="title")
    ed.field("summary", ("The bottom line is ", Formatted("likely"), " a strike."))
    ed.field("key_points[0].text", ("The port will ", Formatted("close"), Formatted("."), Ins("!")))
    assert lines(review(run, ed))[:2] == [
        'briefs/x.yaml:3:29: summary: Jane Doe changed the formatting of "likely"',
        'briefs/x.yaml:8:19: key_points[0].text: Jane Doe changed the formatting of "close."',
    ]


def test_changes_in_headers_and_footers_are_outside_the_fields(project: Path, run: Run) -> None:
    ed = Edition("x")
    ed.field("summary", ("The bottom line is likely a strike.",))
    ed.fill(ed.doc.sections[0].header.paragraphs[0], ("UNCLASSIFIED", Ins(" DRAFT")))
    ed.fill(ed.doc.sections[0].footer.paragraphs[0], (Commented("Page", "renumber?"),))
    assert lines(review(run, ed)) == [
        'cleared.docx: outside the brief\'s fields (in a header): Jane Doe inserted "DRAFT"',
        'cleared.docx: outside the brief\'s fields (in a footer): comment by Jane Doe: "renumber?"',
        "ok: 1 brief, 0 errors, 0 warnings, 2 notes",
    ]


def test_a_footnote_is_read_at_the_field_its_reference_lies_in(project: Path, run: Run) -> None:
    ed = Edition("x")
    (summary,) = ed.field("summary", ("The bottom line is likely a strike.",))
    ed.footnote(summary, 1)
    ed.text("Later text", Ins(" with a note"))
    ed.footnote(ed.doc.paragraphs[-1], 2)
    Path("cleared.docx").write_bytes(
        rezip(ed.data(), {"word/footnotes.xml": notes_part({1: "Per the union.", 2: "?"})})
    )
    assert lines(run("review", "cleared.docx")) == [
        'briefs/x.yaml:3:45: summary: Jane Doe inserted "Per the union." in a footnote',  # at its reference
        'cleared.docx: outside the brief\'s fields (before the first heading): Jane Doe inserted "with a note"',
        'cleared.docx: outside the brief\'s fields (in a footnote): Jane Doe inserted "?"',
        "ok: 1 brief, 0 errors, 0 warnings, 3 notes",
    ]


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.mark.parametrize(
    ("part", "xml"),
    [
        ("word/footer1.xml", f"<w:ftr {_W}><w:rPrChange/></w:ftr>"),
        ("word/header1.xml", f"<w:hdr {_W}><w:pPrChange/></w:hdr>"),
        ("word/footer2.xml", f"<w:ins {_W}><w:r><w:t>x</w:t></w:r></w:ins>"),
        ("word/footnotes.xml", f"<w:rPrChange {_W}/>"),
        ("word/header" + "9" * 5000 + ".xml", f"<w:hdr {_W}/>"),
    ],
)
def test_odd_parts_outside_the_body_are_read_without_failing(project: Path, run: Run, part: str, xml: str) -> None:
    ed = Edition("x")
    ed.field("summary", ("The bottom line is likely a strike.",))
    Path("cleared.docx").write_bytes(rezip(ed.data(), {part: xml.encode()}))
    result = run("review", "cleared.docx")
    assert result.exit_code == 0 and "internal error" not in result.stderr, result.stderr
