"""A Jinja environment for one language whose constant labels are translated when a template is compiled:
``{{ _("Contents") }}`` compiles to the text itself, as if the template had been written in that language.

Each language has its own environment (render.py), so folding a label into the compiled template is exact; a
label with variables (``_("Page %(page)s", page=n)``) stays a call made while rendering. An English brief
then renders (and compiles) as fast as from templates with the English words written in."""

from __future__ import annotations

from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.visitor import NodeTransformer

from briefgen.i18n import Translator


class TranslatedEnvironment(jinja2.Environment):
    """An environment with jinja2.ext.i18n installed for ``translator``, its constant labels folded in."""

    def __init__(self, translator: Translator, **options: Any) -> None:
        super().__init__(extensions=["jinja2.ext.i18n"], **options)
        self.translator = translator
        self.install_gettext_translations(translator.translations, newstyle=True)  # type: ignore[attr-defined]

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
