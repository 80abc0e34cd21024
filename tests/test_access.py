"""The role × endpoint matrix: every view guarded by ``roles_required`` refuses anonymous
visitors (sign-in) and every role it does not name (403); plus explicit checks per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from smp_academy.core.roles import Role
from tests import factories
from tests.conftest import AuthActions, csrf_token
from tests.courses import helpers

# Views without a role decorator, each public or guarded by sign-in alone, on purpose. A new view
# lands here only after deciding it needs no role (otherwise: ``roles_required``).
UNGUARDED = {
    "static",
    "core.healthz",
    "auth.login",
    "auth.logout",
    "auth.register",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.registration_sent",  # the same page for every registration
    "auth.confirm_email",  # a signed link from an e-mail
    "auth.change_email",  # a signed link from an e-mail
    "clinical.external_sign_off",  # an external supervisor's single-use link, no account
    "auth.profile",  # sign-in only: every role has a profile
    "auth.notifications",  # sign-in only: every role gets notifications
    "courses.index",
    "courses.catalogue",
    "courses.show_course",
    "courses.show_lesson",  # sign-in only: staff read lessons too
    "courses.show_figure",
    "courses.search",
    "verification.verify_form",
    "verification.verify_submit",
    "verification.verify_code",
    "verification.verify_credential_submit",  # public: check a digital credential
    "certificates.show_certification",  # public criteria page that credentials link to
    "certificates.status_list",  # public signed revocation list of the credentials
    "certificates.did_document",  # public did.json: the keys that sign credentials
    "api.get_certificate",  # public, rate-limited (CONTRACT section 4)
    "api.get_credential",  # public, rate-limited: the signed Open Badges credential
    "api.verify_batch",  # clinic bearer token, checked by the API itself
}
SIGN_IN_ONLY = {"/profile": "GET", "/notifications": "GET", "/courses/x/lessons/x": "GET"}


@dataclass(frozen=True)
class Guarded:
    endpoint: str
    method: str
    url: str
    roles: frozenset[str]


def _dummy_url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            values[name] = 999999
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    return rule.build(values)[1]


def guarded_endpoints(app: Flask) -> list[Guarded]:
    result = []
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        if roles is None:
            continue
        methods = rule.methods or set()
        method = "GET" if "GET" in methods else "POST"
        result.append(
            Guarded(rule.endpoint, method, _dummy_url(rule), frozenset(r.value for r in roles))
        )
    return sorted(result, key=lambda g: (g.endpoint, g.method))


def _request(client, item: Guarded, token: str):
    if item.method == "GET":
        return client.get(item.url)
    return client.post(item.url, data={"csrf_token": token})


def test_every_view_has_a_role_guard_or_is_public_on_purpose(app):
    unguarded = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "required_roles", None) is None
    }
    assert unguarded - UNGUARDED == set(), "add roles_required, or list the view in UNGUARDED"
    assert guarded_endpoints(app), "no guarded endpoints found: is required_roles still set?"


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    token = csrf_token(client)
    failures = []
    for item in guarded_endpoints(app):
        response = _request(client, item, token)
        if item.url.startswith("/api/"):
            ok = response.status_code == 401 and response.is_json
        else:
            location = response.headers.get("Location", "")
            ok = response.status_code == 302 and location.startswith("/login")
        if not ok:
            failures.append((item.method, item.url, response.status_code))
    for path, method in SIGN_IN_ONLY.items():
        response = client.open(path, method=method)
        if response.status_code != 302 or "/login" not in response.headers["Location"]:
            failures.append((method, path, response.status_code))
    assert not failures


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_403_where_not_allowed_and_in_where_allowed(app, client, role):
    user = factories.user(role=role)
    AuthActions(client).login(user)
    token = csrf_token(client, "/profile")
    failures = []
    for item in guarded_endpoints(app):
        response = _request(client, item, token)
        status = response.status_code
        if role in item.roles:
            # dummy ids: a 404 (or a form error) is fine, a refusal or a crash is not
            refused = status in (401, 403) or (
                status == 302 and response.headers["Location"].startswith("/login")
            )
            if refused or status >= 500:
                failures.append(("allowed", item.method, item.url, status))
        elif status != 403:
            failures.append(("forbidden", item.method, item.url, status))
    assert not failures


def _client_as(app, role: str):
    client = app.test_client()
    AuthActions(client).login(factories.user(role=role))
    return client


def test_admin_pages(app, admin, login):
    page = login(admin).get("/admin/users")
    assert page.status_code == 200 and "Adam Admin" in page.get_data(as_text=True)
    assert login(admin).get("/admin/audit").status_code == 200
    assert login(admin).get(f"/admin/users/{admin.id}").status_code == 200
    for role in ("trainee", "instructor", "clinic"):
        other = _client_as(app, role)
        for path in ("/admin/users", "/admin/audit", f"/admin/users/{admin.id}"):
            assert other.get(path).status_code == 403, (role, path)


def test_admin_role_change_is_refused_to_others(app, trainee, instructor, login):
    client = login(instructor)
    response = client.post(
        f"/admin/users/{trainee.id}/role",
        data={"role": "admin", "csrf_token": csrf_token(client, "/profile")},
    )
    assert response.status_code == 403
    assert trainee.role == "trainee"


def test_instructor_pages_quiz_statistics(app, instructor, admin, trainee, clinic):
    quiz = factories.quiz()
    for user, expected in ((instructor, 200), (admin, 200), (trainee, 403), (clinic, 403)):
        client = app.test_client()
        AuthActions(client).login(user)
        assert client.get(f"/quizzes/{quiz.slug}/statistics").status_code == expected, user.role
        assert client.get(f"/quizzes/{quiz.slug}/results.csv").status_code == expected, user.role


def test_clinic_pages(app, clinic, trainee, instructor, admin):
    for user, expected in ((clinic, 200), (trainee, 403), (instructor, 403), (admin, 403)):
        client = app.test_client()
        AuthActions(client).login(user)
        for path in ("/clinic/roster", "/clinic/tokens"):
            assert client.get(path).status_code == expected, (user.role, path)


def test_trainee_pages(app, trainee, instructor, clinic, admin):
    course = helpers.course(lessons=2)
    path = f"/courses/{course.slug}/lessons/lesson-1"
    for user, expected in ((trainee, 302), (instructor, 403), (clinic, 403), (admin, 403)):
        client = app.test_client()
        AuthActions(client).login(user)
        response = client.post(f"{path}/progress", data={"csrf_token": csrf_token(client, path)})
        assert response.status_code == expected, user.role
        certificates = client.get("/certificates").status_code
        assert certificates == (200 if user.role == "trainee" else 403), user.role
