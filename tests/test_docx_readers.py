"""Every generated Word document opened by a second, independent reader: LibreOffice converts it to PDF and
poppler reads the pages back (page count, marking and "Page X of Y" on every page, every section's text,
CJK text drawn in a face that has it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLE_BRIEF, REAL_BRIEF, load, page_texts, pdffonts, pdfinfo, run_tool, settings, write_brief

from briefgen.docx_writer import docx_bytes
from briefgen.model import Brief

CJK_DATA: dict[str, Any] = {
    "title": "中国寻求法国支持 日本の安全保障 한국의 입장",
    "subtitle": "北京与东京的外交争端及其对欧洲的影响",
    "date": "2025-11-28",
    "status": "draft",
    "classification": "UNCLASSIFIED",
    "summary": "中国正在寻求法国在与日本的争端中给予支持。"
    "王毅与法国总统外交顾问通话，强调双方应在核心利益问题上相互支持。"
    "日本の高市早苗首相は台湾有事に関する発言を撤回していない。한국은 신중한 입장을 유지하고 있다.",
    "key_points": [
        {"text": "北京希望巴黎在一个中国原则上表态支持。", "confidence": "moderate"},
        {"text": "東京は発言を撤回しない可能性が高い。", "confidence": "high"},
    ],
    "actors": [
        {"id": "wang-yi", "name": "王毅", "role": "中国外交部长", "lang": "zh-Hans"},
        {"id": "takaichi", "name": "高市早苗", "role": "日本国首相", "lang": "ja"},
    ],
    "trigger": {
        "title": "高市首相の台湾発言",
        "date": "2025-11-07",
        "summary": "2025年11月7日、高市首相は国会で台湾有事が存立危機事態になり得ると述べた。",
        "points": ["中国外交部强烈反对。", "日本政府は立場を維持。"],
        "actors": ["takaichi"],
    },
    "risks": [
        {
            "title": "经济报复升级",
            "description": "中国可能扩大对日本的经济措施。",
            "likelihood": "likely",
            "impact": "major",
        }
    ],
    "watch_list": [{"title": "法国的公开表态", "indicator": "爱丽舍宫或外交部的声明。", "by": "2026-01-31"}],
}


def libreoffice_pdf(docx: Path) -> Path:
    """``docx`` converted by LibreOffice (its own profile folder, so runs never share one)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice not installed: scripts/setup-system.sh --test installs libreoffice-writer-nogui")
    profile = docx.parent / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(docx.parent), str(docx)],
        capture_output=True, check=True, timeout=240,
    )  # fmt: skip
    pdf = docx.with_suffix(".pdf")
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    return pdf


def headings(brief: Brief) -> list[str]:
    found = ["Bottom line up front", f"Trigger: {brief.trigger.title}"]
    found += [t for present, t in ((brief.risks, "Risks"), (brief.watch_list, "Watch list")) if present]
    return [*found, *(s.title for s in brief.sections), "Annex: How to read this brief"]


@pytest.fixture(scope="module")
def read_back(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Brief, Path]]:
    cache: dict[str, tuple[Brief, Path]] = {}

    def get(name: str) -> tuple[Brief, Path]:
        if name not in cache:
            folder = tmp_path_factory.mktemp(f"lo-{name}")
            path = {"real": REAL_BRIEF, "example": EXAMPLE_BRIEF}.get(name) or write_brief(folder, name, CJK_DATA)
            valid = load(path)
            target = folder / f"{valid.id}.docx"
            target.write_bytes(docx_bytes(valid.brief, settings(), valid.images))
            cache[name] = (valid.brief, libreoffice_pdf(target))
        return cache[name]

    return get


@pytest.mark.parametrize("name", ["real", "example", "cjk"])
def test_every_page_shows_the_marking_and_page_x_of_y(read_back: Callable[..., Any], name: str) -> None:
    brief, pdf = read_back(name)
    pages = page_texts(pdf)
    count = int(pdfinfo(pdf)["Pages"])
    assert len(pages) == count
    words = len(run_tool("pdftotext", pdf, "-").split())
    assert 1 <= count <= 30 and words / count < 900, (count, words)  # plausible: no runaway, no cramming
    for n, page in enumerate(pages, 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == brief.classification, (n, lines[:2])
        assert lines[-1] == f"Page {n} of {count}", (n, lines[-2:])
        assert lines[-2] == brief.classification


@pytest.mark.parametrize("name", ["real", "example", "cjk"])
def test_the_text_of_every_section_is_there(read_back: Callable[..., Any], name: str) -> None:
    brief, pdf = read_back(name)
    # a narrow cell may break a line at a space or a hyphen (which pdftotext then drops)
    text = "".join(run_tool("pdftotext", pdf, "-").split()).replace("-", "")

    def there(value: str) -> bool:
        return "".join(value.split()).replace("-", "") in text

    assert all(there(h) for h in headings(brief)), [h for h in headings(brief) if not there(h)]
    for item in [*brief.risks, *brief.watch_list, *brief.actors, *brief.motivations]:
        assert there(getattr(item, "title", None) or getattr(item, "name", "")), item


def test_cjk_is_drawn_in_a_cjk_face_with_every_character_there(read_back: Callable[..., Any]) -> None:
    brief, pdf = read_back("cjk")
    fonts = pdffonts(pdf)
    assert all(embedded for _, embedded in fonts)
    assert any(re.search(r"CJK|Droid|WenQuanYi", name) for name, _ in fonts), fonts
    text = run_tool("pdftotext", pdf, "-")
    wanted = set(re.sub(r"[^\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", "", brief.summary + brief.trigger.summary))
    missing = {c for c in wanted if c not in text}
    assert not missing, sorted(missing)
