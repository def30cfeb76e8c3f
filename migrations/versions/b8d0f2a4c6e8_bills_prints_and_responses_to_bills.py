"""bills and their prints (clauses, pages, lines); responses to bills, clause and amendment sections

Revision ID: b8d0f2a4c6e8
Revises: a7c9e1f3b5d7
Create Date: 2026-12-07 10:40:45.503190

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d0f2a4c6e8'
down_revision = 'a7c9e1f3b5d7'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('summary', 'about', 'question', 'recommendations', 'custom')"
NEW_KINDS = (
    "kind IN ('summary', 'about', 'question', 'recommendations', 'custom', 'clause', 'amendment')"
)


def upgrade():
    op.create_table('bills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('session', sa.String(length=20), nullable=False),
    sa.Column('house', sa.String(length=10), nullable=False),
    sa.Column('stage', sa.String(length=30), nullable=False),
    sa.Column('stage_dates', sa.JSON(), nullable=False),
    sa.Column('evidence_deadline', sa.DateTime(), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("house IN ('commons', 'lords')", name=op.f('ck_bills_house')),
    sa.CheckConstraint("stage IN ('first_reading', 'second_reading', 'committee', 'report', 'third_reading', 'lords_first_reading', 'lords_second_reading', 'lords_committee', 'lords_report', 'lords_third_reading', 'ping_pong', 'royal_assent')", name=op.f('ck_bills_stage')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bills_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_bills_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bills')),
    sa.UniqueConstraint('organisation_id', 'slug', name='uq_bills_organisation_slug')
    )
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bills_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('bill_prints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('source_kind', sa.String(length=10), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('remap', sa.JSON(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source_kind IN ('pdf', 'docx', 'html', 'text')", name=op.f('ck_bill_prints_source_kind')),
    sa.ForeignKeyConstraint(['bill_id'], ['bills.id'], name=op.f('fk_bill_prints_bill_id_bills'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_bill_prints_imported_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_prints')),
    sa.UniqueConstraint('bill_id', 'number', name='uq_bill_prints_bill_number')
    )
    with op.batch_alter_table('bill_prints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_prints_bill_id'), ['bill_id'], unique=False)

    op.create_table('print_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('print_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('provision', sa.String(length=30), nullable=True),
    sa.Column('subsection', sa.String(length=30), nullable=True),
    sa.Column('hyphenated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['print_id'], ['bill_prints.id'], name=op.f('fk_print_lines_print_id_bill_prints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_lines')),
    sa.UniqueConstraint('print_id', 'position', name='uq_print_lines_print_position')
    )
    with op.batch_alter_table('print_lines', schema=None) as batch_op:
        batch_op.create_index('ix_print_lines_print_page_line', ['print_id', 'page', 'line'], unique=False)

    op.create_table('print_provisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('print_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=False),
    sa.Column('part', sa.String(length=300), nullable=True),
    sa.Column('start_page', sa.Integer(), nullable=False),
    sa.Column('start_line', sa.Integer(), nullable=False),
    sa.Column('end_page', sa.Integer(), nullable=False),
    sa.Column('end_line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['print_id'], ['bill_prints.id'], name=op.f('fk_print_provisions_print_id_bill_prints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_provisions')),
    sa.UniqueConstraint('print_id', 'position', name='uq_print_provisions_print_position')
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bill_id', sa.Integer(), nullable=True))
        batch_op.alter_column('consultation_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_responses_bill_id'), ['bill_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_responses_bill_id_bills'), 'bills', ['bill_id'], ['id'], ondelete='CASCADE')

        batch_op.create_check_constraint(
            'answers_one',
            '(consultation_id IS NULL AND bill_id IS NOT NULL)'
            ' OR (consultation_id IS NOT NULL AND bill_id IS NULL)',
        )

    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clause', sa.String(length=30), nullable=True))
        batch_op.drop_constraint(op.f('ck_sections_kind'), type_='check')
        batch_op.create_check_constraint('kind', NEW_KINDS)


def downgrade():
    # The old schema has no bills: responses to them (and their sections, revisions, versions,
    # through the foreign keys' cascades) go with them.
    op.execute("DELETE FROM responses WHERE bill_id IS NOT NULL")
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sections_kind'), type_='check')
        batch_op.create_check_constraint('kind', OLD_KINDS)
        batch_op.drop_column('clause')

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_responses_answers_one'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_responses_bill_id_bills'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_responses_bill_id'))
        batch_op.alter_column('consultation_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('bill_id')

    op.drop_table('print_provisions')
    with op.batch_alter_table('print_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_print_lines_print_page_line')

    op.drop_table('print_lines')
    with op.batch_alter_table('bill_prints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bill_prints_bill_id'))

    op.drop_table('bill_prints')
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bills_organisation_id'))

    op.drop_table('bills')
