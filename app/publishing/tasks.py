"""The PDF of a publication, made on the job queue: LibreOffice is slow and may be absent.

The job reads in a read-only session, converts outside any transaction, and files the
outcome in a short one of its own — on SQLite a writing transaction holds the database's
one write lock, and a conversion takes seconds that requests should not spend waiting.
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from app.database import short_transaction
from app.jobs import job
from core.attachments import FileStore
from exports.pdf import PdfConversionFailed, PdfUnavailable, docx_to_pdf, pdf_available
from standards.models import PdfState, Publication
from standards.publishing import record_pdf

log = logging.getLogger(__name__)
ATTEMPTS = 2


def _convert(docx: bytes, store: FileStore) -> tuple[PdfState, str | None, str]:
    """(state, digest of the stored PDF, why not) — the conversion, outside any transaction."""
    soffice = current_app.config.get("SOFFICE")
    if not pdf_available(soffice=soffice):
        return PdfState.UNAVAILABLE, None, ""
    failure = ""
    for attempt in range(1, ATTEMPTS + 1):  # LibreOffice now and then dies under load; a fresh one converts
        try:
            return PdfState.READY, store.put(docx_to_pdf(docx, soffice=soffice)), ""
        except PdfUnavailable as exc:
            return PdfState.UNAVAILABLE, None, str(exc)
        except PdfConversionFailed as exc:
            log.warning("PDF conversion, attempt %d of %d, failed: %s", attempt, ATTEMPTS, exc.detail)
            failure = str(exc)
    return PdfState.FAILED, None, failure


@job(read_only=True, retries=1, retry_delay=30)
def make_pdf(session: Session, publication_id: int) -> None:
    """Convert the stored DOCX and file the PDF (or why there is none). A PDF once made stays."""
    publication = session.get(Publication, publication_id)
    if publication is None or publication.pdf_state == PdfState.READY:
        return
    store = FileStore(Path(current_app.config["UPLOAD_DIR"]))
    docx = store.path_for(publication.docx_sha256).read_bytes()
    session.rollback()  # done reading: no transaction stays open through the conversion
    state, digest, error = _convert(docx, store)
    with short_transaction() as writing:
        record_pdf(writing, writing.get_one(Publication, publication_id), state, sha256=digest, error=error)
