"""Certificates in a real browser: a trainee who has met the requirements downloads the signed
PDF from "My certificates"; a clinic verifies it by code and by uploading the file.

Uses tests/browser/conftest.py: committed data (removed afterwards), a live server and headless
Chromium (skipped without one, a failure when CI=true)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from smp_academy.auth.models import User
from smp_academy.certificates.models import Certificate
from smp_academy.core import jobs
from smp_academy.core.models import Job, JobState
from smp_academy.core.storage import get_storage
from smp_academy.extensions import db
from smp_academy.verification.models import VerificationLookup
from tests import factories
from tests.certificates import helpers


def log_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def earned_certificate(app: Flask, name: str) -> tuple[Certificate, bytes]:
    """A trainee completes the lessons and passes the quiz; after the commit the PDF job runs.

    The job runs on a thread of its own, as on a worker: pyHanko signs through
    ``asyncio.run``, which cannot run on this thread while Playwright's event loop does."""
    trainee = factories.user(name=name)
    track = helpers.track(lessons=1)
    helpers.earn(trainee, track)
    cert = db.session.scalar(select(Certificate).where(Certificate.holder_id == trainee.id))
    jobs.discard_pending()
    db.session.commit()  # the jobs are rows now, still pending
    pending = db.session.scalars(select(Job.id).where(Job.state == JobState.PENDING)).all()

    def render() -> None:
        with app.app_context():
            for job_id in pending:
                jobs.run(job_id)

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(timeout=30)
    db.session.rollback()  # see what the job committed
    assert cert.pdf_key, "the PDF job did not store a file"
    return cert, get_storage().load(cert.pdf_key)


def test_trainee_downloads_the_certificate(app, page):
    cert, stored = earned_certificate(app, "Dora Download")
    holder = db.session.get(User, cert.holder_id)
    log_in(page, holder)

    page.get_by_role("link", name="My certificates").click()
    page.wait_for_url(re.compile(r"/certificates$"))
    assert cert.code in page.content()
    assert page.locator(".badge", has_text="Valid").count() == 1
    with page.expect_download() as info:
        page.get_by_role("link", name="Download certificate (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"{cert.code}.pdf"
    assert Path(download.path()).read_bytes() == stored


def test_clinic_verifies_by_code_and_by_pdf_upload(app, page, tmp_path):
    cert, stored = earned_certificate(app, "Vera Verified")
    clinic = factories.user(role="clinic", name="Browser Clinic")
    db.session.commit()
    log_in(page, clinic)

    page.goto("/verify")
    page.get_by_label("Certificate code").fill(cert.code.lower().replace("-", " "))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/verify/[^/]+$"))
    result = page.locator("main").inner_text()
    assert "Valid" in result and "Vera Verified" in result and cert.code in result

    genuine, altered = tmp_path / "genuine.pdf", tmp_path / "altered.pdf"
    genuine.write_bytes(stored)
    altered.write_bytes(helpers.altered(stored, cert.holder_name))

    page.goto("/verify")
    page.get_by_label("Or upload the certificate PDF").set_input_files(str(genuine))
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("The PDF is signed by SMP Academy").wait_for()
    assert "Vera Verified" in page.locator("main").inner_text()

    page.goto("/verify")
    page.get_by_label("Or upload the certificate PDF").set_input_files(str(altered))
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("This PDF has been altered after it was signed").wait_for()

    db.session.rollback()  # see what the server committed
    channels = db.session.scalars(
        select(VerificationLookup.channel)
        .where(VerificationLookup.certificate_id == cert.id)
        .where(VerificationLookup.clinic_id == clinic.id)
        .order_by(VerificationLookup.id)
    ).all()
    assert channels[:2] == ["page", "pdf"]
