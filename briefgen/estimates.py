"""How a brief's estimates are shown, in every format: a judgement's likelihood with its range on the
yardstick, whose risk a risk is, the risks the summary edition keeps, and the source grades."""

from __future__ import annotations

from typing import Any

from briefgen.i18n import translator
from briefgen.model import Brief, Risk
from briefgen.project import Project
from briefgen.yardstick import CREDIBILITY, RELIABILITY, Yardstick


def estimates(brief: Brief, project: Project) -> dict[str, Any]:
    """What the templates need of the yardstick, the edition variant, the page budget and the source grades."""
    yardstick = project.yardstick_in(brief.language)

    def whose(risk: Risk) -> str:
        if risk.to is None:
            return ""
        if risk.to == "us":
            return translator(project.language_of(brief)).gettext("us")
        actor = brief.actor(risk.to)
        return actor.affiliation or actor.name  # a table cell: "China", not the state's full name

    return {
        "yardstick": yardstick,
        "likelihood_label": lambda word: likelihood_label(word, yardstick),
        "whose": whose,
        "risk_rows": risk_rows(brief, project.edition_variant),
        "summary_edition": project.edition_variant == "summary",
        "page_budget": brief.max_pages or project.page_budget,
        "grades": {"reliability": RELIABILITY, "credibility": CREDIBILITY},
    }


def likelihood_label(word: str | None, yardstick: Yardstick | None) -> str:
    """Likely (55-75%): a key judgement's likelihood with its range on the yardstick (as written without one)."""
    term = yardstick.term(word) if yardstick and word else None
    if term is None:
        return (word or "").capitalize()
    return f"{term.term.capitalize()} ({term.range})"


def risk_rows(brief: Brief, variant: str) -> list[tuple[int, Risk]]:
    """The risks an edition shows, numbered as in the full one: all, or the summary's three most severe."""
    rows = list(enumerate(brief.risks, 1))
    if variant != "summary":
        return rows
    return sorted(sorted(rows, key=lambda row: -row[1].score)[:3])
