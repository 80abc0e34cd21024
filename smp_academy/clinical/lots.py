"""Pigment lot traceability: when a lot is recalled, every session that used it, with the trainee
to contact the client through (we hold no client contact details) and the dates."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.clinical.inputs import fold, short_text
from smp_academy.clinical.models import ClientCase, TreatmentSession
from smp_academy.core import audit
from smp_academy.extensions import db

CSV_COLUMNS = (
    "case_code",
    "session",
    "session_date",
    "pigment_brand",
    "pigment_shade",
    "lot_number",
    "trainee_name",
    "trainee_email",
    "supervisor",
    "case_closed_on",
    "consent_withdrawn",
)


@dataclass(frozen=True)
class LotUse:
    session: TreatmentSession
    case: ClientCase
    trainee: User

    @property
    def supervisor(self) -> str:
        if self.session.supervisor is not None:
            return self.session.supervisor.name
        return f"{self.session.external_name} (external)"

    def row(self) -> tuple[str | int | date | None, ...]:
        return (
            self.case.code,
            self.session.number,
            self.session.performed_on.isoformat(),
            self.session.pigment_brand,
            self.session.pigment_shade,
            self.session.pigment_lot,
            self.trainee.name,
            self.trainee.email,
            self.supervisor,
            self.case.closed_on.isoformat() if self.case.closed_on else "",
            "yes" if self.case.consent_withdrawn_at else "no",
        )


def lot_uses(actor: User, brand: str, lot: str) -> list[LotUse]:
    """Every session with this brand and lot (trimmed, ignoring case and inner spaces),
    newest first. The look-up is audited: it names trainees and their clients' cases."""
    brand = short_text(brand, "brand", "brand", 80)
    lot = short_text(lot, "lot", "lot number", 40)
    rows = db.session.execute(
        select(TreatmentSession, ClientCase, User)
        .join(ClientCase, ClientCase.id == TreatmentSession.case_id)
        .join(User, User.id == ClientCase.trainee_id)
        .where(TreatmentSession.brand_key == fold(brand), TreatmentSession.lot_key == fold(lot))
        .order_by(TreatmentSession.performed_on.desc(), TreatmentSession.id.desc())
    )
    uses = [LotUse(*row) for row in rows]
    audit.record(actor, "clinical.lot_looked_up", None, brand=brand, lot=lot, found=len(uses))
    return uses


def lot_csv(uses: list[LotUse]) -> str:
    """The look-up as CSV, for the recall letter to each trainee."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for use in uses:
        writer.writerow([_safe_cell(value) for value in use.row()])
    return out.getvalue()


def _safe_cell(value: object) -> object:
    """No spreadsheet formula injection: a cell that starts like a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
