"""signing: consent history kept and re-sign invitations queued

Revision ID: b3e1d2c4f5a6
Revises: a2f0c1d2e3b4
Create Date: 2026-11-26 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e1d2c4f5a6'
down_revision = 'a2f0c1d2e3b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('resign_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('invitee_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_resign_invitations_version_id_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resign_invitations')),
    sa.UniqueConstraint('version_id', 'invitee_hash', name='uq_resign_invitations_version_invitee')
    )


def downgrade():
    op.drop_table('resign_invitations')
