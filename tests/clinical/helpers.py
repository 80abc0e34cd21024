"""Test data for the clinical pathway, made through the real services: people in cohorts, a
case ready for treatment, sessions with photos, sign-offs. Plain functions that flush; the
test's transaction rolls them back."""

from __future__ import annotations

import functools
import io
import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from PIL import Image, ImageDraw

from smp_academy.auth.models import User
from smp_academy.clinical import cases, media, sessions, signoffs
from smp_academy.clinical.checklists import HYGIENE_STEPS, TECHNIQUE_ITEMS
from smp_academy.clinical.models import ClientCase, SignOff, TreatmentSession
from smp_academy.clinical.synthetic import scalp_photo
from smp_academy.core import clock
from smp_academy.courses.models import Cohort
from smp_academy.extensions import db
from tests import factories
from tests.conftest import AuthActions, csrf_token

TODAY = date(2026, 6, 1)
CONSENT_DAY = date(2026, 1, 5)
SCALP_SEEDS = 4


def freeze(day: date = TODAY) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 12, tzinfo=UTC))


def jpeg(seed: int = 0, size: tuple[int, int] = (120, 90)) -> bytes:
    """A small skin-toned photo with dark dots, different for every seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (210 - seed % 40, 170, 140))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.ellipse((x, y, x + 2, y + 2), fill=(40, 40, 45))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def upload(seed: int = 0, name: str = "scan.jpg") -> media.Upload:
    """A photo without the scale sticker: a scan, some evidence, an unmeasurable scalp."""
    return media.Upload(name, jpeg(seed))


@functools.cache
def scalp(seed: int = 0, healed: bool = False) -> bytes:
    """A synthetic scalp photo beside the scale sticker, which the analysis measures (a few
    seeds, made once: each costs tens of milliseconds)."""
    return scalp_photo(seed % SCALP_SEEDS, healed=healed)


def scalp_upload(seed: int = 0, healed: bool = False, name: str = "scalp.jpg") -> media.Upload:
    return media.Upload(name, scalp(seed, healed))


@dataclass
class People:
    trainee: User
    instructor: User
    cohort: Cohort
    other_trainee: User
    other_instructor: User


def people() -> People:
    """A trainee and their instructor in one cohort; another cohort with its own two."""
    trainee, instructor = factories.user("trainee"), factories.user("instructor")
    other_trainee, other_instructor = factories.user("trainee"), factories.user("instructor")
    cohort = factories.cohort(trainees=[trainee], instructors=[instructor])
    factories.cohort(trainees=[other_trainee], instructors=[other_instructor])
    return People(trainee, instructor, cohort, other_trainee, other_instructor)


def consent(method: str = "on_screen", **changes) -> cases.ConsentInput:
    given = cases.ConsentInput(
        method=method,
        scopes=["treatment", "risks", "training_photos", "records"],
        signature="AB",
        signed_on=CONSENT_DAY,
        scans=[],
    )
    return replace(given, **changes)


def ready_case(trainee: User, initials: str | None = "AB") -> ClientCase:
    """A case with consent, a clear screening and a plan: ready for its first session."""
    case = cases.open_case(trainee, initials, 1980)
    cases.record_consent(trainee, case, consent())
    cases.record_screening(trainee, case, {}, False, CONSENT_DAY)
    cases.record_plan(
        trainee, case, "norwood-3", False, 3, "Soft mature hairline at 8 cm; density 2."
    )
    db.session.flush()
    return case


def session_input(supervisor: User | None, day: date, level: str = "direct", **changes):
    given = sessions.SessionInput(
        performed_on=day,
        duration_minutes=180,
        areas=["hairline", "temples"],
        pigment_brand="Scalp Ink Co",
        pigment_shade="Dark Ash 2",
        pigment_lot="LOT-2026-001",
        dilution="1:3 sterile water",
        needle="1RL 0.25",
        machine="SMP Pen X",
        machine_settings="stroke 2.5 mm",
        level=level,
        supervisor_id=supervisor.id if supervisor else None,
        before=[scalp_upload(day.toordinal())],
        after=[scalp_upload(day.toordinal() + 1)],
    )
    return replace(given, **changes)


def log(trainee: User, case: ClientCase, supervisor: User | None, day: date, **kw):
    session = sessions.log_session(trainee, case, session_input(supervisor, day, **kw))
    db.session.flush()
    return session


def sign_off_input(level: str = "direct", satisfactory: bool = True, **changes):
    given = signoffs.SignOffInput(
        level=level,
        hygiene={key: True for key, _ in HYGIENE_STEPS},
        ratings={key: 3 for key, _ in TECHNIQUE_ITEMS},
        feedback="Steady depth and good stretch; work on the temple transitions.",
        is_satisfactory=satisfactory,
    )
    return replace(given, **changes)


def sign(supervisor: User, session: TreatmentSession, **kw) -> SignOff:
    form = signoffs.sign_off(supervisor, session, sign_off_input(level=session.level, **kw))
    db.session.flush()
    return form


def completed_case(
    trainee: User, supervisor: User, first_day: date, levels: list[str], *, close: bool = True
) -> ClientCase:
    """A case with one signed, satisfactory session per level, 14 days apart, closed."""
    case = ready_case(trainee)
    for n, level in enumerate(levels):
        session = log(trainee, case, supervisor, first_day + timedelta(days=14 * n), level=level)
        sign(supervisor, session)
    if close:
        cases.close_case(trainee, case)
    db.session.flush()
    return case


#: the session form filled in, without its supervisor and photos
SESSION_FORM = {
    "performed_on": "2026-01-10",
    "duration_minutes": "180",
    "areas": ["hairline"],
    "pigment_brand": "Scalp Ink Co",
    "pigment_shade": "Ash 2",
    "pigment_lot": "L-1",
    "dilution": "1:3",
    "needle": "1RL",
    "machine": "Pen X",
    "level": "direct",
    "adverse_event": "none",
}


def client_as(app, user):
    """A test client signed in as ``user`` (anonymous with None)."""
    client = app.test_client()
    if user is not None:
        AuthActions(client).login(user)
    return client


def post_form(client, url: str, data: dict, files: dict | None = None):
    """Post a form of ``url`` with its CSRF token and files as {field: [(name, bytes)]}."""
    data = {"csrf_token": csrf_token(client, url)} | data
    for name, items in (files or {}).items():
        data[name] = [(io.BytesIO(content), filename) for filename, content in items]
    return client.post(url, data=data, content_type="multipart/form-data")


def error_at(response, field: str) -> str:
    """The error message shown at ``field``, checked to be tied to it."""
    text = response.get_data(as_text=True)
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', text)
    assert match, text[:3000]
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error\b', text)  # tied to its field
    return match.group(1)
