"""Signals that let a domain announce something that others react to, in the same transaction,
without importing them: quizzes, practice and grading announce ``requirement_met`` and
certificates listen; certificates announce what happens to a certificate and verification
(rosters) and the holder's notices listen."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sent with ``user_id`` when a quiz is passed, a course completed or an exercise passed
requirement_met = _signals.signal("requirement-met")

#: sender: the new certificate
certificate_issued = _signals.signal("certificate-issued")
#: sender: the revoked certificate
certificate_revoked = _signals.signal("certificate-revoked")
#: sender: the certificate whose revocation was undone
certificate_reinstated = _signals.signal("certificate-reinstated")
#: sender: the old certificate; ``new``: the one that replaces it; ``renewal``: the next cycle
#: (True) or a re-issue of the same period (False)
certificate_superseded = _signals.signal("certificate-superseded")
#: sender: a certificate that expires within the reminder window (sent once)
certificate_expiring = _signals.signal("certificate-expiring")
