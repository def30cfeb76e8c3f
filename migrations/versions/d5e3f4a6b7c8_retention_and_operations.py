"""retention and operations

Revision ID: d5e3f4a6b7c8
Revises: c4d2e3f5a6b7
Create Date: 2026-11-26 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e3f4a6b7c8'
down_revision = 'c4d2e3f5a6b7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
