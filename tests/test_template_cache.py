"""The compiled templates' folder pruned (template_cache.py): templates unused for 30 days and the least recently
used beyond the size cap removed, fresh ones kept, nothing else touched, at most once a day, by one process."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import jinja2
import pytest

from briefgen import template_cache
from briefgen.i18n import translator
from briefgen.template_cache import DAY, MAX_UNUSED, STAMP, prune, prune_now_and_then
from briefgen.template_labels import CACHE_SWITCH, TranslatedEnvironment, cache_folder

NOW = 2_000_000_000.0


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(CACHE_SWITCH, raising=False)
    monkeypatch.setattr(template_cache, "_checked", set())
    found = cache_folder()
    assert found is not None
    return found


def _kept(folder: Path, n: int, age: float, size: int = 10, now: float = NOW) -> Path:
    """Compiled template number ``n`` (named as KeptTemplates names it), last used ``age`` seconds before now."""
    path = folder / f"{n:064x}.j2c"
    path.write_bytes(b"x" * size)
    os.utime(path, (now - age, now - age))
    return path


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - {STAMP}


def test_templates_unused_for_30_days_are_removed_and_fresh_ones_kept(folder: Path) -> None:
    old = [_kept(folder, 1, MAX_UNUSED + 60), _kept(folder, 2, 400 * DAY)]
    fresh = [_kept(folder, 3, 0), _kept(folder, 4, MAX_UNUSED - 60)]
    assert prune(folder, NOW)
    assert _names(folder) == {p.name for p in fresh}
    assert not any(p.exists() for p in old)


def test_over_the_size_cap_the_least_recently_used_go_first(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_cache, "MAX_BYTES", 250)
    files = [_kept(folder, n, age=n * 60, size=100) for n in range(5)]  # file 0 the most recently used
    small_but_older = _kept(folder, 9, age=DAY, size=1)
    assert prune(folder, NOW)
    assert _names(folder) == {files[0].name, files[1].name}
    assert not small_but_older.exists(), "once over the cap, every older file goes, however small"


def test_over_the_size_cap_a_temporary_file_being_written_is_left(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template_cache, "MAX_BYTES", 50)
    _kept(folder, 1, age=0, size=100)  # over the cap alone
    writing = folder / f"{2:064x}.j2cabc123.tmp"  # Jinja's temporary file, another process writing it
    writing.write_bytes(b"x" * 100)
    os.utime(writing, (NOW - 60, NOW - 60))
    assert prune(folder, NOW)
    assert writing.exists()


def test_foreign_files_links_and_folders_are_left_alone(folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = _kept(outside, 7, 400 * DAY)  # an old file named like ours, elsewhere
    link = folder / f"{8:064x}.j2c"
    link.symlink_to(target)
    os.utime(link, (NOW - 400 * DAY,) * 2, follow_symlinks=False)
    (folder / f"{9:064x}.j2c.d").mkdir()  # a folder, however named
    named_like = folder / f"{10:064x}.j2c"
    named_like.mkdir()
    foreign = [folder / "notes.txt", folder / f"{11:064X}.j2c", folder / "abc.j2c", folder / f"{12:064x}.j2c.bak"]
    for path in foreign:
        path.write_text("mine", encoding="utf-8")
        os.utime(path, (NOW - 400 * DAY,) * 2)
    left_behind = folder / f"{13:064x}.j2cabc_1234.tmp"  # Jinja's tempfile of a process that died
    writing_now = folder / f"{14:064x}.j2cxyz_9876.tmp"
    for path, age in ((left_behind, DAY + 60), (writing_now, 5)):
        path.write_bytes(b"x")
        os.utime(path, (NOW - age,) * 2)
    before = _names(folder)
    assert prune(folder, NOW)
    assert _names(folder) == before - {left_behind.name}
    assert target.read_bytes() == b"x" * 10 and link.is_symlink()


def test_the_stamp_lets_a_folder_be_pruned_once_a_day(folder: Path) -> None:
    old = _kept(folder, 1, MAX_UNUSED + 60)
    assert prune(folder, NOW) and not old.exists()
    assert (folder / STAMP).stat().st_mtime == NOW
    old = _kept(folder, 2, MAX_UNUSED + 60)
    assert not prune(folder, NOW + DAY - 60), "pruned less than a day ago"
    assert old.exists()
    assert prune(folder, NOW + DAY + 60) and not old.exists()
    (folder / STAMP).write_bytes(b"")  # an empty stamp (a process died before writing it): due
    old = _kept(folder, 3, MAX_UNUSED + 60)
    assert prune(folder, NOW + DAY + 120) and not old.exists()
    os.utime(folder / STAMP, (NOW + 10 * DAY,) * 2)  # a stamp from the future (the clock moved back): due
    old = _kept(folder, 4, MAX_UNUSED + 60)
    assert prune(folder, NOW + DAY + 180) and not old.exists()


def test_a_process_start_reads_the_stamp_once_and_prunes_when_due(folder: Path) -> None:
    now = time.time()
    old = _kept(folder, 1, MAX_UNUSED + 60, now=now)
    prune_now_and_then(folder)
    assert not old.exists() and (folder / STAMP).stat().st_size > 0
    old = _kept(folder, 2, MAX_UNUSED + 60, now=now)
    template_cache._checked.clear()
    prune_now_and_then(folder)
    assert old.exists(), "the stamp says it was pruned today"
    os.utime(folder / STAMP, (now - DAY - 60,) * 2)
    prune_now_and_then(folder)
    assert old.exists(), "this process has read the stamp already"
    template_cache._checked.clear()
    prune_now_and_then(folder)
    assert not old.exists()


def test_a_new_environment_prunes_its_folder(tmp_path: Path, folder: Path) -> None:
    old = _kept(folder, 1, MAX_UNUSED + 60, now=time.time())
    (tmp_path / "page.j2").write_text("{{ name }}", encoding="utf-8")
    env = TranslatedEnvironment(translator("en"), loader=jinja2.FileSystemLoader(str(tmp_path)))
    assert env.get_template("page.j2").render(name="x") == "x"
    assert not old.exists()
    assert len(_names(folder)) == 1, "the page just compiled is kept"


def test_a_compiled_template_read_is_marked_used_once_a_day(tmp_path: Path, folder: Path) -> None:
    (tmp_path / "page.j2").write_text("{{ name }}", encoding="utf-8")

    def render() -> str:
        env = TranslatedEnvironment(translator("en"), loader=jinja2.FileSystemLoader(str(tmp_path)))
        return env.get_template("page.j2").render(name="x")

    assert render() == "x"
    (kept,) = folder.glob("*.j2c")
    an_hour_ago = time.time() - 3600
    os.utime(kept, (an_hour_ago, an_hour_ago))
    assert render() == "x"
    assert kept.stat().st_mtime == an_hour_ago, "marked less than a day ago: not written again"
    os.utime(kept, (time.time() - 20 * DAY,) * 2)
    assert render() == "x"
    assert time.time() - kept.stat().st_mtime < 60, "read: marked used now"
    os.utime(kept, (time.time() - MAX_UNUSED - 60,) * 2)
    os.utime(folder / STAMP, (time.time() - DAY - 60,) * 2)
    template_cache._checked.clear()
    assert render() == "x"  # pruned first (the template unused for 31 days), then compiled again
    assert kept.exists() and time.time() - kept.stat().st_mtime < 60


def test_while_another_process_prunes_it_is_not_pruned_twice(folder: Path) -> None:
    old = _kept(folder, 1, MAX_UNUSED + 60)
    with open(folder / STAMP, "ab") as other:  # another open file: flock conflicts as with another process
        fcntl.flock(other, fcntl.LOCK_EX)
        assert not prune(folder, NOW)
        assert old.exists()
    assert prune(folder, NOW) and not old.exists()


def test_failures_are_silent_and_follow_no_link(folder: Path, tmp_path: Path) -> None:
    old = _kept(folder, 1, MAX_UNUSED + 60, now=time.time())
    link = tmp_path / "link"
    link.symlink_to(folder)
    with pytest.raises(OSError):
        prune(link)  # the folder is opened without following a link
    prune_now_and_then(link)  # and nothing is said
    prune_now_and_then(tmp_path / "gone")
    assert old.exists()
    target = tmp_path / "stamp-elsewhere"
    target.write_bytes(b"")
    (folder / STAMP).symlink_to(target)  # a stamp that is a link: not opened, not pruned
    with pytest.raises(OSError):
        prune(folder)
    prune_now_and_then(folder)
    assert old.exists() and target.read_bytes() == b""
    (folder / STAMP).unlink()
    folder.chmod(0o755)  # open to others: not ours to prune
    assert not prune(folder)
    folder.chmod(0o700)
    assert prune(folder) and not old.exists()
