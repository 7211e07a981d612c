"""People: users, their roles, and where they stand (region or enterprise).

A user may hold several roles. Bureau staff carry the region they work for; enterprise
users carry their enterprise. Jurisdiction is derived from those two facts alone (see
``core.scope``), so there is one place that decides what a person may see.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, created_at, enum_column, intpk
from core.regions import Region, RegionLevel

if TYPE_CHECKING:
    from core.enterprises import Enterprise


class Role(enum.StrEnum):
    ADMIN = "admin"
    BUREAU = "bureau"
    EXPERT = "expert"
    COMMITTEE = "committee"
    ENTERPRISE = "enterprise"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.BUREAU: "监管部门",
    Role.EXPERT: "评审专家",
    Role.COMMITTEE: "标准审定委员会",
    Role.ENTERPRISE: "企业用户",
}


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "role", 20), primary_key=True)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username", info={"conflict": "该用户名已被使用，本次操作未生效。"}),)
    audit_type = "user"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(50))
    display_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]
    # Part of the login cookie; rotated on sign-out and password change, so every earlier
    # cookie of the user (a copied one included) stops working at once.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[created_at]

    region: Mapped[Region | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")

    @property
    def roles(self) -> set[Role]:
        return {Role(row.role) for row in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def bureau_level(self) -> RegionLevel | None:
        """The level this person supervises at, if they are bureau staff."""
        if Role.BUREAU in self.roles and self.region is not None:
            return RegionLevel(self.region.level)
        return None

    @property
    def role_labels(self) -> str:
        return "、".join(role.label for role in Role if role in self.roles)

    @property
    def affiliation(self) -> str:
        """Where the person works, as shown beside their name."""
        if self.region is not None and Role.BUREAU in self.roles:
            return f"{self.region.full_name}监管部门"
        if self.enterprise is not None:
            return self.enterprise.name
        return ""

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    # Flask-Login protocol (kept here so the model needs no web import).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"
