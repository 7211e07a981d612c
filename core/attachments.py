"""Uploaded files: checked by size and by content type, stored by their SHA-256.

Content addressing lets any web worker serve any file and makes a re-upload of the same
file free. A file whose transaction rolls back stays on disk unreferenced, which is
harmless; the database row is what makes it part of a record.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, created_at, intpk
from core.errors import ValidationError
from core.people import User

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# Extension → (MIME type, the leading bytes every genuine file of that kind has).
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ALLOWED_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}
ALLOWED_LABEL = "PDF、Word、Excel、JPG、PNG"


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[intpk]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"


@dataclass(frozen=True)
class FileStore:
    """A folder of files named by their SHA-256, two-character fan-out."""

    root: Path

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        return digest


def check_upload(filename: str, data: bytes, field: str = "file") -> tuple[str, str]:
    """The safe display name and MIME type of an acceptable upload, else ``ValidationError``."""
    name = PurePath(filename.replace("\\", "/")).name.strip()[:200]
    if not name or not data:
        raise ValidationError({field: "请选择要上传的文件"})
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({field: f"文件“{name}”超过 20 MB，无法上传"})
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise ValidationError({field: f"不支持的文件类型“{suffix or '无扩展名'}”，只能上传 {ALLOWED_LABEL} 文件"})
    mime, magic = ALLOWED_TYPES[suffix]
    if not data.startswith(magic):
        raise ValidationError({field: f"文件“{name}”的内容与扩展名 {suffix} 不符，可能已损坏"})
    return name, mime


def store_attachment(
    session: Session, actor: User, store: FileStore, filename: str, data: bytes
) -> Attachment:
    """Check and keep an upload; the caller links it to its record and audits that."""
    name, mime = check_upload(filename, data)
    digest = store.put(data)
    attachment = Attachment(
        sha256=digest, filename=name, content_type=mime, size=len(data), uploaded_by_id=actor.id
    )
    session.add(attachment)
    session.flush()
    return attachment
