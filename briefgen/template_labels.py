"""A Jinja environment for one language whose constant labels are translated when a template is compiled:
``{{ _("Contents") }}`` compiles to the text itself, as if the template had been written in that language.

Each language has its own environment (render.py), so folding a label into the compiled template is exact; a
label with variables (``_("Page %(page)s", page=n)``) stays a call made while rendering. An English brief
then renders (and compiles) as fast as from templates with the English words written in.

Compiled templates are kept in the user's cache folder (``$XDG_CACHE_HOME/briefgen/templates``, else
``~/.cache/briefgen/templates``), so a process does not compile them again: a bytecode file is code that runs,
so the folders must be the user's own with no access for others (made 0700), and a file is read only if it is
the user's and nobody else can write it. A file is found by the template's name and path and by everything
that shapes what is compiled (this module, the translations, the environment's options, the versions); Jinja
compiles again when the template's text changed. BRIEFGEN_TEMPLATE_CACHE=0 turns it off; a folder that cannot
be made or written is skipped without a word. The folder is pruned now and then (template_cache.py)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.visitor import NodeTransformer

from briefgen import __version__, template_cache
from briefgen.i18n import Translator

CACHE_SWITCH = "BRIEFGEN_TEMPLATE_CACHE"  # "0", "off", "no" or "false": every process compiles its templates


class TranslatedEnvironment(jinja2.Environment):
    """An environment with jinja2.ext.i18n installed for ``translator``, its constant labels folded in."""

    def __init__(self, translator: Translator, **options: Any) -> None:
        super().__init__(extensions=["jinja2.ext.i18n"], **options)
        self.translator = translator
        self.install_gettext_translations(translator.translations, newstyle=True)  # type: ignore[attr-defined]
        folder = cache_folder()
        if folder is not None and self.bytecode_cache is None:
            self.bytecode_cache = KeptTemplates(folder, _signature(translator, options))
            template_cache.prune_now_and_then(folder)  # at most once a day, its stamp read once a process

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        folded: nodes.Template = _Fold(self.translator).visit(tree)
        return folded


class _Fold(NodeTransformer):
    """``_("text")``, ``gettext("text")`` and ``pgettext("context", "text")`` with constant arguments and no
    variables become their translation, safe as the newstyle gettext's own result is (and % applied, as it
    applies it: "%%" reads as "%")."""

    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        self.generic_visit(node)  # the arguments first (in place)
        callee, args = node.node, node.args
        if not isinstance(callee, nodes.Name) or node.kwargs or node.dyn_args or node.dyn_kwargs:
            return node
        if not all(isinstance(a, nodes.Const) and isinstance(a.value, str) for a in args):
            return node
        values = [a.value for a in args]  # type: ignore[attr-defined]
        if callee.name in ("_", "gettext") and len(values) == 1:
            said = self.translator.gettext(values[0])
        elif callee.name == "pgettext" and len(values) == 2:
            said = self.translator.pgettext(values[0], values[1])
        else:
            return node
        return nodes.MarkSafeIfAutoescape(nodes.Const(said % {}, lineno=node.lineno), lineno=node.lineno)


class KeptTemplates(FileSystemBytecodeCache):
    """Jinja's file cache, its keys made with ``signature``, reading only files that are the user's own and
    writable by nobody else, and skipping a write that fails."""

    def __init__(self, folder: Path, signature: str) -> None:
        super().__init__(str(folder), "%s.j2c")
        self.signature = signature

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.signature}|{name}|{filename}".encode()).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            fd = os.open(self._get_cache_filename(bucket), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        with os.fdopen(fd, "rb") as file:
            found = os.fstat(fd)  # checked before a byte is read (the header is unpickled)
            if stat.S_ISREG(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o022:
                bucket.load_bytecode(file)
                template_cache.mark_used(fd, found)  # what pruning reads as its last use

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def cache_folder() -> Path | None:
    """The folder for compiled templates, made if need be; None when turned off, impossible or not private."""
    if os.environ.get(CACHE_SWITCH, "").strip().lower() in ("0", "off", "no", "false") or not hasattr(os, "getuid"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"  # XDG: a relative path is ignored
        folder = root / "briefgen" / "templates"
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for path in (folder.parent, folder):
            with contextlib.suppress(FileExistsError):
                path.mkdir(mode=0o700)
            if not _private(path):
                return None
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    return folder


def _private(path: Path) -> bool:
    """Whether ``path`` is a folder (not a link to one) of this user's that nobody else may enter or write."""
    found = os.lstat(path)
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not stat.S_IMODE(found.st_mode) & 0o077


def _signature(translator: Translator, options: dict[str, Any]) -> str:
    """What shapes a compiled template besides its own text: the fold (this file), the translations folded in,
    the environment's options and the versions of briefgen, Jinja and Python (Jinja's header has Python's)."""
    digest = hashlib.sha256(_this_file())
    shown = sorted(f"{key}={value!r}" for key, value in options.items() if key != "loader")
    digest.update(repr((__version__, jinja2.__version__, translator.language, translator.catalogue, shown)).encode())
    translations: Any = translator.translations
    while translations is not None:
        digest.update(repr(sorted(map(repr, getattr(translations, "_catalog", {}).items()))).encode())
        translations = getattr(translations, "_fallback", None)
    return digest.hexdigest()


@functools.cache
def _this_file() -> bytes:
    return Path(__file__).read_bytes()
