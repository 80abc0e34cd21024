"""EXPLAIN (ANALYZE, BUFFERS) of every SELECT the three hottest pages run, on the seeded database.

Usage: .venv/bin/python bench/explain.py [--database-url URL] [--plans]

The queries are captured from real requests (Flask's test client, signed in as a seeded
trainee and as the lead instructor who teaches all 50 cohorts), so the plans are those of
exactly the SQL the pages send. A sequential scan of a table with more than 1,000 rows is
flagged. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEFAULT_DATABASE_URL, LEAD_EMAIL, PASSWORD, make_app, trainee_email

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SCAN = re.compile(
    r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan)"
    r"(?: Backward)?(?: using (\S+))? on (\S+)|Bitmap Index Scan on (\S+)"
)
BIG_TABLE = 1000


def login(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    if response.status_code != 302:
        raise SystemExit(f"login of {email} failed ({response.status_code})")


def capture(app, client, path: str) -> list[tuple[str, object]]:
    from sqlalchemy import event

    from smp_academy.extensions import db

    statements: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return statements


def table_sizes(conn) -> dict[str, int]:
    rows = conn.exec_driver_sql(
        "SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
        "AND relnamespace = 'public'::regnamespace"
    )
    return dict(rows.all())


def explain(conn, statement: str, parameters: object) -> list[str]:
    rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
    return [row[0] for row in rows]


def scans(plan: list[str], sizes: dict[str, int]) -> tuple[list[str], list[str]]:
    """Each scan of the plan as text, and the sequential scans of big tables."""
    found, bad = [], []
    for line in plan:
        match = SCAN.search(line)
        if not match:
            continue
        kind, index, table, bitmap_index = match.groups()
        if bitmap_index:
            found.append(f"Bitmap Index Scan {bitmap_index}")
            continue
        table = table.strip('"')
        found.append(f"{kind} {table}" + (f" ({index})" if index else ""))
        if kind == "Seq Scan" and sizes.get(table, 0) > BIG_TABLE:
            bad.append(f"{table} ({sizes[table]:,} rows)")
    return found, bad


def pages(app) -> list[tuple[str, str, str]]:
    """(name, who signs in, path) of the three hottest pages."""
    from sqlalchemy import select

    from smp_academy.certificates.models import Certificate
    from smp_academy.courses.models import Course, Lesson
    from smp_academy.extensions import db

    with app.app_context():
        course = db.session.scalars(select(Course).order_by(Course.position)).first()
        lesson = db.session.scalars(
            select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
        ).all()[2]
        code = db.session.scalars(select(Certificate.code).order_by(Certificate.id.desc())).first()
    return [
        ("lesson page", trainee_email(0), f"/courses/{course.slug}/lessons/{lesson.slug}"),
        ("instructor queue", LEAD_EMAIL, "/grading"),
        ("certificate look-up", "", f"/api/v1/certificates/{code}"),
    ]


def run(database_url: str, show_plans: bool) -> str:
    app = make_app(database_url)
    from smp_academy.extensions import db

    out = []
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return "(EXPLAIN plans: PostgreSQL only)"
    summary = [
        "| page | # | query (start) | ms | scans | seq scan of a big table |",
        "|---|---:|---|---:|---|---|",
    ]
    for name, email, path in pages(app):
        client = app.test_client()
        if email:
            login(client, email)
        statements = capture(app, client, path)
        with app.app_context(), db.engine.connect() as conn:
            sizes = table_sizes(conn)
            for number, (statement, parameters) in enumerate(statements, start=1):
                plan = explain(conn, statement, parameters)
                found, bad = scans(plan, sizes)
                took = next(
                    (line.split(":")[1].strip() for line in plan if "Execution" in line), ""
                )
                short = " ".join(statement.split())[:90].replace("|", "\\|")
                summary.append(
                    f"| {name} | {number} | `{short}…` | {took.removesuffix(' ms')} | "
                    f"{'; '.join(found) or '(no table)'} | {', '.join(bad) or 'no'} |"
                )
                if show_plans:
                    out.append(f"\n{name} #{number}:\n```\n{' '.join(statement.split())}\n")
                    out.append("\n".join(plan) + "\n```")
    return "\n".join(summary + out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--plans", action="store_true", help="print every plan in full")
    args = parser.parse_args()
    print(run(args.database_url, args.plans))


if __name__ == "__main__":
    main()
