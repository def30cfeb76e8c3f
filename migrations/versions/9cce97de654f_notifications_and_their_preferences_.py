"""notifications and their preferences; headers of stored e-mails

Notices to people (consult/notifications), each person's e-mail choice per kind, and the
extra headers of a stored e-mail (a notification's List-Unsubscribe).

Revision ID: 9cce97de654f
Revises: c1d3e5f7a9b2
Create Date: 2026-12-07 17:01:58.223132

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9cce97de654f'
down_revision = 'c1d3e5f7a9b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('mention', 'assignment', 'suggestion', 'comment', 'reply', 'suggestion_accepted', 'invitation_accepted', 'signing_opened', 'deadline')", name=op.f('ck_notification_preferences_kind')),
    sa.CheckConstraint("mode IN ('immediate', 'digest', 'off')", name=op.f('ck_notification_preferences_mode')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name='uq_notification_preferences_user_kind')
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('suggestion_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('dedupe_key', sa.String(length=120), nullable=True),
    sa.Column('delivery', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('emailed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("delivery IN ('immediate', 'digest', 'off')", name=op.f('ck_notifications_delivery')),
    sa.CheckConstraint("kind IN ('mention', 'assignment', 'suggestion', 'comment', 'reply', 'suggestion_accepted', 'invitation_accepted', 'signing_opened', 'deadline', 'security')", name=op.f('ck_notifications_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_notifications_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_notifications_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_notifications_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_notifications_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['sections.id'], name=op.f('fk_notifications_section_id_sections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestions.id'], name=op.f('fk_notifications_suggestion_id_suggestions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_notifications_version_id_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('recipient_id', 'dedupe_key', name='uq_notifications_recipient_dedupe')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_notifications_delivery_pending', ['delivery', 'emailed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_notifications_recipient_read', ['recipient_id', 'read_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_section_id'), ['section_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_suggestion_id'), ['suggestion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('headers')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_version_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_suggestion_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_section_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_response_id'))
        batch_op.drop_index('ix_notifications_recipient_read')
        batch_op.drop_index(batch_op.f('ix_notifications_organisation_id'))
        batch_op.drop_index('ix_notifications_delivery_pending')
        batch_op.drop_index(batch_op.f('ix_notifications_created_at'))
        batch_op.drop_index(batch_op.f('ix_notifications_comment_id'))

    op.drop_table('notifications')
    op.drop_table('notification_preferences')
