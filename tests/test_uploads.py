"""Uploads are judged by their structure and their name, and a refusal stores nothing.

A file must be what its extension says all the way through — a PDF ends with ``%%EOF``,
a ``.docx`` is a readable zip holding ``word/document.xml`` and is no zip bomb — and its
name passes the text rules (no bidi override turning ``evil\\u202eexe.pdf`` into
``evilfdp.exe``). Every file is made here, small and in memory.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from collections.abc import Callable

import docx
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from benchmarks import services
from benchmarks.models import Nomination, NominationAttachment
from benchmarks.models import NominationState as S
from core.attachments import MAX_ATTACHMENT_BYTES, Attachment, FileStore, check_upload
from core.audit import AuditEvent
from core.errors import ValidationError
from tests.factories import PDF, World
from tests.xlsx import parts, rezip, workbook

NAMED_PDF = b"%PDF-1.7\n% a file whose name is under test\n%%EOF\n"  # not stored by the world


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("双重预防机制运行情况报告")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_png(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x00" * width)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def make_jpeg() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def make_ole() -> bytes:
    """The 512-byte header of a compound file (.doc/.xls), then one empty sector."""
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HH", 0x3E, 3)
              + b"\xfe\xff" + struct.pack("<HH", 9, 6))
    return header + b"\x00" * (1024 - len(header))


def squeezed_docx() -> bytes:
    """A genuine .docx carrying 10 MB of zeros packed about 1000:1."""
    return rezip({**parts(make_docx()), "word/media/image1.bin": b"\x00" * (10 * 1024 * 1024)})


def bad_crc_docx() -> bytes:
    data = bytearray(make_docx())
    name = b"word/document.xml"
    start = data.find(name) + len(name)  # the local header's name; its compressed data follows
    data[start + 10:start + 18] = b"\xff" * 8
    return bytes(data)


GENUINE: dict[str, Callable[[], bytes]] = {
    "报告.pdf": lambda: PDF,
    "报告.docx": make_docx,
    "台账.xlsx": lambda: workbook([["甲"]]),
    "照片.png": make_png,
    "照片.jpg": make_jpeg,
    "旧报告.doc": make_ole,
    "旧台账.xls": make_ole,
}


@pytest.mark.parametrize("name", GENUINE)
def test_genuine_files_of_every_kind_are_accepted(name: str) -> None:
    shown, _mime = check_upload(name, GENUINE[name]())
    assert shown == name


REFUSED: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "oversize": ("大文件.pdf", lambda: b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES + b"\n%%EOF\n",
                 "文件“大文件.pdf”超过 20 MB，无法上传"),
    "empty": ("空.pdf", lambda: b"", "是空的"),
    "unsupported type": ("run.exe", lambda: b"MZ\x90\x00", "不支持的文件类型“.exe”"),
    "exe renamed pdf": ("报告.pdf", lambda: b"MZ\x90\x00\x03" + b"\x00" * 200, "内容与扩展名 .pdf 不符"),
    "pdf without its end": ("报告.pdf", lambda: b"%PDF-1.4\n1 0 obj << >> endobj\n" + b"x" * 4000,
                            "不是完整的 PDF"),
    "zip renamed docx": ("报告.docx", lambda: rezip({"[Content_Types].xml": b"<Types/>", "a.txt": b"hello"}),
                         "缺少 word/document.xml"),
    "bare zip renamed docx": ("报告.docx", lambda: rezip({"word/document.xml": b"<w/>"}),
                              "缺少 [Content_Types].xml"),
    "xlsx renamed docx": ("报告.docx", lambda: workbook([["甲"]]), "缺少 word/document.xml"),
    "docx renamed xlsx": ("台账.xlsx", make_docx, "缺少 xl/workbook.xml"),
    "truncated docx": ("报告.docx", lambda: make_docx()[:2000], "已损坏"),
    "docx with a broken part": ("报告.docx", bad_crc_docx, "已损坏"),
    "zip bomb in a docx": ("报告.docx", squeezed_docx, "压缩比异常"),
    "png without ihdr": ("照片.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "不是有效的 PNG"),
    "jpg without its end": ("照片.jpg", lambda: make_jpeg()[:-2], "不是完整的 JPG"),
    "doc that is only a signature": ("旧报告.doc", lambda: make_ole()[:8] + b"\x00" * 40, "不是有效的 Word 97-2003"),
    "bidi override in the name": ("evil\u202eexe.pdf", lambda: NAMED_PDF, "文件名含有改变文字显示方向的控制字符"),
    "control character in the name": ("报告\x01.pdf", lambda: NAMED_PDF, "文件名不能包含控制字符"),
    "newline in the name": ("报告\n.pdf", lambda: NAMED_PDF, "文件名不能包含换行符"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_upload_is_refused_on_its_field(case: str) -> None:
    name, make, message = REFUSED[case]
    with pytest.raises(ValidationError) as refused:
        check_upload(name, make(), field="file")
    assert list(refused.value.errors) == ["file"] and message in refused.value.errors["file"]


def test_a_long_file_name_keeps_its_extension() -> None:
    shown, mime = check_upload("很" * 300 + ".pdf", PDF)
    assert len(shown) == 200 and shown.endswith(".pdf") and mime == "application/pdf"
    assert check_upload("C:\\Users\\张三\\桌面\\ 报告.pdf ", PDF)[0] == "报告.pdf"


def _stored(session: Session, nomination: Nomination) -> tuple[int, int, int]:
    session.expire_all()
    count = func.count()
    return (session.scalar(select(count).select_from(NominationAttachment)
                           .where(NominationAttachment.nomination_id == nomination.id)) or 0,
            session.scalar(select(count).select_from(Attachment)) or 0,
            session.scalar(select(count).select_from(AuditEvent)) or 0)


def test_the_service_stores_a_long_name_and_nothing_when_refused(session: Session, world: World,
                                                                store: FileStore) -> None:
    nomination = world.nomination(session, S.DRAFT)
    link = services.add_attachment(session, world.zhangdian, store, nomination, "长" * 250 + ".docx", make_docx())
    session.flush()
    assert link.attachment.filename == "长" * 195 + ".docx"
    before = _stored(session, nomination)
    for case in ("exe renamed pdf", "zip renamed docx", "bidi override in the name"):
        name, make, message = REFUSED[case]
        with pytest.raises(ValidationError, match=message):
            services.add_attachment(session, world.zhangdian, store, nomination, name, make())
        assert not store.path_for(hashlib.sha256(make()).hexdigest()).exists()
    assert _stored(session, nomination) == before


@pytest.mark.parametrize("case", ["oversize", "exe renamed pdf", "zip renamed docx", "bidi override in the name"])
def test_a_bad_upload_over_http_is_refused_with_its_message_and_stores_nothing(
        case: str, client: FlaskClient, login, session: Session, world: World, store: FileStore) -> None:
    nomination = world.nomination(session, S.DRAFT)
    session.commit()
    before = _stored(session, nomination)
    name, make, message = REFUSED[case]
    data = make()
    login(world.zhangdian)
    page = f"/nominations/{nomination.id}"
    # The body is built in memory: Werkzeug's test client would spool a 20 MB one to a
    # temporary file it never closes (a ResourceWarning, which this suite treats as an error).
    body, length, boundary = stream_encode_multipart({"file": FileStorage(io.BytesIO(data), filename=name)},
                                                     use_tempfile=False)
    response = client.post(f"{page}/attachments", input_stream=body, content_length=length,
                           content_type=f"multipart/form-data; boundary={boundary}",
                           headers={"Referer": f"http://localhost{page}"})
    assert response.status_code == 303 and response.location.endswith(page)
    shown = client.get(page).get_data(as_text=True)
    alerts = re.findall(r'<div class="alert alert-danger[^"]*" role="alert">(.*?)<', shown, re.S)
    assert len(alerts) == 1 and message in alerts[0]
    assert _stored(session, nomination) == before
    assert not store.path_for(hashlib.sha256(data).hexdigest()).exists()


def test_a_genuine_docx_over_http_is_kept(client: FlaskClient, login, session: Session, world: World,
                                         store: FileStore) -> None:
    nomination = world.nomination(session, S.DRAFT)
    session.commit()
    login(world.zhangdian)
    data = make_docx()
    page = f"/nominations/{nomination.id}"
    response = client.post(f"{page}/attachments", data={"file": (io.BytesIO(data), "运行报告.docx")},
                           follow_redirects=True)
    assert response.status_code == 200 and "已上传证明材料“运行报告.docx”" in response.get_data(as_text=True)
    assert store.path_for(hashlib.sha256(data).hexdigest()).read_bytes() == data
