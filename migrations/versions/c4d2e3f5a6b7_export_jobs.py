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
    op.create_table(
        'export_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.Column('profile', sa.String(length=40), nullable=False),
        sa.Column('format', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('cache_key', sa.String(length=64), nullable=False),
        sa.Column('verify_url', sa.String(length=500), nullable=True),
        sa.Column('warnings_overridden', sa.Boolean(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_jobs_status')
        ),
        sa.CheckConstraint(
            "format IN ('pdf', 'docx', 'odt', 'md')", name=op.f('ck_export_jobs_format')
        ),
        sa.CheckConstraint(
            'progress >= 0 AND progress <= 100', name=op.f('ck_export_jobs_progress')
        ),
        sa.ForeignKeyConstraint(
            ['requested_by_id'], ['users.id'],
            name=op.f('fk_export_jobs_requested_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['response_id'], ['responses.id'],
            name=op.f('fk_export_jobs_response_id_responses'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['version_id'], ['versions.id'],
            name=op.f('fk_export_jobs_version_id_versions'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs')),
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_export_jobs_response_id'), ['response_id'], unique=False
        )
        batch_op.create_index(
            'ix_export_jobs_status_created', ['status', 'created_at'], unique=False
        )

    op.create_table(
        'export_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cache_key', sa.String(length=80), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('content_type', sa.String(length=120), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_files')),
        sa.UniqueConstraint('cache_key', name=op.f('uq_export_files_cache_key')),
    )
    with op.batch_alter_table('export_files', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_export_files_created_at'), ['created_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('export_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_files_created_at'))
    op.drop_table('export_files')
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_export_jobs_status_created')
        batch_op.drop_index(batch_op.f('ix_export_jobs_response_id'))
    op.drop_table('export_jobs')
