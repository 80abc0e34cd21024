"""Pigment lot traceability: an admin finds every session with a recalled lot, whatever the
case and spacing it was typed with, and exports it as CSV; nobody else may."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import select

from smp_academy.clinical import lots
from smp_academy.core.models import AuditEvent
from smp_academy.extensions import db
from tests.clinical import helpers

JAN = date(2026, 1, 10)


def _sessions(people):
    first = helpers.ready_case(people.trainee)
    helpers.log(people.trainee, first, people.instructor, JAN, pigment_lot="A-77 19")
    helpers.log(people.trainee, first, people.instructor, JAN + timedelta(14), pigment_lot="B-1")
    other = helpers.ready_case(people.other_trainee)
    helpers.log(
        people.other_trainee,
        other,
        people.other_instructor,
        JAN + timedelta(3),
        pigment_brand="SCALP INK CO ",
        pigment_lot="a-77  19",
    )
    helpers.log(
        people.other_trainee,
        other,
        people.other_instructor,
        JAN + timedelta(17),
        pigment_brand="Other Brand",
        pigment_lot="A-77 19",
    )
    return first, other


def test_the_look_up_ignores_case_and_spacing_and_is_audited(people, admin):
    first, other = _sessions(people)
    uses = lots.lot_uses(admin, "  scalp ink co", "A-77 19 ")
    assert [(u.case.code, u.session.number) for u in uses] == [(other.code, 1), (first.code, 1)]
    assert uses[1].trainee.email == people.trainee.email
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "clinical.lot_looked_up")
    )
    assert event.details == {"brand": "scalp ink co", "lot": "A-77 19", "found": 2}


def test_the_csv_names_the_trainee_to_contact_and_is_formula_safe(people, admin):
    first, _ = _sessions(people)
    helpers.log(
        people.trainee,
        helpers.ready_case(people.trainee),
        people.instructor,
        JAN,
        pigment_shade="=HYPERLINK(1)",
        pigment_lot="A-77 19",
    )
    rows = list(
        csv.reader(io.StringIO(lots.lot_csv(lots.lot_uses(admin, "Scalp Ink Co", "a-77 19"))))
    )
    assert rows[0] == list(lots.CSV_COLUMNS)
    assert {row[0] for row in rows[1:]} >= {first.code}
    assert any(row[4] == "'=HYPERLINK(1)" for row in rows[1:])
    assert all(row[7] in {people.trainee.email, people.other_trainee.email} for row in rows[1:])


def test_the_pages_are_for_admins_only(people, admin, login, client):
    _sessions(people)
    for user in (people.trainee, people.instructor):
        login(user)
        assert client.get("/clinical/lots?brand=scalp+ink+co&lot=A-77+19").status_code == 403
        client.post("/logout", data={})
    login(admin)
    page = client.get("/clinical/lots?brand=scalp+ink+co&lot=A-77+19")
    assert page.status_code == 200 and "2 sessions with lot A-77 19" in page.get_data(as_text=True)
    export = client.get("/clinical/lots.csv?brand=scalp+ink+co&lot=A-77+19")
    assert export.mimetype == "text/csv" and export.get_data(as_text=True).count("\n") == 3
    empty = client.get("/clinical/lots?brand=&lot=")
    assert empty.status_code == 200 and "Enter the brand." in empty.get_data(as_text=True)
    assert client.get("/clinical/lots.csv?brand=x").status_code == 400
