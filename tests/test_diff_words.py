"""The "What has changed" box in the brief's language: every kind of change told with no English word left, in
each shipped language and in every format; French sentences exact (their genders agree); titles emphasised and
in the language's quotes; `briefgen diff --format json` keeps its machine fields and says its sentence in the
new edition's language."""

from __future__ import annotations

import copy
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import minimal_data, run_tool, to_yaml, write_brief

from briefgen.cli import main
from briefgen.diff import Change, diff_briefs, in_language
from briefgen.i18n import SHIPPED, SOURCE_LANGUAGE
from briefgen.load import parse_source
from briefgen.markdown import emphasised
from briefgen.model import Brief
from briefgen.validate import validate

TRANSLATED = [lang for lang in SHIPPED if lang != SOURCE_LANGUAGE]
# the English words of the diff's sentences; a word the language itself writes is left out (fr Date, Option)
ENGLISH = [
    "added",
    "removed",
    "raised",
    "lowered",
    "reworded",
    "renamed",
    "changed",
    "moved",
    "from",
    "severity",
    "still",
    "was",
    "none",
    "set",
    "is",
    "now",
    "of",
    "Risk",
    "Ask",
    "Key",
    "judgement",
    "Actor",
    "Motivation",
    "Watch",
    "item",
    "Event",
    "Theme",
    "Option",
    "Section",
    "Source",
    "Likelihood",
    "Impact",
    "Confidence",
    "Date",
    "Status",
    "Tags",
    "Title",
    "Mitigation",
    "Asker",
]
VALID = {
    "fr": {"Date", "Option", "Section", "Source", "Motivation", "Impact"},
    "de": {"Option", "Status"},
    "es": {"Actor"},
}


def old_data() -> dict[str, Any]:
    """An edition with an item of every list; its titles are Latin, so no English word comes from them."""
    return minimal_data(
        id="desk",
        summary="Portus clausus est.",
        status="draft",
        key_points=[{"id": "kp", "text": "Lorem ipsum dolor sit amet.", "confidence": "moderate"}],
        actors=[
            {"id": "gaius", "name": "Gaius", "role": "consul"},
            *({"id": name.lower(), "name": name} for name in ("Sinae", "Gallia", "Roma")),
        ],
        motivations=[{"title": "Pecunia", "summary": "Aurum."}],
        asks=[{"by": "sinae", "of": "gallia", "ask": "Praesentium voluptatum."}],
        risks=[
            {"id": "r1", "title": "Fames", "likelihood": "possible", "impact": "major"},
            {"id": "r2", "title": "Bellum", "likelihood": "likely", "impact": "moderate", "description": "Arma."},
        ],
        watch_list=[{"id": "w1", "title": "Legatus", "indicator": "Nuntius venit.", "by": "2025-12-12"}],
        historical_context={
            "events": [{"date": "2021-03", "title": "Foedus"}],
            "themes": [{"title": "Mare", "body": "Navis."}],
        },
        options=[{"title": "Pax", "description": "Otium."}],
        sections=[{"id": "s1", "title": "Lex", "body": "Ius."}],
        sources=[{"id": "src", "title": "Acta diurna"}],
        tags=["labor"],
    )


def new_data(language: str) -> dict[str, Any]:
    """Every kind of change: each list's add, remove, rename or reword; scales raised and lowered with their
    severity; a date moved, set and removed; a list field's entries; a status; fields of the brief."""
    data = copy.deepcopy(old_data())
    data["language"] = language.replace("_", "-")
    data["summary"] = "Portus apertus est."
    data["status"] = "final"
    data["tags"] = ["mare", "portus"]
    data["key_points"][0] |= {"text": "Lorem ipsum dolor sit.", "confidence": "high"}
    data["key_points"].append({"text": "Nova sententia."})
    data["actors"][0] |= {"name": "Gaius Iulius", "role": "dictator"}
    data["actors"].append({"id": "brutus", "name": "Brutus"})
    data["motivations"] = [{"title": "Gloria", "summary": "Aurum."}]
    data["asks"] = [{"by": "sinae", "of": "roma", "ask": "Praesentium voluptatum deleniti."}]
    data["risks"][0] |= {"likelihood": "almost-certain"}
    data["risks"][1] |= {"impact": "minor", "description": None, "mitigation": "Murus."}
    data["risks"][1].pop("description")
    data["risks"].append({"title": "Pestis", "likelihood": "unlikely", "impact": "moderate"})
    data["watch_list"][0] |= {"by": "2026-01-15", "status": "triggered"}
    data["historical_context"]["events"] = [{"date": "2021-04", "title": "Foedus novum"}]
    del data["historical_context"]["themes"]
    data["options"] = [{"title": "Pax", "description": "Otium et quies."}, {"title": "Bellum iustum"}]
    data["sections"][0]["title"] = "Lex nova"
    data["sources"] = [{"id": "src", "title": "Acta senatus", "date": "2025-11-01"}]
    return data


def load(data: dict[str, Any]) -> Brief:
    brief, _ = validate(parse_source((to_yaml(data) + "\n").encode(), "desk.yaml"))
    return brief


def told(language: str) -> list[Change]:
    return in_language(diff_briefs(load(old_data()), load(new_data(language))), language.replace("_", "-"))


def _english_in(text: str, language: str) -> list[str]:
    words = [w for w in ENGLISH if w not in VALID.get(language, set())]
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def test_every_kind_of_change_is_in_the_pair() -> None:
    found = diff_briefs(load(old_data()), load(new_data("en")))
    kinds = {c.said.key for c in found if c.said is not None}
    assert kinds == {"whole", "scale", "renamed", "reworded", "date", "value", "listed", "text"}
    assert {c.said.change for c in found if c.said is not None and c.said.key == "scale"} == {"raised", "lowered"}
    assert {(c.old is None, c.new is None) for c in found if c.field == "date" or c.field == "by"} >= {
        (False, False),
        (True, False),
    }


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_english_word_is_left_in_a_sentence(lang: str) -> None:
    found = told(lang)
    assert len(found) == len(diff_briefs(load(old_data()), load(new_data(lang))))
    said = [" ".join(text for text, title in c.parts if not title) for c in found]
    assert [s for s in said if _english_in(s, lang)] == []
    assert all(c.language == lang.replace("_", "-") for c in found)


def test_french_sentences_agree_with_their_nouns() -> None:
    sentences = [c.sentence.replace("\u00a0", " ").replace("\u202f", " ") for c in told("fr")]
    for expected in (
        "L’essentiel : nouvelle rédaction",
        "Statut : désormais définitive (auparavant projet)",
        "Mots-clés — en plus : mare et portus ; en moins : labor",
        "Jugement clé reformulé : « Lorem ipsum dolor sit. »",
        "Confiance dans « Lorem ipsum dolor sit. » relevée : élevée au lieu de modérée",
        "Jugement clé ajouté : « Nova sententia. »",
        "Acteur renommé : « Gaius » devient « Gaius Iulius »",
        "Acteur ajouté : « Brutus »",
        "Motivation retirée : « Pecunia »",
        "Motivation ajoutée : « Gloria »",
        "Demande reformulée : « Praesentium voluptatum deleniti. »",
        "Destinataire de la demande « Praesentium voluptatum deleniti. » : désormais roma (auparavant gallia)",
        "Probabilité de « Fames » relevée : quasi certain au lieu de possible (gravité extrême, auparavant élevée)",
        "Impact de « Bellum » abaissé : mineur au lieu de modéré (gravité moyenne, auparavant élevée)",
        "Description du risque « Bellum » : suppression",
        "Atténuation du risque « Bellum » : ajout",
        "Risque ajouté : « Pestis » (peu probable, impact modéré : gravité moyenne)",
        "Statut du point de vigilance « Legatus » : désormais déclenché (auparavant en observation)",
        "Date du point de vigilance « Legatus » : désormais 15 janv. 2026 (auparavant 12 déc. 2025)",
        "Thème retiré : « Mare »",
        "Option ajoutée : « Bellum iustum »",
        "Section renommée : « Lex » devient « Lex nova »",
        "Source renommée : « Acta diurna » devient « Acta senatus »",
        "Date de la source « Acta senatus » fixée : 1 nov. 2025",
    ):
        assert expected in sentences


def test_titles_stay_apart_in_the_languages_quotes() -> None:
    [renamed] = [c for c in told("de") if c.said is not None and c.said.key == "renamed" and c.section == "actors"]
    assert [title for title, emphasised in renamed.parts if emphasised] == ["Gaius", "Gaius Iulius"]
    assert renamed.sentence == "Akteur umbenannt: „Gaius“ heißt jetzt „Gaius Iulius“"
    [added] = [c for c in told("ja") if c.section == "actors" and c.change == "added"]
    assert added.sentence == "関係者を追加：「Brutus」"
    assert emphasised(added.parts) == "関係者を追加：*Brutus*"


def _flat(text: str) -> str:
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode()
    return " ".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in xml.split("</w:p>"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("told")
    (root / "briefgen.toml").write_text("", encoding="utf-8")
    for lang in TRANSLATED:
        name = lang.lower().replace("_", "-")
        ident = name.replace("-", "")
        write_brief(root / "earlier", name, {**old_data(), "id": ident, "language": lang.replace("_", "-")})
        write_brief(root / "briefs", name, {**new_data(lang), "id": ident, "previous": f"../earlier/{name}.yaml"})
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        args = ["build", "briefs", "--out", "out", "--format", "md,html,docx", "--force", "-q"]
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return {lang: root / "out" / lang.lower().replace("_", "") for lang in TRANSLATED}


def _html_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_box_speaks_the_language_in_markdown_html_and_word(built: dict[str, Path], lang: str) -> None:
    target = built[lang]
    texts = {
        "md": target.with_suffix(".md").read_text(encoding="utf-8"),
        "html": _html_text(target.with_suffix(".html").read_text(encoding="utf-8")),
        "docx": _docx_text(target.with_suffix(".docx")),
    }
    for fmt, text in texts.items():
        flat = _flat(text.replace("*", " ") if fmt == "md" else text).replace(" ", "")
        for change in told(lang):
            for piece, title in change.parts:
                said = _flat(piece).replace(" ", "")  # CJK runs are spans in the HTML: compared without spaces
                if not title and len(said) > 3:
                    assert said.strip(":：") in flat, (fmt, piece)
    quoted = {
        "fr": "«\u00a0Brutus\u00a0»",
        "de": "„Brutus“",
        "ja": "「Brutus」",
        "zh_Hans": "“Brutus”",
        "ar": "«Brutus»",
    }
    assert quoted.get(lang, "«Brutus»") in texts["docx"]  # Word quotes a title as the language does
    if lang in ("fr", "de", "es"):  # the English words a Latin-script box would show
        box = _flat(texts["md"])
        assert not [w for w in _english_in(box, lang) if w in ("added", "removed", "raised", "lowered", "severity")]


def test_the_pdf_box_of_a_french_edition_is_in_french(tmp_path: Path) -> None:
    write_brief(tmp_path / "earlier", "desk", {**old_data(), "language": "fr"})
    write_brief(tmp_path / "briefs", "desk", {**new_data("fr"), "previous": "../earlier/desk.yaml"})
    (tmp_path / "briefgen.toml").write_text("", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        result = CliRunner().invoke(main, ["build", "briefs", "--out", "out", "--format", "pdf", "-q"])
    assert result.exit_code == 0, result.output
    text = _flat(run_tool("pdftotext", tmp_path / "out" / "desk.pdf", "-"))
    assert "Risque ajouté : Pestis (peu probable, impact modéré : gravité moyenne)" in text
    assert "Demande reformulée : Praesentium voluptatum deleniti." in text
    assert "Risk added" not in text and "raised from" not in text


def test_json_keeps_its_machine_fields_and_says_the_sentence_in_french(tmp_path: Path) -> None:
    old = write_brief(tmp_path, "old", {**old_data(), "language": "fr"})
    new = write_brief(tmp_path, "new", new_data("fr"))
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 0, result.output
    [risk] = [c for c in json.loads(result.output) if c["section"] == "risks" and c["change"] == "added"]
    assert (risk["item"], risk["field"], risk["old"], risk["new"]) == ("Pestis", None, None, None)
    assert (
        risk["sentence"]
        == "Risque ajouté\u00a0: «\u00a0Pestis\u00a0» (peu probable, impact modéré\u00a0: gravité moyenne)"
    )
    text = CliRunner().invoke(main, ["diff", str(old), str(new)]).output
    assert "Thème retiré\u00a0: «\u00a0Mare\u00a0»" in text


def test_english_sentences_are_as_they_were() -> None:
    found = diff_briefs(load(old_data()), load(new_data("en")))
    assert in_language(found, "en") == found
    sentences = [c.sentence for c in found]
    assert "Status changed from draft to final" in sentences
    assert "Tags: added mare, portus; removed labor" in sentences
    assert "Date of source “Acta senatus” set to 1 Nov 2025" in sentences
    assert "Mitigation of risk “Bellum” added" in sentences


def test_a_key_judgements_likelihood_moved_has_no_severity() -> None:
    old = old_data()
    old["key_points"][0]["likelihood"] = "possible"
    new = copy.deepcopy(old)
    new["key_points"][0]["likelihood"] = "likely"
    [change] = diff_briefs(load(old), load(new))
    assert change.sentence == "Likelihood of “Lorem ipsum dolor sit amet.” raised from possible to likely"
    [french] = in_language([change], "fr")
    assert french.sentence.replace("\u00a0", " ") == (
        "Probabilité de « Lorem ipsum dolor sit amet. » relevée : probable au lieu de possible"
    )


def _judged(old: str | None, new: str, language: str = "en", kind: str | None = None) -> list[str]:
    """The sentences of a key judgement whose likelihood went from ``old`` to ``new``, and a source whose kind
    became ``kind``, in ``language``."""
    before = old_data()
    before["key_points"][0]["likelihood"] = old
    after = copy.deepcopy(before)
    after["key_points"][0]["likelihood"] = new
    if kind:
        after["sources"][0]["kind"] = kind
    after["language"] = language
    return [c.sentence.replace("\u00a0", " ") for c in in_language(diff_briefs(load(before), load(after)), language)]


def test_a_key_judgements_likelihood_is_told_by_its_label_not_its_value() -> None:
    point = "key judgement “Lorem ipsum dolor sit amet.”"
    assert _judged("likely", "highly-likely") == [f"Likelihood of {point} changed from likely to highly likely"]
    assert _judged("Likely", "Highly likely") == [f"Likelihood of {point} changed from likely to highly likely"]
    assert _judged(None, "almost-certain", kind="official-statement") == [
        f"Likelihood of {point} changed from none to almost certain",
        "Kind of source “Acta diurna” changed from none to official statement",
    ]
    assert _judged("likely", "fifty-fifty") == [f"Likelihood of {point} changed from likely to fifty-fifty"]
    # a respelling of one word is no change of substance, in a published yardstick's words or the writer's own
    for old, new in (("Likely", "likely"), ("highly likely", "highly-likely"), ("Fifty-fifty", "fifty fifty")):
        assert _judged(old, new) == [], (old, new)
    # two words for one step on the published yardsticks are a change (a project's yardstick may tell them
    # apart), told as written rather than as "from likely to likely"
    assert _judged("likely", "probably") == [f"Likelihood of {point} changed from likely to probably"]
    assert _judged("probable", "Likely") == [f"Likelihood of {point} changed from probable to Likely"]


def test_a_key_judgements_likelihood_is_told_by_its_translated_label() -> None:
    point = "du jugement clé « Lorem ipsum dolor sit amet. »"
    assert _judged("likely", "highly-likely", "fr") == [
        f"Probabilité {point} : désormais très probable (auparavant probable)"
    ]
    assert _judged("probable", "highly likely", "fr") == [
        f"Probabilité {point} : désormais très probable (auparavant probable)"
    ]
    assert _judged(None, "almost-certain", "fr", kind="social-media") == [
        f"Probabilité {point} : désormais quasi certain (auparavant néant)",
        "Type de la source « Acta diurna » : désormais réseaux sociaux (auparavant néant)",
    ]
    [german] = _judged("likely", "highly-likely", "de")
    assert german.endswith(": jetzt sehr wahrscheinlich (zuvor wahrscheinlich)")


def test_the_box_and_the_report_say_a_key_judgements_likelihood_by_its_label(project: Path, run: Any) -> None:
    for name, likelihood in (("old", "likely"), ("new", "highly-likely")):
        data = minimal_data(key_points=[{"id": "kp", "text": "Lorem.", "likelihood": likelihood}])
        for lang in ("en", "fr"):
            extra = {"previous": f"{name.replace('new', 'old')}.yaml"} if name == "new" else {}
            write_brief(project / lang, name, {**data, "language": lang, **extra})
    sentences = {
        "en": "Likelihood of key judgement *Lorem.* changed from likely to highly likely",
        "fr": "Probabilité du jugement clé *Lorem.* : désormais très probable (auparavant probable)",
    }
    for lang, sentence in sentences.items():
        assert run("render", f"{lang}/new.yaml", "--format", "md", "--out", f"out-{lang}").exit_code == 0
        text = (project / f"out-{lang}" / "new.md").read_text(encoding="utf-8").replace("\u00a0", " ")
        assert f"- {sentence}\n" in text
        report = run("diff", f"{lang}/old.yaml", f"{lang}/new.yaml", "--format", "markdown").stdout
        assert f"- {sentence}\n" in report.replace("\u00a0", " ")
        assert "highly-likely" not in text.split("## ", 3)[2] + report


def test_the_text_and_markdown_reports_speak_the_new_editions_language(tmp_path: Path) -> None:
    for lang in ("fr", "ar"):
        write_brief(tmp_path / lang, "old", {**old_data(), "language": lang})
        write_brief(tmp_path / lang, "new", new_data(lang))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        text = CliRunner().invoke(main, ["diff", "fr/old.yaml", "fr/new.yaml"]).output.splitlines()
        markdown = CliRunner().invoke(main, ["diff", "fr/old.yaml", "fr/new.yaml", "--format", "markdown"]).output
        arabic = CliRunner().invoke(main, ["diff", "ar/old.yaml", "ar/new.yaml"]).output.splitlines()
    assert text[0] == "fr/new.yaml: depuis fr/old.yaml (28 novembre 2025): 28 modifications"
    assert markdown.startswith(
        "## Ce qui a changé dans les notes\n\n### A minimal brief\n\n"
        "`fr/new.yaml`, depuis fr/old.yaml (28 novembre 2025):\n\n"
        "- Statut\u00a0: désormais définitive (auparavant projet)\n"
    )
    assert "- Jugement clé reformulé\u00a0: *Lorem ipsum dolor sit.*\n" in markdown
    assert arabic[0] == "ar/new.yaml: منذ ar/old.yaml (28 نوفمبر 2025): 28 تغييرًا"  # 11 to 99: its fifth form


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_value_holding_the_private_marks_is_told_as_written(lang: str) -> None:
    """The wording marks titles with a private-use character; a brief's own text may hold it too."""
    old = minimal_data(actors=[{"id": "g", "name": "Gaius \ue0001\ue000", "role": "consul \ue0005\ue000"}])
    new = copy.deepcopy(old)
    new["actors"][0] |= {"role": "dictator \ue000x\ue000"}
    new["language"] = lang
    sentences = [change.sentence for change in in_language(diff_briefs(load(old), load(new)), lang)]
    assert len(sentences) == 1
    assert "Gaius \ue0001\ue000" in sentences[0]  # a title is a part apart: as written
    assert "consul \ufffd5\ufffd" in sentences[0] and "dictator \ufffdx\ufffd" in sentences[0]
