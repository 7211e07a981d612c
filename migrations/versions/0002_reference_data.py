"""Reference data: Shandong's region tree (GB/T 2260, 2023) and the supervised industries.

Loaded from ``core/data/*.csv``, the copies of the project's reference files, with each
region's materialised path computed on the way in.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.regions import read_industry_rows, read_region_rows

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

regions = sa.table(
    "regions",
    sa.column("code"), sa.column("name"), sa.column("level"), sa.column("parent_code"),
    sa.column("path"), sa.column("full_name"),
)
industries = sa.table(
    "industries",
    sa.column("code"), sa.column("name"), sa.column("supervision_group"),
    sa.column("gbt4754_divisions"), sa.column("position"),
)


def upgrade() -> None:
    op.bulk_insert(industries, list(read_industry_rows()))
    # Parents come first, so the self-referencing foreign key holds row by row.
    op.bulk_insert(regions, list(read_region_rows()))


def downgrade() -> None:
    op.execute(regions.delete())
    op.execute(industries.delete())
