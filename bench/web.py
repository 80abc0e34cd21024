"""SMP Academy under gunicorn against a bare Flask app, loaded with wrk, ratios in one run.

Usage: .venv/bin/python bench/web.py [--database-url URL] [--duration 5] [--rounds 2]
       [--connections 16] [--no-explain]

Starts the academy (``gunicorn -c gunicorn.conf.py wsgi:app``, 2 sync workers,
SMP_ENV=production with a generated secret key and signing identity, rate limits off) on the
database bench/seed.py filled, and bench/bare_app.py under the same gunicorn settings. For
each endpoint it measures the response size once, then runs wrk against the academy and
against a bare page of that size, alternating which goes first from round to round, and
reports requests/s, p50 and p99 as ratios to the bare app (for the certificate look-up also to
the bare app running the same SQL by hand). Logged-in endpoints rotate over 16
trainees (their own sessions, CSRF tokens and open attempts). Ends with the EXPLAIN plans of
the three hottest pages (bench/explain.py). The machine is shared and noisy: compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    CLINIC_EMAIL,
    DEFAULT_DATABASE_URL,
    LEAD_EMAIL,
    LOGIN_EMAIL,
    PASSWORD,
    RESULTS,
    ROOT,
    make_app,
    storage_dir,
    trainee_email,
)

BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SESSIONS = 16
LUA = r"""
local reqs = {}
local counter = 0
function init(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local method, path, hs, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    for pair in (hs .. "\31"):gmatch("([^\31]*)\31") do
      local name, value = pair:match("^([^\30]*)\30(.*)$")
      if name then headers[name] = value end
    end
    if body == "" then body = nil end
    reqs[#reqs + 1] = wrk.format(method, path, headers, body)
  end
end
function request()
  counter = counter % #reqs + 1
  return reqs[counter]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH_RESULT %d %d %d %d %d %d\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    def line(self) -> str:
        headers = "\x1f".join(f"{k}\x1e{v}" for k, v in self.headers.items())
        return f"{self.method}\t{self.path}\t{headers}\t{self.body}"


@dataclass
class Endpoint:
    name: str
    app: list[Request]
    expect: int = 200
    bare: Request | None = None
    size: int = 0
    problem: str = ""  # why it was not measured
    reference: list[Request] = field(default_factory=list)  # bare + the same SQL (optional)


@dataclass
class Run:
    rps: float
    p50: float  # ms
    p99: float
    failures: int


# --------------------------------------------------------------------------- servers


def start_server(name: str, target: str, port: int, env: dict[str, str], extra: list[str]):
    log = (RESULTS / f"gunicorn-{name}.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", *extra, target],
        cwd=ROOT,
        env={**env, "SMP_WEB_WORKERS": "2", "SMP_WEB_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"{name} server exited; see {log.name}")
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return process, base
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"{name} server did not answer /healthz; see {log.name}")


def app_environment(database_url: str, instance: Path) -> dict[str, str]:
    from smp_academy.certificates.dev_identity import ensure_dev_signing_identity

    key_path, cert_path = ensure_dev_signing_identity(instance)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMP_")}
    env.update(
        SMP_ENV="production",
        SMP_SECRET_KEY=secrets.token_hex(32),
        SMP_SIGNING_KEY_PATH=str(key_path),
        SMP_SIGNING_CERT_PATH=str(cert_path),
        SMP_DATABASE_URL=database_url,
        SMP_STORAGE_URL=f"file://{storage_dir(database_url)}",
        SMP_RATELIMIT_ENABLED="false",
        BENCH_DATABASE_URL=database_url,  # for bare_app's reference route
    )
    return env


# --------------------------------------------------------------------------- sessions


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


def sign_in(base: str, email: str) -> tuple[requests.Session, str]:
    """A signed-in session and a CSRF token valid for it."""
    session = requests.Session()
    token = csrf_of(session.get(base + "/login").text)
    response = session.post(
        base + "/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"could not sign in as {email} ({response.status_code})")
    return session, csrf_of(session.get(base + "/").text)


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def prepare(app, base: str) -> list[Endpoint]:
    """Sign in, open quiz attempts, make a clinic token; the requests of every endpoint."""
    from sqlalchemy import delete, func, select

    from smp_academy.auth.models import User
    from smp_academy.certificates.models import Certificate
    from smp_academy.core.jobs import commit
    from smp_academy.courses.models import Course, Lesson
    from smp_academy.extensions import db
    from smp_academy.quizzes import services as quiz_services
    from smp_academy.quizzes.models import Attempt, AttemptAnswer, Quiz
    from smp_academy.quizzes.question_types import get_question_type
    from smp_academy.verification.services import create_token

    emails = [trainee_email(i) for i in range(SESSIONS)]
    with app.app_context():
        course = db.session.scalars(select(Course).order_by(Course.position)).first()
        lesson = db.session.scalars(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
        ).all()[2]
        quiz = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)).one()
        # The reserved trainees start afresh: no earlier bench run's attempts, no cool-down.
        ids = db.session.scalars(select(User.id).where(User.email.in_(emails))).all()
        attempt_ids = select(Attempt.id).where(Attempt.user_id.in_(ids))
        db.session.execute(delete(AttemptAnswer).where(AttemptAnswer.attempt_id.in_(attempt_ids)))
        db.session.execute(delete(Attempt).where(Attempt.user_id.in_(ids)))
        clinic = db.session.scalars(select(User).where(User.email == CLINIC_EMAIL)).one()
        _, api_token = create_token(clinic, "bench")
        lesson_path = f"/courses/{course.slug}/lessons/{lesson.slug}"
        quiz_slug = quiz.slug
        trainees = db.session.scalar(
            select(func.count(User.id)).where(User.role == "trainee", User.email.like("trainee%"))
        )
        commit()
        codes = db.session.scalars(
            select(Certificate.code).order_by(Certificate.id.desc()).limit(100)
        ).all()
    lessons, saves = [], []
    for email in emails:
        session, token = sign_in(base, email)
        headers = {"Cookie": cookie_header(session)}
        lessons.append(Request("GET", lesson_path, headers))
        quiz_page = session.get(f"{base}/quizzes/{quiz_slug}").text
        started = session.post(
            f"{base}/quizzes/{quiz_slug}/start",
            data={"csrf_token": csrf_of(quiz_page)},
            allow_redirects=False,
        )
        attempt_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            version = quiz_services.slot_versions(attempt)[0]
            answer = get_question_type(version.spec).correct_answer(version.spec)
        saves.append(
            Request(
                "POST",
                f"/attempts/{attempt_id}/answers",
                {**headers, "X-CSRFToken": token, "Content-Type": "application/json"},
                json.dumps({"slot": 0, "answer": answer}),
            )
        )
    lead, _ = sign_in(base, LEAD_EMAIL)
    anonymous = requests.Session()
    login_token = csrf_of(anonymous.get(base + "/login").text)
    login_form = f"csrf_token={login_token}&email={LOGIN_EMAIL}&password={PASSWORD}"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return [
        Endpoint("catalogue `/` (anonymous)", [Request("GET", "/")]),
        Endpoint("lesson page (trainee)", lessons),
        Endpoint("quiz autosave POST (JSON + CSRF)", saves),
        Endpoint(
            f"instructor queue `/grading` (lead of all cohorts: {trainees:,} trainees)",
            [Request("GET", "/grading", {"Cookie": cookie_header(lead)})],
        ),
        Endpoint(
            "`GET /api/v1/certificates/<code>`",
            [Request("GET", f"/api/v1/certificates/{code}") for code in codes],
            reference=[Request("GET", f"/db/certificate/{code}") for code in codes]
            if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
            else [],
        ),
        Endpoint(
            "batch verify, 100 codes (bearer token)",
            [
                Request(
                    "POST",
                    "/api/v1/certificates/verify",
                    {"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
                    json.dumps({"codes": codes}),
                )
            ],
        ),
        Endpoint(
            "login POST (real Argon2id)",
            [
                Request(
                    "POST",
                    "/login",
                    {"Cookie": cookie_header(anonymous), **form},
                    login_form,
                )
            ],
            expect=302,
        ),
    ]


def measure_sizes(endpoints: list[Endpoint], base: str) -> None:
    """Check each endpoint answers as expected, note its size and choose its bare page."""
    for endpoint in endpoints:
        first = endpoint.app[0]
        response = requests.request(
            first.method,
            base + first.path,
            headers=first.headers,
            data=first.body.encode() or None,
            allow_redirects=False,
        )
        if response.status_code != endpoint.expect:
            endpoint.problem = (
                f"{first.method} {first.path} answered {response.status_code}, "
                f"expected {endpoint.expect}: not measured"
            )
            print(f"{endpoint.name}: {endpoint.problem}\n{response.text[:300]}", file=sys.stderr)
            continue
        endpoint.size = len(response.content)
        if endpoint.expect == 302:
            endpoint.bare = Request("POST", "/login", first.headers, first.body)
        elif response.headers.get("Content-Type", "").startswith("application/json"):
            endpoint.bare = Request(
                first.method, f"/json/{endpoint.size}", first.headers, first.body
            )
        else:
            endpoint.bare = Request("GET", f"/html/{endpoint.size}")


# --------------------------------------------------------------------------- wrk


def wrk(base: str, requests_: list[Request], args: argparse.Namespace, workdir: Path) -> Run:
    script, lines = workdir / "bench.lua", workdir / "requests.txt"
    script.write_text(LUA)
    lines.write_text("\n".join(r.line() for r in requests_) + "\n")
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--timeout", "10s", "-s", str(script), base,
    ]  # fmt: skip
    output = subprocess.run(
        command,
        env={**os.environ, "BENCH_REQUESTS": str(lines)},
        capture_output=True,
        text=True,
        timeout=args.duration + 60,
        check=True,
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCH_RESULT"))
    total, micros, p50, p99, socket_errors, status_errors = map(int, line.split()[1:])
    return Run(total / (micros / 1e6), p50 / 1000, p99 / 1000, socket_errors + status_errors)


def load(endpoints, app_base, bare_base, args, workdir) -> dict[str, dict[str, list[Run]]]:
    runs: dict[str, dict[str, list[Run]]] = {
        e.name: {"app": [], "bare": [], "ref": []} for e in endpoints
    }
    warm = argparse.Namespace(**{**vars(args), "duration": 1})
    for endpoint in endpoints:  # warm-up, not recorded: caches, compiled templates, pools
        if not endpoint.problem:
            wrk(app_base, endpoint.app, warm, workdir)
            wrk(bare_base, [endpoint.bare], warm, workdir)
            if endpoint.reference:
                wrk(bare_base, endpoint.reference, warm, workdir)
    for round_number in range(args.rounds):
        for endpoint in endpoints:
            if endpoint.problem:
                continue
            order = ["app", "bare", "ref"] if round_number % 2 == 0 else ["ref", "bare", "app"]
            for side in order:
                base, reqs = {
                    "app": (app_base, endpoint.app),
                    "bare": (bare_base, [endpoint.bare]),
                    "ref": (bare_base, endpoint.reference),
                }[side]
                if not reqs:
                    continue
                run = wrk(base, reqs, args, workdir)
                runs[endpoint.name][side].append(run)
                print(
                    f"round {round_number + 1} {side:4} {endpoint.name}: {run.rps:,.0f} req/s, "
                    f"p50 {run.p50:.1f} ms, p99 {run.p99:.1f} ms, failures {run.failures}",
                    file=sys.stderr,
                    flush=True,
                )
    return runs


TARGETS = {  # by the start of the endpoint's name
    "lesson page": ("rps", 0.6),
    "`GET /api/v1/certificates/<code>`": ("rps", 0.7),
    "instructor queue": ("p99", 10.0),
}


def target_of(name: str) -> tuple[str, float] | None:
    return next((t for prefix, t in TARGETS.items() if name.startswith(prefix)), None)


def table(endpoints: list[Endpoint], runs, args: argparse.Namespace) -> str:
    lines = [
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds "
        "(app and bare alternating); medians of the rounds; ratios per round, then their median.",
        "",
        "| endpoint | bytes | app req/s | bare req/s | app/bare | app p50 / p99 ms "
        "| bare p50 / p99 ms | p99 ×bare | target | failures |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    verdicts = []
    for endpoint in endpoints:
        if endpoint.problem:
            lines.append(f"| {endpoint.name} | {endpoint.problem} |||||||||")
            if target_of(endpoint.name):
                verdicts.append(f"{endpoint.name}: not measured ❌")
            continue
        app_runs, bare_runs = runs[endpoint.name]["app"], runs[endpoint.name]["bare"]
        pairs = list(zip(app_runs, bare_runs, strict=True))
        ratio = statistics.median(a.rps / max(b.rps, 1e-9) for a, b in pairs)
        p99x = statistics.median(a.p99 / max(b.p99, 1e-3) for a, b in pairs)
        med = {
            side: {k: statistics.median(getattr(r, k) for r in rs) for k in ("rps", "p50", "p99")}
            for side, rs in (("app", app_runs), ("bare", bare_runs))
        }
        target = ""
        if target_of(endpoint.name):
            kind, bound = target_of(endpoint.name)
            ok = ratio >= bound if kind == "rps" else p99x < bound
            target = (f"≥ {bound}×" if kind == "rps" else f"p99 < {bound:.0f}×") + (
                " ✅" if ok else " ❌"
            )
            verdicts.append(f"{endpoint.name}: {target}")
        failures = sum(r.failures for r in app_runs + bare_runs)
        lines.append(
            f"| {endpoint.name} | {endpoint.size:,} | {med['app']['rps']:,.0f} | "
            f"{med['bare']['rps']:,.0f} | {ratio:.2f} | {med['app']['p50']:.1f} / "
            f"{med['app']['p99']:.1f} | {med['bare']['p50']:.1f} / {med['bare']['p99']:.1f} | "
            f"{p99x:.1f} | {target} | {failures} |"
        )
        refs = runs[endpoint.name]["ref"]
        if refs:
            ref_ratio = statistics.median(
                a.rps / max(r.rps, 1e-9) for a, r in zip(app_runs, refs, strict=True)
            )
            ref = {k: statistics.median(getattr(r, k) for r in refs) for k in ("rps", "p50", "p99")}
            lines.append(
                f"| ↳ reference: bare + the look-up's SQL (psycopg: SELECT, INSERT, COMMIT) | | "
                f"{med['app']['rps']:,.0f} | {ref['rps']:,.0f} | {ref_ratio:.2f} | | "
                f"{ref['p50']:.1f} / {ref['p99']:.1f} | | | {sum(r.failures for r in refs)} |"
            )
    return "\n".join([*lines, "", "Targets: " + "; ".join(verdicts) + "."])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--app-port", type=int, default=8701)
    parser.add_argument("--bare-port", type=int, default=8702)
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    app = make_app(args.database_url)
    servers = []
    with tempfile.TemporaryDirectory() as workdir:
        env = app_environment(args.database_url, Path(workdir))
        try:
            process, app_base = start_server("app", "wsgi:app", args.app_port, env, [])
            servers.append(process)
            process, bare_base = start_server(
                "bare", "bare_app:app", args.bare_port, env, ["--pythonpath", "bench"]
            )
            servers.append(process)
            endpoints = prepare(app, app_base)
            measure_sizes(endpoints, app_base)
            runs = load(endpoints, app_base, bare_base, args, Path(workdir))
        finally:
            for process in servers:
                process.terminate()
            for process in servers:
                process.wait(timeout=30)
    print(table(endpoints, runs, args))
    if not args.no_explain:
        from explain import run as explain_run

        print("\nEXPLAIN (ANALYZE) of the SELECTs of the three hottest pages:\n")
        print(explain_run(args.database_url, show_plans=False))


if __name__ == "__main__":
    main()
