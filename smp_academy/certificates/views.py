"""Holders' certificates and downloads; the admins' certificate management."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from smp_academy.certificates import documents, overview, permissions, services
from smp_academy.certificates.forms import IssueForm, ReasonForm, ReissueForm
from smp_academy.certificates.requirements import requirement_names
from smp_academy.certificates.status import certificate_json, status_of
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import form_errors

bp = Blueprint("certificates", __name__)

PDF_RETRY_SECONDS = 5
#: what each action on the admin page is called in its success message
ACTION_DONE = {
    "revoke": "Certificate revoked; verifiers see the reason from now on.",
    "reinstate": "Certificate reinstated.",
    "reissue": "Certificate re-issued with a new code; the old code reports as superseded.",
}


@bp.get("/certificates")
@roles_required(Role.TRAINEE)
def my_certificates():
    certs = services.holder_certificates(current_user)
    return render_template(
        "certificates/mine.html",
        certs=certs,
        status_of=status_of,
        certifications=overview.certifications_to_earn(current_user, certs),
    )


@bp.get("/certificates/<code>.pdf")
@roles_required(Role.TRAINEE, Role.ADMIN)
def download_pdf(code: str):
    cert = services.certificate_by_exact_code(code)
    require(permissions.can_download(current_user, cert), hide=True)
    if permissions.is_withdrawn(cert):
        return render_template("certificates/withdrawn.html", cert=cert), 410
    data = documents.stored_pdf(cert)
    if data is None:
        page = render_template("certificates/preparing.html", cert=cert, seconds=PDF_RETRY_SECONDS)
        return page, 202, {"Retry-After": str(PDF_RETRY_SECONDS), "Cache-Control": "no-store"}
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{cert.code}.pdf"'
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    response.set_etag(cert.pdf_sha256 or cert.code)
    return response.make_conditional(request)


@bp.route("/admin/certificates", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def manage_certificates():
    form = IssueForm()
    form.certification.choices = [SelectChoice(*c) for c in services.certification_titles()]
    if form.validate_on_submit():
        with form_errors(form):
            cert = services.issue_manually_by_email(
                current_user, form.email.data, form.certification.data, form.reason.data
            )
            flash(f"Certificate {cert.code} issued to {cert.holder_name}.", "success")
            return redirect(url_for(".manage_certificate", code=cert.code))
    query = request.args.get("q", "").strip()
    page = services.search_certificates(query, request.args.get("page", 1, type=int))
    return render_template(
        "certificates/admin_list.html", page=page, q=query, form=form, status_of=status_of
    )


@bp.route("/admin/certificates/<code>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def manage_certificate(code: str):
    cert = services.certificate_by_exact_code(code)
    forms = {
        "revoke": ReasonForm(prefix="revoke"),
        "reinstate": ReasonForm(prefix="reinstate"),
        "reissue": ReissueForm(prefix="reissue", holder_name=cert.holder_name),
    }
    action = request.form.get("action")
    if request.method == "POST" and action in forms and forms[action].validate_on_submit():
        form = forms[action]
        with form_errors(form):
            holder_name = form.holder_name.data if action == "reissue" else None
            result = services.apply_admin_action(
                current_user, cert, action, form.reason.data, holder_name
            )
            flash(ACTION_DONE[action], "success")
            return redirect(url_for(".manage_certificate", code=result.code))
    return render_template(
        "certificates/admin_detail.html", cert=cert, forms=forms, data=certificate_json(cert)
    )


@bp.app_context_processor
def certificate_template_helpers():
    return {
        "certification_overview": overview.certification_overview,
        "requirement_names": requirement_names,
    }
