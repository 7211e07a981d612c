"""What the assessment pages share: the file store, the history pager, the transition form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app, request
from werkzeug.wrappers import Response
from wtforms import TextAreaField

from app.database import db
from app.downloads import attachment_response
from app.nominations.forms import VersionedForm
from core import audit
from core.attachments import Attachment, FileStore
from core.db import Page, paginate
from core.errors import NotFound
from core.text import bounded_date, bounded_int


class StepForm(VersionedForm):
    """One workflow step: the version the page showed and, where the table asks, a reason."""

    reason = TextAreaField("理由", render_kw={"rows": 3})


def store() -> FileStore:
    return FileStore(Path(current_app.config["UPLOAD_DIR"]))


def history(record: object) -> Page[object]:
    return paginate(db(), audit.history(record), bounded_int(request.args.get("history"), hi=100_000) or 1, 20)


def send_stored(attachment: Attachment) -> Response:
    """A stored upload as its download (404 in words when the file left the store)."""
    path = store().path_for(attachment.sha256)
    if not path.exists():
        raise NotFound("文件已不在存储中，请联系系统管理员。")
    return attachment_response(path, attachment.filename, attachment.content_type)


def posted_date(name: str) -> dt.date | None:
    """A date field as typed (2026-06-30); anything else, or a date no one could mean, is None."""
    try:
        return bounded_date(dt.date.fromisoformat((request.form.get(name) or "").strip()))
    except ValueError:
        return None


def upload() -> tuple[str, bytes]:
    """The posted file's name and bytes (empty when none was chosen: the service says so)."""
    posted = request.files.get("file")
    return ((posted.filename or "") if posted else ""), (posted.read() if posted else b"")
