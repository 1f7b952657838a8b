"""The loader: plain data with positions, every scalar kept as typed, unsafe YAML refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import MINIMAL, REAL_BRIEF, brief, write_tree

from briefgen.errors import BriefgenError, Problem
from briefgen.load import MAX_BYTES, Source, dotted, find_briefs, load_source, parse_source


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
    assert source.data["trigger"]["date"] == "2025-11-07"
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
}


@pytest.mark.parametrize(("text", "message"), WRITER_MISTAKES.values(), ids=WRITER_MISTAKES.keys())
def test_yaml_mistakes_are_told_in_plain_words_at_their_position(text: str, message: str) -> None:
    assert problems_of(text) == [message]


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


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "# a\n\n# b\n", "---\n", "~\n"])
def test_empty_files(text: str) -> None:
    assert problems_of(text) == ["b.yaml:1:1: file is empty; a brief needs at least title, date, summary and trigger"]


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


def test_complex_key_refused() -> None:
    assert problems_of("? [a, b]\n: c\n") == ["b.yaml:1:3: a key must be plain text, not a list or mapping"]


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
