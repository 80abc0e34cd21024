"""HTML to PDF with WeasyPrint, the only module that imports it.

WeasyPrint fetches every URL a document names, ``file://`` included, so documents may only
refer to our own static files (as ``static:<path>``) and ``data:`` URIs; anything else is
refused and left out of the document.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


class StaticOnlyFetcher(URLFetcher):
    """Serves ``static:`` files from our static folder and ``data:`` URIs, nothing else."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("static:"):
            path = (STATIC_DIR / url.removeprefix("static:").lstrip("/")).resolve()
            if STATIC_DIR in path.parents and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        raise ValueError(f"resource not allowed in a PDF: {url[:80]}")


_FETCHER = StaticOnlyFetcher()


def render_pdf(html: str) -> bytes:
    """Render one HTML document to PDF bytes; fonts are embedded (subset)."""
    return HTML(string=html, url_fetcher=_FETCHER, base_url="static:/").write_pdf()
