"""Your data: a trainee (or anyone) downloads everything held about them, and a trainee asks
for their account's deletion, which an admin confirms. Here, at the top of the layers, because
both reach into every domain."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from smp_academy.admin import account_deletion as deletion
from smp_academy.admin.data_export import export_zip
from smp_academy.auth.data_forms import ButtonForm, DeletionRequestForm
from smp_academy.auth.models import DeletionRequest
from smp_academy.core import audit
from smp_academy.core.clock import now_utc
from smp_academy.core.roles import Role, roles_required
from smp_academy.core.web import form_errors
from smp_academy.extensions import db

bp = Blueprint("account_data", __name__)

EVERYONE = tuple(Role)


def _data_page(form: DeletionRequestForm | None = None):
    return render_template(
        "account/data.html",
        form=form or DeletionRequestForm(),
        pending=deletion.pending_request(current_user),
    )


@bp.get("/account/data")
@roles_required(*EVERYONE)
def show_data():
    return _data_page()


@bp.post("/account/data/export")
@roles_required(*EVERYONE)
def export_data():
    if not ButtonForm().validate_on_submit():
        abort(400)
    data = export_zip(current_user)
    audit.record(current_user, "account.exported", current_user, size=len(data))
    name = f"smp-academy-my-data-{now_utc():%Y-%m-%d}.zip"
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/account/data/deletion")
@roles_required(Role.TRAINEE)
def request_deletion():
    form = DeletionRequestForm()
    if form.validate_on_submit():
        with form_errors(form):
            deletion.request_deletion(current_user, form.password.data, form.reason.data or "")
            flash(
                "Your request is sent. An administrator will confirm it and delete your account.",
                "success",
            )
            return redirect(url_for(".show_data"))
    return _data_page(form), 400


@bp.post("/account/data/deletion/cancel")
@roles_required(Role.TRAINEE)
def cancel_deletion():
    if not ButtonForm().validate_on_submit():
        abort(400)
    deletion.cancel_request(current_user)
    flash("Your deletion request is cancelled. Your account stays as it is.", "success")
    return redirect(url_for(".show_data"))


@bp.get("/admin/deletion-requests")
@roles_required(Role.ADMIN)
def deletion_requests():
    return render_template(
        "account/deletion_requests.html",
        requests=deletion.deletion_requests(),
    )


@bp.post("/admin/deletion-requests/<int:request_id>/confirm")
@roles_required(Role.ADMIN)
def confirm_deletion(request_id: int):
    request = db.get_or_404(DeletionRequest, request_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = request.user.name
    outcome = deletion.confirm_deletion(current_user, request)
    kept = outcome["certificates_kept"]
    flash(
        f"The account of {name} is deleted."
        + (f" {kept} certificate(s) and the records they rest on are kept." if kept else ""),
        "success",
    )
    return redirect(url_for(".deletion_requests"))
