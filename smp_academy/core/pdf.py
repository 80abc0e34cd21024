"""HTML to PDF with WeasyPrint, the only module that imports it.

WeasyPrint fetches every URL a document names, ``file://`` included, so documents may only
refer to our own static files (as ``static:<path>``) and ``data:`` URIs; anything else is
refused and left out of the document.
"""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
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


@cache
def _stylesheet(name: str) -> tuple[CSS, FontConfiguration]:
    """A static stylesheet parsed once per process, with its fonts loaded once."""
    fonts = FontConfiguration()
    css = CSS(
        string=(STATIC_DIR / name).read_text(encoding="utf-8"),
        font_config=fonts,
        url_fetcher=_FETCHER,
        base_url="static:/",
    )
    return css, fonts


def render_pdf(html: str, stylesheet: str | None = None) -> bytes:
    """Render one HTML document to PDF bytes; fonts are embedded (subset). ``stylesheet`` is
    a file under static/ applied to it, parsed once per process (documents rendered again and
    again, like certificates, skip re-reading CSS and fonts)."""
    document = HTML(string=html, url_fetcher=_FETCHER, base_url="static:/")
    if stylesheet is None:
        return document.write_pdf()
    css, fonts = _stylesheet(stylesheet)
    return document.write_pdf(stylesheets=[css], font_config=fonts)
