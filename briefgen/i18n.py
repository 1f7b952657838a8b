"""The words briefgen adds to a brief, in the brief's language: labels from the Babel message catalogues in
briefgen/locales, dates and numbers formatted by Babel for the locale. The brief's own words are never touched.

A catalogue is read from its compiled .mo when that is at least as new as its .po, else the .po is compiled in
memory: a fresh clone or an sdist (which carry no .mo) works, and a translator's edit shows at once."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Problem
from briefgen.fields import CONFIDENCES, IMPACTS, LIKELIHOODS, PartialDate, format_cutoff, format_date, shorten
from briefgen.load import display_path
from briefgen.yardstick import CREDIBILITY, RELIABILITY

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported where a locale is needed, never for British English: an English brief (and `validate`,
# which reads a brief's language) pays nothing for the languages it does not use.

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "briefgen"
SOURCE_LANGUAGE = "en"  # the msgids are British English
SHIPPED = ("en", "fr", "de", "es", "zh_Hans", "ja", "ar")  # the catalogues tests hold complete


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; it is translated where it is shown."""
    return message


def mark(context: str, message: str) -> tuple[str, str]:
    """Mark a message with its context (pgettext) for extraction: one word may be two in another language."""
    return (context, message)


# What each step of the scales means: shown in the annex "How to read this brief".
SCALES: dict[str, list[tuple[str, str]]] = {
    "likelihood": [
        ("rare", N_("Could happen only in exceptional circumstances (under 5%).")),
        ("unlikely", N_("Could happen but is not expected (5-25%).")),
        ("possible", N_("Might well happen (25-50%).")),
        ("likely", N_("Will probably happen (50-80%).")),
        ("almost-certain", N_("Is expected to happen (over 80%).")),
    ],
    "impact": [
        ("minimal", N_("Negligible effect; no change of course needed.")),
        ("minor", N_("Limited, short-lived effect, handled in normal business.")),
        ("moderate", N_("Noticeable effect on interests or relations; needs attention at desk level.")),
        ("major", N_("Serious damage to interests or relations; needs senior attention.")),
        ("severe", N_("Lasting, strategic damage; needs ministerial attention.")),
    ],
    "confidence": [
        ("low", N_("Fragmentary or poorly corroborated information; plausible alternatives remain.")),
        ("moderate", N_("Credibly sourced and plausible, but not corroborated enough for high confidence.")),
        ("high", N_("Well-corroborated information from reliable sources; little doubt remains.")),
    ],
}
assert [s for s, _ in SCALES["likelihood"]] == list(LIKELIHOODS)
assert [s for s, _ in SCALES["impact"]] == list(IMPACTS)
assert [s for s, _ in SCALES["confidence"]] == list(CONFIDENCES)
GRADES = {"reliability": RELIABILITY, "credibility": CREDIBILITY}


# The values of the format's closed lists, as a reader sees them, by what they rate: "moderate" impact and
# "moderate" confidence agree with different nouns in French ("modéré", "modérée").
VALUES: dict[tuple[str, str], str] = {
    (ctx, msg.lower().replace(" ", "-")): msg
    for ctx, msg in (
        mark("likelihood", "Rare"),
        mark("likelihood", "Unlikely"),
        mark("likelihood", "Possible"),
        mark("likelihood", "Likely"),
        mark("likelihood", "Almost certain"),
        mark("impact", "Minimal"),
        mark("impact", "Minor"),
        mark("impact", "Moderate"),
        mark("impact", "Major"),
        mark("impact", "Severe"),
        mark("confidence", "Low"),
        mark("confidence", "Moderate"),
        mark("confidence", "High"),
        mark("severity", "Low"),
        mark("severity", "Medium"),
        mark("severity", "High"),
        mark("severity", "Extreme"),
        mark("status", "Draft"),
        mark("status", "Final"),
        mark("watch", "Watching"),
        mark("watch", "Triggered"),
        mark("watch", "Resolved"),
        mark("kind", "Reporting"),
        mark("kind", "Analysis"),
        mark("kind", "Official statement"),
        mark("kind", "Interview"),
        mark("kind", "Document"),
        mark("kind", "Data"),
        mark("kind", "Social media"),
    )
}
# the index page's link to each format (formats.REGISTRY's link_label)
FORMAT_LINKS = (N_("Web page"), N_("PDF"), N_("Markdown"), N_("Word"))
# labels briefgen's own templates and formats no longer use, kept in the catalogue (translated) so that a
# theme whose templates still ask for them keeps building: a theme may use any label the catalogue has
KEPT_FOR_THEMES = (N_("Scope"),)
# the Admiralty grades' names and meanings (yardstick.RELIABILITY, CREDIBILITY), marked for the catalogue
GRADE_WORDS = (
    N_("Completely reliable"),
    N_("No doubt of authenticity, trustworthiness or competence; a history of complete reliability."),
    N_("Usually reliable"),
    N_("Minor doubt; a history of valid information most of the time."),
    N_("Fairly reliable"),
    N_("Doubt; has provided valid information in the past."),
    N_("Not usually reliable"),
    N_("Significant doubt; has provided valid information in the past."),
    N_("Unreliable"),
    N_("Lacking in authenticity, trustworthiness and competence; a history of invalid information."),
    N_("Reliability cannot be judged"),
    N_("No basis exists for judging the source’s reliability."),
    N_("Confirmed"),
    N_("Confirmed by other independent sources; logical in itself; consistent with other information."),
    N_("Probably true"),
    N_("Not confirmed; logical in itself; consistent with other information on the subject."),
    N_("Possibly true"),
    N_("Not confirmed; reasonably logical in itself; agrees with some other information."),
    N_("Doubtfully true"),
    N_("Not confirmed; possible but not logical; no other information on the subject."),
    N_("Improbable"),
    N_("Not confirmed; not logical in itself; contradicted by other information."),
    N_("Truth cannot be judged"),
    N_("No basis exists for judging the validity of the information."),
)
CONFIDENCE_PHRASES = {
    "low": N_("Low confidence"),
    "moderate": N_("Moderate confidence"),
    "high": N_("High confidence"),
}


def _catalogue(locale: str) -> gettext.GNUTranslations | None:
    """The compiled catalogue of ``locale`` (a folder name of locales/), or None when there is none."""
    folder = LOCALES_DIR / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not po.is_file():
        return None
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    return gettext.GNUTranslations(io.BytesIO(compile_po(po)))


def compile_po(po: Path) -> bytes:
    """A .po file compiled as `pybabel compile` does (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fp:
        catalog = read_po(fp, locale=po.parent.parent.name, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def catalogue_for(language: str) -> tuple[str | None, Locale | None]:
    """The shipped catalogue a BCP 47 tag is read with (fr-CA -> fr, zh-Hans and zh -> zh_Hans), or None for
    one briefgen has no catalogue for, and the Babel locale its dates and numbers take (None: British English,
    also for a language without a catalogue)."""
    if language.lower() in ("en", "en-gb"):
        return SOURCE_LANGUAGE, None
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        return None, None
    script = locale.script or _likely_script(locale)
    for name in (f"{locale.language}_{script}" if script else "", locale.language):
        if name and (LOCALES_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po").is_file():
            return name, locale
    return None, None


def _likely_script(locale: Locale) -> str | None:
    if locale.language != "zh":
        return None
    return "Hant" if locale.territory in ("TW", "HK", "MO") else "Hans"


@dataclass(frozen=True)
class Translator:
    """Labels, dates and numbers in one language (get one with ``translator``)."""

    language: str  # as the brief asked for it (BCP 47)
    catalogue: str | None  # the catalogue read (fr, zh_Hans), None: British English, as there is none
    locale: Locale | None  # None: British English
    translations: gettext.NullTranslations

    @property
    def british(self) -> bool:
        """Whether this is British English: the source language, formatted as briefgen always did."""
        return self.locale is None or (self.locale.language == "en" and self.locale.territory in (None, "GB"))

    @property
    def known(self) -> bool:
        """Whether briefgen has a catalogue for the language (an unknown one gets British English labels)."""
        return self.catalogue is not None

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def value(self, value: str, scale: str) -> str:
        """A value of a closed list as shown: almost-certain (likelihood) -> Almost certain / Quasi certain."""
        shown = VALUES.get((scale, value))
        if shown is None:
            return value.replace("-", " ").capitalize()
        return self.pgettext(scale, shown)

    def confidence(self, level: str) -> str:
        """High confidence, Confiance élevée."""
        return self.gettext(CONFIDENCE_PHRASES[level])

    def date(self, value: dt.date | None) -> str:
        """28 November 2025, 28 novembre 2025, 2025年11月28日."""
        if value is None:
            return ""
        if self.british:
            return format_date(value)
        from babel.dates import format_date as babel_date

        return babel_date(value, "long", locale=self.locale)

    def partial(self, value: PartialDate) -> str:
        """A date known to the day, month or year, short: 11 Sep 2012, Sep 2012, 2012 (sept. 2012, 2012年9月)."""
        if self.british or not value.month:
            return value.label
        from babel.dates import format_skeleton

        when = dt.date(value.year, value.month, value.day or 1)
        return format_skeleton("yMMMd" if value.day else "yMMM", when, locale=self.locale)

    def cutoff(self, value: dt.datetime | None) -> str:
        """28 Nov 2025, 07:42 IST in the locale's order (the zone as the brief's own)."""
        if value is None or self.british:
            return format_cutoff(value)
        from babel.dates import format_skeleton

        zone = format_cutoff(value).rsplit(" ", 1)[-1]
        return f"{self._date_time(format_skeleton('yMMMd', value, locale=self.locale), value)} {zone}"

    def moment(self, value: dt.datetime) -> str:
        """A build time in UTC: 28 November 2025, 07:42 UTC."""
        if self.british:
            return value.strftime("%-d %B %Y, %H:%M UTC")
        return f"{self._date_time(self.date(value.date()), value)} UTC"

    def _date_time(self, date: str, value: dt.datetime) -> str:
        """A date and a 24-hour time joined as the locale joins them (28 nov. 2025, 07:42 / 2025年11月28日 7:42)."""
        assert self.locale is not None  # not British English
        pattern = str(self.locale.datetime_formats["medium"])
        return pattern.replace("{1}", date).replace("{0}", f"{value:%H:%M}")

    def month(self, month: int) -> str:
        """A month's abbreviation for a timeline's ticks: Sep, sept., 9月."""
        if self.british:
            return dt.date(2000, month, 1).strftime("%b")
        from babel.dates import get_month_names

        return str(get_month_names("abbreviated", locale=self.locale)[month])

    def day_month(self, value: dt.date) -> str:
        """A day of a month, without the year, for a timeline's ticks: 11 Sep, 11 sept., 9月11日."""
        if self.british:
            return f"{value.day} {value:%b}"
        from babel.dates import format_skeleton

        return format_skeleton("MMMd", value, locale=self.locale)

    def number(self, value: float) -> str:
        """1,234.5 / 1 234,5."""
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.locale or "en_GB")


@functools.cache
def translator(language: str) -> Translator:
    """The Translator of a BCP 47 tag (cached): its catalogue, else British English labels."""
    name, locale = catalogue_for(language)
    translations: gettext.NullTranslations = gettext.NullTranslations()
    if name is not None and name != SOURCE_LANGUAGE:
        translations = _catalogue(name) or translations
    return Translator(language, name, locale, translations)


def scales_in(tr: Translator) -> dict[str, list[tuple[str, str]]]:
    """SCALES with their meanings in the translator's language."""
    if tr.catalogue in (None, "en"):
        return SCALES
    return {scale: [(step, tr.gettext(meaning)) for step, meaning in steps] for scale, steps in SCALES.items()}


def grades_in(tr: Translator) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """The Admiralty grades (letter or digit, name, meaning) in the translator's language."""
    return {scale: tuple((g, tr.gettext(n), tr.gettext(m)) for g, n, m in grades) for scale, grades in GRADES.items()}


# --- a theme's labels: only the catalogue's, or a translation could never reach them


@functools.cache
def catalogue_messages() -> frozenset[tuple[str | None, str]]:
    """Every (context, msgid) of the catalogue template (the plural's singular for a plural)."""
    from babel.messages.pofile import read_po

    with (LOCALES_DIR / f"{DOMAIN}.pot").open("rb") as fp:
        return frozenset((m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(fp) if m.id)


def theme_label_problems(folder: Path) -> list[Problem]:
    """A problem for each label a theme's templates translate (``_()``, ``gettext``, ``ngettext``, ``pgettext``,
    ``{% trans %}``) that is not in briefgen's catalogue, at its template and line (cached per file version)."""
    files = sorted(p for p in folder.rglob("*.j2") if p.is_file() and not p.name.startswith("."))
    return [p for path in files for p in _file_label_problems(path, path.stat().st_mtime_ns)]


@functools.cache
def _file_label_problems(path: Path, mtime_ns: int) -> tuple[Problem, ...]:
    from jinja2.ext import babel_extract

    known = catalogue_messages()
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    keywords = ("_", "gettext", "ngettext", "pgettext", "npgettext")
    problems = []
    with path.open("rb") as fp:
        for line, function, message, _ in babel_extract(fp, keywords, [], options):
            context, msgid = _split_message(function, message)
            if msgid is not None and (context, msgid) not in known:
                said = f"{context}|{msgid}" if context else msgid
                problems.append(
                    Problem(
                        display_path(path),
                        line,
                        0,
                        "",
                        f"label '{shorten(said)}' is not in briefgen's message catalogue, so no language can"
                        " translate it: use one of the catalogue's labels (briefgen/locales/briefgen.pot)",
                    )
                )
    return tuple(problems)


def _split_message(function: str, message: object) -> tuple[str | None, str | None]:
    """(context, msgid) of an extracted call; msgid None for a message that is not a constant."""
    parts = message if isinstance(message, tuple) else (message,)
    if function in ("pgettext", "npgettext"):
        context, msgid = (*parts, None, None)[:2]
        return (context if isinstance(context, str) else None), (msgid if isinstance(msgid, str) else None)
    return None, parts[0] if isinstance(parts[0], str) else None
