"""A PDF engine in another process, started first, so that importing WeasyPrint (about 0.7 s) overlaps with
loading, validating and templating the brief here. For one brief on two cores this hides briefgen's own work."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.resources import Policy


def _import_engine() -> None:
    import briefgen.pdf  # noqa: F401  (the point: WeasyPrint is imported while the parent works)


def _write(html: str, css: str, name: str, variant: str, policy: Policy | None) -> tuple[bytes, list[str]]:
    from briefgen.pdf import write_pdf

    return write_pdf(html, css, name=name, variant=variant, policy=policy)


class PdfProcess:
    """One spawned process that imports WeasyPrint at once and lays out the PDF when asked."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_import_engine)
        self._pool.submit(int)  # start the process (and its import) now

    def write_pdf(
        self, html: str, css: str, *, name: str, variant: str, policy: Policy | None
    ) -> tuple[bytes, list[str]]:
        """Same contract as pdf.write_pdf."""
        return self._pool.submit(_write, html, css, name, variant, policy).result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
