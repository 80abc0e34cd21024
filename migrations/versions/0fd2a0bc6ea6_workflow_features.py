"""workflow features: withdrawal, intake cohorts, prerequisites, drip release, deletion

A trainee may withdraw a submission nobody has claimed (a new submission state). Cohorts gain
an intake flag (self-registered trainees join an open intake cohort) and a target turnaround.
Courses say whether their prerequisites are enforced, and courses and lessons when they open
(drip release). Trainees ask for their account's deletion, which an admin confirms. On
PostgreSQL the pg_trgm extension gives lesson search its tolerance for misspellings.

Revision ID: 0fd2a0bc6ea6
Revises: a2b6b18d078a
Create Date: 2026-12-04 17:46:41.937765

"""
from alembic import op
import sqlalchemy as sa

import smp_academy.core.types


# revision identifiers, used by Alembic.
revision = '0fd2a0bc6ea6'
down_revision = 'a2b6b18d078a'
branch_labels = None
depends_on = None

OLD_STATES = "state IN ('submitted', 'in_review', 'passed', 'needs_work')"
NEW_STATES = "state IN ('submitted', 'in_review', 'passed', 'needs_work', 'withdrawn')"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_submissions_state_known'), type_='check')
        batch_op.create_check_constraint('state_known', NEW_STATES)

    op.create_table('account_deletion_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', smp_academy.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'completed', 'cancelled', name='deletionstate', native_enum=False, length=16), nullable=False),
    sa.Column('decided_at', smp_academy.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.CheckConstraint("(state = 'pending') = (decided_at IS NULL)", name=op.f('ck_account_deletion_requests_decided_unless_pending')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_account_deletion_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_deletion_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_deletion_requests'))
    )
    with op.batch_alter_table('account_deletion_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_deletion_requests_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_account_deletion_requests_pending', ['user_id'], unique=True, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_intake', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('turnaround_days', sa.Integer(), server_default='3', nullable=False))
        batch_op.create_check_constraint('turnaround_in_range', 'turnaround_days BETWEEN 1 AND 60')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prerequisites_mode', sa.Enum('enforced', 'advisory', name='prerequisitesmode', native_enum=False, length=10), server_default='enforced', nullable=False))
        batch_op.add_column(sa.Column('available_after_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            'prerequisites_mode_known', "prerequisites_mode IN ('enforced', 'advisory')"
        )
        batch_op.create_check_constraint('release_not_negative', 'available_after_days >= 0')

    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('available_after_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint('release_not_negative', 'available_after_days >= 0')


def downgrade():
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_lessons_release_not_negative'), type_='check')
        batch_op.drop_column('available_after_days')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_courses_release_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_courses_prerequisites_mode_known'), type_='check')
        batch_op.drop_column('available_after_days')
        batch_op.drop_column('prerequisites_mode')

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cohorts_turnaround_in_range'), type_='check')
        batch_op.drop_column('turnaround_days')
        batch_op.drop_column('is_intake')

    with op.batch_alter_table('account_deletion_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_account_deletion_requests_pending', sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_account_deletion_requests_user_id'))

    op.drop_table('account_deletion_requests')

    # Withdrawn submissions go back to waiting, the nearest state the old schema knows.
    op.execute("UPDATE submissions SET state = 'submitted' WHERE state = 'withdrawn'")
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_submissions_state_known'), type_='check')
        batch_op.create_check_constraint('state_known', OLD_STATES)
