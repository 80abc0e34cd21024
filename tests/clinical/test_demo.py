"""`flask demo` gives the holder a certificate resting on a complete clinical pathway."""

from __future__ import annotations

from sqlalchemy import func, select

from smp_academy.auth.services import find_user_by_email
from smp_academy.certificates.models import Certificate
from smp_academy.clinical import cases
from smp_academy.clinical.models import ClientPhoto, SignOff
from smp_academy.clinical.pages import logbook_summary
from smp_academy.extensions import db


def test_the_demo_holder_rests_on_a_complete_pathway(app, storage):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    titles = set(db.session.scalars(select(Certificate.credential_title)))
    assert titles == {
        "Certified SMP Practitioner",
        "Hygiene, Infection Control and Bloodborne Pathogens",
    }
    cert = db.session.scalars(
        select(Certificate).where(Certificate.credential_title == "Certified SMP Practitioner")
    ).one()
    assert cert.requirements and all(entry["met_on"] for entry in cert.requirements)
    holder = find_user_by_email("holder@example.com")
    holder_cases = cases.cases_of(holder)
    assert len(holder_cases) == 4 and all(case.closed_on for case in holder_cases)
    methods = set(db.session.scalars(select(SignOff.method)))
    assert methods == {"account", "email_link"}
    photos = db.session.scalar(select(func.count(ClientPhoto.id)))
    assert photos > 20 and len(list(storage.files("clinical"))) >= 2 * photos
    trainee = find_user_by_email("trainee@example.com")
    assert logbook_summary(trainee).waiting == 1
