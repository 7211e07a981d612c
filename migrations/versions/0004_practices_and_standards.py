"""Practices and standards: risk points, measures, check items, risk bands (with the Shandong
defaults); standard projects, versions, clause trees, traceability, review rounds, comments, votes.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('risk_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('industry_code', sa.String(length=10), nullable=True),
    sa.Column('method', sa.Enum('ls', 'lec', 'mes', name='method', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('lower', sa.Numeric(10, 2), nullable=False),
    sa.Column('inclusive', sa.Boolean(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_risk_bands_level')),
    sa.ForeignKeyConstraint(['industry_code'], ['industries.code'], name=op.f('fk_risk_bands_industry_code_industries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_bands'))
    )
    with op.batch_alter_table('risk_bands', schema=None) as batch_op:
        batch_op.create_index('uq_risk_bands_default', ['method', 'level'], unique=True, sqlite_where=sa.text('industry_code IS NULL'), postgresql_where=sa.text('industry_code IS NULL'))
        batch_op.create_index('uq_risk_bands_industry', ['industry_code', 'method', 'level'], unique=True, sqlite_where=sa.text('industry_code IS NOT NULL'), postgresql_where=sa.text('industry_code IS NOT NULL'))

    op.create_table('risk_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('equipment', 'activity', 'area', 'management', name='kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('hazards', sa.Text(), nullable=False),
    sa.Column('accident_types', sa.JSON(), nullable=False),
    sa.Column('method', sa.Enum('ls', 'lec', 'mes', name='method', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('result', sa.Numeric(10, 2), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('control_levels', sa.JSON(), nullable=False),
    sa.Column('responsible_unit', sa.String(length=100), nullable=False),
    sa.Column('responsible_person', sa.String(length=50), nullable=False),
    sa.Column('emergency_measures', sa.Text(), nullable=False),
    sa.Column('post', sa.String(length=100), nullable=False),
    sa.Column('consequences', sa.Text(), nullable=False),
    sa.Column('report_phone', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 4', name=op.f('ck_risk_points_level')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_risk_points_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_points'))
    )
    with op.batch_alter_table('risk_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_points_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index('ix_risk_points_enterprise_level', ['enterprise_id', 'level'], unique=False)

    op.create_table('check_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('risk_point_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('frequency', sa.Enum('shift', 'day', 'week', 'month', 'quarter', 'half_year', 'year', name='frequency', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('category', sa.Enum('site', 'management', name='category', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('check_level', sa.Enum('company', 'workshop', 'team', 'post', name='check_level', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_check_items_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_points.id'], name=op.f('fk_check_items_risk_point_id_risk_points'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_items'))
    )
    with op.batch_alter_table('check_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_items_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_check_items_risk_point_id'), ['risk_point_id'], unique=False)

    op.create_table('control_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('risk_point_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('engineering', 'management', 'training', 'protection', 'emergency', 'rules', 'physical', 'monitoring', 'video', 'automation', 'emergency_management', name='kind', native_enum=False, create_constraint=True, length=30), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_points.id'], name=op.f('fk_control_measures_risk_point_id_risk_points'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_control_measures'))
    )
    with op.batch_alter_table('control_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_control_measures_risk_point_id'), ['risk_point_id'], unique=False)

    op.create_table('standard_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('english_title', sa.String(length=300), nullable=False),
    sa.Column('industry_code', sa.String(length=10), nullable=False),
    sa.Column('stage', sa.Enum('drafting', 'consultation', 'review', 'approval', 'terminated', name='stage', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('proposer', sa.String(length=200), nullable=False),
    sa.Column('responsible_body', sa.String(length=200), nullable=False),
    sa.Column('drafting_units', sa.Text(), nullable=False),
    sa.Column('drafters', sa.Text(), nullable=False),
    sa.Column('failed_reviews', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('failed_reviews BETWEEN 0 AND 2', name=op.f('ck_standard_projects_failed_reviews')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_standard_projects_created_by_id_users')),
    sa.ForeignKeyConstraint(['industry_code'], ['industries.code'], name=op.f('fk_standard_projects_industry_code_industries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_projects'))
    )
    with op.batch_alter_table('standard_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standard_projects_industry_code'), ['industry_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_standard_projects_stage'), ['stage'], unique=False)

    op.create_table('clause_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('clause_key', sa.String(length=36), nullable=False),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('risk_point_id', sa.Integer(), nullable=True),
    sa.Column('check_item_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(risk_point_id IS NULL) <> (check_item_id IS NULL)', name=op.f('ck_clause_sources_one_practice')),
    sa.ForeignKeyConstraint(['check_item_id'], ['check_items.id'], name=op.f('fk_clause_sources_check_item_id_check_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['standard_projects.id'], name=op.f('fk_clause_sources_project_id_standard_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['risk_point_id'], ['risk_points.id'], name=op.f('fk_clause_sources_risk_point_id_risk_points'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clause_sources'))
    )
    with op.batch_alter_table('clause_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clause_sources_check_item_id'), ['check_item_id'], unique=False)
        batch_op.create_index('ix_clause_sources_clause', ['project_id', 'clause_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_clause_sources_risk_point_id'), ['risk_point_id'], unique=False)

    op.create_table('project_members',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('editor', 'expert', 'commenter', name='role', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['standard_projects.id'], name=op.f('fk_project_members_project_id_standard_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_project_members_user_id_users')),
    sa.PrimaryKeyConstraint('project_id', 'user_id', 'role', name=op.f('pk_project_members'))
    )
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_members_user_id'), ['user_id'], unique=False)

    op.create_table('standard_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('drafting', 'consultation', 'review', 'approval', 'terminated', name='stage', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('frozen_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['frozen_by_id'], ['users.id'], name=op.f('fk_standard_versions_frozen_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['standard_projects.id'], name=op.f('fk_standard_versions_project_id_standard_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_versions')),
    sa.UniqueConstraint('project_id', 'number', name=op.f('uq_standard_versions_project_id'))
    )
    with op.batch_alter_table('standard_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standard_versions_project_id'), ['project_id'], unique=False)
        batch_op.create_index('uq_standard_versions_draft', ['project_id'], unique=True, sqlite_where=sa.text('frozen_at IS NULL'), postgresql_where=sa.text('frozen_at IS NULL'))

    op.create_table('clauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('chapter', 'clause', 'paragraph', 'list_item', 'note', 'example', 'table', 'term', 'annex', name='kind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('annex_type', sa.Enum('normative', 'informative', name='annex_type', native_enum=False, create_constraint=True, length=12), nullable=True),
    sa.Column('is_requirement', sa.Boolean(), nullable=False),
    sa.Column('points', sa.Numeric(6, 1), nullable=True),
    sa.Column('veto', sa.Boolean(), nullable=False),
    sa.Column('check_method', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind <> 'annex' OR annex_type IS NOT NULL", name=op.f('ck_clauses_annex_has_type')),
    sa.CheckConstraint('NOT is_requirement OR points IS NOT NULL', name=op.f('ck_clauses_requirement_has_points')),
    sa.ForeignKeyConstraint(['parent_id'], ['clauses.id'], name=op.f('fk_clauses_parent_id_clauses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['standard_versions.id'], name=op.f('fk_clauses_version_id_standard_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clauses')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_clauses_version_id'))
    )
    with op.batch_alter_table('clauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clauses_version_id'), ['version_id'], unique=False)
        batch_op.create_index('ix_clauses_version_parent', ['version_id', 'parent_id', 'position'], unique=False)

    op.create_table('project_sources',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['nomination_id'], ['nominations.id'], name=op.f('fk_project_sources_nomination_id_nominations')),
    sa.ForeignKeyConstraint(['project_id'], ['standard_projects.id'], name=op.f('fk_project_sources_project_id_standard_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'nomination_id', name=op.f('pk_project_sources'))
    )
    op.create_table('review_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('consultation', 'meeting', name='kind', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('state', sa.Enum('open', 'closed', name='state', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('passed', 'failed', name='outcome', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('meeting_place', sa.String(length=200), nullable=False),
    sa.Column('conclusion', sa.Text(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_review_rounds_opened_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['standard_projects.id'], name=op.f('fk_review_rounds_project_id_standard_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['standard_versions.id'], name=op.f('fk_review_rounds_version_id_standard_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_rounds'))
    )
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_rounds_project_id'), ['project_id'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('clause_key', sa.String(length=36), nullable=True),
    sa.Column('clause_number', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.Enum('technical', 'editorial', 'general', name='kind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('proposed_text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('author_unit', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disposition', sa.Enum('accepted', 'partly', 'rejected', name='disposition', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('disposition_reason', sa.Text(), nullable=False),
    sa.Column('disposed_by_id', sa.Integer(), nullable=True),
    sa.Column('disposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("disposition IS NULL OR disposition = 'accepted' OR disposition_reason <> ''", name=op.f('ck_comments_rejection_has_reason')),
    sa.CheckConstraint('disposition IS NULL OR disposed_by_id IS NOT NULL', name=op.f('ck_comments_disposed_by_someone')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['disposed_by_id'], ['users.id'], name=op.f('fk_comments_disposed_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_comments_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_round_id'), ['round_id'], unique=False)

    op.create_table('round_participants',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_round_participants_round_id_review_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_round_participants_user_id_users')),
    sa.PrimaryKeyConstraint('round_id', 'user_id', name=op.f('pk_round_participants'))
    )
    with op.batch_alter_table('round_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_participants_user_id'), ['user_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('agree', 'agree_with_changes', 'disagree', name='choice', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_votes_expert_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_votes_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('round_id', 'expert_id', name=op.f('uq_votes_round_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_round_id'), ['round_id'], unique=False)

    _default_bands()


# The province's bands (cn-standards.md §1.6), the default for every industry, written out
# here so this migration never changes with the code: (method, level, lower bound, inclusive).
SHANDONG_BANDS = [
    ("ls", 1, 20, True), ("ls", 2, 15, True), ("ls", 3, 9, True), ("ls", 4, 1, True),
    ("lec", 1, 320, False), ("lec", 2, 160, False), ("lec", 3, 70, False), ("lec", 4, 0, True),
    ("mes", 1, 180, True), ("mes", 2, 90, True), ("mes", 3, 50, True), ("mes", 4, 0, True),
]


def _default_bands() -> None:
    bands = sa.table("risk_bands", sa.column("industry_code"), sa.column("method"), sa.column("level"),
                     sa.column("lower"), sa.column("inclusive"))
    op.bulk_insert(bands, [
        {"industry_code": None, "method": method, "level": level, "lower": lower, "inclusive": inclusive}
        for method, level, lower, inclusive in SHANDONG_BANDS
    ])


def downgrade() -> None:
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_round_id'))

    op.drop_table('votes')
    with op.batch_alter_table('round_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_participants_user_id'))

    op.drop_table('round_participants')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_round_id'))
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))

    op.drop_table('comments')
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_rounds_project_id'))

    op.drop_table('review_rounds')
    op.drop_table('project_sources')
    with op.batch_alter_table('clauses', schema=None) as batch_op:
        batch_op.drop_index('ix_clauses_version_parent')
        batch_op.drop_index(batch_op.f('ix_clauses_version_id'))

    op.drop_table('clauses')
    with op.batch_alter_table('standard_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_standard_versions_draft', sqlite_where=sa.text('frozen_at IS NULL'), postgresql_where=sa.text('frozen_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_standard_versions_project_id'))

    op.drop_table('standard_versions')
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_members_user_id'))

    op.drop_table('project_members')
    with op.batch_alter_table('clause_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clause_sources_risk_point_id'))
        batch_op.drop_index('ix_clause_sources_clause')
        batch_op.drop_index(batch_op.f('ix_clause_sources_check_item_id'))

    op.drop_table('clause_sources')
    with op.batch_alter_table('standard_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standard_projects_stage'))
        batch_op.drop_index(batch_op.f('ix_standard_projects_industry_code'))

    op.drop_table('standard_projects')
    with op.batch_alter_table('control_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_control_measures_risk_point_id'))

    op.drop_table('control_measures')
    with op.batch_alter_table('check_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_items_risk_point_id'))
        batch_op.drop_index(batch_op.f('ix_check_items_enterprise_id'))

    op.drop_table('check_items')
    with op.batch_alter_table('risk_points', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_points_enterprise_level')
        batch_op.drop_index(batch_op.f('ix_risk_points_enterprise_id'))

    op.drop_table('risk_points')
    with op.batch_alter_table('risk_bands', schema=None) as batch_op:
        batch_op.drop_index('uq_risk_bands_industry', sqlite_where=sa.text('industry_code IS NOT NULL'), postgresql_where=sa.text('industry_code IS NOT NULL'))
        batch_op.drop_index('uq_risk_bands_default', sqlite_where=sa.text('industry_code IS NULL'), postgresql_where=sa.text('industry_code IS NULL'))

    op.drop_table('risk_bands')
