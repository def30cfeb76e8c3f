"""clash settlements: a conflict revision is an open clash until settled

Revision ID: f7a8b9c0d1e2
Revises: 3b9d2f7a1c64
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7a8b9c0d1e2'
down_revision = '3b9d2f7a1c64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('clash_settlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('result_revision_id', sa.Integer(), nullable=True),
    sa.Column('settled_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome IN ('resolved', 'dismissed', 'replaced')", name=op.f('ck_clash_settlements_outcome')),
    sa.ForeignKeyConstraint(['result_revision_id'], ['revisions.id'], name=op.f('fk_clash_settlements_result_revision_id_revisions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_clash_settlements_revision_id_revisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['settled_by_id'], ['users.id'], name=op.f('fk_clash_settlements_settled_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clash_settlements')),
    sa.UniqueConstraint('revision_id', name=op.f('uq_clash_settlements_revision_id'))
    )
    # Clashes made before settlements existed: each one whose author later saved the section
    # again (a head or a later clash by them after it) was dealt with on the conflict screen
    # or in the editor, which the old screen did not record; count it as resolved, so that
    # only the clashes nobody came back to show as open.
    op.execute(
        "INSERT INTO clash_settlements (revision_id, outcome, settled_by_id, settled_at) "
        "SELECT c.id, 'resolved', c.author_id, MIN(l.created_at) "
        "FROM revisions c JOIN revisions l ON l.section_id = c.section_id "
        "AND l.number > c.number AND l.author_id = c.author_id "
        "WHERE c.kind = 'conflict' GROUP BY c.id, c.author_id"
    )

def downgrade():
    op.drop_table('clash_settlements')
