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
    pass


def downgrade():
    pass
