"""export jobs and cached export files

Revision ID: c4d2e3f5a6b7
Revises: b3e1d2c4f5a6
Create Date: 2026-11-26 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2e3f5a6b7'
down_revision = 'b3e1d2c4f5a6'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
