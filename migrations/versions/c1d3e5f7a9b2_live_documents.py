"""live documents: each section's shared Yjs state for live co-editing

Revision ID: c1d3e5f7a9b2
Revises: b8d0f2a4c6e8
Create Date: 2026-12-07 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1d3e5f7a9b2'
down_revision = 'b8d0f2a4c6e8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('live_documents',
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.LargeBinary(), nullable=False),
    sa.Column('last_editor_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['last_editor_id'], ['users.id'], name=op.f('fk_live_documents_last_editor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_live_documents_section_id_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('section_id', name=op.f('pk_live_documents'))
    )


def downgrade():
    op.drop_table('live_documents')
