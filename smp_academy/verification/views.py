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
from smp_academy.verification.forms import (
    ConfirmForm,
    CredentialForm,
    RosterForm,
    TokenForm,
    VerifyForm,
)

bp = Blueprint("verification", __name__)

MAX_PDF_BYTES = 10 * 1024 * 1024
LOOKUPS_LIMITED = too_many("certificate look-ups from your address")


def _lookup_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_LOOKUP"]


def _viewer_clinic():
    return current_user if has_role(current_user, Role.CLINIC) else None


def _credential_form() -> CredentialForm:
    return CredentialForm(prefix="credential")


def _verify_page(form: VerifyForm | None = None, credential_form: CredentialForm | None = None):
    """The /verify page with both forms: a certificate by code or PDF, a digital credential."""
    return render_template(
        "verification/verify.html",
        form=form or VerifyForm(),
        credential_form=credential_form or _credential_form(),
    )


def _uploaded(field, limit: int) -> bytes | None:
    """The uploaded file's bytes (at most ``limit`` + 1, to tell a too-large file), or None."""
    upload = field.data
    return upload.read(limit + 1) if upload and getattr(upload, "filename", "") else None


@bp.get("/verify")
def verify_form():
    return _verify_page()


@bp.post("/verify")
@limiter.limit(_lookup_limit, error_message=LOOKUPS_LIMITED)
def verify_submit():
    form = VerifyForm()
    if not form.validate_on_submit():
        return _verify_page(form), 400
    data = _uploaded(form.pdf, MAX_PDF_BYTES)
    if data is not None:
        return _verify_pdf(form, data)
    if not form.code.data:
        form.code.errors = ["Enter a certificate code or upload the PDF."]
        return _verify_page(form), 400
    problem = lookup_problem(form.code.data)
    if problem:
        form.code.errors = [problem]
        return _verify_page(form), 400
    return redirect(url_for(".verify_code", code=form.code.data.strip()))


@bp.post("/verify/credential")
@limiter.limit(_lookup_limit, error_message=LOOKUPS_LIMITED)
def verify_credential_submit():
    form = _credential_form()
    if form.validate_on_submit():
        upload = _uploaded(form.file, services.MAX_CREDENTIAL_FILE_BYTES)
        with form_errors(form):
            verdict, cert = services.check_credential(upload, form.text.data, _viewer_clinic())
            return render_template(
                "verification/credential_result.html",
                verdict=verdict,
                data=certificate_json(cert) if cert else None,
            )
    return _verify_page(credential_form=form), 400


def _verify_pdf(form: VerifyForm, data: bytes):
    if len(data) > MAX_PDF_BYTES:
        form.pdf.errors = ["This file is larger than 10 MB; a certificate PDF is much smaller."]
        return _verify_page(form), 400
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
