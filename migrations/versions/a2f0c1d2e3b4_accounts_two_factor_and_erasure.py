"""two-factor authentication, recovery codes and account erasure

Revision ID: a2f0c1d2e3b4
Revises: f5fcefe5cb9e
Create Date: 2026-11-26 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a2f0c1d2e3b4'
down_revision = 'f5fcefe5cb9e'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
