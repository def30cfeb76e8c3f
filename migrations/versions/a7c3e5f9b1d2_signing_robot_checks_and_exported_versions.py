"""signing: used form stamps, robot check counters, when a version was first exported

Revision ID: a7c3e5f9b1d2
Revises: f7a5b6c8d9e0
Create Date: 2026-12-07 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e5f9b1d2'
down_revision = 'f7a5b6c8d9e0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('used_form_stamps',
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_used_form_stamps'))
    )
    with op.batch_alter_table('used_form_stamps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_form_stamps_expires_at'), ['expires_at'], unique=False)

    op.create_table('robot_check_counts',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("reason IN ('too_fast', 'honeypot', 'no_stamp', 'reused', 'confirmed_again')", name=op.f('ck_robot_check_counts_reason')),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_robot_check_counts_version_id_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'reason', name=op.f('pk_robot_check_counts'))
    )

    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exported_at', sa.DateTime(), nullable=True))
    # A version published without ever being opened for signing was published by an export;
    # so was one with an export job. (A text download of a version also opened for signing
    # left no trace to tell by: it counts as exported from its next export.)
    versions = sa.table('versions', sa.column('id', sa.Integer),
                        sa.column('published_at', sa.DateTime),
                        sa.column('signing_opened_at', sa.DateTime),
                        sa.column('exported_at', sa.DateTime))
    jobs = sa.table('export_jobs', sa.column('version_id', sa.Integer))
    exported = sa.or_(
        versions.c.signing_opened_at.is_(None),
        versions.c.id.in_(sa.select(jobs.c.version_id).where(jobs.c.version_id.is_not(None))),
    )
    op.get_bind().execute(
        versions.update()
        .where(versions.c.published_at.is_not(None), exported)
        .values(exported_at=versions.c.published_at)
    )


def downgrade():
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_column('exported_at')
    op.drop_table('robot_check_counts')
    with op.batch_alter_table('used_form_stamps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_form_stamps_expires_at'))
    op.drop_table('used_form_stamps')
