"""Hash what briefgen makes of three briefs, through `render` and through `build`, to show that a refactor
changes no byte: the real brief, the example and a freshly generated skeleton, once with the default
theme and once with a theme folder (a template override and an extra.css).

Run: .venv/bin/python scripts/output_hashes.py > before.txt   (then again after the change, and diff)
     .venv/bin/python scripts/output_hashes.py --check FILE    (exit 1 and show the lines that differ)
manifest.json is left out: it records input hashes, which include briefgen's own code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BRIEFS = ["china-france-japan-2025-11.yaml", "example-port-strike.yaml"]
THEME_CSS = "h1 { letter-spacing: 0.01em; }\n"
THEME_FOOTER = '{% extends "default/brief.html.j2" %}\n{% block footer %}<footer>Asia desk</footer>{% endblock %}\n'


def make_project(folder: Path) -> None:
    """Copy the two briefs, write a skeleton brief dated 2026-12-01 and a small theme."""
    sys.path.insert(0, str(ROOT))
    from briefgen.skeleton import skeleton

    briefs = folder / "briefs"
    briefs.mkdir(parents=True)
    for name in BRIEFS:
        shutil.copy(ROOT / "briefs" / name, briefs / name)
    (briefs / "generated.yaml").write_text(skeleton("generated", dt.date(2026, 12, 1)), encoding="utf-8")
    theme = folder / "theme"
    theme.mkdir()
    (theme / "extra.css").write_text(THEME_CSS, encoding="utf-8")
    (theme / "brief.html.j2").write_text(THEME_FOOTER, encoding="utf-8")


def briefgen(folder: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | {"CI": "1"}
    subprocess.run([str(BIN / "briefgen"), *args], cwd=folder, check=True, capture_output=True, env=env)


def hashes(folder: Path) -> list[str]:
    """Every output file's sha256, by path under the project (manifest.json left out)."""
    lines = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative.startswith("out") and path.name != "manifest.json":
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {relative}")
    return lines


def run() -> list[str]:
    with tempfile.TemporaryDirectory(prefix="briefgen-hashes-") as scratch:
        folder = Path(scratch)
        make_project(folder)
        for name in [*BRIEFS, "generated.yaml"]:
            briefgen(folder, "render", f"briefs/{name}", "--out", "out-render")
            briefgen(folder, "render", f"briefs/{name}", "--out", "out-theme", "--templates", "theme")
        briefgen(folder, "build", "briefs", "--out", "out-build", "-j", "2")
        briefgen(folder, "build", "briefs", "--out", "out-build-md", "--format", "md,html", "-j", "1")
        return hashes(folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, help="compare with hashes recorded earlier")
    args = parser.parse_args()
    lines = run()
    if not args.check:
        print("\n".join(lines))
        return 0
    recorded = args.check.read_text(encoding="utf-8").splitlines()
    if recorded == lines:
        print(f"same bytes: {len(lines)} files identical to {args.check}")
        return 0
    sys.stdout.writelines(difflib.unified_diff(recorded, lines, str(args.check), "now", lineterm="\n"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
