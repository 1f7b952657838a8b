"""Issue #17's pipeline side, as counts and memory rather than time: each Markdown field parsed once per brief
(and the shared tokens rendering exactly what separate parses did), validation in constant memory, and a no-op
rebuild that validates nothing."""

from __future__ import annotations

import json
import os
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, brief, load, minimal_data, settings, write_brief, write_tree
from hypothesis import example, given
from hypothesis import strategies as st

import briefgen.build
import briefgen.inputs
from briefgen import manifest, markdown, markdown_fast, markdown_plain
from briefgen.build import BuildResult, build
from briefgen.check import check
from briefgen.load import walk_strings
from briefgen.markdown import Citations, parse, parsed_once, to_html, to_markdown, to_markdown_cell
from briefgen.model import Brief
from briefgen.produce import make_outputs

# --- one parse per field and brief

# Markdown's block and inline syntax, citations, line endings and NUL, in short fields
_PIECES = ["a", "b c", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "\0", "*", "_", "**", "`", "```", "~~~", "    ",
           "> ", "- ", "1. ", "[", "]", "(", ")", "[@s]", "[x](http://e.org)", "[r]", "[r]: /u", "![i](p.png)",
           "<", ">", "&amp;", "\\", "'", '"', "#", "---", "==", "|", "é", "日本"]  # fmt: skip
TEXTS = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)


def _outputs(text: str) -> tuple[str, str, str, str, list[dict[str, Any]]]:
    """Every rendering of one field, each with its own citations (as each format numbers its own)."""
    return (
        to_html(text, Citations(["s"])),
        to_html(text, Citations(["s"]), inline=True),
        to_markdown(text, Citations(["s"])),
        to_markdown_cell(text, Citations(["s"])),
        [t.as_dict() for t in parse(text)],
    )


@given(TEXTS)
@example("```\ncode")  # an open fence at the end: the Markdown output parses the field with a closing break
@example("    code")
@example("one\ntwo")
@example(" lead and trail ")
@example("[r]\n\n[r]: /u")
def test_shared_tokens_render_what_separate_parses_did(text: str) -> None:
    alone = _outputs(text)
    with parsed_once():
        assert _outputs(text) == alone
    with parsed_once():  # in another order: the inline rendering first, then the block ones it may share
        inline = to_html(text, Citations(["s"]), inline=True)
        assert (to_markdown(text, Citations(["s"])), inline) == (alone[2], alone[1])


# plain text and everything near it that mdformat escapes, or that starts a line's syntax
_NEAR_PLAIN = ["word", "Two words", " ", "  ", "\n", "\n\n", "\u00a0", "\u3000", "\u2028", "\t", "1", "1.", "2)", "-",
               "- ", "+ ", "#", "# ", "=", "--", "***", "_", "*", "!", "&", "&amp;", "<", ">", "'", '"', "é", "日本",
               "[@s]", "[@s; @t]", "\\", "`", "(", ")", ":", "|", "~", ".", ","]  # fmt: skip


@given(st.lists(st.sampled_from(_NEAR_PLAIN), max_size=12).map("".join))
@example("A plain sentence [@s].\nA second line, and a  double space.\n\nAnother paragraph.")
@example("A line\n- that would be a list")
def test_plain_paragraphs_are_written_as_mdformat_writes_them(text: str) -> None:
    from mdformat.renderer import MDRenderer

    tokens = parse(text + "\n")
    fast = markdown_plain.to_markdown(tokens, lambda ids: markdown._citation_link(ids, Citations(["s", "t"])))
    if fast is not None:
        slow = MDRenderer().render(tokens, markdown._MD_OPTIONS, {"citations": Citations(["s", "t"])}).strip()
        assert fast == slow


def test_most_fields_of_the_real_brief_are_plain() -> None:
    data = load(REPO / "briefs" / "china-france-japan-2025-11.yaml").source.data
    rendered = [text for _, text in walk_strings(data) if len(text) > 60]  # the prose (short ones are names)
    plain = [text for text in rendered if markdown_plain.to_markdown(parse(text + "\n"), lambda ids: "") is not None]
    assert len(plain) > 0.8 * len(rendered), [text for text in rendered if text not in plain]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the renderers' parser parses each text."""
    counted: Counter[str] = Counter()
    parser = markdown._PARSER
    block, inline = parser.parse, parser.parseInline

    def count_block(src: str, env: Any = None) -> Any:
        counted[src.rstrip("\n")] += 1
        return block(src, env)

    def count_inline(src: str, env: Any = None) -> Any:
        counted[src.rstrip("\n")] += 1
        return inline(src, env)

    fast = markdown_fast.parse  # plain paragraphs: tokenized without the parser's rules

    def count_fast(md: Any, src: str, env: Any) -> Any:
        tokens = fast(md, src, env)
        if tokens is not None and md is parser:
            counted[src.rstrip("\n")] += 1
        return tokens

    monkeypatch.setattr(parser, "parse", count_block)
    monkeypatch.setattr(parser, "parseInline", count_inline)
    monkeypatch.setattr(markdown_fast, "parse", count_fast)
    return counted


def test_each_markdown_field_is_parsed_once_for_markdown_html_and_word(tmp_path: Path, parses: Counter[str]) -> None:
    data = minimal_data(
        summary="The *bottom* line [@src].\n\nA second paragraph.",
        key_points=[{"text": "Point with `code`", "confidence": "low"}],
        sections=[{"title": "More", "body": "- one\n- two\n\n```\ncode\n```\n"}],
        sources=[{"id": "src", "title": "A source"}],
    )
    valid = load(write_brief(tmp_path, "once", data))
    parses.clear()  # validation parses only fields it cannot clear by counting
    files, _ = make_outputs(valid, settings(formats=("md", "html", "docx")))
    assert sorted(files) == ["once.docx", "once.html", "once.md"]
    assert parses["The *bottom* line [@src].\n\nA second paragraph."] == 1
    assert parses and max(parses.values()) == 1, [text for text, n in parses.items() if n > 1]


def test_without_a_brief_scope_every_call_parses_as_before(parses: Counter[str]) -> None:
    for _ in range(2):
        to_html("text", Citations([]))
    assert parses["text"] == 2  # nothing is kept between briefs


# --- validation in constant memory


def _peak_of_checking(folder: Path, keep: bool) -> int:
    tracemalloc.start()
    try:
        result = check([folder], settings(), keep=keep)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not result.errors, result.errors
    return peak


def test_validate_memory_does_not_grow_with_the_number_of_briefs(tmp_path: Path) -> None:
    data = minimal_data(summary="A longer summary [@a]. " * 40, sources=[{"id": "a", "title": "A source"}])
    for n in range(250):
        write_brief(tmp_path / "many", f"brief-{n:03d}", data)
        if n < 25:
            write_brief(tmp_path / "few", f"brief-{n:03d}", data)
    # once untraced first: the interpreter's own tables (interned path parts, say) grow once, and not per brief;
    # and each measured twice, the lower kept: such a table doubles in one block (1.9 MiB for the interned
    # strings) whenever it fills, in whichever run that happens to be, after whatever tests ran before
    check([tmp_path / "many"], settings(), keep=False)
    few = min(_peak_of_checking(tmp_path / "few", False) for _ in range(2))
    many = min(_peak_of_checking(tmp_path / "many", False) for _ in range(2))
    kept = _peak_of_checking(tmp_path / "many", True)
    assert many < 1.25 * few, (few, many)  # ten times the briefs: what is kept per brief is its id and name
    assert kept > 2 * many, (many, kept)  # what keeping every brief's model would cost: the measure sees it


# --- a no-op rebuild reads, hashes and compares; it validates nothing, and reads no output it stamped


def _build(**options: Any) -> BuildResult:
    return build([Path("briefs")], settings(formats=["md", "html"], **options), jobs=1)


@pytest.fixture
def built(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three briefs built, then rebuilt once so that every output is stamped (none is too new to be)."""
    write_tree(project, {f"briefs/{n}.yaml": brief(f"Brief {n.upper()}") for n in "abc"})
    monkeypatch.setattr(briefgen.inputs, "_SETTLED_NS", 0)
    assert len(_build().built) == 3
    assert len(_build().unchanged) == 3
    stamps = [e.get("stamps") for e in json.loads((project / "output" / "manifest.json").read_text())["briefs"]]
    assert all(
        s and sorted(s) == sorted(e)
        for s, e in zip(stamps, [["a.html", "a.md"], ["b.html", "b.md"], ["c.html", "c.md"]], strict=True)
    )
    return project / "output"


def test_a_noop_rebuild_validates_nothing_and_reads_no_stamped_output(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated, read = [], []
    model_validate, read_bytes = Brief.model_validate, Path.read_bytes

    def counting_validate(data: Any, **options: Any) -> Any:
        validated.append(data)
        return model_validate(data, **options)

    def counting_read(path: Path) -> bytes:
        if path.parent.resolve() == built.resolve():  # not the code and templates the project's digest reads
            read.append(path.name)
        return read_bytes(path)

    monkeypatch.setattr(Brief, "model_validate", counting_validate)
    monkeypatch.setattr(Path, "read_bytes", counting_read)
    rendered = []
    monkeypatch.setattr(briefgen.build, "write_index", lambda *args: rendered.append(args))
    again = _build()
    assert (again.built, len(again.unchanged)) == ([], 3)
    assert (validated, rendered) == ([], [])
    assert read == ["index.html"]  # its hash against the one the manifest recorded


def test_an_output_changed_under_the_same_size_and_mtime_is_still_rebuilt(built: Path) -> None:
    page = built / "b.html"
    before, info = page.read_bytes(), page.stat()
    page.write_bytes(before.replace(b"Brief B", b"Brief X"))
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))  # the ctime moves on: the kernel sets it
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    again = _build()
    assert again.built == ["briefs/b.yaml"]
    assert page.read_bytes() == before


def test_the_index_page_is_made_again_only_when_its_inputs_or_the_page_changed(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = built / "index.html"
    good = page.read_bytes()
    page.write_bytes(good + b"<!-- edited -->")
    _build()
    assert page.read_bytes() == good
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")  # the page shows the build time; no brief does
    assert len(_build().unchanged) == 3
    assert page.read_bytes() != good


@pytest.mark.parametrize(
    "stamps", [{"b.pdf": [1, 2, 3, 4]}, {"b.html": [1, 2, 3]}, {"b.html": ["1", 2, 3, 4]}, {"b.html": [1.5, 2, 3, 4]}]
)
def test_stamps_of_unlisted_outputs_or_not_four_integers_make_the_manifest_unreadable(
    built: Path, stamps: dict[str, Any]
) -> None:
    data = json.loads((built / "manifest.json").read_text())
    entry = next(e for e in data["briefs"] if e["source"].endswith("b.yaml"))
    entry["stamps"] = stamps
    entry["digest"] = manifest.entry_digest(manifest.Entry(**{k: v for k, v in entry.items() if k != "digest"}))
    (built / "manifest.json").write_text(json.dumps(data))
    result = _build()
    assert len(result.built) == 3
    assert ["unreadable manifest" in p.message for p in result.problems] == [True]
