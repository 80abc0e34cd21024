"""Lesson Markdown to safe HTML, once per content version (at sync), with a table of contents.

Pure: the caller passes functions that turn a relative image path and a ``lesson:`` link into
URLs, and gets back the problems it found (missing images, unknown lessons).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "img", "figure", "figcaption", "hr", "br",
    "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "loading"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
}


@dataclass
class RenderedMarkdown:
    html: str
    toc: list[dict[str, str | int]]
    text: str
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line in source, message)


_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def render_markdown(
    source: str,
    resolve_image: Callable[[str], str | None],
    resolve_link: Callable[[str], str | None],
) -> RenderedMarkdown:
    """Render ``source``; images and ``lesson:`` links that do not resolve become problems."""
    tokens = _md.parse(source)
    problems: list[tuple[int, str]] = []
    toc = _anchor_headings(tokens)
    line = 1
    for token in tokens:
        line = token.map[0] + 1 if token.map else line
        found: list[str] = []
        for child in token.children or []:
            _rewrite(child, resolve_image, resolve_link, found)
        problems += [(line, message) for message in found]
    html = _md.renderer.render(tokens, _md.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return RenderedMarkdown(clean, toc, _plain_text(tokens), problems)


def _anchor_headings(tokens: list[Token]) -> list[dict[str, str | int]]:
    toc: list[dict[str, str | int]] = []
    seen: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in {"h2", "h3"}:
            continue
        title = tokens[index + 1].content
        anchor = slugify(title)
        while anchor in seen:
            anchor += "-x"
        seen.add(anchor)
        token.attrSet("id", anchor)
        toc.append({"level": int(token.tag[1]), "title": title, "anchor": anchor})
    return toc


def _rewrite(token: Token, resolve_image, resolve_link, problems: list[str]) -> None:
    if token.type == "image":
        src = str(token.attrGet("src") or "")
        url = resolve_image(src)
        if url is None:
            problems.append(f"image not found: {src}")
        else:
            token.attrSet("src", url)
            token.attrSet("loading", "lazy")
    elif token.type == "link_open":
        href = str(token.attrGet("href") or "")
        if href.startswith("lesson:"):
            url = resolve_link(href.removeprefix("lesson:"))
            if url is None:
                problems.append(f"link to an unknown lesson: {href}")
            else:
                token.attrSet("href", url)
    for child in token.children or []:
        _rewrite(child, resolve_image, resolve_link, problems)


def _plain_text(tokens: list[Token]) -> str:
    """The lesson's words, for search."""
    parts = [
        child.content
        for token in tokens
        for child in (token.children or [])
        if child.type == "text" and child.content
    ]
    return " ".join(parts)
