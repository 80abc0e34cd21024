"""Holders' certificates and downloads; the admins' certificate management."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from smp_academy.auth.models import User
from smp_academy.auth.services import find_user_by_email
from smp_academy.certificates import bp, services
from smp_academy.certificates.forms import IssueForm, ReasonForm, ReissueForm
from smp_academy.certificates.models import Certificate, Certification
from smp_academy.core.errors import DomainError
from smp_academy.core.jobs import commit
from smp_academy.core.roles import Role, require, roles_required
from smp_academy.core.web import show_error
from smp_academy.extensions import db
from smp_academy.verification.services import verification_summary


@bp.get("/certificates")
@roles_required(Role.TRAINEE)
def my_certificates():
    certs = services.holder_certificates(current_user)
    certifications = db.session.scalars(
        select(Certification).where(~Certification.is_retired).order_by(Certification.id)
    ).all()
    held = {c.certification_id for c in certs if services.status_of(c) == "valid"}
    done = services.achievements(current_user.id)
    progress = {
        c.id: services.requirement_progress(c, done) for c in certifications if c.id not in held
    }
    return render_template(
        "certificates/mine.html",
        certs=certs,
        status_of=services.status_of,
        certifications=certifications,
        progress=progress,
        summaries={c.id: verification_summary(c) for c in certs},
    )


@bp.get("/certificates/<code>.pdf")
@roles_required(Role.TRAINEE, Role.ADMIN)
def download_pdf(code: str):
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
    require(
        cert is not None and (cert.holder_id == current_user.id or current_user.role == Role.ADMIN),
        hide=True,
    )
    data = services.certificate_pdf(cert)
    commit()
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{cert.code}.pdf"'
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    response.set_etag(cert.pdf_sha256 or cert.code)
    return response.make_conditional(request)


@bp.route("/admin/certificates", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def manage_certificates():
    form = IssueForm()
    form.certification.choices = [
        SelectChoice(c.id, c.title)
        for c in db.session.scalars(select(Certification).where(~Certification.is_retired))
    ]
    if form.validate_on_submit():
        holder = find_user_by_email(form.email.data)
        try:
            if holder is None:
                raise DomainError("No account has this e-mail address.", field="email")
            cert = services.issue_manually(
                current_user,
                holder,
                db.get_or_404(Certification, form.certification.data),
                form.reason.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            commit()
            flash(f"Issued {cert.code} to {holder.name}.", "success")
            return redirect(url_for(".manage_certificate", code=cert.code))
    query = request.args.get("q", "").strip()
    stmt = select(Certificate).order_by(Certificate.issued_at.desc())
    if query:
        pattern = f"%{query.upper()}%"
        stmt = stmt.join(User, User.id == Certificate.holder_id).where(
            or_(
                Certificate.code.like(pattern),
                User.email.ilike(f"%{query}%"),
                Certificate.holder_name.ilike(f"%{query}%"),
            )
        )
    page = db.paginate(
        stmt, page=request.args.get("page", 1, type=int), per_page=50, error_out=False
    )
    return render_template(
        "certificates/admin_list.html", page=page, q=query, form=form, status_of=services.status_of
    )


@bp.route("/admin/certificates/<code>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def manage_certificate(code: str):
    cert = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if cert is None:
        abort(404)
    forms = {
        "revoke": ReasonForm(prefix="revoke"),
        "reinstate": ReasonForm(prefix="reinstate"),
        "reissue": ReissueForm(prefix="reissue", holder_name=cert.holder_name),
    }
    action = request.form.get("action")
    if request.method == "POST" and action in forms and forms[action].validate_on_submit():
        form = forms[action]
        try:
            result = _apply(action, cert, form)
        except DomainError as error:
            show_error(form, error)
        else:
            commit()
            flash(f"Done: {action}.", "success")
            return redirect(url_for(".manage_certificate", code=result.code))
    return render_template(
        "certificates/admin_detail.html",
        cert=cert,
        forms=forms,
        data=services.certificate_json(cert),
        summary=verification_summary(cert),
    )


def _apply(action: str, cert: Certificate, form) -> Certificate:
    if action == "revoke":
        services.revoke(current_user, cert, form.reason.data)
    elif action == "reinstate":
        services.reinstate(current_user, cert, form.reason.data)
    else:
        return services.reissue(current_user, cert, form.holder_name.data, form.reason.data)
    return cert


def certification_overview(user) -> list[dict]:
    """For the trainee dashboard: each certification, held or not, and the next step."""
    certifications = db.session.scalars(
        select(Certification).where(~Certification.is_retired).order_by(Certification.id)
    ).all()
    held = {
        c.certification_id: c
        for c in services.holder_certificates(user)
        if services.status_of(c) == "valid"
    }
    done = services.achievements(user.id)
    overview = []
    for certification in certifications:
        steps = [
            (kind, slug, met)
            for kind, items in services.requirement_progress(certification, done).items()
            for slug, met in items
        ]
        overview.append(
            {
                "certification": certification,
                "certificate": held.get(certification.id),
                "done": sum(met for _, _, met in steps),
                "total": len(steps),
                "next": next(((kind, slug) for kind, slug, met in steps if not met), None),
            }
        )
    return overview


@bp.app_context_processor
def certificate_template_helpers():
    return {
        "certification_overview": certification_overview,
        "requirement_names": services.requirement_names,
    }
