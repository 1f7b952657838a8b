"""What the live preview adds to pages: the reload script, the diagnostics page and the index's error banner.

Only the server's version number and escaped problem messages go into these: nothing from a brief is
inserted unescaped.
"""

from __future__ import annotations

import html
import re

from briefgen.errors import Problem
from briefgen.i18n import translator

EVENTS_PATH = "/__briefgen/events"
EVERYTHING = "*"  # a change name that reloads every open page

# Only constants and the server's version number go into the script: nothing from a brief.
_SCRIPT = """<script>
(function () {
  var page = decodeURIComponent(location.pathname.split("/").pop()) || "index.html";
  var events = new EventSource("%s?since=%d");
  events.addEventListener("reload", function (event) {
    var names = JSON.parse(event.data);
    if (names.indexOf("%s") >= 0 || names.indexOf(page) >= 0) { events.close(); location.reload(); }
  });
})();
</script>
"""

_DIAGNOSTICS_CSS = """
.diagnostics { padding-left: 1.25rem; }
.diagnostics li { margin: 0 0 0.6rem; }
.diagnostics code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 0.85rem;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.diagnostics-banner { border: 1px solid #a11d1d; border-left-width: 4px; padding: 0.25rem 1rem; margin: 1rem 0; }
.diagnostics-banner h2 { color: #a11d1d; border: 0; margin-top: 0.5rem; }
"""


def reload_script(since: int) -> str:
    """The snippet that reloads a page when the server says it changed after version ``since``."""
    return _SCRIPT % (EVENTS_PATH, since, EVERYTHING)


def inject_script(text: str, since: int) -> str:
    """Add the reload snippet just before </body> (or at the end)."""
    at = text.lower().rfind("</body>")
    at = len(text) if at < 0 else at
    return text[:at] + reload_script(since) + text[at:]


def _problem_list(problems: list[Problem]) -> str:
    items = "\n".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    return f'<ol class="diagnostics">\n{items}\n</ol>' if problems else ""


def diagnostics_page(title: str, problems: list[Problem], css: str, since: int, note: str = "") -> str:
    """A page in the briefs' look listing ``problems``; it reloads by itself once they are fixed."""
    note = note or "Fix the source and save: this page reloads by itself."
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
{css}
{_DIAGNOSTICS_CSS}
</style>
</head>
<body class="preview-diagnostics">
<header class="title-block">
<p class="kind">Preview</p>
<h1>{html.escape(title)}</h1>
<p class="subtitle">{html.escape(note)}</p>
</header>
<main>
{_problem_list(problems)}
</main>
{reload_script(since)}</body>
</html>
"""


def insert_banner(text: str, problems: list[Problem]) -> str:
    """Put the list of problems at the top of the index page."""
    count = len({p.path for p in problems})
    heading = f"{count} file{'s' if count != 1 else ''} with errors: their last good version is shown"
    banner = (
        f'<section class="diagnostics-banner" role="alert"><h2>{html.escape(heading)}</h2>'
        f"{_problem_list(problems)}</section>"
    )
    style = f"<style>{_DIAGNOSTICS_CSS}</style>"
    head = text.lower().find("</head>")
    if head >= 0:
        text = text[:head] + style + text[head:]
    else:
        banner = style + banner
    body = text.lower().find("<body")
    end = text.find(">", body) + 1 if body >= 0 else 0
    return text[:end] + banner + text[end:]


_LINKS_CSS = (
    "position:sticky;top:0;z-index:10;margin:0;padding:0.35rem 1rem;background:#1f3a5f;color:#fff;"
    "font:600 0.85rem sans-serif"
)


def insert_preview_links(text: str, pdf_name: str) -> str:
    """Put a bar at the top of a brief's page linking its PDF and the index (the preview's pages only)."""
    href = html.escape(pdf_name, quote=True)
    lang = re.search(r'<html lang="([A-Za-z0-9-]+)"', text)  # the bar speaks the page's language
    tr = translator(lang.group(1) if lang else "en-GB")
    pdf, every = html.escape(tr.gettext("PDF")), html.escape(tr.gettext("All briefs"))
    bar = (
        f'<p class="preview-links" style="{_LINKS_CSS}"><a href="{href}" style="color:#fff">{pdf}</a> · '
        f'<a href="index.html" style="color:#fff">{every}</a></p>'
    )
    start = text.lower().find("<body")
    end = text.find(">", start) if start >= 0 else -1
    return text[: end + 1] + bar + text[end + 1 :] if end >= 0 else bar + text
