"""measurements of client photos

Every scalp photo of the case logbook (before, after, healed; not the consent form) is measured
beside the scale sticker by a job (CONTRACT.md section 7): its status, the report, an overlay
image and the reason it could not be measured. A photo also names the area it shows, so a healed
photo is set against the fresh one of the same area. Photos uploaded before this point are
marked pending and get a job each, which ``flask maintenance run`` dispatches as it does any
job left pending; consent forms are never measured.

Revision ID: f27bfe9eef9d
Revises: 0a0b87abbd8e
Create Date: 2026-12-04 19:01:57.250119

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import smp_academy.core.types


# revision identifiers, used by Alembic.
revision = 'f27bfe9eef9d'
down_revision = '0a0b87abbd8e'
branch_labels = None
depends_on = None

JOB = 'smp_academy.clinical.measurements:analyze_client_photo'
AREAS = "'hairline', 'temples', 'mid_scalp', 'crown', 'sides_back', 'scar'"
STATUSES = "'pending', 'done', 'no_sticker', 'failed'"

photos = sa.table(
    'client_photos',
    sa.column('id', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('analysis_status', sa.String()),
)
jobs = sa.table(
    'jobs',
    sa.column('name', sa.String()),
    sa.column('args', sa.JSON()),
    sa.column('state', sa.String()),
    sa.column('attempts', sa.Integer()),
    sa.column('created_at', smp_academy.core.types.UTCDateTime()),
    sa.column('not_before', smp_academy.core.types.UTCDateTime()),
)


def upgrade():
    with op.batch_alter_table('client_photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('analysis_status', sa.Enum('pending', 'done', 'no_sticker', 'failed', name='measurementstatus', native_enum=False, length=16), nullable=True))
        batch_op.add_column(sa.Column('analysis', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('analysis_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('overlay_key', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_client_photos_overlay_key'), ['overlay_key'])

    _measure_existing_photos()

    with op.batch_alter_table('client_photos', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_client_photos_area_known'),
            f"area IS NULL OR (area IN ({AREAS}) AND kind IN ('after', 'healed'))",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_client_photos_measured_kind'),
            "(kind = 'consent') = (analysis_status IS NULL) AND "
            f"(analysis_status IS NULL OR analysis_status IN ({STATUSES}))",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_client_photos_measured_overlay'),
            "(analysis_status = 'done') = (overlay_key IS NOT NULL)",
        )


def _measure_existing_photos():
    """Scalp photos already stored wait for their measurement, each with its job."""
    bind = op.get_bind()
    scalp = photos.c.kind != 'consent'
    bind.execute(photos.update().where(scalp).values(analysis_status='pending'))
    ids = bind.execute(sa.select(photos.c.id).where(scalp).order_by(photos.c.id)).scalars().all()
    now = datetime.now(UTC)
    rows = [
        {'name': JOB, 'args': [photo_id], 'state': 'pending', 'attempts': 0,
         'created_at': now, 'not_before': now}
        for photo_id in ids
    ]
    if rows:
        bind.execute(jobs.insert(), rows)


def downgrade():
    op.get_bind().execute(jobs.delete().where(jobs.c.name == JOB, jobs.c.state == 'pending'))
    with op.batch_alter_table('client_photos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_client_photos_measured_overlay'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_client_photos_measured_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_client_photos_area_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_client_photos_overlay_key'), type_='unique')
        batch_op.drop_column('overlay_key')
        batch_op.drop_column('analysis_error')
        batch_op.drop_column('analysis')
        batch_op.drop_column('analysis_status')
        batch_op.drop_column('area')
