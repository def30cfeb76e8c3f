"""pending two-factor log-ins are kept on the server: single use, replaced, short-lived

Revision ID: f7a5b6c8d9e0
Revises: f7a8b9c0d1e2
Create Date: 2026-12-07 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7a5b6c8d9e0'
down_revision = 'f7a8b9c0d1e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pending_logins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pending_logins_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_logins')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_pending_logins_token_hash')),
    )
    with op.batch_alter_table('pending_logins') as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_logins_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_logins_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_logins') as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_logins_created_at'))
        batch_op.drop_index(batch_op.f('ix_pending_logins_user_id'))
    op.drop_table('pending_logins')
