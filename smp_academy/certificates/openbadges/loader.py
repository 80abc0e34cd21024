"""JSON-LD contexts served from files shipped with the app, and canonicalisation through them.

A credential is signed over its RDF canonical form, so every context it names must resolve
to exactly the bytes we signed with — and a verifier on a machine without network must
still work. The loader therefore serves only the files in ``contexts/`` and refuses any
other URL; nothing is ever fetched.

Canonicalisation runs in "safe mode" (Data Integrity 1.0, §4.1): a property that no context
defines, or a type or identifier that is not an absolute IRI, would silently vanish from
the canonical form and so be left unsigned. Both are refused instead.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

_CONTEXTS_DIR = Path(__file__).parent / "contexts"
SHIPPED_CONTEXTS: dict[str, Path] = {
    CREDENTIALS_V2: _CONTEXTS_DIR / "credentials-v2.jsonld",
    OPEN_BADGES_V3: _CONTEXTS_DIR / "ob-v3p0-context-3.0.3.json",
}
# Our own cache of processed contexts: pyld's module-wide default would be shared with any
# other loader in the process that might serve different documents for the same URLs.
_RESOLVED_CONTEXTS: LRUCache = LRUCache(maxsize=16)


class CanonicalizationError(ValueError):
    """The document cannot be put into canonical form; the message says why, for people."""


@cache
def _context_document(url: str) -> dict[str, Any]:
    return json.loads(SHIPPED_CONTEXTS[url].read_text(encoding="utf-8"))


def load_document(url: str, options: dict | None = None) -> dict[str, Any]:
    """pyld document loader: shipped contexts only, never the network."""
    if url not in SHIPPED_CONTEXTS:
        raise CanonicalizationError(f"it uses a JSON-LD context this app does not ship: {url}")
    return {"contextUrl": None, "documentUrl": url, "document": _context_document(url)}


def canonize(document: dict[str, Any]) -> str:
    """The RDFC-1.0 (URDNA2015) canonical N-Quads of ``document``, in safe mode."""
    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped_property)
    try:
        expanded = processor.expand(document, _options())
        _require_absolute_iris(expanded)
        options = _options() | {"algorithm": "URDNA2015", "format": "application/n-quads"}
        return processor.normalize(expanded, options)
    except jsonld.JsonLdError as error:
        raise _explain(error) from None
    except RecursionError:
        raise CanonicalizationError("it is nested too deeply") from None


def _options() -> dict[str, Any]:
    # base None: pyld would otherwise resolve relative IRIs against http://example.org/base/
    return {
        "base": None,
        "documentLoader": load_document,
        "contextResolver": ContextResolver(_RESOLVED_CONTEXTS, load_document),
    }


def _refuse_dropped_property(expanded_property: str | None) -> None:
    name = f" '{expanded_property}'" if expanded_property else ""
    raise CanonicalizationError(f"it has a property{name} that its contexts do not define")


def _require_absolute_iris(node: Any) -> None:
    """Refuse relative ``@id``/``@type`` values: JSON-LD drops them from the RDF form."""
    if isinstance(node, list):
        for item in node:
            _require_absolute_iris(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in ("@id", "@type") and "@value" not in node:
            for iri in value if isinstance(value, list) else [value]:
                if isinstance(iri, str) and not _is_absolute_iri(iri):
                    raise CanonicalizationError(f"'{iri}' is neither a defined term nor a URL")
        else:
            _require_absolute_iris(value)


def _is_absolute_iri(value: str) -> bool:
    """An IRI with a scheme, or a blank node label (which RDF keeps)."""
    scheme, colon, _ = value.partition(":")
    return bool(colon) and (scheme == "_" or scheme[:1].isalpha())


def _explain(error: jsonld.JsonLdError) -> CanonicalizationError:
    """The first cause in the chain that speaks to people, else pyld's own message."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, CanonicalizationError):
            return cause
        cause = cause.__cause__
    return CanonicalizationError(f"it is not valid JSON-LD ({error.code or error.args[0]})")
