"""Lesson search helpers, pure: query terms, trigram similarity for misspellings (the same
measure as PostgreSQL's pg_trgm, so both databases agree on what is "close") and result
snippets with the matches highlighted."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
#: pg_trgm's default threshold for ``%``: below it two words are not "similar"
SIMILARITY_THRESHOLD = 0.3
#: a correction must also look like the word typed (length), not only share trigrams with it
MAX_LENGTH_GAP = 3
SUFFIXES = ("ations", "ation", "ings", "ing", "ions", "ion", "es", "ed", "s")
MAX_TERMS = 8
SNIPPET_BEFORE, SNIPPET_AFTER = 70, 170


def terms(query: str) -> list[str]:
    """The words searched for: lowercase, two letters or more, at most eight, in order."""
    found = [w for w in WORD.findall(query.lower()) if len(w) > 1]
    return list(dict.fromkeys(found))[:MAX_TERMS]


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: lowercase, two spaces before and one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams of the two words (pg_trgm's ``similarity``)."""
    left, right = trigrams(a), trigrams(b)
    return len(left & right) / len(left | right) if left or right else 0.0


def closest(term: str, vocabulary: Iterable[str]) -> str | None:
    """The vocabulary word most similar to ``term``, if any is similar enough."""
    scored = [
        (similarity(term, word), word)
        for word in vocabulary
        if abs(len(word) - len(term)) <= MAX_LENGTH_GAP
    ]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= SIMILARITY_THRESHOLD else None


def vocabulary(texts: Iterable[str]) -> set[str]:
    return {word for text in texts for word in WORD.findall(text.lower())}


def stem(term: str) -> str:
    """A crude stem, so that "blowout" finds "blowouts" and "sterilise" "sterilisation"."""
    for suffix in SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 4:
            return term[: -len(suffix)]
    return term


def _pattern(search_terms: list[str]) -> re.Pattern[str]:
    stems = sorted({re.escape(stem(t)) for t in search_terms}, key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(stems)})\w*", re.IGNORECASE)


def snippet(text: str, search_terms: list[str]) -> Markup:
    """A short passage around the first match, the matching words in ``<mark>``."""
    if not search_terms:
        return Markup("")
    pattern = _pattern(search_terms)
    first = pattern.search(text)
    centre = first.start() if first else 0
    start = max(0, text.rfind(" ", 0, max(0, centre - SNIPPET_BEFORE)) + 1)
    end = text.find(" ", centre + SNIPPET_AFTER)
    end = len(text) if end == -1 else end
    passage = text[start:end]
    parts, last = [], 0
    for match in pattern.finditer(passage):
        parts.append(escape(passage[last : match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    parts.append(escape(passage[last:]))
    lead, tail = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    return Markup(lead) + Markup("").join(parts) + Markup(tail)
