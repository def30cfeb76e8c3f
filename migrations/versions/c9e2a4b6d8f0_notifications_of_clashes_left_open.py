"""notifications of clashes left open: the `clash` kind and the clash a notice is about

Revision ID: c9e2a4b6d8f0
Revises: b8d1f3a5c7e9
Create Date: 2026-12-07 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9e2a4b6d8f0'
down_revision = 'b8d1f3a5c7e9'
branch_labels = None
depends_on = None

OLD = ('mention', 'assignment', 'suggestion', 'comment', 'reply', 'suggestion_accepted',
       'invitation_accepted', 'signing_opened', 'deadline')
NEW = ('mention', 'assignment', 'suggestion', 'clash', 'comment', 'reply',
       'suggestion_accepted', 'invitation_accepted', 'signing_opened', 'deadline')


def _kinds(kinds, security):
    return "kind IN ({})".format(", ".join(repr(k) for k in kinds + (('security',) if security else ())))


def _set_kinds(kinds):
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_kind'), type_='check')
        batch_op.create_check_constraint('kind', _kinds(kinds, True))
    with op.batch_alter_table('notification_preferences', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_preferences_kind'), type_='check')
        batch_op.create_check_constraint('kind', _kinds(kinds, False))


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_revision_id'), ['revision_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_revision_id_revisions'), 'revisions', ['revision_id'], ['id'], ondelete='CASCADE')
    _set_kinds(NEW)


def downgrade():
    op.execute("DELETE FROM notifications WHERE kind = 'clash'")
    op.execute("DELETE FROM notification_preferences WHERE kind = 'clash'")
    _set_kinds(OLD)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_revision_id_revisions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notifications_revision_id'))
        batch_op.drop_column('revision_id')
