"""The JSON API of CONTRACT.md section 4: public look-up and the clinics' batch verification."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, g, jsonify, request

from smp_academy.certificates.status import certificate_json, find_by_code, lookup_problem
from smp_academy.certificates.views import public_json
from smp_academy.core.bodies import parse_body
from smp_academy.core.boundary import writes
from smp_academy.core.rate_limits import too_many
from smp_academy.extensions import csrf, limiter
from smp_academy.verification import schemas, services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, no cookies

CREDENTIAL_RETRY_SECONDS = 5


def _lookup_limit() -> str:
    return current_app.config["RATELIMIT_PUBLIC_LOOKUP"]


def _batch_limit() -> str:
    return current_app.config["RATELIMIT_BATCH"]


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _clinic():
    """The clinic of the request's token (looked up once per request), or None."""
    if "api_clinic" not in g:
        token = _bearer_token()
        g.api_clinic = services.clinic_for_token(token) if token else None
    return g.api_clinic


def _batch_key() -> str:
    """Batches are limited per valid token (only a hash reaches the limiter's store); a made-up
    token is limited by the address it comes from, so inventing tokens buys nothing."""
    token = _bearer_token()
    if token is None or _clinic() is None:
        return f"address:{request.remote_addr}"
    return f"token:{hashlib.sha256(token.encode()).hexdigest()[:32]}"


def _batch_cost() -> int:
    """A batch costs one per code asked for: 20 calls of 100 codes are 2,000 look-ups."""
    body = request.get_json(silent=True)
    codes = body.get("codes") if isinstance(body, dict) else None
    return max(1, min(len(codes), schemas.MAX_BATCH)) if isinstance(codes, list) else 1


def error(message: str, status: int):
    return jsonify(error=message), status


@bp.get("/certificates/<code>")
@limiter.limit(_lookup_limit, error_message=too_many("certificate look-ups from your address"))
@writes
def get_certificate(code: str):
    problem = lookup_problem(code)
    if problem:
        return error(problem, 404)
    cert = services.lookup(code, "api")
    if cert is None:
        return error("No certificate has this code.", 404)
    return jsonify(certificate_json(cert))


@bp.get("/certificates/<code>/credential")
@limiter.limit(_lookup_limit, error_message=too_many("credential downloads from your address"))
def get_credential(code: str):
    """The certificate's signed Open Badges credential, as stored by its render job."""
    problem = lookup_problem(code)
    if problem:
        return error(problem, 404)
    cert = find_by_code(code)
    document = cert.credential.document
    if document is None:
        seconds = CREDENTIAL_RETRY_SECONDS
        message = f"The credential of {cert.code} is being made; try again in {seconds} seconds."
        return jsonify(status="pending", message=message), 202, {"Retry-After": str(seconds)}
    return public_json(document)


@bp.post("/certificates/verify")
@limiter.limit(
    _batch_limit,
    key_func=_batch_key,
    cost=_batch_cost,
    error_message=too_many("codes checked with this API token (each code in a batch counts)"),
)
def verify_batch():
    services.ensure_token_guessing_allowed(request.remote_addr)
    clinic = _clinic()
    if clinic is None:
        services.record_bad_token(request.remote_addr)
        response = error(
            "a valid clinic API token is required (Authorization: Bearer <token>)", 401
        )
        response[0].headers["WWW-Authenticate"] = 'Bearer realm="smp-academy"'
        return response
    if not request.is_json:
        return error("send the body as application/json", 415)
    body = parse_body(schemas.BatchRequest, request.get_json(silent=True), schemas.BATCH_SHAPE)
    return jsonify(results=services.batch_verify(clinic, body.codes))
