"""The JSON API of CONTRACT.md section 4: public look-up and the clinics' batch verification."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, g, jsonify, request

from smp_academy.certificates.status import certificate_json, lookup_problem
from smp_academy.core.boundary import writes
from smp_academy.extensions import csrf, limiter
from smp_academy.verification import services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, no cookies


def _lookup_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_LOOKUP"]


def _batch_limit() -> str:
    return current_app.config["RATELIMIT_BATCH"]


def _token_key() -> str:
    """Rate-limit batches per token; only a hash of the token reaches the limiter's store."""
    digest = hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()
    return f"token:{digest[:32]}"


def error(message: str, status: int):
    return jsonify(error=message), status


@bp.get("/certificates/<code>")
@limiter.limit(_lookup_limit)
@writes
def get_certificate(code: str):
    problem = lookup_problem(code)
    if problem:
        return error(problem, 404)
    cert = services.lookup(code, "api")
    if cert is None:
        return error("No certificate has this code.", 404)
    return jsonify(certificate_json(cert))


def _authenticate():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return services.clinic_for_token(token.strip())


@bp.post("/certificates/verify")
@limiter.limit(_batch_limit, key_func=_token_key)
def verify_batch():
    clinic = _authenticate()
    if clinic is None:
        response = error(
            "a valid clinic API token is required (Authorization: Bearer <token>)", 401
        )
        response[0].headers["WWW-Authenticate"] = 'Bearer realm="smp-academy"'
        return response
    g.clinic = clinic
    if not request.is_json:
        return error("send the body as application/json", 415)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "codes" not in body or not isinstance(body["codes"], list):
        return error('the body must be a JSON object {"codes": [...]}', 400)
    return jsonify(results=services.batch_verify(clinic, body["codes"]))
