"""Publications: the committee approves a 报批稿 and publishes it as DB37/T NNNN—YYYY, with
its DOCX and PDF stored by SHA-256; projects gain the stages 已批准 and 已发布.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_STAGES = ("drafting", "consultation", "review", "approval", "terminated")
NEW_STAGES = ("drafting", "consultation", "review", "approval", "approved", "published", "terminated")


def _stages(table: str, values: tuple[str, ...]) -> None:
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(f"ck_{table}_stage"), type_="check")
        batch.create_check_constraint("stage", "stage IN (" + ", ".join(f"'{v}'" for v in values) + ")")


def upgrade() -> None:
    for table in ("standard_projects", "standard_versions"):
        _stages(table, NEW_STAGES)
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('english_title', sa.String(length=300), nullable=False),
    sa.Column('industry_code', sa.String(length=10), nullable=False),
    sa.Column('ics', sa.String(length=20), nullable=False),
    sa.Column('ccs', sa.String(length=10), nullable=False),
    sa.Column('filing_number', sa.String(length=30), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('issued', 'withdrawn', name='state', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawal_reason', sa.Text(), nullable=False),
    sa.Column('docx_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf_state', sa.Enum('queued', 'running', 'ready', 'failed', 'unavailable', name='pdf_state', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('pdf_error', sa.Text(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['industry_code'], ['industries.code'], name=op.f('fk_publications_industry_code_industries')),
    sa.ForeignKeyConstraint(['project_id'], ['standard_projects.id'], name=op.f('fk_publications_project_id_standard_projects')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_publications_published_by_id_users')),
    sa.ForeignKeyConstraint(['replaces_id'], ['publications.id'], name=op.f('fk_publications_replaces_id_publications')),
    sa.ForeignKeyConstraint(['version_id'], ['standard_versions.id'], name=op.f('fk_publications_version_id_standard_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('number', name=op.f('uq_publications_number')),
    sa.UniqueConstraint('replaces_id', name=op.f('uq_publications_replaces_id')),
    sa.UniqueConstraint('version_id', name=op.f('uq_publications_version_id'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_industry_code'), ['industry_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_publications_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    op.drop_table('publications')
    for table in ("standard_projects", "standard_versions"):
        _stages(table, OLD_STAGES)
