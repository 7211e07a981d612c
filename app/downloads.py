"""File responses with Chinese file names that every browser saves correctly."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from core.db import china_today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment_response(data: bytes, filename: str, mimetype: str, inline: bool = False) -> Response:
    response = Response(data, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    # RFC 6266/5987: an ASCII fallback plus the UTF-8 name.
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"download\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def xlsx_response(data: bytes, title: str) -> Response:
    return attachment_response(data, f"{title}-{china_today():%Y%m%d}.xlsx", XLSX)
