"""Time `briefgen render` against the plain WeasyPrint CLI on briefgen's own HTML, and break down the stages.

Run: .venv/bin/python benchmarks/bench_render.py [BRIEF] [--runs N]
Prints figures only; nothing here asserts a time (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def whole_process(cmd: list[str], runs: int) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("brief", nargs="?", default=str(ROOT / "briefs/china-france-japan-2025-11.yaml"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    brief = Path(args.brief).resolve()

    sys.path.insert(0, str(ROOT))
    t0 = time.perf_counter()
    import weasyprint  # noqa: F401

    t_import = time.perf_counter() - t0
    from briefgen.build import check
    from briefgen.config import load_config
    from briefgen.pdf import printable_html, write_pdf
    from briefgen.render import render_html, render_markdown, render_print_css

    config = load_config(ROOT)
    t0 = time.perf_counter()
    checked = check([brief], config)
    t_validate = time.perf_counter() - t0
    _source, model = checked.briefs[0]
    t0 = time.perf_counter()
    html = render_html(model, config)
    css = render_print_css(model, config)
    render_markdown(model, config)
    t_template = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "brief.html").write_text(printable_html(html, css), encoding="utf-8")
        no_toc_css = css.replace('content: leader(".") target-counter(attr(href url), page);', "content: none;")
        assert no_toc_css != css, "the TOC rule moved: update the benchmark"
        layouts, no_toc = [], []
        for _ in range(args.runs):  # interleaved, so the machine's noise falls on both alike
            t0 = time.perf_counter()
            write_pdf(html, css, out / "warm.pdf", name="bench")
            layouts.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            write_pdf(html, no_toc_css, out / "notoc.pdf", name="bench")
            no_toc.append(time.perf_counter() - t0)
        t_layout = statistics.median(layouts)
        t_no_toc = statistics.median(no_toc)

        briefgen = [str(BIN / "briefgen"), "render", str(brief), "--out", str(out)]
        t_pdf = whole_process([*briefgen, "--format", "pdf"], args.runs)
        t_html_md = whole_process([*briefgen, "--format", "html,md"], args.runs)
        cli = [str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1", "--pdf-tags"]
        t_cli = whole_process([*cli, str(out / "brief.html"), str(out / "cli.pdf")], args.runs)
        pages = subprocess.run(["pdfinfo", str(out / "warm.pdf")], capture_output=True, text=True).stdout
        page_count = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))

    print(f"brief: {brief.name} ({page_count} pages), median of {args.runs} runs")
    print(f"  briefgen render --format pdf (whole process)   {t_pdf:6.2f} s")
    print(f"  weasyprint CLI on the same HTML + print CSS    {t_cli:6.2f} s")
    print(f"  briefgen overhead over the CLI                 {100 * (t_pdf - t_cli) / t_cli:+6.1f} %")
    print(f"  briefgen render --format html,md (whole)       {t_html_md:6.2f} s")
    print("in one process:")
    print(f"  import weasyprint                              {t_import:6.3f} s")
    print(f"  load + validate                                {t_validate:6.3f} s")
    print(f"  templates + figures (HTML, CSS, Markdown)      {t_template:6.3f} s")
    print(f"  layout + PDF writing (warm)                    {t_layout:6.3f} s")
    print(f"  same without TOC page numbers                  {t_no_toc:6.3f} s")
    print(f"  cost of target-counter TOC                     {100 * (t_layout - t_no_toc) / t_no_toc:+6.1f} %")


if __name__ == "__main__":
    main()
