"""Walking the site as one person: follow every link on this site from a few starting pages,
and on each page measure what a phone user and a screen-reader user would meet.

- ``crawl`` visits each kind of page (each Flask endpoint) a few times, not every lesson of
  every course, so a walk stays within seconds however much content there is;
- ``overflow_px`` is how far the page is wider than the window (a horizontal scroll);
- ``axe_violations`` runs axe-core (vendored, tests/browser/vendor/) and keeps the serious and
  critical violations. The page's CSP forbids injected scripts, so the browser context that
  runs it must be made with ``bypass_csp=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
#: links that lead to files or machines, not pages
NOT_PAGES = ("/static/", "/api/", "/photos/", "/healthz", "/figures/")
FILE_SUFFIXES = (".pdf", ".csv", ".zip", ".json", ".svg", ".jpg", ".png")


@dataclass(frozen=True)
class Finding:
    """One problem on one page, in words a failing test can print."""

    url: str
    problem: str

    def __str__(self) -> str:
        return f"{self.url}: {self.problem}"


def is_page_link(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return (
        url.startswith(origin)
        and not parts.path.startswith(NOT_PAGES)
        and not parts.path.endswith(FILE_SUFFIXES)
    )


def page_links(page: Any, origin: str) -> list[str]:
    """The distinct same-site page links of the current page, without fragments."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    return list(dict.fromkeys(urldefrag(h)[0] for h in hrefs if is_page_link(h, origin)))


def crawl(
    page: Any,
    seeds: list[str],
    endpoint_of: Callable[[str], str | None],
    per_endpoint: int = 2,
) -> Iterator[str]:
    """Visit the seeds and every page reachable from them (at most ``per_endpoint`` pages of
    each kind), yielding each URL while the browser shows it."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(seeds[0]))
    queue, seen, kinds = list(seeds), set(), {}
    while queue:
        url = queue.pop(0)
        kind = endpoint_of(url)
        if url in seen or kind is None or kinds.get(kind, 0) >= per_endpoint:
            continue
        seen.add(url)
        kinds[kind] = kinds.get(kind, 0) + 1
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        yield url
        queue.extend(link for link in page_links(page, origin) if link not in seen)


def overflow_px(page: Any) -> int:
    """How many CSS pixels the page is wider than its window (0 when there is no h-scroll)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def widest_elements(page: Any, limit: int = 3) -> list[str]:
    """The elements that stick out furthest to the right, to say what overflows."""
    return page.evaluate(
        """limit => {
          const width = document.documentElement.clientWidth;
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const right = el.getBoundingClientRect().right;
            if (right > width + 1) out.push([right, el]);
          }
          out.sort((a, b) => b[0] - a[0]);
          return out.slice(0, limit).map(([right, el]) =>
            `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim()
              .replace(/\\s+/g, '.') : ''} to ${Math.round(right)} px`);
        }""",
        limit,
    )


def axe_violations(page: Any) -> list[str]:
    """The serious and critical axe-core violations of the current page, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['impact']} {v['id']} ({v['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


def findings_on(page: Any, url: str, *, axe: bool) -> list[Finding]:
    """What is wrong with the page the browser shows: horizontal scroll, and axe's findings."""
    found = []
    extra = overflow_px(page)
    if extra > 0:
        culprits = "; ".join(widest_elements(page))
        found.append(Finding(url, f"{extra} px wider than the window ({culprits})"))
    if axe:
        found += [Finding(url, problem) for problem in axe_violations(page)]
    return found
