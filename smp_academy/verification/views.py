"""The public verification pages and the clinics' token and roster pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from smp_academy.certificates import documents
from smp_academy.certificates.status import certificate_json, lookup_problem, status_of
from smp_academy.core.boundary import writes
from smp_academy.core.rate_limits import too_many
from smp_academy.core.roles import Role, has_role, roles_required
from smp_academy.core.web import form_errors
from smp_academy.extensions import limiter
from smp_academy.verification import services
from smp_academy.verification.forms import ConfirmForm, RosterForm, TokenForm, VerifyForm

bp = Blueprint("verification", __name__)

MAX_PDF_BYTES = 10 * 1024 * 1024
LOOKUPS_LIMITED = too_many("certificate look-ups from your address")


def _lookup_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_LOOKUP"]


def _viewer_clinic():
    return current_user if has_role(current_user, Role.CLINIC) else None


@bp.get("/verify")
def verify_form():
    return render_template("verification/verify.html", form=VerifyForm())


@bp.post("/verify")
@limiter.limit(_lookup_limit, error_message=LOOKUPS_LIMITED)
def verify_submit():
    form = VerifyForm()
    if not form.validate_on_submit():
        return render_template("verification/verify.html", form=form), 400
    upload = form.pdf.data
    if upload and getattr(upload, "filename", ""):
        return _verify_pdf(form, upload.read(MAX_PDF_BYTES + 1))
    if not form.code.data:
        form.code.errors = ["Enter a certificate code or upload the PDF."]
        return render_template("verification/verify.html", form=form), 400
    problem = lookup_problem(form.code.data)
    if problem:
        form.code.errors = [problem]
        return render_template("verification/verify.html", form=form), 400
    return redirect(url_for(".verify_code", code=form.code.data.strip()))


def _verify_pdf(form: VerifyForm, data: bytes):
    if len(data) > MAX_PDF_BYTES:
        form.pdf.errors = ["This file is larger than 10 MB; a certificate PDF is much smaller."]
        return render_template("verification/verify.html", form=form), 400
    check, cert = documents.check_pdf(data)
    if check.code:
        services.log_lookup(check.code, cert, "pdf", _viewer_clinic())
    return render_template(
        "verification/pdf_result.html",
        check=check,
        cert=cert,
        data=certificate_json(cert) if cert else None,
    )


@bp.get("/verify/<code>")
@limiter.limit(_lookup_limit, error_message=LOOKUPS_LIMITED)
@writes
def verify_code(code: str):
    problem = lookup_problem(code)
    if problem:
        return render_template("verification/result.html", problem=problem, code=code), 404
    channel = "qr" if request.args.get("via") == "qr" else "page"
    cert = services.lookup(code, channel, _viewer_clinic())
    if cert is None:
        return render_template(
            "verification/result.html", code=code, problem="No certificate has this code."
        ), 404
    return render_template(
        "verification/result.html", cert=cert, data=certificate_json(cert), code=code
    )


@bp.route("/clinic/tokens", methods=["GET", "POST"])
@roles_required(Role.CLINIC)
def clinic_tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _, new_token = services.create_token(current_user, form.name.data)
    return render_template(
        "verification/tokens.html",
        form=form,
        new_token=new_token,
        tokens=services.clinic_tokens(current_user),
        confirm=ConfirmForm(),
    )


@bp.post("/clinic/tokens/<int:token_id>/revoke")
@roles_required(Role.CLINIC)
def revoke_clinic_token(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_token(current_user, token_id)
    flash("The token is revoked; requests using it are refused from now on.", "success")
    return redirect(url_for(".clinic_tokens"))


@bp.route("/clinic/roster", methods=["GET", "POST"])
@roles_required(Role.CLINIC)
def clinic_roster():
    form = RosterForm()
    if form.validate_on_submit():
        with form_errors(form):
            entry = services.add_to_roster(current_user, form.code.data, form.note.data or "")
            flash(f"{entry.certificate.holder_name} is on your roster.", "success")
            return redirect(url_for(".clinic_roster"))
    return render_template(
        "verification/roster.html",
        form=form,
        entries=services.roster(current_user),
        status_of=status_of,
        confirm=ConfirmForm(),
    )


@bp.post("/clinic/roster/<int:entry_id>/remove")
@roles_required(Role.CLINIC)
def remove_roster_entry(entry_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.remove_from_roster(current_user, entry_id)
    flash("The practitioner is off your roster; you will no longer hear about them.", "success")
    return redirect(url_for(".clinic_roster"))


@bp.app_context_processor
def verification_template_helpers():
    """Lets the holder's certificate pages show their look-ups without certificates importing
    verification."""
    return {"verification_summary": services.verification_summary}
