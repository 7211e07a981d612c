"""Assessments: campaigns, self-assessments pinned to a publication, answers and evidence,
verification rounds, rectifications and the reminders sent, and the aggregates the
dashboards read; clauses learn whether they may be answered 不适用, publications their
grade lines and how partial conformity is credited.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rectification_tallies',
    sa.Column('county_code', sa.String(length=12), nullable=False),
    sa.Column('city_code', sa.String(length=12), nullable=False),
    sa.Column('open', sa.Integer(), server_default='0', nullable=False),
    sa.Column('done', sa.Integer(), server_default='0', nullable=False),
    sa.Column('accepted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('overdue', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('county_code', name=op.f('pk_rectification_tallies'))
    )
    with op.batch_alter_table('rectification_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_tallies_city_code'), ['city_code'], unique=False)

    op.create_table('assessment_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('region_path', sa.String(length=60), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('open', 'closed', name='state', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assessment_campaigns_created_by_id_users')),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_assessment_campaigns_publication_id_publications')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_assessment_campaigns_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_campaigns'))
    )
    with op.batch_alter_table('assessment_campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_campaigns_publication_id'), ['publication_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_campaigns_region_path'), ['region_path'], unique=False)

    op.create_table('assessment_tallies',
    sa.Column('county_code', sa.String(length=12), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('city_code', sa.String(length=12), nullable=False),
    sa.Column('assessments', sa.Integer(), server_default='0', nullable=False),
    sa.Column('scored', sa.Integer(), server_default='0', nullable=False),
    sa.Column('score_sum', sa.Numeric(14, 1), server_default='0', nullable=False),
    sa.Column('grade_first', sa.Integer(), server_default='0', nullable=False),
    sa.Column('grade_second', sa.Integer(), server_default='0', nullable=False),
    sa.Column('grade_third', sa.Integer(), server_default='0', nullable=False),
    sa.Column('grade_fail', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band0', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band1', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band2', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band3', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band4', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band5', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band6', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band7', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band8', sa.Integer(), server_default='0', nullable=False),
    sa.Column('band9', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_assessment_tallies_publication_id_publications')),
    sa.PrimaryKeyConstraint('county_code', 'publication_id', 'campaign_id', 'state', name=op.f('pk_assessment_tallies'))
    )
    with op.batch_alter_table('assessment_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_tallies_city_code'), ['city_code'], unique=False)

    op.create_table('clause_tallies',
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('clause_key', sa.String(length=36), nullable=False),
    sa.Column('assessed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('conform', sa.Integer(), server_default='0', nullable=False),
    sa.Column('partial', sa.Integer(), server_default='0', nullable=False),
    sa.Column('nonconform', sa.Integer(), server_default='0', nullable=False),
    sa.Column('na', sa.Integer(), server_default='0', nullable=False),
    sa.Column('failed', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_clause_tallies_publication_id_publications')),
    sa.PrimaryKeyConstraint('publication_id', 'clause_key', name=op.f('pk_clause_tallies'))
    )
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('region_path', sa.String(length=60), nullable=False),
    sa.Column('city_code', sa.String(length=12), nullable=False),
    sa.Column('county_code', sa.String(length=12), nullable=False),
    sa.Column('industry_code', sa.String(length=10), nullable=False),
    sa.Column('is_benchmark', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'returned', 'verified', name='state', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('gaps', sa.Integer(), nullable=False),
    sa.Column('earned', sa.Numeric(9, 1), nullable=False),
    sa.Column('possible', sa.Numeric(9, 1), nullable=False),
    sa.Column('score', sa.Numeric(6, 1), nullable=True),
    sa.Column('grade', sa.Enum('first', 'second', 'third', 'fail', name='grade', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('vetoed', sa.Boolean(), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state <> 'returned' OR return_reason IS NOT NULL", name=op.f('ck_assessments_returned_has_reason')),
    sa.CheckConstraint('answered >= 0 AND answered <= total', name=op.f('ck_assessments_answered_within_total')),
    sa.ForeignKeyConstraint(['based_on_id'], ['assessments.id'], name=op.f('fk_assessments_based_on_id_assessments')),
    sa.ForeignKeyConstraint(['campaign_id'], ['assessment_campaigns.id'], name=op.f('fk_assessments_campaign_id_assessment_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assessments_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_assessments_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['industry_code'], ['industries.code'], name=op.f('fk_assessments_industry_code_industries')),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_assessments_publication_id_publications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_assessments_county', ['county_code', 'publication_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_assessments_peers', ['publication_id', 'current', 'city_code', 'score'], unique=False)
        batch_op.create_index('ix_assessments_region_path', ['region_path'], unique=False, postgresql_ops={'region_path': 'text_pattern_ops'})
        batch_op.create_index(batch_op.f('ix_assessments_state'), ['state'], unique=False)
        batch_op.create_index('uq_assessments_open', ['enterprise_id', 'publication_id'], unique=True, sqlite_where=sa.text("state <> 'verified'"), postgresql_where=sa.text("state <> 'verified'"))

    op.create_table('answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('clause_key', sa.String(length=36), nullable=False),
    sa.Column('result', sa.Enum('conform', 'partial', 'nonconform', 'na', name='result', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('earned', sa.Numeric(6, 1), nullable=False),
    sa.Column('entered', sa.Numeric(6, 1), nullable=True),
    sa.Column('na_reason', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("result <> 'na' OR na_reason <> ''", name=op.f('ck_answers_na_has_reason')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_answers_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_answers_saved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('assessment_id', 'clause_key', name=op.f('uq_answers_assessment_id'))
    )
    op.create_table('assessment_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Numeric(6, 1), nullable=True),
    sa.Column('grade', sa.Enum('first', 'second', 'third', 'fail', name='grade', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('outcome', sa.Enum('draft', 'submitted', 'returned', 'verified', name='outcome', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_rounds_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_assessment_rounds_decided_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_assessment_rounds_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_rounds')),
    sa.UniqueConstraint('assessment_id', 'number', name=op.f('uq_assessment_rounds_assessment_id'))
    )
    op.create_table('chapter_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('chapter_key', sa.String(length=36), nullable=False),
    sa.Column('earned', sa.Numeric(9, 1), nullable=False),
    sa.Column('possible', sa.Numeric(9, 1), nullable=False),
    sa.Column('score', sa.Numeric(6, 1), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_chapter_scores_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chapter_scores')),
    sa.UniqueConstraint('assessment_id', 'chapter_key', name=op.f('uq_chapter_scores_assessment_id'))
    )
    op.create_table('rectifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('clause_key', sa.String(length=36), nullable=False),
    sa.Column('clause_label', sa.String(length=250), nullable=False),
    sa.Column('county_code', sa.String(length=12), nullable=False),
    sa.Column('region_path', sa.String(length=60), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=50), nullable=False),
    sa.Column('funds', sa.Numeric(12, 2), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('contingency', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('planned', 'open', 'done', 'accepted', name='state', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('done_note', sa.Text(), nullable=False),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_rectifications_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectifications')),
    sa.UniqueConstraint('assessment_id', 'clause_key', name=op.f('uq_rectifications_assessment_id'))
    )
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectifications_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index('ix_rectifications_county', ['county_code', 'state', 'deadline'], unique=False)
        batch_op.create_index('ix_rectifications_due', ['state', 'deadline'], unique=False)

    op.create_table('answer_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_evidence_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_answer_evidence_attachment_id_attachments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_evidence'))
    )
    with op.batch_alter_table('answer_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_evidence_answer_id'), ['answer_id'], unique=False)

    op.create_table('item_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('clause_key', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_rounds.id'], name=op.f('fk_item_returns_round_id_assessment_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_returns')),
    sa.UniqueConstraint('round_id', 'clause_key', name=op.f('uq_item_returns_round_id'))
    )
    op.create_table('rectification_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rectification_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_rectification_evidence_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectifications.id'], name=op.f('fk_rectification_evidence_rectification_id_rectifications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_evidence'))
    )
    with op.batch_alter_table('rectification_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_evidence_rectification_id'), ['rectification_id'], unique=False)

    op.create_table('reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rectification_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('week', 'day', 'overdue', name='kind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rectification_id'], ['rectifications.id'], name=op.f('fk_reminders_sent_rectification_id_rectifications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
    sa.UniqueConstraint('rectification_id', 'kind', 'deadline', name=op.f('uq_reminders_sent_rectification_id'))
    )
    with op.batch_alter_table('clauses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waivable', sa.Boolean(), server_default=sa.true(), nullable=False))

    # A veto item was never waivable; say so in the new column.
    op.execute(sa.text("UPDATE clauses SET waivable = :no WHERE veto = :yes").bindparams(no=False, yes=True))
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade_first', sa.Numeric(6, 1), server_default='90', nullable=False))
        batch_op.add_column(sa.Column('grade_second', sa.Numeric(6, 1), server_default='75', nullable=False))
        batch_op.add_column(sa.Column('grade_third', sa.Numeric(6, 1), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('benchmark_pass', sa.Numeric(6, 1), server_default='80', nullable=False))
        batch_op.add_column(sa.Column('partial_credit', sa.String(length=10), server_default='half', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_column('partial_credit')
        batch_op.drop_column('benchmark_pass')
        batch_op.drop_column('grade_third')
        batch_op.drop_column('grade_second')
        batch_op.drop_column('grade_first')

    with op.batch_alter_table('clauses', schema=None) as batch_op:
        batch_op.drop_column('waivable')

    op.drop_table('reminders_sent')
    with op.batch_alter_table('rectification_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_evidence_rectification_id'))

    op.drop_table('rectification_evidence')
    op.drop_table('item_returns')
    with op.batch_alter_table('answer_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_evidence_answer_id'))

    op.drop_table('answer_evidence')
    with op.batch_alter_table('rectifications', schema=None) as batch_op:
        batch_op.drop_index('ix_rectifications_due')
        batch_op.drop_index('ix_rectifications_county')
        batch_op.drop_index(batch_op.f('ix_rectifications_assessment_id'))

    op.drop_table('rectifications')
    op.drop_table('chapter_scores')
    op.drop_table('assessment_rounds')
    op.drop_table('answers')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index('uq_assessments_open', sqlite_where=sa.text("state <> 'verified'"), postgresql_where=sa.text("state <> 'verified'"))
        batch_op.drop_index(batch_op.f('ix_assessments_state'))
        batch_op.drop_index('ix_assessments_region_path', postgresql_ops={'region_path': 'text_pattern_ops'})
        batch_op.drop_index('ix_assessments_peers')
        batch_op.drop_index(batch_op.f('ix_assessments_enterprise_id'))
        batch_op.drop_index('ix_assessments_county')
        batch_op.drop_index(batch_op.f('ix_assessments_campaign_id'))

    op.drop_table('assessments')
    op.drop_table('clause_tallies')
    with op.batch_alter_table('assessment_tallies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_tallies_city_code'))

    op.drop_table('assessment_tallies')
    with op.batch_alter_table('assessment_campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_campaigns_region_path'))
        batch_op.drop_index(batch_op.f('ix_assessment_campaigns_publication_id'))

    op.drop_table('assessment_campaigns')
    with op.batch_alter_table('rectification_tallies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_tallies_city_code'))

    op.drop_table('rectification_tallies')
