"""A small accessibility check of a page's forms: every control has a label, and every error
message is tied to the control it is about (``aria-describedby``)."""

from __future__ import annotations

from html.parser import HTMLParser

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.label_depth = 0
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | bool]] = []
        self.error_ids: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in {"input", "select", "textarea"} and a.get("type") not in UNLABELLED_TYPES:
            self.controls.append(a | {"_nested": self.label_depth > 0, "_tag": tag})
        if "field-error" in a.get("class", "").split():
            self.error_ids.append(a.get("id") or None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1


def problems(html: str) -> list[str]:
    forms = _Forms()
    forms.feed(html)
    found = []
    described = {ref for c in forms.controls for ref in str(c.get("aria-describedby", "")).split()}
    for control in forms.controls:
        labelled = (
            control["_nested"]
            or control.get("id") in forms.label_for
            or control.get("aria-label")
            or control.get("aria-labelledby")
        )
        if not labelled:
            found.append(f"unlabelled {control['_tag']} name={control.get('name')!r}")
    for error_id in forms.error_ids:
        if error_id is None or error_id not in described:
            found.append(f"error message {error_id!r} is not tied to a control")
    return found
