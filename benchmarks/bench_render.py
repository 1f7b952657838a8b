"""Time `briefgen render` against the plain WeasyPrint CLI on briefgen's own HTML, and break down the stages.

Run: .venv/bin/python benchmarks/bench_render.py [BRIEF] [--runs N]
Prints figures only; nothing here asserts a time (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def whole_process(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a command, in seconds.

    CPU time is the steadier figure on a shared machine: it does not count time spent waiting for a core.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


class _PageLayouts(logging.Handler):
    """Count the pages WeasyPrint lays out (its progress log), a figure that does not depend on load."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        self.count += "Creating layout - Page" in message and "up-to-date" not in message


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
    from briefgen.check import check
    from briefgen.pdf import printable_html, write_pdf
    from briefgen.project import resolve_project
    from briefgen.render import render_html, render_markdown, render_print_css

    project = resolve_project(start=ROOT)
    t0 = time.perf_counter()
    checked = check([brief], project)
    t_validate = time.perf_counter() - t0
    model = checked.briefs[0].brief
    t0 = time.perf_counter()
    html = render_html(model, project)
    css = render_print_css(model, project)
    render_markdown(model, project)
    t_template = time.perf_counter() - t0
    from briefgen.docx_writer import docx_bytes

    docx_times = []
    for _ in range(max(args.runs, 3)):
        t0 = time.perf_counter()
        docx_bytes(model, project, checked.briefs[0].images)
        docx_times.append(time.perf_counter() - t0)
    t_docx = statistics.median(docx_times)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "brief.html").write_text(printable_html(html, css), encoding="utf-8")
        no_toc_css = css.replace('content: leader(".") target-counter(attr(href url), page);', "content: none;")
        assert no_toc_css != css, "the TOC rule moved: update the benchmark"
        layouts, no_toc = [], []
        for _ in range(args.runs):  # interleaved, so the machine's noise falls on both alike
            t0 = time.perf_counter()
            (out / "warm.pdf").write_bytes(write_pdf(html, css, name="bench", variant="pdf/ua-1")[0])
            layouts.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            write_pdf(html, no_toc_css, name="bench", variant="pdf/ua-1")
            no_toc.append(time.perf_counter() - t0)
        t_layout = statistics.median(layouts)
        counter = _PageLayouts()
        progress = logging.getLogger("weasyprint.progress")
        progress.setLevel(logging.INFO)
        progress.addHandler(counter)
        write_pdf(html, css, name="bench", variant="pdf/ua-1")
        laid_toc, counter.count = counter.count, 0
        write_pdf(html, no_toc_css, name="bench", variant="pdf/ua-1")
        laid_no_toc = counter.count
        progress.removeHandler(counter)
        t_no_toc = statistics.median(no_toc)

        briefgen = [str(BIN / "briefgen"), "render", str(brief), "--out", str(out)]
        cli = [str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1", "--pdf-tags", str(out / "brief.html")]
        # alternate the two, run by run, so that the machine's changing load falls on both alike
        pairs = [(whole_process([*briefgen, "--format", "pdf"], 1), whole_process([*cli, str(out / "cli.pdf")], 1))]
        for _ in range(args.runs - 1):
            pairs.append(
                (whole_process([*briefgen, "--format", "pdf"], 1), whole_process([*cli, str(out / "cli.pdf")], 1))
            )
        t_pdf = (statistics.median(p[0][0] for p in pairs), statistics.median(p[0][1] for p in pairs))
        t_cli = (statistics.median(p[1][0] for p in pairs), statistics.median(p[1][1] for p in pairs))
        ratios = sorted(p[0][0] / p[1][0] for p in pairs)
        t_html_md = whole_process([*briefgen, "--format", "html,md"], args.runs)
        t_docx_cli = whole_process([*briefgen, "--format", "docx"], args.runs)
        pages = subprocess.run(["pdfinfo", str(out / "warm.pdf")], capture_output=True, text=True).stdout
        page_count = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))

    print(f"brief: {brief.name} ({page_count} pages), median of {args.runs} runs")
    print("whole process:                                  wall      CPU")
    print(f"  briefgen render --format pdf                   {t_pdf[0]:6.2f} s  {t_pdf[1]:6.2f} s")
    print(f"  weasyprint CLI on the same HTML + print CSS    {t_cli[0]:6.2f} s  {t_cli[1]:6.2f} s")
    over_wall = 100 * (t_pdf[0] - t_cli[0]) / t_cli[0]
    over_cpu = 100 * (t_pdf[1] - t_cli[1]) / t_cli[1]
    print(f"  briefgen overhead over the CLI                 {over_wall:+6.1f} %  {over_cpu:+6.1f} %")
    print(f"  run by run, briefgen / CLI (wall)              {' '.join(f'{r:.2f}' for r in ratios)}")
    print(f"  median of those ratios                         {100 * (statistics.median(ratios) - 1):+6.1f} %")
    print("  (CPU adds up both of briefgen's processes: its PDF engine starts in a second one, to overlap)")
    print(f"  briefgen render --format html,md               {t_html_md[0]:6.2f} s  {t_html_md[1]:6.2f} s")
    print(f"  briefgen render --format docx                  {t_docx_cli[0]:6.2f} s  {t_docx_cli[1]:6.2f} s")
    print("in one process:")
    print(f"  import weasyprint                              {t_import:6.3f} s")
    print(f"  load + validate                                {t_validate:6.3f} s")
    print(f"  templates + figures (HTML, CSS, Markdown)      {t_template:6.3f} s")
    print(f"  layout + PDF writing (warm)                    {t_layout:6.3f} s")
    share = 100 * t_docx / t_layout
    print(f"  Word document (python-docx, warm)              {t_docx:6.3f} s  ({share:.1f} % of the PDF)")
    print(f"  same without TOC page numbers                  {t_no_toc:6.3f} s")
    print(f"  cost of target-counter TOC                     {100 * (t_layout - t_no_toc) / t_no_toc:+6.1f} %")
    print(f"  pages laid out with / without TOC numbers      {laid_toc} / {laid_no_toc}")


if __name__ == "__main__":
    main()
