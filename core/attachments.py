"""Uploaded files: checked by size, name and structure, stored by their SHA-256.

Content addressing lets any web worker serve any file and makes a re-upload of the same
file free. A file whose transaction rolls back stays on disk unreferenced, which is
harmless; the database row is what makes it part of a record.

A file is judged by its structure, not its leading bytes alone: an ``.exe`` renamed
``.pdf`` or a zip renamed ``.docx`` starts with plausible bytes often enough. Office
files are zips, so they are also checked for what a zip bomb looks like (how much they
unpack to, how hard they are squeezed) before anything unpacks them — here or in the
spreadsheet import, which shares :func:`zip_problem`.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, created_at, intpk
from core.errors import ValidationError
from core.people import User
from core.text import Text, clean, filter_text, normalise

MB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * MB
FILENAME = Text("文件名", 200, required=True)  # the column holds 200 characters

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class ZipLimits:
    """What an Office file may unpack to. Real files stay far inside these.

    Measured: a 20,000-row import sheet unpacks to 14–16 MB at 16–21:1; Word files full
    of pictures barely compress at all. A zip bomb is small and unpacks 1000:1.
    """

    max_unpacked: int = 50 * MB  # all parts together, once unpacked
    max_ratio: int = 100  # unpacked ÷ packed size of any one large part
    ratio_from: int = 1 * MB  # parts smaller than this cannot hurt, whatever their ratio
    max_parts: int = 10_000


UPLOAD_ZIP_LIMITS = ZipLimits(max_unpacked=200 * MB)


def zip_problem(data: bytes, what: str, required: Sequence[str], limits: ZipLimits = ZipLimits(),
                verify: bool = False) -> str | None:
    """Why ``data`` is not a sound Office zip holding ``required`` parts, or None.

    Only the zip's directory is read, so a bomb is refused before a byte is unpacked.
    ``zipfile`` never unpacks a part past its declared size (it fails the CRC instead),
    so the declared sizes checked here bound what any later reader can be made to unpack.
    ``verify`` also unpacks every part (in small chunks) to prove the file is readable.
    ``what`` names the kind of file in the message ("Excel 工作簿", "Word 文档").
    """
    broken = f"文件已损坏或不是有效的 {what}，无法读取"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error):
        return broken
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.max_parts:
            return f"文件中包含 {len(parts)} 个部件，数量异常，可能是恶意构造的文件，已拒绝"
        if any(part.flag_bits & 0x1 for part in parts):
            return "文件已加密，请取消密码后重新保存"
        if any(part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for part in parts):
            return "文件使用了不支持的压缩方式，请在 Office 或 WPS 中重新保存"
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.max_unpacked:
            return (f"文件解压后约 {unpacked // MB} MB，超过 {limits.max_unpacked // MB} MB 的上限"
                    "（防止压缩炸弹），已拒绝")
        for part in parts:
            if part.file_size > limits.ratio_from and part.file_size > limits.max_ratio * max(part.compress_size, 1):
                return (f"文件中的“{filter_text(part.filename, 60)}”压缩比异常（超过 {limits.max_ratio}:1），"
                        "可能是压缩炸弹，已拒绝")
        names = set(archive.namelist())
        missing = [name for name in required if name not in names]
        if missing:
            return f"文件不是有效的 {what}（缺少 {missing[0]}），可能是其他文件改了扩展名"
        if verify:
            try:
                if archive.testzip() is not None:
                    return broken
            except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, struct.error, NotImplementedError):
                return broken
    return None


def _office_zip(what: str, *required: str) -> Callable[[bytes], str | None]:
    return lambda data: zip_problem(data, what, ("[Content_Types].xml", *required), UPLOAD_ZIP_LIMITS,
                                    verify=True)


def _ole(what: str) -> Callable[[bytes], str | None]:
    """Old Office files are OLE compound files: a 512-byte header of known shape."""

    def check(data: bytes) -> str | None:
        if (len(data) < 1024 or not data.startswith(OLE_SIGNATURE) or data[28:30] != b"\xfe\xff"
                or data[30:32] not in (b"\x09\x00", b"\x0c\x00")):
            return f"文件不是有效的 {what}，可能已损坏或是其他文件改了扩展名"
        return None

    return check


def _pdf(data: bytes) -> str | None:
    """A PDF begins with ``%PDF-`` and ends with ``%%EOF`` (writers may add a few bytes after)."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return "文件不是完整的 PDF（缺少文件头或结尾标记），可能已损坏或是其他文件改了扩展名"
    return None


def _png(data: bytes) -> str | None:
    """The signature, then an IHDR chunk of 13 bytes with a non-zero width and height."""
    header = data[8:24]
    if (not data.startswith(PNG_SIGNATURE) or len(header) < 16 or header[:8] != b"\x00\x00\x00\x0dIHDR"
            or 0 in struct.unpack(">II", header[8:16])):
        return "文件不是有效的 PNG 图片，可能已损坏或是其他文件改了扩展名"
    return None


def _jpeg(data: bytes) -> str | None:
    """Start-of-image then a marker; an end-of-image marker after it.

    The end marker is looked for anywhere, not only at the very end: phones append
    trailers (a motion photo's video) after it, and those pictures are genuine.
    """
    if len(data) < 4 or not data.startswith(b"\xff\xd8\xff") or data[3] < 0xC0 or data.rfind(b"\xff\xd9") < 4:
        return "文件不是完整的 JPG 图片（缺少开始或结束标记），可能已损坏或是其他文件改了扩展名"
    return None


@dataclass(frozen=True)
class FileType:
    mime: str
    magic: bytes  # the leading bytes every genuine file of the kind has
    problem: Callable[[bytes], str | None]  # the structural check, once the leading bytes match


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", b"%PDF-", _pdf),
    ".docx": FileType(_DOCX, ZIP_SIGNATURE, _office_zip("Word 文档", "word/document.xml")),
    ".xlsx": FileType(_XLSX, ZIP_SIGNATURE, _office_zip("Excel 工作簿", "xl/workbook.xml")),
    ".doc": FileType("application/msword", OLE_SIGNATURE, _ole("Word 97-2003 文档")),
    ".xls": FileType("application/vnd.ms-excel", OLE_SIGNATURE, _ole("Excel 97-2003 工作簿")),
    ".jpg": FileType("image/jpeg", b"\xff\xd8\xff", _jpeg),
    ".jpeg": FileType("image/jpeg", b"\xff\xd8\xff", _jpeg),
    ".png": FileType("image/png", PNG_SIGNATURE, _png),
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


def display_name(filename: str, field: str = "file") -> str:
    """The name a file is shown and downloaded under: its last path part, by the text rules.

    A name too long for the column loses the end of its stem, never its extension, so
    ``…很长的名字.pdf`` stays a PDF. Control characters and bidi overrides are refused
    (``evil\\u202eexe.pdf`` would show as ``evilfdp.exe``), naming the upload field.
    """
    name = normalise(PurePath((filename or "").replace("\\", "/")).name)
    if not name:
        raise ValidationError({field: "请选择要上传的文件"})
    if len(name) > FILENAME.max_length:
        suffix = PurePath(name).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        name = normalise(name[: FILENAME.max_length - len(suffix)]) + suffix
    return clean(name, FILENAME, field)


def check_upload(filename: str, data: bytes, field: str = "file") -> tuple[str, str]:
    """The safe display name and MIME type of an acceptable upload, else ``ValidationError``."""
    if not (filename or "").strip() and not data:
        raise ValidationError({field: "请选择要上传的文件"})
    name = display_name(filename, field)
    if not data:
        raise ValidationError({field: f"文件“{name}”是空的（0 字节），请重新选择"})
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({field: f"文件“{name}”超过 {MAX_ATTACHMENT_BYTES // MB} MB，无法上传"})
    suffix = PurePath(name).suffix.lower()
    kind = ALLOWED_TYPES.get(suffix)
    if kind is None:
        raise ValidationError({field: f"不支持的文件类型“{suffix or '无扩展名'}”，只能上传 {ALLOWED_LABEL} 文件"})
    if not data.startswith(kind.magic):
        raise ValidationError({field: f"文件“{name}”的内容与扩展名 {suffix} 不符，可能已损坏或是其他文件改了扩展名"})
    if why := kind.problem(data):
        raise ValidationError({field: f"“{name}”未能上传：{why}"})
    return name, kind.mime


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
