"""The trainee's case logbook: cases, consent, screening, plan, sessions, healed reviews and the
CPD log; the case and session pages (audited) and their permission-checked photos.

Supervisors' and examiners' pages are in ``clinical.supervision``, on this blueprint.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from smp_academy.clinical import (
    assessments,
    cases,
    checklists,
    measurements,
    media,
    pages,
    permissions,
    privacy,
    reviews,
    sessions,
    signoffs,
)
from smp_academy.clinical.forms import (
    EXTERNAL,
    ConfirmForm,
    ConsentForm,
    CpdForm,
    OpenCaseForm,
    PlanForm,
    ReviewForm,
    ScreeningForm,
    SessionForm,
    SignOffForm,
    WithdrawForm,
    options,
)
from smp_academy.clinical.models import ClientCase, TreatmentSession
from smp_academy.core.boundary import refused_to, writes
from smp_academy.core.idempotency import idempotent
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import form_errors

bp = Blueprint("clinical", __name__, url_prefix="/clinical")

STAFF = (Role.INSTRUCTOR, Role.ADMIN)
CASE_READERS = (Role.TRAINEE, *STAFF)


def uploads(name: str) -> list[media.Upload]:
    return [media.Upload(f.filename or "", f.read()) for f in request.files.getlist(name) if f]


def form_page(template: str, **context) -> tuple[str, int]:
    """A form page: 400 when it comes back from a refused post (a success redirects)."""
    return render_template(template, **context), 400 if request.method == "POST" else 200


def _own_case(case_id: int) -> ClientCase:
    """A case its trainee writes to; to anyone else it does not exist."""
    case = cases.get_case(case_id)
    require(permissions.can_log(current_user, case), hide=True)
    return case


def _to_case(case: ClientCase, message: str):
    flash(message, "success")
    return redirect(url_for(".show_case", case_id=case.id))


@bp.get("")
@roles_required(Role.TRAINEE)
def logbook():
    return render_template(
        "clinical/logbook.html",
        trainee=current_user,
        cases=cases.cases_of(current_user),
        assessments=assessments.assessments_of(current_user),
        summary=pages.logbook_summary(current_user),
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
@idempotent
def open_case():
    form = OpenCaseForm()
    if form.validate_on_submit():
        with form_errors(form):
            case = cases.open_case(current_user, form.initials.data, form.birth_year.data)
            return _to_case(case, f"Case {case.code} opened. Record the client's consent next.")
    return form_page("clinical/open_case.html", form=form)


@bp.get("/cases/<int:case_id>")
@roles_required(*CASE_READERS)
@writes
def show_case(case_id: int):
    case = cases.get_case(case_id)
    require(permissions.can_view_case(current_user, case), hide=True)
    pages.viewed(current_user, case)
    return render_template(
        "clinical/case.html",
        page=pages.case_page(case),
        can_log=permissions.can_log(current_user, case),
        can_withdraw=permissions.can_withdraw(current_user, case),
        confirm=ConfirmForm(),
        withdraw=WithdrawForm(),
    )


@bp.route("/cases/<int:case_id>/consent", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
@idempotent
def record_consent(case_id: int):
    case, form = _own_case(case_id), ConsentForm()
    if form.validate_on_submit():
        given = cases.ConsentInput(
            form.method.data,
            form.scopes.data or [],
            form.signature.data,
            form.signed_on.data,
            uploads("scan"),
        )
        with form_errors(form):
            cases.record_consent(current_user, case, given)
            return _to_case(case, "Consent recorded. Screen the client next.")
    return form_page("clinical/consent.html", case=case, form=form)


@bp.route("/cases/<int:case_id>/screening", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def record_screening(case_id: int):
    case, form = _own_case(case_id), ScreeningForm()
    if form.validate_on_submit():
        answers = {q.key: form[f"q_{q.key}"].data for q in checklists.SCREENING_QUESTIONS}
        with form_errors(form):
            screening = cases.record_screening(
                current_user, case, answers, form.clearance_on_file.data, form.screened_on.data
            )
            return _to_case(case, checklists.OUTCOME_LABELS[screening.outcome] + ".")
    return form_page(
        "clinical/screening.html", case=case, form=form, questions=checklists.SCREENING_QUESTIONS
    )


@bp.route("/cases/<int:case_id>/plan", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def record_plan(case_id: int):
    case = _own_case(case_id)
    form = PlanForm(obj=case if request.method == "GET" else None)
    if form.validate_on_submit():
        with form_errors(form):
            cases.record_plan(
                current_user,
                case,
                form.hair_loss.data or None,
                form.has_scars.data,
                form.fitzpatrick.data or None,
                form.design.data,
            )
            return _to_case(case, "Consultation and design recorded.")
    return form_page("clinical/plan.html", case=case, form=form)


@bp.route("/cases/<int:case_id>/sessions/new", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
@idempotent
def log_session(case_id: int):
    case, form = _own_case(case_id), SessionForm()
    form.supervisor_id.choices = options(
        [
            (EXTERNAL, "Someone outside the academy (I give their name and e-mail)"),
            *((u.id, u.name) for u in sessions.supervisors_for(current_user)),
        ]
    )
    if form.validate_on_submit():
        with form_errors(form):
            session = sessions.log_session(current_user, case, _session_input(form))
            if session.is_external:
                signoffs.invite_external(current_user, session)
            else:
                sessions.tell_supervisor(session, current_user)
            return _to_case(
                case, f"Session {session.number} logged; your supervisor is asked to sign it off."
            )
    return form_page("clinical/log_session.html", case=case, form=form)


def _session_input(form: SessionForm) -> sessions.SessionInput:
    external = form.supervisor_id.data in (None, EXTERNAL)
    return sessions.SessionInput(
        performed_on=form.performed_on.data,
        duration_minutes=form.duration_minutes.data,
        areas=form.areas.data or [],
        pigment_brand=form.pigment_brand.data or "",
        pigment_shade=form.pigment_shade.data or "",
        pigment_lot=form.pigment_lot.data or "",
        dilution=form.dilution.data or "",
        needle=form.needle.data or "",
        machine=form.machine.data or "",
        machine_settings=form.machine_settings.data or "",
        level=form.level.data,
        supervisor_id=None if external else form.supervisor_id.data,
        external_name=form.external_name.data or "" if external else "",
        external_email=form.external_email.data or "" if external else "",
        adverse_event=form.adverse_event.data or "none",
        notes=form.notes.data or "",
        before=uploads("before"),
        after=uploads("after"),
        after_area=form.after_area.data or "",
        keep_unmeasured=form.keep_unmeasured.data,
    )


@bp.post("/cases/<int:case_id>/close")
@roles_required(Role.TRAINEE)
@refused_to("clinical.show_case")
def close_case(case_id: int):
    case = _own_case(case_id)
    if ConfirmForm().validate_on_submit():
        cases.close_case(current_user, case)
        flash("Case closed: the healed reviews are now scheduled.", "success")
    return redirect(url_for(".show_case", case_id=case.id))


@bp.post("/cases/<int:case_id>/withdraw")
@roles_required(Role.TRAINEE, Role.ADMIN)
@refused_to("clinical.show_case")
def withdraw_consent(case_id: int):
    case = cases.get_case(case_id)
    require(permissions.can_withdraw(current_user, case), hide=True)
    form = WithdrawForm()
    if form.validate_on_submit():
        erased = privacy.withdraw_consent(current_user, case)
        flash(f"Consent withdrawn: {erased} photo(s) and every note erased.", "success")
    else:
        flash(" ".join(form.confirm.errors) or "The form expired; try again.", "error")
    return redirect(url_for(".show_case", case_id=case.id))


@bp.route("/cases/<int:case_id>/reviews/new", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
@idempotent
def record_review(case_id: int):
    case, form = _own_case(case_id), ReviewForm()
    form.window.choices = options((w.key, w.title) for w in reviews.review_windows())
    if request.method == "GET":
        form.window.data = request.args.get("window")
    if form.validate_on_submit():
        given = reviews.ReviewInput(
            form.window.data,
            form.reviewed_on.data,
            form.fading.data,
            form.spread.data,
            form.colour_shift.data,
            form.satisfaction.data,
            form.notes.data or "",
            uploads("photos"),
            form.area.data or "",
            form.keep_unmeasured.data,
        )
        with form_errors(form):
            review = reviews.record_review(current_user, case, given)
            return _to_case(case, f"{reviews.window_by_key(review.window).title} recorded.")
    return form_page("clinical/review.html", case=case, form=form)


@bp.get("/sessions/<int:session_id>")
@roles_required(*CASE_READERS)
@writes
def show_session(session_id: int):
    session = sessions.get_session(session_id)
    require(permissions.can_view_case(current_user, session.case), hide=True)
    signer = permissions.can_sign_off(current_user, session)
    return session_page(session, SignOffForm() if signer else None)


def session_page(session: TreatmentSession, form: SignOffForm | None) -> str:
    """The session with its sign-off history (and the supervisor's form); the view is audited."""
    case = session.case
    pages.viewed(current_user, session, case=case.code)
    return render_template(
        "clinical/session.html",
        case=case,
        session=session,
        history=signoffs.history(session),
        invitation=signoffs.pending_invitation(session),
        photos=pages.photos_by_owner(case),
        form=form,
        can_log=permissions.can_log(current_user, case),
        confirm=ConfirmForm(),
    )


@bp.post("/sessions/<int:session_id>/invite")
@roles_required(Role.TRAINEE)
@refused_to("clinical.show_session")
def resend_link(session_id: int):
    session = sessions.get_session(session_id)
    require(permissions.can_log(current_user, session.case), hide=True)
    if ConfirmForm().validate_on_submit():
        signoffs.invite_external(current_user, session)
        flash(
            f"A new sign-off link was sent to {session.external_email}; older links no longer "
            "work.",
            "success",
        )
    return redirect(url_for(".show_session", session_id=session.id))


@bp.get("/photos/<int:photo_id>/<any(full, thumb, overlay):size>")
@roles_required(*CASE_READERS)
@writes
def photo_file(photo_id: int, size: str):
    """Client photos and their measurement overlays only through a permission check, each
    view audited."""
    photo = media.get_photo(photo_id)
    case = cases.get_case(photo.case_id)
    require(permissions.can_view_case(current_user, case), hide=True)
    key, mimetype = media.file_of(photo, size)
    pages.viewed(current_user, photo, case=case.code, size=size)
    return _image(media.load(key), mimetype)


def _image(data: bytes, mimetype: str = "image/jpeg") -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/cpd", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
@idempotent
def cpd_log():
    form = CpdForm()
    if form.validate_on_submit():
        hours = float(form.hours.data) if form.hours.data is not None else None
        given = assessments.CpdInput(
            form.completed_on.data,
            form.title.data or "",
            form.provider.data or "",
            hours,
            uploads("evidence"),
        )
        with form_errors(form):
            entry = assessments.log_cpd(current_user, given)
            flash(f"{entry.hours:g} CPD hours logged.", "success")
            return redirect(url_for(".cpd_log"))
    entries = assessments.cpd_entries_of(current_user)
    return form_page("clinical/cpd.html", form=form, entries=entries, trainee=current_user)


@bp.get("/cpd/<int:entry_id>/evidence")
@roles_required(*CASE_READERS)
def cpd_evidence(entry_id: int):
    entry = assessments.get_cpd_entry(entry_id)
    allowed = entry.trainee_id == current_user.id or permissions.can_examine(
        current_user, entry.trainee_id
    )
    require(allowed, hide=True)
    return _image(media.load(entry.evidence_key))


@bp.context_processor
def clinical_checklists():
    """Every clinical page names items and levels from the checklists, and says why a scalp
    photo has no measurement."""
    return {"checklists": checklists, "measurement_note": measurements.measurement_note}


@bp.app_context_processor
def clinical_template_helpers():
    """The dashboard's logbook line, without the courses domain importing clinical."""
    return {"clinical_summary": pages.logbook_summary}
