"""sessions keep a keyed hash of the network address they were last used from

Revision ID: 3b9d2f7a1c64
Revises: e6f4a5b7c8d9
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b9d2f7a1c64'
down_revision = 'e6f4a5b7c8d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ip_hash', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('ip_hash')
