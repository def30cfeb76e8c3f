"""notification digest runs: the daily digest goes once a day at a set hour

Revision ID: b8d1f3a5c7e9
Revises: 9cce97de654f
Create Date: 2026-12-07 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d1f3a5c7e9'
down_revision = '9cce97de654f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_digest_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_at', sa.DateTime(), nullable=False),
    sa.Column('ran_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digest_runs')),
    sa.UniqueConstraint('slot_at', name=op.f('uq_notification_digest_runs_slot_at'))
    )


def downgrade():
    op.drop_table('notification_digest_runs')
