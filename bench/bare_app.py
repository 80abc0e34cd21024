"""The bare stack the web benchmark compares SMP Academy with: Flask and Jinja, nothing else.

Every page is rendered from memory at the byte size of the page it stands for, so a ratio
app / bare measures what the academy adds (database, sessions, permissions, its templates)
on top of the framework and the server.

- ``GET /html/<size>``: a Jinja template (a loop over rows, autoescaped) rendered to ``size``
  bytes;
- ``GET|POST /json/<size>``: a JSON document of ``size`` bytes (a POST body is parsed first);
- ``GET /db/certificate/<code>``: the least SQL a logged look-up needs, with psycopg and no
  ORM: one indexed SELECT of the certificate, one INSERT into verification_lookups, COMMIT
  (on BENCH_DATABASE_URL, one connection per worker), answered as JSON;
- ``POST /login``: reads the form and verifies an Argon2id hash with the academy's real
  parameters, then sets a signed session cookie and redirects, as a login does.

Served by ``gunicorn -c gunicorn.conf.py --pythonpath bench bare_app:app``.
"""

from __future__ import annotations

import json
import os
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import Flask, Response, jsonify, redirect, render_template_string, request, session

PASSWORD = "bench-pass-2026!"
# The academy's production Argon2id parameters (smp_academy.config.DEFAULTS["PASSWORD_HASH"]).
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
STORED_HASH = HASHER.hash(PASSWORD)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><header><nav><a href="/">Home</a> <a href="/courses">Courses</a></nav></header>
<main><h1>{{ title }}</h1><table>
{% for row in rows %}<tr><td>{{ row.name }}</td><td>{{ row.state }}</td><td>{{ row.note }}</td></tr>
{% endfor %}</table><p>{{ filler }}</p></main></body></html>
"""

app = Flask(__name__)
app.config["SECRET_KEY"] = "bare-bench-secret"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
_connection = None


def connection():
    """One PostgreSQL connection per worker process, opened on first use (after the fork)."""
    global _connection
    if _connection is None or _connection.closed:
        import psycopg

        _connection = psycopg.connect(
            DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
        )
    return _connection


def row(number: int) -> dict:
    return {
        "name": f"Trainee {number:05d} <cohort {number % 50:02d}>",
        "state": "Waiting for review",
        "note": "Even density drill on practice skin & paper",
    }


@cache
def page_context(size: int) -> dict:
    """Rows and padding that make the page exactly ``size`` bytes (UTF-8)."""
    context = {"title": "Bare page", "rows": [], "filler": ""}
    empty = len(render_page(context))
    context["rows"] = [row(n) for n in range(10)]
    per_row = (len(render_page(context)) - empty) / 10  # every row has the same length
    context["rows"] = [row(n) for n in range(max(0, int((size - empty) // per_row)))]
    while context["rows"] and len(render_page(context)) > size:
        context["rows"].pop()
    context["filler"] = "x" * max(0, size - len(render_page(context)))
    return context


def render_page(context: dict) -> bytes:
    with app.test_request_context():
        return render_template_string(PAGE, **context).encode()


@cache
def json_document(size: int) -> dict:
    """A JSON document of about ``size`` bytes: items like certificate results, then padding."""
    item = {"code": "SMP-0000-BARE-0000", "status": "valid", "holder_name": "Bare Holder"}
    per_item = len(json.dumps(item, separators=(",", ":"))) + 1
    items = [dict(item, code=f"SMP-{n:04d}-BARE-0000") for n in range(max(0, size // per_item - 1))]
    document = {"items": items, "pad": ""}
    document["pad"] = "x" * max(0, size - len(json.dumps(document, separators=(",", ":"))) - 1)
    return document


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/html/<int:size>")
def html(size: int):
    return render_template_string(PAGE, **page_context(size))


@app.route("/json/<int:size>", methods=["GET", "POST"])
def json_page(size: int):
    if request.method == "POST":
        request.get_json(silent=True)
    return jsonify(json_document(size))


@app.get("/db/certificate/<code>")
def db_certificate(code: str):
    conn = connection()
    with conn.transaction():
        row = conn.execute(
            "SELECT id, code, holder_name, credential_title, issued_on, expires_on, revoked_at "
            "FROM certificates WHERE code = %s",
            (code,),
        ).fetchone()
        conn.execute(
            "INSERT INTO verification_lookups (at, code, certificate_id, channel) "
            "VALUES (now(), %s, %s, 'bench')",
            (code, row[0] if row else None),
        )
    if row is None:
        return jsonify(error="not found"), 404
    return jsonify(
        code=row[1],
        holder_name=row[2],
        credential=row[3],
        issued_on=row[4].isoformat(),
        expires_on=row[5].isoformat() if row[5] else None,
        status="revoked" if row[6] else "valid",
    )


@app.post("/login")
def login():
    email = request.form.get("email", "")
    try:
        HASHER.verify(STORED_HASH, request.form.get("password", ""))
    except VerificationError:
        return Response("wrong password", status=200)
    session.clear()
    session["user"] = email
    return redirect("/")
