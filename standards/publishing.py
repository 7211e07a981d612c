"""Publishing and withdrawing standards, and recording the PDF the job queue made.

The entry points the web pages, the command line and the demo share: each checks what
was typed (``standards.imprint``), then moves the record on the shared engine, all in
the caller's transaction. Making the PDF is slow and needs LibreOffice, so it happens
after commit on the job queue; :func:`record_pdf` files its outcome.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core import audit
from core.people import User
from core.workflow import transition
from standards.approval import PublicationAction, Render, Store
from standards.imprint import ImprintInput, check_imprint
from standards.models import PdfState, Publication, StandardProject
from standards.workflow import PROJECT_FLOW, StageAction


def publish(session: Session, actor: User, project: StandardProject, expected_version: int, typed: ImprintInput,
            *, render: Render, store: Store) -> Publication:
    """Publish the approved 报批稿 of ``project`` under the imprint typed; its DOCX is stored."""
    # The form's problems all at once — for those who may publish; others hear the engine's refusal.
    imprint = check_imprint(session, typed) if PROJECT_FLOW.may(actor, project, StageAction.PUBLISH) else None
    published: list[Publication] = []
    transition(session, actor, project, StageAction.PUBLISH, expected_version,
               imprint=imprint, render=render, store=store, published=published)
    return published[-1]


def withdraw(session: Session, actor: User, publication: Publication, expected_version: int,
             reason: str) -> Publication:
    return transition(session, actor, publication, PublicationAction.WITHDRAW, expected_version, reason=reason)


def record_pdf(session: Session, publication: Publication, state: PdfState, *, sha256: str | None = None,
               error: str = "") -> None:
    """File what the PDF job did. A PDF once made is never replaced (the bytes are the issue's)."""
    if publication.pdf_state == PdfState.READY:
        return
    publication.pdf_state, publication.pdf_error = state, error[:2000]
    if sha256 is not None:
        publication.pdf_sha256 = sha256
    if state in (PdfState.READY, PdfState.FAILED, PdfState.UNAVAILABLE):
        audit.record(session, None, "publication.pdf", publication,
                     f"{publication.number} 的 PDF：{state.label}", data={"pdf_sha256": sha256, "error": error[:200]})
