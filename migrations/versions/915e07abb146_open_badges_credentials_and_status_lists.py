"""open badges credentials and status lists

Every certificate gets the record of its Open Badges credential: a position in the Bitstring
Status Lists (drawn at random, unique) and the salt that hashes its holder's e-mail address in
it. Existing certificates are back-filled here; their signed credentials need the academy's
keys, so the render job makes them (`flask certificates credentials --backfill` queues it).
The signed status lists are published from their own table.

Revision ID: 915e07abb146
Revises: f27bfe9eef9d
Create Date: 2026-12-04 19:05:50.525429

"""
import secrets
from random import SystemRandom

from alembic import op
import sqlalchemy as sa

import smp_academy.core.types


# revision identifiers, used by Alembic.
revision = '915e07abb146'
down_revision = 'f27bfe9eef9d'
branch_labels = None
depends_on = None

# The entries of one status list (status_list.MIN_ENTRIES when this was written); lists are
# kept at most half full, as status_lists.new_index keeps them.
STATUS_LIST_ENTRIES = 131_072


def upgrade():
    op.create_table('credential_status_lists',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('credential', sa.JSON(), nullable=False),
    sa.Column('updated_at', smp_academy.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_status_lists'))
    )
    credentials = op.create_table('certificate_credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('status_list_index', sa.Integer(), nullable=False),
    sa.Column('identity_salt', sa.String(length=32), nullable=False),
    sa.Column('document', sa.JSON(), nullable=True),
    sa.Column('signed_at', smp_academy.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_credentials_certificate_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_credentials')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_certificate_credentials_certificate_id')),
    sa.UniqueConstraint('status_list_index', name=op.f('uq_certificate_credentials_status_list_index'))
    )
    _backfill(credentials)


def _backfill(credentials: sa.Table) -> None:
    """A record for every existing certificate: distinct random positions, fresh salts."""
    certificates = sa.table('certificates', sa.column('id', sa.Integer()))
    ids = op.get_bind().execute(sa.select(certificates.c.id).order_by(certificates.c.id))
    ids = ids.scalars().all()
    lists = len(ids) // (STATUS_LIST_ENTRIES // 2) + 1
    positions = SystemRandom().sample(range(lists * STATUS_LIST_ENTRIES), len(ids))
    op.bulk_insert(
        credentials,
        [
            {
                'certificate_id': cert_id,
                'status_list_index': position,
                'identity_salt': secrets.token_hex(16),
            }
            for cert_id, position in zip(ids, positions)
        ],
    )


def downgrade():
    op.drop_table('certificate_credentials')
    op.drop_table('credential_status_lists')
