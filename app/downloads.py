"""File responses with Chinese file names that every browser saves correctly."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Response, send_file

from core.db import china_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_INLINE = frozenset({"application/pdf", "image/png", "image/jpeg"})


def attachment_response(content: bytes | Path, filename: str, mimetype: str) -> Response:
    """``send_file`` with ``download_name``: Werkzeug writes the RFC 5987 UTF-8 name itself.

    PDFs and pictures open in the browser; everything else downloads. Files are read
    whole (uploads are at most 20 MB), so no handle outlives the request.
    """
    source = io.BytesIO(content if isinstance(content, bytes) else content.read_bytes())
    return send_file(source, mimetype=mimetype, download_name=filename,
                     as_attachment=mimetype not in SHOWN_INLINE, max_age=0)


def xlsx_response(data: bytes, title: str) -> Response:
    return attachment_response(data, f"{title}-{china_today():%Y%m%d}.xlsx", XLSX)
