"""The package's shape, as a test: the pipeline's stage order (no module imports one after it, lazy imports
included, so there is no loop), every module placed in it, and modules and functions that fit on a screen."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefgen"

# The stage order: a module may import only modules listed before it. Read top to bottom, this is the
# pipeline: source -> settings -> model -> checks -> rendering -> formats -> one brief's outputs -> the build
# -> the preview -> the command line.
ORDER = [
    "briefgen",  # __version__
    "briefgen.errors",  # Problem, BriefgenError: what every stage speaks
    "briefgen.defaults",  # where the default templates are
    # reading a brief
    "briefgen.yaml_strict",  # the YAML 1.2 rules libyaml lets pass
    "briefgen.yaml_words",  # libyaml's errors in a writer's words
    "briefgen.load",
    "briefgen.fields",  # the field types and scales of the format
    "briefgen.yardstick_words",  # the yardsticks' words in French, German, Spanish
    "briefgen.yardstick_words_asia",  # ... in Japanese, Chinese, Arabic: words found without spaces, proclitics
    "briefgen.yardstick",  # the estimative yardsticks (PHIA, ICD 203) and the probability words outside them
    "briefgen.i18n",  # the labels, dates and numbers briefgen adds, in the brief's language (Babel)
    "briefgen.model",
    "briefgen.marking",  # portion markings: schemes, each portion's marking, the banner
    "briefgen.release",  # a release edition cut from the data: nothing above its level reaches the model
    "briefgen.tradecraft",  # a valid brief's words held to the yardstick, its sources and judgements
    "briefgen.validate",
    # settings, resolved once
    "briefgen.formats",  # the registry of output formats (names only; implementations come later)
    "briefgen.config",
    "briefgen.resources",
    "briefgen.project",
    # editions: the semantic diff of two, and where earlier ones are (files, git)
    "briefgen.typography",  # per language: quotation marks, French spaces, the writing direction
    "briefgen.diff_words",  # the changes' sentences in a brief's language: catalogue messages, titles apart
    "briefgen.diff",
    "briefgen.editions",
    "briefgen.translation",  # translations: their original found, the stamp of its content, what changed since
    # a set of briefs checked: schema, Markdown that renders whole, images that can be read
    "briefgen.markdown_plain",  # plain paragraphs written as mdformat writes them, without it
    "briefgen.markdown_fast",  # the tokens of plain paragraphs, made without markdown-it's rules
    "briefgen.markdown",
    "briefgen.markdown_depth",  # how deep a field nests, and whether the parser would drop part of it
    "briefgen.content",
    "briefgen.check",
    # rendering
    "briefgen.svg",
    "briefgen.timeline_axis",
    "briefgen.risk_matrix",
    "briefgen.timeline",
    "briefgen.fonts",
    "briefgen.portion_marks",  # (S) before each portion, as every format prints it
    "briefgen.typeset",  # unbroken dates, unhyphenated last words, CJK runs tagged
    "briefgen.estimates",  # likelihoods on the yardstick, whose risk, the summary's risks: as every format shows them
    "briefgen.template_cache",  # the compiled templates' folder pruned: unused, over its size, at most daily
    "briefgen.template_labels",  # a language's Jinja environment: constant labels translated as templates compile
    "briefgen.render",
    "briefgen.engine_check",  # what the PDF engine needs of the system, in words
    "briefgen.pdf_engine",  # what WeasyPrint and its parsers repeat for every PDF, done once per process
    "briefgen.pdf",
    "briefgen.pdf_process",
    # the Word document, written from the model (not converted from the HTML)
    "briefgen.docx_parts",  # OOXML python-docx has no API for: content controls, fields, shading, a stable zip
    "briefgen.docx_markdown",  # a Markdown field as Word paragraphs and runs
    "briefgen.docx_sections",  # the brief's sections as paragraphs and native tables
    "briefgen.docx_typography",  # French spaces and right to left in the finished document
    "briefgen.docx_frame",  # the brief's frame, implications, options and the annex
    "briefgen.docx_writer",  # the frame: properties, header and footer, title block, contents
    # the output formats and one brief's outputs
    "briefgen.subject",
    "briefgen.formats.md",
    "briefgen.formats.html",
    "briefgen.formats.pdf",
    "briefgen.formats.docx",
    "briefgen.outputs",
    "briefgen.produce",
    "briefgen.redline",  # a brief rendered with its changes since an earlier edition marked
    # many briefs: manifest, site, workers, the incremental build
    "briefgen.manifest",
    "briefgen.inputs",  # what a brief's outputs are made from, hashed, and whether they are up to date
    "briefgen.site",
    "briefgen.warm",  # the throwaway brief build workers are forked warm from
    "briefgen.workers",
    "briefgen.build",
    # the live preview
    "briefgen.preview_pages",
    "briefgen.watch",
    "briefgen.preview",
    "briefgen.serve",
    # the command line
    "briefgen.report",  # validate's reports: text, versioned JSON, GitHub annotations
    "briefgen.skeleton",
    "briefgen.docx_package",  # a Word document opened as untrusted input: capped zip, safe XML, web links only
    "briefgen.review",  # a cleared Word document's tracked changes and comments, at the YAML's lines
    "briefgen.diff_report",  # `briefgen diff`'s reports: text, Markdown, JSON
    "briefgen.progress",
    "briefgen.cli_options",  # the command line's options, the Project they resolve, printing problems
    "briefgen.cli",
    "briefgen.__main__",
]

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = ["briefgen", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Inside ``if TYPE_CHECKING:``: for the type checker only, never run."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(name: str) -> set[str]:
    """The briefgen modules ``name`` imports when it runs: at the top and inside functions (lazily)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if _type_checking_only(node, parents):
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from briefgen import markdown` imports a module, not a name
            found |= {f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES}
    return {m for m in found if m == "briefgen" or m.startswith("briefgen.")} - {name}


def test_every_module_has_its_place_in_the_order() -> None:
    assert len(MODULES) > 30  # the glob found the package
    assert sorted(MODULES) == sorted(ORDER), "add a new module to ORDER, where its stage is"
    assert len(ORDER) == len(set(ORDER))


@pytest.mark.parametrize("name", ORDER)
def test_imports_follow_the_stage_order(name: str) -> None:
    earlier = set(ORDER[: ORDER.index(name)])
    later = sorted(imports_of(name) - earlier)
    assert later == [], f"{name} imports {later}, which come after it in the stage order"


def test_no_import_loop() -> None:
    graph = {name: imports_of(name) for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        assert name not in path, f"import loop: {' -> '.join([*path[path.index(name) :], name])}"
        if name in done:
            return
        for other in sorted(graph.get(name, ())):
            visit(other, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert done == set(MODULES)


def test_modules_imported_by_name_follow_the_stage_order_too() -> None:
    """The formats' modules are imported by their registry names (produce.py) and preloaded by name in the
    workers' forkserver: those names must be placed in the order like any import."""
    from briefgen.formats import REGISTRY

    for fmt in REGISTRY:
        assert fmt.module in ORDER
        assert ORDER.index("briefgen.subject") < ORDER.index(fmt.module) < ORDER.index("briefgen.produce")
    preloaded = ["briefgen.produce", "briefgen.pdf"]  # briefgen/workers.py: set_forkserver_preload
    assert all(ORDER.index(m) < ORDER.index("briefgen.workers") for m in preloaded)
    workers = MODULES["briefgen.workers"].read_text(encoding="utf-8")
    assert all(f'"{m}"' in workers for m in preloaded)


def test_the_walk_sees_lazy_imports_and_skips_type_only_ones() -> None:
    assert "briefgen.pdf" in imports_of("briefgen.formats.pdf")  # imported inside a function
    assert "briefgen.produce" in imports_of("briefgen.cli")  # ditto, in a command
    assert "briefgen.resources" not in imports_of("briefgen.pdf_process")  # under TYPE_CHECKING only
    assert "briefgen.markdown" in imports_of("briefgen.render")  # `from briefgen import markdown`


@pytest.mark.parametrize("name", ORDER)
def test_modules_and_functions_fit_on_a_screen(name: str) -> None:
    text = MODULES[name].read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{name}: split it by noun"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
