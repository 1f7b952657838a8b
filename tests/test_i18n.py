"""The words briefgen adds, in the brief's language: every shipped catalogue complete, no English label left in
any format of a brief in another language, dates in the locale's long form, the .mo and the .po alike."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
from babel.dates import get_month_names
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result
from helpers import REPO, parse_html, run_tool, write_brief

from briefgen import i18n
from briefgen.cli import main
from briefgen.i18n import LOCALES_DIR, SHIPPED, SOURCE_LANGUAGE, compile_po, translator
from briefgen.template_labels import TranslatedEnvironment

TRANSLATED = [lang for lang in SHIPPED if lang != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
POT = LOCALES_DIR / "briefgen.pot"


def _po(lang: str) -> Catalog:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "briefgen.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def _template() -> Catalog:
    with POT.open("rb") as fp:
        return read_po(fp)


def _forms(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value or "",)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation_with_the_same_placeholders(lang: str) -> None:
    catalogue = _po(lang)
    problems = []
    for message in _template():
        if not message.id:
            continue
        said = catalogue.get(message.id, context=message.context)
        name = f"{message.context}|{message.id}" if message.context else message.id
        if said is None or said.fuzzy or not all(_forms(said.string)):
            problems.append(f"{name}: untranslated{' (fuzzy)' if said is not None and said.fuzzy else ''}")
            continue
        wanted = {p for text in _forms(message.id) for p in PLACEHOLDER.findall(text)}
        forms = _forms(said.string)
        # a plural form may leave the number out ("one brief", Arabic's dual); the general one says it
        if set(PLACEHOLDER.findall(forms[-1])) != wanted or any(
            not set(PLACEHOLDER.findall(f)) <= wanted for f in forms
        ):
            problems.append(f"{name}: placeholders {sorted(wanted)}, translated as {forms}")
        elif "python-format" in message.flags:
            for form in forms:
                form % dict.fromkeys(wanted, "x")  # a stray % fails here, not while a brief renders
    assert problems == []


def test_arabic_has_its_six_plural_forms() -> None:
    catalogue = _po("ar")
    assert catalogue.num_plurals == 6
    authors = translator("ar")
    assert [authors.ngettext("Author", "Authors", n) for n in (1, 2, 3)] == ["المُعِدّ", "المُعِدّان", "المُعِدّون"]


def test_the_template_holds_every_label_of_the_code_and_the_default_templates() -> None:
    method_map = [("briefgen/**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
    keywords["mark"] = ((1, "c"), 2)
    found = {
        (context, message if isinstance(message, str) else message[0])
        for _, _, message, _, context in extract_from_dir(REPO, method_map, options, keywords)
    }
    listed = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _template() if m.id}
    assert found == listed, "run `make catalogues`"


def test_the_admiralty_grades_are_in_the_catalogue() -> None:
    listed = {m.id for m in _template()}
    words = {text for grades in i18n.GRADES.values() for _, name, meaning in grades for text in (name, meaning)}
    assert words <= listed


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_mo_and_the_in_memory_compile_agree(lang: str, tmp_path: Path) -> None:
    folder = tmp_path / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(LOCALES_DIR / lang / "LC_MESSAGES" / "briefgen.po", folder / "briefgen.po")
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(tmp_path), "-D", "briefgen"])
    assert (folder / "briefgen.mo").read_bytes() == compile_po(folder / "briefgen.po")


def test_a_stale_mo_is_passed_over_for_its_po(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "briefgen.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Contents"\nmsgstr "Sommaire"\n'
    )
    (folder / "briefgen.mo").write_bytes(compile_po(po))
    po.write_text(po.read_text().replace("Sommaire", "Table des matières"))
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    catalogue = i18n._catalogue("fr")
    assert catalogue is not None and catalogue.gettext("Contents") == "Table des matières"


def test_a_language_falls_back_to_the_nearest_catalogue() -> None:
    assert translator("fr-CA").catalogue == "fr"
    assert [translator(tag).catalogue for tag in ("zh-Hans", "zh", "zh-CN", "zh-Hans-SG")] == ["zh_Hans"] * 4
    assert translator("zh-TW").catalogue is None  # traditional script: no catalogue yet, British English labels
    assert translator("it").catalogue is None
    assert translator("it").date(dt.date(2025, 11, 28)) == "28 November 2025"
    assert translator("en-US").date(dt.date(2025, 11, 28)) == "November 28, 2025"
    assert translator("en-GB").gettext("Contents") == "Contents"


LONG_DATES = {
    "en-GB": "28 November 2025",
    "fr": "28 novembre 2025",
    "de": "28. November 2025",
    "es": "28 de noviembre de 2025",
    "zh-Hans": "2025年11月28日",
    "ja": "2025年11月28日",
    "ar": "28 نوفمبر 2025",
}


@pytest.mark.parametrize(("lang", "shown"), LONG_DATES.items())
def test_dates_are_in_the_locales_long_form(lang: str, shown: str) -> None:
    assert translator(lang).date(dt.date(2025, 11, 28)) == shown


def test_partial_dates_and_month_ticks_follow_the_locale() -> None:
    fr, ja = translator("fr"), translator("ja")
    assert [fr.partial(i18n.PartialDate(2012, 9)), fr.partial(i18n.PartialDate(2012))] == ["sept. 2012", "2012"]
    assert ja.partial(i18n.PartialDate(2012, 9, 11)) == "2012年9月11日"
    assert (fr.month(9), ja.month(9), translator("en-GB").month(9)) == ("sept.", "9月", "Sep")


# --- a brief in each language, rendered in every format: no English label left

# The brief's own words, in no language briefgen has labels for: whatever English is left came from briefgen.
LATIN = {
    "title": "Lorem ipsum dolor sit amet",
    "subtitle": "Consectetur adipiscing elit",
    "key_question": "Quid Lutetia faciet?",
    "reference": "XV-MMXXV-0011",
    "date": "2025-11-28",
    "updated": "2025-11-29",
    "cutoff": "2025-11-28 07:42 Europe/Paris",
    "status": "draft",
    "classification": "SECRETUM",
    "authors": [{"name": "Publius Cornelius", "role": "scriba"}, {"name": "Gaius Iulius"}],
    "prepared_by": "Officium Asiae",
    "cleared_by": "Marcus Tullius",
    "coordinated_with": ["Officium Europae"],
    "distribution": ["Senatus", "Legati"],
    "tags": ["roma", "gallia"],
    "scope": "Res gestae mensis Novembris.",
    "summary": "Sed ut perspiciatis unde omnis iste natus error [@fons-a].",
    "key_points": [
        {"text": "Nemo enim ipsam voluptatem [@fons-a] [@fons-b].", "confidence": "high"},
        {"text": "Neque porro quisquam est.", "confidence": "low", "basis": "assessment"},
    ],
    "implications": "Ut enim ad minima veniam.",
    "options": [{"title": "Quis autem vel eum", "pros": ["Iure reprehenderit."], "cons": ["Vel illum qui."]}],
    "trigger": {
        "title": "Legatus Sinarum Lutetiam scripsit",
        "date": "2025-11-27",
        "actors": ["sinae"],
        "summary": "At vero eos et accusamus [@fons-a].",
        "points": ["Et iusto odio dignissimos."],
    },
    "actors": [
        {"id": "sinae", "name": "Sinae", "role": "pars", "affiliation": "Sinae"},
        {"id": "gallia", "name": "Gallia", "role": "arbiter", "affiliation": "Gallia"},
    ],
    "motivations": [{"title": "Amicitia vetus", "actor": "sinae", "summary": "Ducimus qui blanditiis."}],
    "asks": [
        {"by": "sinae", "of": "gallia", "ask": "Praesentium voluptatum.", "quote": "Deleniti", "sources": ["fons-a"]}
    ],
    "risks": [
        {
            "title": "Periculum magnum",
            "likelihood": "likely",
            "impact": "major",
            "to": "us",
            "description": "Atque corrupti quos dolores.",
            "mitigation": "Et quas molestias.",
        },
        {"title": "Periculum parvum", "likelihood": "rare", "impact": "minimal", "to": "gallia"},
    ],
    "watch_list": [{"title": "Responsum Galliae", "indicator": "Excepturi sint.", "by": "2025-12-05"}],
    "historical_context": {
        "summary": "Occaecati cupiditate non provident.",
        "events": [
            {"date": "2019-03", "title": "Foedus primum"},
            {"date": "2024-05-06", "title": "Iter Romanum"},
        ],
        "themes": [{"title": "Commercium", "body": "Similique sunt in culpa."}],
    },
    "sections": [{"title": "Addenda", "body": "Qui officia deserunt mollitia."}],
    "sources": [
        {
            "id": "fons-a",
            "title": "Acta diurna",
            "publisher": "Roma",
            "date": "2025-11-28",
            "accessed": "2025-11-28",
            "url": "https://example.org/acta",
            "kind": "reporting",
            "reliability": "B",
            "credibility": 2,
        },
        {"id": "fons-b", "title": "Commentarii", "kind": "analysis", "reliability": "C", "credibility": 3},
    ],
}


def _english_labels(lang: str) -> list[str]:
    """The English words of every label (the catalogue's msgids, cut at their placeholders), and the English
    month names, less those the language itself uses (fr "Options", de "November")."""
    catalogue = _po(lang)
    theirs = " ".join(form for m in catalogue if m.id for form in _forms(m.string))
    locale = catalogue.locale
    theirs += " " + " ".join(
        str(name) for width in ("wide", "abbreviated") for name in get_month_names(width, locale=locale).values()
    )
    words = [m.id for m in _template() if m.id]
    words += [str(name) for width in ("wide", "abbreviated") for name in get_month_names(width, locale="en").values()]
    labels = set()
    for message in words:
        for text in _forms(message):
            for piece in PLACEHOLDER.split(text)[::2]:
                piece = piece.strip(" .,:;()“”\\[]→").strip()
                if re.search(r"[A-Za-z]{2}", piece) and not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", theirs):
                    labels.add(piece)
    return sorted(labels, key=len, reverse=True)


def _docx_text(path: Path) -> str:
    """The text of the document, its headers and its footers (every w:t of every paragraph)."""
    lines = []
    with zipfile.ZipFile(path) as package:
        for name in sorted(package.namelist()):
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                xml = package.read(name).decode()
                for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
                    lines.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph)))
    return "\n".join(lines)


def _html_text(html: str) -> str:
    """The page's text (SVG figures' included) and the attributes a reader is given: titles, labels."""
    tree = parse_html(html)
    for tag in ("style", "script"):
        for node in list(tree.iter(tag)):
            node.children = []
    said = [tree.text()]
    said += [n.get(a) for n in tree.iter() for a in ("title", "aria-label", "data-label", "alt") if n.get(a)]
    return "\n".join(said)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each translated language's test brief in md, html, pdf (its text) and docx (its text)."""
    out: dict[str, dict[str, str]] = {}
    root = tmp_path_factory.mktemp("languages")
    (root / "briefgen.toml").write_text("", encoding="utf-8")
    for lang in TRANSLATED:
        write_brief(root / "briefs", lang.lower().replace("_", "-"), {**LATIN, "language": lang.replace("_", "-")})
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        args = ["build", "briefs", "--out", "out", "--format", "md,html,pdf,docx", "--force", "-q"]
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    for lang in TRANSLATED:
        target = root / "out" / lang.lower().replace("_", "-")
        out[lang] = {
            "md": target.with_suffix(".md").read_text(encoding="utf-8"),
            "html": target.with_suffix(".html").read_text(encoding="utf-8"),
            "pdf": run_tool("pdftotext", "-layout", target.with_suffix(".pdf"), "-"),
            "docx": _docx_text(target.with_suffix(".docx")),
            "pdf_lang": str(pypdf.PdfReader(target.with_suffix(".pdf")).trailer["/Root"].get("/Lang")),
        }
    return out


def _flat(text: str) -> str:
    """The text on one line: no-break spaces as spaces, pdftotext's bidi controls left out."""
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _left(text: str, labels: list[str]) -> list[str]:
    flat = _flat(text)
    return [label for label in labels if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", flat)]


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("fmt", ["md", "html", "pdf", "docx"])
def test_no_english_label_is_left_in_any_format(rendered: dict[str, dict[str, str]], lang: str, fmt: str) -> None:
    text = rendered[lang][fmt]
    if fmt == "html":
        text = _html_text(text)
    assert _left(text, _english_labels(lang)) == []
    shown = translator(lang.replace("_", "-")).date(dt.date(2025, 11, 28))
    if lang == "ar" and fmt == "pdf":  # pdftotext gives a right-to-left line's words in its own order
        assert all(part in _flat(text) for part in shown.split())
    else:
        assert shown in _flat(text)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_brief_names_its_language(rendered: dict[str, dict[str, str]], lang: str) -> None:
    tag = lang.replace("_", "-")
    html = parse_html(rendered[lang]["html"]).find("html")
    assert html is not None and html.get("lang") == tag
    assert rendered[lang]["pdf_lang"] == tag


def test_the_english_label_check_finds_a_label_left(rendered: dict[str, dict[str, str]]) -> None:
    labels = _english_labels("fr")
    assert "Bottom line up front" in labels and "Options" not in labels  # French writes "Options" too
    assert _left(rendered["fr"]["md"] + "\n## Key judgements", labels) == ["Key judgements"]


def test_a_brief_in_french_reads_french_labels(rendered: dict[str, dict[str, str]]) -> None:
    md = rendered["fr"]["md"]
    assert "## L’essentiel" in md and "### Jugements clés" in md
    assert "Page 1 sur " in rendered["fr"]["pdf"]
    assert "- Auteurs\u00a0: Publius Cornelius (scriba)\u202f; Gaius Iulius" in md  # French spacing (typeset.py)
    assert "L’essentiel" in rendered["fr"]["docx"] and "Page 1 sur 1" in rendered["fr"]["docx"]


# --- a theme's labels


def render_with_theme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str, toml: str) -> Result:
    """`briefgen render --format html` of a small brief in a project whose theme's brief.html.j2 is ``template``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "brief.html.j2").write_text(template, encoding="utf-8")
    (tmp_path / "briefgen.toml").write_text(toml, encoding="utf-8")
    path = write_brief(
        tmp_path / "briefs",
        "b",
        {"title": "T", "date": "2025-11-28", "summary": "S.", "trigger": {"title": "W", "summary": "H."}},
    )
    return CliRunner().invoke(main, ["render", str(path), "--out", "out", "--format", "html"])


def test_a_theme_label_not_in_the_catalogue_is_an_error_at_its_template_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    footer = (
        '{% extends "default/brief.html.j2" %}\n'
        "{% block footer %}\n"
        '<p>{{ _("Contents") }} · {{ _("Made by the desk") }}</p>\n'
        '<p>{{ pgettext("status", "Final") }} {{ pgettext("status", "Shelved") }}</p>\n'
        "{% endblock %}\n"
    )
    result = render_with_theme(tmp_path, monkeypatch, footer, 'templates = "theme"\n')
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "theme/brief.html.j2:3: label 'Made by the desk' is not in briefgen's message catalogue, so no language can"
        " translate it: use one of the catalogue's labels (briefgen/locales/briefgen.pot)",
        "theme/brief.html.j2:4: label 'status|Shelved' is not in briefgen's message catalogue, so no language can"
        " translate it: use one of the catalogue's labels (briefgen/locales/briefgen.pot)",
    ]


@pytest.mark.parametrize(
    ("label", "language", "shown"),
    [
        ("Contents", "de", '<p id="f"><span class="last-word">Inhalt</span></p>'),
        # "Scope" left briefgen's own formats in session 7 (they say "Scope:"): a theme asking for it still builds
        ("Scope", "fr", "Périmètre"),
    ],
)
def test_a_theme_using_the_catalogues_labels_renders_them_in_the_briefs_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, label: str, language: str, shown: str
) -> None:
    block = '<p id="f">{{ _("LABEL") }}</p>'.replace("LABEL", label)
    footer = '{% extends "default/brief.html.j2" %}{% block footer %}' + block + "{% endblock %}"
    result = render_with_theme(tmp_path, monkeypatch, footer, f'templates = "theme"\nlanguage = "{language}"\n')
    assert result.exit_code == 0, result.output
    assert shown in (tmp_path / "out" / "b.html").read_text(encoding="utf-8")


def test_a_language_without_a_catalogue_is_a_warning_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "briefgen.toml").write_text("", encoding="utf-8")
    path = write_brief(tmp_path / "briefs", "b", {**LATIN, "language": "it"})
    result = CliRunner().invoke(main, ["validate", str(path)])
    line = path.read_text(encoding="utf-8").splitlines().index('language: "it"') + 1
    assert (
        f"briefs/b.yaml:{line}:11: warning: language: briefgen has no labels in 'it': its labels, dates and numbers"
        " stay in British English (catalogues: ar, de, en, es, fr, ja, zh-Hans; the README's Languages says how to"
        " add one)"
    ) in result.output.splitlines()


def test_constant_labels_are_translated_as_a_template_compiles() -> None:
    fr = TranslatedEnvironment(translator("fr"), autoescape=True)
    source = (
        '{{ _("Contents") }} · {{ pgettext("status", "Final") }}'
        ' · {{ _("Page %(page)s of %(pages)s", page=1, pages=2) }}'
        ' · {{ _("Key judgements state the analyst’s confidence.") }}'
    )
    assert fr.from_string(source).render() == (
        "Sommaire · Définitive · Page 1 sur 2 · Les jugements clés indiquent le degré de confiance de l’analyste."
    )
    compiled = fr.compile('{{ _("Contents") }}{{ _("Trigger: %(title)s", title=t) }}', raw=True)
    assert "Sommaire" in compiled and "Contents" not in compiled  # folded: no lookup while rendering
    assert "Trigger: %(title)s" in compiled  # a label with variables is looked up while rendering
    english = TranslatedEnvironment(translator("en-GB"), autoescape=True)
    assert english.from_string('{{ _("the analyst\'s") }} {{ _("<b>") }}').render() == "the analyst's <b>"
