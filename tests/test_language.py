"""A brief's language: its own `language`, else briefgen.toml's, else en-GB; set on every output format."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from helpers import minimal_data, parse_html, settings, write_brief

from briefgen.cli import main
from briefgen.config import Config
from briefgen.model import Brief


def _render(tmp_path: Path, data: dict[str, object], toml: str = "") -> Path:
    """Render html, pdf and docx in a project of its own at tmp_path."""
    (tmp_path / "briefgen.toml").write_text(toml, encoding="utf-8")
    path = write_brief(tmp_path / "briefs", "b", data)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(path), "--out", str(out), "--format", "html,pdf,docx"])
    assert result.exit_code == 0, result.output
    return out


def _languages(out: Path) -> tuple[str | None, object, str]:
    html = parse_html((out / "b.html").read_text(encoding="utf-8")).find("html")
    assert html is not None
    pdf_lang = pypdf.PdfReader(out / "b.pdf").trailer["/Root"].get("/Lang")
    with zipfile.ZipFile(out / "b.docx") as package:
        styles = package.read("word/styles.xml").decode()
    return html.get("lang"), pdf_lang, styles


def test_a_brief_names_its_language_in_html_pdf_and_docx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    html_lang, pdf_lang, styles = _languages(_render(tmp_path, minimal_data(language="fr")))
    assert (html_lang, pdf_lang) == ("fr", "fr")
    assert 'w:lang w:val="fr"' in styles


def test_briefgen_toml_sets_the_language_of_briefs_that_name_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    html_lang, pdf_lang, styles = _languages(_render(tmp_path, minimal_data(), 'language = "de"\n'))
    assert (html_lang, pdf_lang) == ("de", "de")
    assert 'w:lang w:val="de"' in styles


def test_the_default_language_is_british_english() -> None:
    brief = Brief.model_validate(minimal_data())
    assert settings().language_of(brief) == "en-GB"
    assert settings(Config(language="ja")).language_of(brief) == "ja"
    assert settings(Config(language="ja")).language_of(brief.model_copy(update={"language": "ar"})) == "ar"
