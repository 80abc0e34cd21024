"""Paths of the clinical pages that notifications and e-mails link to. Services write those
outside a request too (maintenance, the demo command), where ``url_for`` cannot build URLs;
a test checks each path against its route."""

from __future__ import annotations

LOGBOOK = "/clinical"
CASE = "/clinical/cases/{}"
SESSION = "/clinical/sessions/{}"
SIGN_OFF = "/clinical/sign-off/{}"
