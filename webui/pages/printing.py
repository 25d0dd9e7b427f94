"""HTML to PDF with WeasyPrint, for the minutes, the written reply and the case file; fonts are Debian's Noto CJK.

The pages' print routes call ``pdf``. A page's stylesheets under /static/ are read from the package's
static folder; WeasyPrint fetches nothing else, so a printed page never reaches the network or the disk
beyond that folder.
"""
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parents[1] / "static"
BASE = "https://print.invalid/"  # a base that resolves /static/… links; nothing is fetched from it


def pdf(html: str) -> bytes:
    """Render an HTML page (with its own print styles) to PDF bytes."""
    from weasyprint import HTML  # imported on first print: it loads Pango, which takes a while

    return HTML(string=html, base_url=BASE, url_fetcher=_static_fetcher()).write_pdf()


def static_file(url: str) -> Path:
    """Return the static folder's file an address names; refuse every other address with ValueError."""
    name = url.split("?")[0].removeprefix(BASE + "static/") if url.startswith(BASE + "static/") else ""
    path = (STATIC / name).resolve()
    if not name or not path.is_relative_to(STATIC) or not path.is_file():
        raise ValueError(f"a printed page may use only the static folder's files, not {url}")
    return path


def _static_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        """Serve the static folder's files to WeasyPrint and nothing else."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = static_file(url)
            kind = "text/css" if path.suffix == ".css" else "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return StaticOnly()
