"""What the assessment pages share: the file store, the history pager, the transition form."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request
from wtforms import TextAreaField

from app.database import db
from app.nominations.forms import VersionedForm
from core import audit
from core.attachments import FileStore
from core.db import Page, paginate
from core.text import bounded_int


class StepForm(VersionedForm):
    """One workflow step: the version the page showed and, where the table asks, a reason."""

    reason = TextAreaField("理由", render_kw={"rows": 3})


def store() -> FileStore:
    return FileStore(Path(current_app.config["UPLOAD_DIR"]))


def history(record: object) -> Page[object]:
    return paginate(db(), audit.history(record), bounded_int(request.args.get("history"), hi=100_000) or 1, 20)


def upload() -> tuple[str, bytes]:
    """The posted file's name and bytes (empty when none was chosen: the service says so)."""
    posted = request.files.get("file")
    return ((posted.filename or "") if posted else ""), (posted.read() if posted else b"")
