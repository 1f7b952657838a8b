"""A brief's page links its original and its translations built with it (<link rel="alternate" hreflang>,
itself too), kept right as translations come and go, and a release edition never links one withheld from it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from click.testing import Result
from helpers import BRIEFS, REPO, brief, write_tree

from briefgen.translation import Alternate, Member, alternates

Run = Callable[..., Result]
ORIGINAL, FRENCH = "china-france-japan-2025-11", "china-france-japan-2025-11.fr"


class _Head(HTMLParser):
    """The page's language and its alternate links, where they stand (in the head or not)."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.links: list[tuple[str, str]] = []
        self.outside_head: list[tuple[str, str]] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        self.in_head = tag == "head" or self.in_head
        if tag == "link" and found.get("rel") == "alternate":
            link = (found.get("hreflang") or "", found.get("href") or "")
            (self.links if self.in_head else self.outside_head).append(link)

    def handle_endtag(self, tag: str) -> None:
        self.in_head = self.in_head and tag != "head"


def head(page: Path) -> _Head:
    parser = _Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_a_build_of_the_repositorys_briefs_links_each_page_to_its_translation(project: Path, run: Run) -> None:
    shutil.copytree(BRIEFS, project / "briefs")
    shutil.copy(REPO / "briefgen.toml", project / "briefgen.toml")
    result = run("build", "--format", "html", "-j", "1", "briefs")
    assert result.exit_code == 0, result.output
    for folder in (project / "output", project / "output" / "release-u"):  # the release has both: both linked
        expected = [("en-GB", f"{ORIGINAL}.html"), ("fr", f"{FRENCH}.html")]
        for page, lang in [(ORIGINAL, "en-GB"), (FRENCH, "fr")]:
            parsed = head(folder / f"{page}.html")
            assert parsed.links == expected and parsed.outside_head == [], (folder, page)
            assert parsed.lang == lang and (lang, f"{page}.html") in parsed.links  # the self link, its own language
        assert all((folder / href).is_file() for _, href in expected)
        assert head(folder / "example-port-strike.html").links == []  # no translation: no links


def test_links_follow_translations_added_and_removed(project: Path, run: Run) -> None:
    original = brief("Original")
    translation = brief("Traduction", "language: fr\ntranslation_of: note\n")
    write_tree(project, {"briefs/note.yaml": original, "briefs/other.yaml": brief("Other")})
    assert run("build", "--format", "html", "-j", "1").exit_code == 0
    assert head(project / "output" / "note.html").links == []
    write_tree(project, {"briefs/note.fr.yaml": translation})  # the original is left as it is, its links not
    result = run("build", "--format", "html", "-j", "1", "-v")
    assert "built briefs/note.yaml" in result.stderr + result.stdout
    links = [("en-GB", "note.html"), ("fr", "note.fr.html")]
    assert head(project / "output" / "note.html").links == head(project / "output" / "note.fr.html").links == links
    again = run("build", "--format", "html", "-j", "1")
    assert "built 0, unchanged 3" in again.stderr + again.stdout  # nothing changed: nothing is made again
    (project / "briefs" / "note.fr.yaml").unlink()
    assert run("build", "--format", "html", "-j", "1").exit_code == 0
    assert head(project / "output" / "note.html").links == []
    assert not (project / "output" / "note.fr.html").exists()


def test_a_release_never_links_a_translation_withheld_from_it(project: Path, run: Run) -> None:
    toml = '[marking]\nscheme = "us"\nreleases = ["U"]\n'
    secret = "language: fr\ntranslation_of: note\nmarking: S\nclassification: SECRET\n"
    files = {"briefgen.toml": toml, "briefs/note.yaml": brief("Original"), "briefs/note.fr.yaml": brief("T", secret)}
    write_tree(project, {**files, "briefs/note.de.yaml": brief("Ü", "language: de\ntranslation_of: note\n")})
    result = run("build", "--format", "html", "-j", "1")
    assert result.exit_code == 0, result.output
    full = [("en-GB", "note.html"), ("de", "note.de.html"), ("fr", "note.fr.html")]
    assert head(project / "output" / "note.html").links == full
    release = project / "output" / "release-u"
    assert not (release / "note.fr.html").exists()
    for page in ("note.html", "note.de.html"):
        assert head(release / page).links == [("en-GB", "note.html"), ("de", "note.de.html")]
        assert "note.fr" not in (release / page).read_text(encoding="utf-8")
    # raised above the release later: the original, left as it is, is made again without its link
    write_tree(project, {"briefs/note.de.yaml": brief("Ü", secret.replace("fr", "de"))})
    assert run("build", "--format", "html", "-j", "1").exit_code == 0
    assert head(release / "note.html").links == [] and not (release / "note.de.html").exists()
    assert "note.de" not in (release / "note.html").read_text(encoding="utf-8")


def test_after_a_partial_build_a_full_one_links_as_a_fresh_build_does(project: Path, run: Run) -> None:
    """Each page's entry says which languages it was made linking: a translation raised above the release in a
    build of its file alone, or pages built in shards, leave the next full build no stale or missing link."""
    toml = '[marking]\nscheme = "us"\nreleases = ["U"]\n'
    french = "language: fr\ntranslation_of: note\n"
    files = {"briefgen.toml": toml, "briefs/note.yaml": brief("Original"), "briefs/note.fr.yaml": brief("T", french)}
    write_tree(project, files)
    assert run("build", "--format", "html", "-j", "1").exit_code == 0
    release = project / "output" / "release-u"
    assert head(release / "note.html").links == [("en-GB", "note.html"), ("fr", "note.fr.html")]
    write_tree(project, {"briefs/note.fr.yaml": brief("T", french + "marking: S\nclassification: SECRET\n")})
    assert run("build", "--format", "html", "-j", "1", "briefs/note.fr.yaml").exit_code == 0
    assert run("build", "--format", "html", "-j", "1").exit_code == 0
    assert head(release / "note.html").links == [] and "note.fr" not in (release / "note.html").read_text()
    # built in shards (no links: a shard sees some of the briefs), then in full: linked both ways
    write_tree(project, {"briefs/note.fr.yaml": brief("T", french)})
    for k in ("1/2", "2/2"):
        assert run("build", "--format", "html", "-j", "1", "--force", "--shard", k).exit_code == 0
    assert run("index", "-q").exit_code == 0
    assert head(project / "output" / "note.html").links == []
    assert run("build", "--format", "html", "-j", "1").exit_code == 0
    for page in ("note.html", "note.fr.html"):
        assert head(project / "output" / page).links == [("en-GB", "note.html"), ("fr", "note.fr.html")], page


def test_alternates_of_a_group() -> None:
    members = [
        Member("x", "en-GB", "", "x.html"),
        Member("x.ja", "ja", "x", "x.ja.html"),
        Member("x.fr", "fr", "x", "x.fr.html"),
        Member("x.fr-2", "FR", "x", "x.fr-2.html"),  # a language once: the first page of it
        Member("y.fr", "fr", "y", "y.fr.html"),  # its original has no page: no links
        Member("y", "en-GB", "", ""),
        Member("z", "en-GB", "", "z.html"),  # no translation
    ]
    found = alternates(members)
    links = (Alternate("en-GB", "x.html"), Alternate("fr", "x.fr.html"), Alternate("ja", "x.ja.html"))
    assert found == {"x": links, "x.ja": links, "x.fr": links, "x.fr-2": links}
