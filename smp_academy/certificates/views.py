"""Holders' certificates and downloads; the admins' certificate management; the public
documents of Open Badges credentials (did.json, status lists, certification criteria)."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from smp_academy.certificates import (
    credentials,
    criteria,
    documents,
    issuer,
    overview,
    permissions,
    services,
    status_lists,
)
from smp_academy.certificates.forms import IssueForm, ReasonForm, ReissueForm
from smp_academy.certificates.models import Certificate
from smp_academy.certificates.openbadges.attachment import credential_bytes
from smp_academy.certificates.openbadges.did import did_document_route
from smp_academy.certificates.requirements import requirement_names
from smp_academy.certificates.status import certificate_json, status_of, verify_url
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import form_errors

bp = Blueprint("certificates", __name__)

PDF_RETRY_SECONDS = 5
#: public documents verifiers fetch (from wallets and web pages on any site too)
PUBLIC_DOCUMENT_HEADERS = {"Access-Control-Allow-Origin": "*"}
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
    cert = _downloadable(code)
    if permissions.is_withdrawn(cert):
        return render_template("certificates/withdrawn.html", cert=cert), 410
    data = documents.stored_pdf(cert)
    if data is None:
        return _preparing(cert, "The signed PDF", "certificates.download_pdf")
    return _download(data, "application/pdf", f"{cert.code}.pdf", cert.pdf_sha256 or cert.code)


@bp.get("/certificates/<code>.json")
@roles_required(Role.TRAINEE, Role.ADMIN)
def download_credential(code: str):
    cert = _downloadable(code)
    if permissions.is_withdrawn(cert):
        return render_template("certificates/withdrawn.html", cert=cert), 410
    document = cert.credential.document
    if document is None:
        return _preparing(cert, "The digital credential", "certificates.download_credential")
    filename = f"{cert.code}.credential.json"
    return _download(credential_bytes(document), "application/json", filename, cert.code)


def _downloadable(code: str) -> Certificate:
    cert = services.certificate_by_exact_code(code)
    require(permissions.can_download(current_user, cert), hide=True)
    return cert


def _preparing(cert: Certificate, document: str, endpoint: str):
    """202 while the render job has not stored the file yet: a web request never makes one."""
    page = render_template(
        "certificates/preparing.html",
        cert=cert,
        document=document,
        retry_url=url_for(endpoint, code=cert.code),
        seconds=PDF_RETRY_SECONDS,
    )
    return page, 202, {"Retry-After": str(PDF_RETRY_SECONDS), "Cache-Control": "no-store"}


def _download(data: bytes, mimetype: str, filename: str, etag: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    response.set_etag(etag)
    response.make_conditional(request)  # turns itself into a 304 when the copy is current
    return response


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
    forms: dict[str, ReasonForm] = {
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


@bp.get("/certifications/<slug>")
def show_certification(slug: str):
    """The public criteria of a certification, which its credentials link to."""
    certification = criteria.certification_by_slug(slug)
    return render_template(
        "certificates/certification.html",
        certification=certification,
        criteria=criteria.criteria_of(certification),
    )


@bp.get(f"{status_lists.PATH}<int:number>")
def status_list(number: int):
    """A signed status list, as the last revocation, reinstatement or re-issue left it."""
    row = status_lists.published(number)
    if row is None:
        return jsonify(error="No status list has this number."), 404, PUBLIC_DOCUMENT_HEADERS
    response = public_json(row.credential)
    response.headers["Cache-Control"] = "no-cache"  # revalidate: a revocation shows at once
    response.set_etag(row.updated_at.isoformat())
    return response.make_conditional(request)


def did_document():
    """The academy's DID document: the keys that sign credentials, current and retired."""
    response = public_json(issuer.did_document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.record
def _serve_did_document(state: BlueprintSetupState) -> None:
    """did:web fixes the path of did.json from SMP_BASE_URL, so the route follows the setting."""
    route = did_document_route(state.app.config["BASE_URL"])
    state.add_url_rule(route, "did_document", did_document, methods=["GET"])


def public_json(document: dict) -> Response:
    """A public JSON document (a credential, a status list, did.json), readable from any site."""
    body = json.dumps(document, indent=2, ensure_ascii=False)
    return current_app.response_class(
        body, mimetype="application/json", headers=PUBLIC_DOCUMENT_HEADERS
    )


@bp.app_context_processor
def certificate_template_helpers():
    return {
        "certification_overview": overview.certification_overview,
        "requirement_names": requirement_names,
        "linkedin_url": credentials.linkedin_url,
        "public_url": verify_url,
        "criterion_text": criteria.criterion_text,
    }
