"""versions keep the frozen title beside the canonical content

Revision ID: e6f4a5b7c8d9
Revises: d5e3f4a6b7c8
Create Date: 2026-11-26 18:30:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6f4a5b7c8d9'
down_revision = 'd5e3f4a6b7c8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), nullable=False, server_default=''))
    # Each existing version's title, read from its canonical content (what was frozen).
    versions = sa.table('versions', sa.column('id', sa.Integer), sa.column('content', sa.Text),
                        sa.column('title', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(versions.c.id, versions.c.content)).all()
    for version_id, content in rows:
        title = json.loads(content)["response"]["title"]
        connection.execute(versions.update().where(versions.c.id == version_id).values(title=title))
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.alter_column('title', server_default=None)


def downgrade():
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_column('title')
