"""The loader: plain data with positions, every scalar kept as typed, unsafe YAML refused."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import MINIMAL, REAL_BRIEF, brief, write_tree
from hypothesis import given
from hypothesis import strategies as st

from briefgen.errors import BriefgenError, Problem
from briefgen.load import MAX_BYTES, Source, dotted, find_briefs, load_source, parse_source, read_brief


def problems_of(raw: str | bytes, name: str = "b.yaml") -> list[str]:
    data = raw.encode() if isinstance(raw, str) else raw
    with pytest.raises(BriefgenError) as info:
        parse_source(data, name)
    return [str(p) for p in info.value.problems]


def test_minimal_brief_is_plain_strings_with_positions() -> None:
    source = parse_source(MINIMAL.encode(), "b.yaml")
    assert source.data == {
        "title": "A minimal brief",
        "date": "2025-11-28",
        "summary": "The bottom line.",
        "trigger": {"title": "What happened", "summary": "It happened."},
    }
    assert source.positions[()] == (1, 1)
    assert source.positions[("date",)] == (2, 7)
    assert source.key_positions[("date",)] == (2, 1)
    assert source.positions[("trigger",)] == (5, 3)
    assert source.positions[("trigger", "summary")] == (6, 12)
    assert source.key_positions[("trigger", "summary")] == (6, 3)
    assert source.stem == "b"


def test_list_items_have_positions() -> None:
    source = parse_source(brief(extra="tags:\n  - one\n  - two\n").encode(), "b.yaml")
    assert source.data["tags"] == ["one", "two"]
    assert source.positions[("tags", 0)] == (8, 5)
    assert source.positions[("tags", 1)] == (9, 5)


@pytest.mark.parametrize(
    ("yaml_value", "kept"),
    [
        ("no", "no"),
        ("off", "off"),
        ("yes", "yes"),
        ("On", "On"),
        ("true", "true"),
        ("1:30", "1:30"),
        ("012", "012"),
        ("0x1F", "0x1F"),
        ("1e3", "1e3"),
        (".inf", ".inf"),
        ("3.10", "3.10"),
        ("2025-11-28", "2025-11-28"),
        ("'2025-11-28'", "2025-11-28"),
        ('"012"', "012"),
        ("2025-11-28T10:00:00Z", "2025-11-28T10:00:00Z"),
    ],
)
def test_yaml_11_scalars_stay_the_text_typed(yaml_value: str, kept: str) -> None:
    source = parse_source(f"value: {yaml_value}\n".encode(), "b.yaml")
    assert source.data == {"value": kept}


@pytest.mark.parametrize("empty", ["", "~", "null", "Null", "NULL"])
def test_empty_and_null_plain_values_are_none(empty: str) -> None:
    source = parse_source(f"title: x\nvalue: {empty}\n".encode(), "b.yaml")
    assert source.data == {"title": "x", "value": None}
    # an empty value is located at its key, where the writer looks
    if empty == "":
        assert source.positions[("value",)] == (2, 1)


@pytest.mark.parametrize("quoted", ["''", '""', "'~'", '"null"'])
def test_quoted_null_words_stay_strings(quoted: str) -> None:
    source = parse_source(f"value: {quoted}\n".encode(), "b.yaml")
    assert source.data == {"value": quoted[1:-1]}


def test_block_scalars_keep_their_text() -> None:
    source = parse_source(b"a: |\n  line one\n  line two\nb: >-\n  folded\n  text\n", "b.yaml")
    assert source.data == {"a": "line one\nline two\n", "b": "folded text"}


def test_unicode_survives() -> None:
    source = parse_source("name: 高市早苗 — Zoë Ångström\n".encode(), "b.yaml")
    assert source.data == {"name": "高市早苗 — Zoë Ångström"}


def test_real_brief_loads_without_problems() -> None:
    source = load_source(REAL_BRIEF, "briefs/china-france-japan-2025-11.yaml")
    assert source.name == "briefs/china-france-japan-2025-11.yaml"
    assert source.data["trigger"]["date"] == "2025-11-27"
    assert source.data["cutoff"] == "2025-11-28 07:42 Asia/Kolkata"  # as typed: the model reads the zone
    assert source.positions[("trigger", "date")][0] > 1


# --- refusals: message and position, as the writer sees them


QUOTE_IT = "put the whole value in quotes"

# the mistakes writers make, and what they are told: libyaml's own words are for YAML experts
WRITER_MISTAKES = {
    "over-indented key": (
        "title: x\nsubtitle: y\n  more: z\n",
        f"b.yaml:3:7: invalid YAML: unexpected ':' here; if the text holds ': ', {QUOTE_IT}; if it starts a new"
        " key, line it up above",
    ),
    "colon in a title": (
        "title: Taiwan: the red line\n",
        f"b.yaml:1:14: invalid YAML: unexpected ':' here; if the text holds ': ', {QUOTE_IT}; if it starts a new"
        " key, line it up above",
    ),
    "unclosed bracket says where it opened": (
        "tags: [a, b\ntitle: x\n",
        "b.yaml:2:6: invalid YAML: the '[' at line 1 starts a YAML list that is never closed; if the text starts"
        f" with '[', {QUOTE_IT}",
    ),
    "citation first": (
        "summary: [@src] says so\n",
        f"b.yaml:1:11: invalid YAML: a value starting with '[' is read as a YAML list; {QUOTE_IT}",
    ),
    "bracket then text": (
        "summary: [see annex] for details\n",
        f"b.yaml:1:22: invalid YAML: text goes on after the ']' that closes this value's '['; {QUOTE_IT}",
    ),
    "at sign first": (
        "summary: @src says so\n",
        f"b.yaml:1:10: invalid YAML: a value cannot start with '@'; {QUOTE_IT}",
    ),
    "emphasis first": (
        "summary: *Urgent* talks stall\n",
        f"b.yaml:1:17: invalid YAML: a value starting with '*' is read as a YAML alias (as Markdown emphasis can"
        f" be); {QUOTE_IT}",
    ),
    "quote inside quotes": (
        'summary: "He said "no" today"\n',
        "b.yaml:1:20: invalid YAML: text goes on after the quote that closes this value; inside a quoted value"
        " write a quote as \\\" (in \"...\") or '' (in '...')",
    ),
    "apostrophe inside single quotes": (
        "summary: 'China's view'\n",
        "b.yaml:1:17: invalid YAML: text goes on after the quote that closes this value; inside a quoted value"
        " write a quote as \\\" (in \"...\") or '' (in '...')",
    ),
    "unclosed quote": (
        'title: "Unclosed\ndate: 2025-01-01\n',
        "b.yaml:3:1: invalid YAML: the quote opened at line 1 is never closed",
    ),
    "list item out of line": (
        "tags:\n  - a\n - b\n",
        "b.yaml:3:2: invalid YAML: this line is not lined up with the lines above it; check its indentation",
    ),
    "text after a pipe": (
        "summary: | text on the same line\n",
        "b.yaml:1:12: invalid YAML: after '|' or '>', the text must start on the next line, indented under the key",
    ),
    "question mark first": (
        "summary: ? why\n",
        f"b.yaml:1:10: invalid YAML: a value starting with '? ' is read as a YAML key; {QUOTE_IT}",
    ),
    # libyaml takes a '#' right after a value for a comment and drops the rest of the line; YAML 1.2 refuses it
    "comment right after a quote": (
        'subtitle: "Phase one"#2: more\n',
        "b.yaml:1:22: invalid YAML: '#2: more' right after the closing quote would be lost: put a space before '#'"
        " to start a comment, or put the '#' inside the quotes",
    ),
    "comment right after a quoted list item": (
        "tags:\n  - 'example'#labour\n",
        "b.yaml:2:14: invalid YAML: '#labour' right after the closing quote would be lost: put a space before '#'"
        " to start a comment, or put the '#' inside the quotes",
    ),
    "comment right after a quoted item in brackets": (
        'tags: [a, "b"#c]\n',
        "b.yaml:1:14: invalid YAML: '#c]' right after the closing quote would be lost: put a space before '#' to"
        " start a comment, or put the '#' inside the quotes",
    ),
    "comment right after a bracket": (
        "tags: [a, b]#c\n",
        "b.yaml:1:13: invalid YAML: '#c' right after ']' would be lost: put a space before '#' to start a comment,"
        " or put the text in quotes",
    ),
    "comment right after a comma": (
        "tags: [a,#b]\n",
        "b.yaml:1:10: invalid YAML: '#b]' right after ',' would be lost: put a space before '#' to start a comment,"
        " or put the text in quotes",
    ),
    "comment right after a pipe": (
        "summary: |#note\n  text\n",
        "b.yaml:1:11: invalid YAML: '#note' right after '|' would be lost: put a space before '#' to start a comment",
    ),
    # libyaml drops a '?' before text inside brackets, and takes the text for a key
    "question mark inside brackets": (
        "tags: [?why]\n",
        "b.yaml:1:8: invalid YAML: inside '[...]', '?' before text is dropped as a key marker; put the text in quotes",
    ),
    "question mark inside braces": (
        "tags: {?a: b}\n",
        "b.yaml:1:8: invalid YAML: inside '{...}', '?' before text is dropped as a key marker; put the text in quotes",
    ),
    # libyaml joins a line less indented than its key to a quoted value or a bracket, as if it were indented
    "quoted value going on unindented": (
        'summary: "The bottom line\nis this"\n',
        "b.yaml:2:1: invalid YAML: the quoted text from line 1 goes on in this line, which must be indented further"
        " than its key (or '-')",
    ),
    "quoted value going on under its key": (
        'risks:\n  - title: "a long\n    title"\n',
        "b.yaml:3:5: invalid YAML: the quoted text from line 2 goes on in this line, which must be indented further"
        " than its key (or '-')",
    ),
    "quoted value going on after a tab": (
        'summary: "a\n\tb"\n',
        "b.yaml:2:1: invalid YAML: the quoted text from line 1 goes on in this line, which must be indented further"
        " than its key (or '-'); a tab does not count as indentation",
    ),
    "list in brackets going on unindented": (
        "tags: [a,\nb]\n",
        "b.yaml:2:1: invalid YAML: the '[' list from line 1 goes on in this line, which must be indented further"
        " than its key (or '-')",
    ),
    # libyaml takes a block scalar to be indented as much as its longest line of spaces, and a '#' below for a comment
    "lines of spaces above the text": (
        "summary: >\n   \n # note\n",
        "b.yaml:2:2: invalid YAML: this line of spaces is longer than the indentation of line 3, the first line of"
        " the text under '>'; remove the spaces",
    ),
    # libyaml keeps a last line of spaces with no line break as text, where YAML 1.2 reads a line break
    "file ending in spaces inside a block scalar": (
        "summary: |\n  x\n   ",
        "b.yaml:3:1: invalid YAML: the file ends, with no line break, in a line of spaces inside the text under '|';"
        " remove the spaces or end the file with a line break",
    ),
    "text after a quoted item": (
        'tags: [example, "labour" shipping]\n',
        "b.yaml:1:26: invalid YAML: text goes on after the quote that closes this item; separate the items of '[...]'"
        " with ',', and inside a quoted item write a quote as \\\" (in \"...\") or '' (in '...')",
    ),
    "text after a bracketed item": (
        "tags: [[a] b]\n",
        "b.yaml:1:12: invalid YAML: text goes on after the ']' that closes this item; separate the items of '[...]'"
        " with ','",
    ),
    "text after a quoted item in braces": (
        "trigger: {title: 'a' b}\n",
        "b.yaml:1:22: invalid YAML: text goes on after the quote that closes this item; separate the items of"
        " '{...}' with ',', and inside a quoted item write a quote as \\\" (in \"...\") or '' (in '...')",
    ),
}


@pytest.mark.parametrize(("text", "message"), WRITER_MISTAKES.values(), ids=WRITER_MISTAKES.keys())
def test_yaml_mistakes_are_told_in_plain_words_at_their_position(text: str, message: str) -> None:
    assert problems_of(text) == [message]


@pytest.mark.parametrize(
    "text",
    [
        'summary: "a"  # a comment\n',
        "summary: 'a' # a comment\ntags: [a, b] # c\nkey: | # c\n  x\n",
        "tags: [a, # c\n  b]\n",
        "tags: [a,\n# a comment line may start anywhere\n  b,\n\n  c]\n",
        'summary: "a\n\n  b"\n',
        'summary: "a\n  \tb"\n',
        'risks:\n  - title: "a long\n      title"\n',
        "summary: C# and F#, issue#2\n",
        "summary: why? because\ntags: [why?, '?a']\n",
        "summary: >\n\n  x\n",
        "summary: |\n  x\n  ",
        "summary: |-\n  x\n   ",
    ],
)
def test_what_yaml_allows_near_those_mistakes_loads(text: str) -> None:
    parse_source(text.encode(), "b.yaml")


def test_quoted_values_keep_their_text() -> None:
    source = parse_source(b'summary: "a\n  b"\nsubtitle: "x" # note\ntags: [C#, "a#b", \'?x\']\n', "b.yaml")
    assert source.data == {"summary": "a b", "subtitle": "x", "tags": ["C#", "a#b", "?x"]}


def test_other_yaml_errors_keep_libyaml_words() -> None:
    assert problems_of("a: b\n%TAG ! x\n") == ["b.yaml:3:1: invalid YAML: did not find expected <document start>"]


def test_duplicate_keys_name_both_lines_and_all_are_reported() -> None:
    assert problems_of("title: a\nsummary: b\ntitle: c\ntrigger:\n  title: d\n  title: e\n") == [
        "b.yaml:3:1: title: duplicate key (first defined at line 1)",
        "b.yaml:6:3: trigger.title: duplicate key (first defined at line 5)",
    ]


def test_duplicate_key_keeps_first_value_out_of_the_data() -> None:
    # the loader reports and stops; it never silently keeps one of the two values
    with pytest.raises(BriefgenError):
        parse_source(b"title: a\ntitle: b\n", "b.yaml")


def test_anchor_refused() -> None:
    assert problems_of("a: &x text\n") == [
        "b.yaml:1:4: anchors (&x) are not allowed in a brief; write the text out"
        " (text that starts with '&' needs quotes)"
    ]


def test_alias_refused() -> None:
    assert problems_of("a: text\nb: *x\n") == [
        "b.yaml:2:4: aliases (*x) are not allowed in a brief; write the text out"
        " (text that starts with '*' needs quotes)"
    ]


def test_alias_bomb_dies_at_first_anchor() -> None:
    bomb = 'a: &a ["lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    assert problems_of(bomb) == [
        "b.yaml:1:4: anchors (&a) are not allowed in a brief; write the text out"
        " (text that starts with '&' needs quotes)"
    ]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a: !!python/object:os.system x\n", "!!python/object:os.system"),
        ('a: !!python/object/apply:os.system ["id"]\n', "!!python/object/apply:os.system"),
        ("a: !!str x\n", "!!str"),
        ("a: !include other.yaml\n", "!include"),
        ("a: !!map {b: c}\n", "!!map"),
    ],
)
def test_tags_refused(text: str, shown: str) -> None:
    assert problems_of(text) == [
        f"b.yaml:1:4: YAML tags ({shown}) are not allowed in a brief; remove the tag"
        " (text that starts with '!' needs quotes)"
    ]


def test_size_limit_in_parse_source() -> None:
    assert problems_of(b"#" * (MAX_BYTES + 1)) == ["b.yaml: file is 2.0 MiB; a brief may be at most 2 MiB"]


def test_size_limit_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)  # sparse: cheap to create
    with pytest.raises(BriefgenError) as info:
        load_source(big, "big.yaml")
    assert [str(p) for p in info.value.problems] == ["big.yaml: file is 5.0 MiB; a brief may be at most 2 MiB"]


def test_unreadable_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(BriefgenError) as info:
        load_source(tmp_path / "missing.yaml", "missing.yaml")
    assert [str(p) for p in info.value.problems] == ["missing.yaml: cannot read file: No such file or directory"]


def test_deep_nesting_refused() -> None:
    assert problems_of("a: " + "[" * 100 + "]" * 100 + "\n") == [
        "b.yaml:1:35: nested more than 32 levels deep; a brief needs far fewer"
    ]


def test_deep_block_nesting_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "leaf\n"
    assert problems_of(text) == ["b.yaml:33:65: nested more than 32 levels deep; a brief needs far fewer"]


def test_nesting_within_limit_is_fine() -> None:
    source = parse_source(("a: " + "[" * 30 + "x" + "]" * 30 + "\n").encode(), "b.yaml")
    assert source.data["a"] is not None


def test_non_utf8_points_at_the_byte() -> None:
    assert problems_of(b"title: ok\nsubtitle: caf\xe9\n") == [
        "b.yaml:2:14: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_utf16_is_not_utf8() -> None:
    assert problems_of("title: x\n".encode("utf-16")) == [
        "b.yaml:1:1: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    ]


def test_bom_refused() -> None:
    assert problems_of(b"\xef\xbb\xbftitle: x\n") == [
        "b.yaml:1:1: file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("trigger:\n\ttitle: x\n", "2:1"),
        ("trigger:\n  title: x\n\tsummary: y\n", "3:1"),
        ("trigger:\n  title: x\n  \tsummary: y\n", "3:3"),
    ],
)
def test_tab_indentation_said_plainly(text: str, where: str) -> None:
    assert problems_of(text) == [f"b.yaml:{where}: tab used for indentation; indent with spaces"]


def test_tab_inside_text_is_fine() -> None:
    source = parse_source(b"a: one\ttwo\nb: |\n  x\n  \tindented code\n", "b.yaml")
    assert source.data == {"a": "one\ttwo", "b": "x\n\tindented code\n"}


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# only a comment\n", "# a\n\n# b\n", "---\n", "~\n", "...\n", "# a\n...\n... # b\n", "..."]
)
def test_empty_files(text: str) -> None:
    assert problems_of(text) == ["b.yaml:1:1: file is empty; a brief needs at least title, date, summary and trigger"]


def test_document_end_before_the_brief_is_allowed() -> None:
    # YAML allows '...' before a document; libyaml does not
    assert parse_source(b"...\ntitle: a\n", "b.yaml").data == {"title": "a"}
    assert problems_of("...\ntitle: a\ntitle: b\n") == ["b.yaml:3:1: title: duplicate key (first defined at line 2)"]


def test_root_list_refused() -> None:
    assert problems_of("# a brief\n- title: x\n") == [
        "b.yaml:2:1: a brief must be a mapping of fields (title: ..., date: ...), not a list"
    ]


def test_root_scalar_refused() -> None:
    assert problems_of("just words\n") == [
        "b.yaml:1:1: a brief must be a mapping of fields (title: ..., date: ...), not plain text"
    ]


def test_multiple_documents_refused() -> None:
    assert problems_of("title: a\n---\ntitle: b\n") == [
        "b.yaml:2:1: more than one YAML document ('---'); put one brief per file"
    ]


def test_single_explicit_document_is_fine() -> None:
    assert parse_source(b"---\ntitle: a\n...\n", "b.yaml").data == {"title": "a"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"title: a\x00b\n", "b.yaml:1:9: contains U+0000, which YAML does not allow; remove it"),
        (b"title: ok\nsummary: a\x07\n", "b.yaml:2:11: contains U+0007, which YAML does not allow; remove it"),
        (b"title: a\x1bb\n", "b.yaml:1:9: contains U+001B, which YAML does not allow; remove it"),
    ],
)
def test_control_characters_refused(raw: bytes, expected: str) -> None:
    assert problems_of(raw) == [expected]


# libyaml breaks lines at these too; editors mostly do not, so every later line number would be off by one
@pytest.mark.parametrize(
    ("char", "shown"),
    [("\u2028", "U+2028 (line separator)"), ("\u2029", "U+2029 (paragraph separator)"), ("\x85", "U+0085")],
)
def test_odd_line_breaks_refused_where_they_are(char: str, shown: str) -> None:
    message = (
        f"contains {shown}, which YAML's parser counts as a line break and most editors do not; replace it with"
        " a line break or a space"
    )
    assert problems_of(f"title: a{char}b\nsummary: c\ntags: [x{char}]\n") == [
        f"b.yaml:1:9: {message}",
        f"b.yaml:3:9: {message}",
    ]


def test_carriage_return_line_ends_refused_once() -> None:
    assert problems_of("title: a\rsummary: b\rtags: [c]\r") == [
        "b.yaml:1:9: a line ends in a carriage return (CR) alone, which editors and YAML count differently; save the"
        " file with LF or CRLF line ends"
    ]
    assert problems_of("title: a\r\nsummary: b\rdate: c\n")[0].startswith(
        "b.yaml:2:11: a line ends in a carriage return"
    )


def test_crlf_lines_are_counted_as_editors_count_them() -> None:
    assert problems_of("title: a\r\nsummary: b\r\ntitle: c\r\n") == [
        "b.yaml:3:1: title: duplicate key (first defined at line 1)"
    ]
    assert problems_of('title: a\r\nsummary: "b" c\r\n')[0].startswith("b.yaml:2:14: invalid YAML: text goes on")
    assert parse_source(b"a: |\r\n  x\r\n  y\r\n", "b.yaml").data == {"a": "x\ny\n"}


@given(st.text(alphabet="ab: -#\"'[]{}|>?,.\n\t\r\u2028\x85\x00", max_size=40))
def test_every_problem_is_at_a_place_in_the_file(text: str) -> None:
    try:
        parse_source(text.encode(), "b.yaml")
    except BriefgenError as exc:
        lines = text.split("\n")
        for problem in exc.problems:
            assert 1 <= problem.line <= len(lines), str(problem)
            assert 1 <= problem.col <= len(lines[problem.line - 1]) + 1, str(problem)


def test_complex_key_refused() -> None:
    assert problems_of("? [a, b]\n: c\n") == ["b.yaml:1:3: a key must be plain text, not a list or mapping"]


def test_any_key_reaches_the_data() -> None:
    # repeated keys were once kept out of the data by a marker that a key written "\0..." also matched
    source = parse_source(b'title: a\n"\\0hidden": b\ntrigger: {"\\0": c}\n', "b.yaml")
    assert source.data == {"title": "a", "\0hidden": "b", "trigger": {"\0": "c"}}
    assert source.key_positions[("\0hidden",)] == (2, 1)


def test_every_repeat_of_a_key_names_the_first() -> None:
    assert problems_of("title: a\nsummary: b\ntitle: c\ntitle: d\n") == [
        "b.yaml:3:1: title: duplicate key (first defined at line 1)",
        "b.yaml:4:1: title: duplicate key (first defined at line 1)",
    ]


def test_problem_format() -> None:
    assert str(Problem("a.yaml", 3, 5, "risks[2].impact", "bad")) == "a.yaml:3:5: risks[2].impact: bad"
    assert str(Problem("a.yaml", 0, 0, "", "bad")) == "a.yaml: bad"
    warning = Problem("a.yaml", 1, 2, "x", "late", "warning")
    assert str(warning) == "a.yaml:1:2: warning: x: late"
    assert warning.github() == "::warning file=a.yaml,line=1,col=2::x: late"
    assert Problem("a:b,c.yaml", 0, 0, "", "50%\nmore").github() == "::error file=a%3Ab%2Cc.yaml::50%25%0Amore"


def test_dotted() -> None:
    assert dotted(()) == ""
    assert dotted(("risks", 2, "likelihood")) == "risks[2].likelihood"
    assert dotted(("historical_context", "events", 0, "date")) == "historical_context.events[0].date"


def test_locate_falls_back_to_nearest_ancestor() -> None:
    source = parse_source(brief(extra="risks:\n  - title: r\n").encode(), "b.yaml")
    assert source.locate(("risks", 0, "impact")) == (8, 5)
    assert source.locate(("risks", 0, "title"), key=True) == (8, 5)
    assert source.locate(("nowhere", 3)) == (1, 1)
    assert isinstance(source, Source)


# --- finding briefs


def test_find_briefs_in_folders_and_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "briefs/b.yaml": MINIMAL,
            "briefs/a.yml": MINIMAL,
            "briefs/nested/c.yaml": MINIMAL,
            "briefs/notes.txt": "not a brief",
            "empty/README.md": "nothing here",
            "single.yaml": MINIMAL,
        },
    )
    found, problems = find_briefs([tmp_path / "briefs", tmp_path / "empty", tmp_path / "single.yaml"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "briefs/a.yml",
        "briefs/b.yaml",
        "briefs/nested/c.yaml",
        "single.yaml",
    ]
    assert [str(p) for p in problems] == [f"{tmp_path / 'empty'}: no briefs found here (*.yaml or *.yml files)"]


def test_find_briefs_drops_repeats(tmp_path: Path) -> None:
    write_tree(tmp_path, {"briefs/a.yaml": MINIMAL})
    found, problems = find_briefs([tmp_path / "briefs", tmp_path / "briefs" / "a.yaml"])
    assert found == [tmp_path / "briefs" / "a.yaml"]
    assert problems == []


def test_control_characters_in_diagnostics_are_shown_escaped() -> None:
    from briefgen.errors import Problem

    line = str(Problem("a.yaml", 1, 2, "t\x1b[2J", "bad \x07 \x9b"))
    assert line == "a.yaml:1:2: t\\x1b[2J: bad \\x07 \\x9b"


def test_find_briefs_takes_any_case_of_the_suffix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.YAML": MINIMAL, "b.Yml": MINIMAL, "c.yaml": MINIMAL, "d.YAML.txt": MINIMAL})
    found, problems = find_briefs([tmp_path])
    assert [p.name for p in found] == ["a.YAML", "b.Yml", "c.yaml"]
    assert problems == []


# --- reading a brief file: a regular file only, its size checked before reading, never more read than allowed


def refusal(path: Path) -> list[str]:
    with pytest.raises(BriefgenError) as info:
        read_brief(path, "shown.yaml")
    return [str(p) for p in info.value.problems]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("reader", [read_brief, load_source])
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, reader: Callable[..., object]) -> None:
    fifo = tmp_path / "brief.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            reader(fifo, "shown.yaml")
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(timeout=5)
    if thread.is_alive():  # let the blocked reader go, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(timeout=5)
        pytest.fail("reading the FIFO waited for a writer")
    assert [type(exc) for exc in outcome] == [BriefgenError]
    assert str(outcome[0]) == "shown.yaml: not a regular file (a FIFO); a brief must be a file"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path) == ["shown.yaml: not a regular file (a folder); a brief must be a file"]


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null here")
def test_a_device_is_refused() -> None:
    assert refusal(Path("/dev/null")) == ["shown.yaml: not a regular file (a device); a brief must be a file"]


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path / "missing.yaml") == ["shown.yaml: cannot read file: No such file or directory"]


def bytes_read() -> int:
    """What this process has read from files so far (Linux)."""
    io = Path("/proc/self/io").read_text()
    return int(next(line.split()[1] for line in io.splitlines() if line.startswith("rchar:")))


needs_proc_io = pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="no /proc/self/io to count reads")


@needs_proc_io
def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: nothing written
    before = bytes_read()
    assert refusal(huge) == ["shown.yaml: file is 3072.0 MiB; a brief may be at most 2 MiB"]
    assert bytes_read() - before < 1024 * 1024


@needs_proc_io
def test_a_file_that_grows_after_its_size_is_checked_is_read_no_further(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)
    real_stat, real_fstat, inode = os.stat, os.fstat, huge.stat().st_ino

    def small(result: os.stat_result) -> os.stat_result:
        if result.st_ino != inode:
            return result
        return os.stat_result((*result[:6], 100, *result[7:10]))  # st_size as it was a moment before

    monkeypatch.setattr(os, "stat", lambda path, *a, **k: small(real_stat(path, *a, **k)))
    monkeypatch.setattr(os, "fstat", lambda fd: small(real_fstat(fd)))
    before = bytes_read()
    assert refusal(huge) == ["shown.yaml: file is over 2 MiB; a brief may be at most 2 MiB"]
    assert bytes_read() - before < 3 * 1024 * 1024


def test_load_source_reads_through_read_brief(tmp_path: Path) -> None:
    with pytest.raises(BriefgenError) as info:
        load_source(tmp_path, "shown.yaml")
    assert str(info.value) == "shown.yaml: not a regular file (a folder); a brief must be a file"
    (tmp_path / "b.yaml").write_text(MINIMAL, encoding="utf-8")
    assert read_brief(tmp_path / "b.yaml", "b.yaml") == MINIMAL.encode()
