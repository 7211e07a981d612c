"""The PDF of a publication, made on the job queue: LibreOffice is slow and may be absent."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from app.jobs import job
from core.attachments import FileStore
from exports.pdf import PdfConversionFailed, PdfUnavailable, docx_to_pdf, pdf_available
from standards.models import PdfState, Publication
from standards.publishing import record_pdf


@job(retries=1, retry_delay=30)
def make_pdf(session: Session, publication_id: int) -> None:
    """Convert the stored DOCX; file the PDF (or why there is none). Idempotent: a PDF made stays."""
    publication = session.get(Publication, publication_id)
    if publication is None or publication.pdf_state == PdfState.READY:
        return
    soffice = current_app.config.get("SOFFICE")
    if not pdf_available(soffice=soffice):
        record_pdf(session, publication, PdfState.UNAVAILABLE)
        return
    store = FileStore(Path(current_app.config["UPLOAD_DIR"]))
    try:
        pdf = docx_to_pdf(store.path_for(publication.docx_sha256).read_bytes(), soffice=soffice)
    except PdfUnavailable as exc:
        record_pdf(session, publication, PdfState.UNAVAILABLE, error=str(exc))
    except PdfConversionFailed as exc:
        record_pdf(session, publication, PdfState.FAILED, error=str(exc))
    else:
        record_pdf(session, publication, PdfState.READY, sha256=store.put(pdf))
