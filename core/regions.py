"""Administrative regions (GB/T 2260) and industry sectors: the reference data.

Regions form a tree keyed by code with a materialised ``path`` such as
``/370000/370300/370303/``: "is X inside my jurisdiction" is then a single indexed
``LIKE '<my path>%'``. The rows are loaded by a migration from ``core/data/*.csv``.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, enum_column

DATA_DIR = Path(__file__).parent / "data"


class RegionLevel(enum.StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"

    @property
    def label(self) -> str:
        return {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇"}[self.value]


class Region(Base):
    __tablename__ = "regions"
    __table_args__ = (
        Index(
            "ix_regions_path",
            "path",
            postgresql_ops={"path": "text_pattern_ops"},
        ),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    level: Mapped[RegionLevel] = mapped_column(enum_column(RegionLevel, "level", 10))
    parent_code: Mapped[str | None] = mapped_column(
        String(12), ForeignKey("regions.code"), index=True
    )
    path: Mapped[str] = mapped_column(String(60))
    full_name: Mapped[str] = mapped_column(String(100))

    def contains(self, other_path: str) -> bool:
        """Whether a record at ``other_path`` lies inside this region (or is it)."""
        return other_path.startswith(self.path)

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.full_name}>"


class Industry(Base):
    __tablename__ = "industries"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    supervision_group: Mapped[str] = mapped_column(String(20))
    gbt4754_divisions: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)


def read_region_rows(path: Path = DATA_DIR / "regions-shandong.csv") -> Iterator[dict[str, str]]:
    """Regions from the bundled CSV, parents first, with ``path`` and ``full_name`` computed.

    ``full_name`` joins the names below the province (``淄博市张店区``), which is what
    people write on forms and what import files may contain.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {row["code"]: row for row in rows}
    paths: dict[str, str] = {}
    names: dict[str, str] = {}

    def resolve(code: str) -> None:
        if code in paths:
            return
        row = by_code[code]
        parent = row["parent_code"] or None
        if parent:
            resolve(parent)
            paths[code] = f"{paths[parent]}{code}/"
            parent_level = by_code[parent]["level"]
            prefix = "" if parent_level == "province" else names[parent]
            names[code] = prefix + row["name"]
        else:
            paths[code] = f"/{code}/"
            names[code] = row["name"]

    for row in rows:
        resolve(row["code"])
    for row in sorted(rows, key=lambda r: paths[r["code"]].count("/")):
        yield {
            "code": row["code"],
            "name": row["name"],
            "level": row["level"],
            "parent_code": row["parent_code"] or None,
            "path": paths[row["code"]],
            "full_name": names[row["code"]],
        }


def read_industry_rows(path: Path = DATA_DIR / "industries.csv") -> Iterator[dict[str, object]]:
    """Industry sectors from the bundled CSV, in the order the file gives them."""
    with path.open(encoding="utf-8", newline="") as handle:
        for position, row in enumerate(csv.DictReader(handle), start=1):
            yield {**row, "position": position}


def list_industries(session: Session) -> list[Industry]:
    return list(session.scalars(select(Industry).order_by(Industry.position)))


def regions_under(session: Session, region: Region, levels: tuple[str, ...]) -> list[Region]:
    """Regions inside ``region`` (itself included) at the given levels, in code order."""
    stmt = (
        select(Region)
        .where(Region.path.like(f"{region.path}%"), Region.level.in_(levels))
        .order_by(Region.code)
    )
    return list(session.scalars(stmt))
