"""Supervisors' and examiners' pages (on the clinical blueprint): the sign-off queue, signing
and correcting forms, the external supervisor's single-use link, a trainee's record, the
examiners' assessments, and the admins' pigment lot look-up."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from smp_academy.auth.models import User
from smp_academy.clinical import (
    assessments,
    cases,
    checklists,
    lots,
    media,
    pages,
    permissions,
    sessions,
    signoffs,
)
from smp_academy.clinical.checklists import ASSESSMENT_ITEMS, ASSESSMENT_TITLES, AssessmentKind
from smp_academy.clinical.forms import CorrectionForm, SignOffForm, make_assessment_form
from smp_academy.clinical.inputs import found
from smp_academy.clinical.models import SignOff, TreatmentSession
from smp_academy.clinical.views import STAFF, bp, form_page, session_page
from smp_academy.core.boundary import writes
from smp_academy.core.errors import NotFound
from smp_academy.core.idempotency import idempotent
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import form_errors
from smp_academy.extensions import db


def _sign_off_input(form: SignOffForm) -> signoffs.SignOffInput:
    return signoffs.SignOffInput(
        level=form.level.data,
        hygiene={key: form[f"hygiene_{key}"].data for key, _ in checklists.HYGIENE_STEPS},
        ratings={key: form[f"rating_{key}"].data for key, _ in checklists.TECHNIQUE_ITEMS},
        feedback=form.feedback.data or "",
        is_satisfactory=form.is_satisfactory.data == "yes",
    )


@bp.get("/supervision")
@roles_required(*STAFF)
def supervision():
    return render_template(
        "clinical/supervision.html",
        waiting=sessions.awaiting_sign_off(current_user),
        trainees=pages.supervised_trainees(current_user),
    )


@bp.post("/sessions/<int:session_id>/sign-off")
@roles_required(Role.INSTRUCTOR)
@idempotent
def sign_session(session_id: int):
    session = sessions.get_session(session_id)
    require(permissions.can_sign_off(current_user, session), hide=True)
    form = SignOffForm()
    if form.validate_on_submit():
        with form_errors(form):
            signoffs.sign_off(current_user, session, _sign_off_input(form))
            flash(f"Session {session.number} of case {session.case.code} signed off.", "success")
            return redirect(url_for(".supervision"))
    return session_page(session, form), 400


@bp.route("/sign-offs/<int:sign_off_id>/correct", methods=["GET", "POST"])
@roles_required(*STAFF)
def correct_sign_off(sign_off_id: int):
    old = signoffs.get_sign_off(sign_off_id)
    require(permissions.can_correct(current_user, old.signer_id), hide=True)
    form = CorrectionForm(data=_form_data(old) if request.method == "GET" else None)
    if form.validate_on_submit():
        with form_errors(form):
            signoffs.correct(current_user, old, _sign_off_input(form), form.reason.data)
            flash("The corrected form is now the current version.", "success")
            return redirect(url_for(".show_session", session_id=old.session_id))
    session = db.session.get(TreatmentSession, old.session_id)
    return form_page("clinical/correct_sign_off.html", old=old, session=session, form=form)


def _form_data(form: SignOff) -> dict:
    """The signed form's answers, to start the correction from."""
    data: dict[str, Any] = {"level": form.level, "feedback": form.feedback}
    data["is_satisfactory"] = "yes" if form.is_satisfactory else "no"
    data |= {f"hygiene_{key}": value for key, value in form.hygiene.items()}
    return data | {f"rating_{key}": value for key, value in form.ratings.items()}


@bp.route("/sign-off/<token>", methods=["GET", "POST"])
@writes
@idempotent
def external_sign_off(token: str):
    """An external supervisor's single-use link: no account, one session, audited."""
    invitation = signoffs.usable_invitation(token)
    if invitation is None:  # says why, and nothing about any session
        return render_template("clinical/link_refused.html", message=signoffs.LINK_REFUSED), 404
    session = invitation.session
    form = SignOffForm()
    if form.validate_on_submit():
        with form_errors(form):
            signoffs.sign_off_by_link(token, _sign_off_input(form))
            return render_template("clinical/external_done.html", session=session)
    pages.viewed(None, session, via="sign-off link", invitation=invitation.id)
    return form_page(
        "clinical/external_sign_off.html",
        invitation=invitation,
        session=session,
        thumbnails=media.session_thumbnails(session),
        form=form,
    )


def _trainee(trainee_id: int) -> User:
    trainee = found(User, trainee_id, "trainee")
    if trainee.role != Role.TRAINEE:
        raise NotFound("No such trainee.")
    require(permissions.can_examine(current_user, trainee.id), hide=True)
    return trainee


@bp.get("/trainees/<int:trainee_id>")
@roles_required(*STAFF)
def trainee_record(trainee_id: int):
    trainee = _trainee(trainee_id)
    return render_template(
        "clinical/logbook.html",
        trainee=trainee,
        cases=cases.cases_of(trainee),
        assessments=assessments.assessments_of(trainee),
        cpd=assessments.cpd_entries_of(trainee),
        summary=pages.logbook_summary(trainee),
    )


@bp.route(
    "/trainees/<int:trainee_id>/assessments/<any(observed_procedure, practical_exam):kind>",
    methods=["GET", "POST"],
)
@roles_required(*STAFF)
@idempotent
def record_assessment(trainee_id: int, kind: str):
    trainee, kind = _trainee(trainee_id), AssessmentKind(kind)
    form = make_assessment_form(kind)()
    if form.validate_on_submit():
        with form_errors(form):
            result = assessments.record_assessment(
                current_user, trainee, kind, _assessment_input(form, kind)
            )
            verdict = "passed" if result.is_passed else "not passed"
            flash(f"{ASSESSMENT_TITLES[kind]} recorded: {verdict}.", "success")
            return redirect(url_for(".trainee_record", trainee_id=trainee.id))
    return form_page(
        "clinical/assessment.html",
        trainee=trainee,
        kind=kind,
        form=form,
        old=None,
        items=ASSESSMENT_ITEMS[kind],
        title=ASSESSMENT_TITLES[kind],
    )


def _assessment_input(form, kind: AssessmentKind) -> assessments.AssessmentInput:
    return assessments.AssessmentInput(
        held_on=form.held_on.data,
        items={key: form[f"item_{key}"].data for key, _ in ASSESSMENT_ITEMS[kind]},
        feedback=form.feedback.data or "",
    )


@bp.route("/assessments/<int:assessment_id>/correct", methods=["GET", "POST"])
@roles_required(*STAFF)
def correct_assessment(assessment_id: int):
    old = assessments.get_assessment(assessment_id)
    trainee = _trainee(old.trainee_id)
    require(permissions.can_correct(current_user, old.examiner_id), hide=True)
    kind = old.kind
    data = {"held_on": old.held_on, "feedback": old.feedback}
    data |= {f"item_{key}": value for key, value in old.items.items()}
    form = make_assessment_form(kind, correcting=True)(
        data=data if request.method == "GET" else None
    )
    if form.validate_on_submit():
        with form_errors(form):
            assessments.correct_assessment(
                current_user, old, _assessment_input(form, kind), form.reason.data
            )
            flash("The corrected form is now the current version.", "success")
            return redirect(url_for(".trainee_record", trainee_id=trainee.id))
    return form_page(
        "clinical/assessment.html",
        trainee=trainee,
        kind=kind,
        form=form,
        old=old,
        items=ASSESSMENT_ITEMS[kind],
        title=ASSESSMENT_TITLES[kind],
    )


@bp.get("/lots")
@roles_required(Role.ADMIN)
@writes
def lot_lookup():
    brand, lot = request.args.get("brand", ""), request.args.get("lot", "")
    uses = None
    if "brand" in request.args:
        with form_errors(None):  # a refusal is flashed above the form
            uses = lots.lot_uses(current_user, brand, lot)
    return render_template("clinical/lots.html", brand=brand, lot=lot, uses=uses)


@bp.get("/lots.csv")
@roles_required(Role.ADMIN)
@writes
def lot_export():
    uses = lots.lot_uses(current_user, request.args.get("brand", ""), request.args.get("lot", ""))
    name = "lot-" + "".join(ch for ch in request.args.get("lot", "") if ch.isalnum())[:40]
    return Response(
        lots.lot_csv(uses),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
