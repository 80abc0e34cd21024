"""statistics on cohort members' (user, role) for the planner (PostgreSQL)

An instructor of many cohorts is rare, and user_id and role are correlated, so PostgreSQL
underestimated how many trainees such an instructor sees and probed submissions trainee by
trainee (22 ms at 10,000 trainees); with these statistics it reads the open-submissions index
oldest first and stops at the page size (6 ms).

Revision ID: b7e2c41f9a10
Revises: d555b3a3b9bd
Create Date: 2026-11-24 07:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2c41f9a10"
down_revision = "d555b3a3b9bd"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE STATISTICS IF NOT EXISTS stx_cohort_members_user_role (mcv, dependencies) "
            "ON user_id, role FROM cohort_members"
        )
        op.execute("ANALYZE cohort_members")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS stx_cohort_members_user_role")
