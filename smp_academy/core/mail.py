"""E-mail: every message goes to the outbox table in the caller's transaction and is delivered
by a job after commit: by SMTP when SMP_MAIL_URL is set, otherwise to the log."""

from __future__ import annotations

import logging
import re
import smtplib
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from smp_academy.core import jobs
from smp_academy.core.clock import now_utc
from smp_academy.core.models import MailStatus, OutboxMessage
from smp_academy.extensions import db

log = logging.getLogger("smp_academy.mail")
_TOKEN = re.compile(r"token=[\w.\-]+")


def queue_mail(to: str, subject: str, template: str, **context: Any) -> OutboxMessage:
    """Write a message to the outbox and schedule its delivery after commit."""
    body = render_template(f"email/{template}.txt", **context)
    message = OutboxMessage(to_address=to, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    jobs.enqueue(deliver, message.id)
    return message


def deliver(message_id: int) -> None:
    """Job: send one outbox message (idempotent: a sent message is not sent again)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status in {MailStatus.SENT, MailStatus.LOGGED}:
        return
    mail_url = current_app.config.get("MAIL_URL")
    if mail_url:
        _send_smtp(mail_url, message)
        message.status = MailStatus.SENT
    else:
        log.info("mail to %s: %s\n%s", message.to_address, message.subject, redacted(message.body))
        message.status = MailStatus.LOGGED
    message.sent_at = now_utc()


def redacted(text: str) -> str:
    """``text`` with the tokens of links withheld: logs are read by more people than mailboxes."""
    return _TOKEN.sub("token=[withheld]", text)


def last_message_to(address: str) -> OutboxMessage | None:
    """The newest message to ``address`` (shown in development, where no mail server runs)."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == address.strip().casefold())
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def _send_smtp(mail_url: str, message: OutboxMessage) -> None:
    url = urlsplit(mail_url)
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with smtp_class(url.hostname or "localhost", url.port or 25, timeout=30) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(email)
