"""What certificates do when lower domains announce something (signals, not imports), and
what follows within certificates from their own announcements (notices, status lists)."""

from __future__ import annotations

from smp_academy.certificates import notices, status_lists
from smp_academy.certificates.services import check_and_issue
from smp_academy.core.events import requirement_met
from smp_academy.core.jobs import enqueue


def _issue_earned_certificates(sender, user_id: int, **_) -> None:
    """A quiz passed, a lesson finished or an exercise passed: issue what is now earned in the
    same transaction, and check again after commit, when a requirement completed at the same
    moment in another transaction is visible too (the unique index prevents a double)."""
    check_and_issue(user_id)
    enqueue(check_and_issue, user_id)


def connect_receivers() -> None:
    """Connect every subscriber of the certificate events (called by the factory)."""
    requirement_met.connect(_issue_earned_certificates)
    notices.connect_receivers()
    status_lists.connect_receivers()
