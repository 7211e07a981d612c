"""Operators' commands for published standards: list them, write one's DOCX or PDF to a file.

``export`` writes the stored bytes — what the catalogue's download returns. A PDF the job
queue has not made yet is made here (LibreOffice permitting) and stored, so the download
afterwards returns these same bytes.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.cli import unit_of_work
from core.attachments import FileStore
from exports.pdf import PdfConversionFailed, PdfUnavailable, docx_to_pdf
from standards.catalogue import status_of
from standards.imprint import standard_number
from standards.models import PdfState, Publication
from standards.publishing import record_pdf

standards_group = AppGroup("standards", help="已发布的地方标准。")


@standards_group.command("list", help="列出已发布的标准：编号、名称、状态，每行一项。")
def list_command() -> None:
    with unit_of_work() as session:
        for publication in session.scalars(select(Publication).order_by(Publication.number)):
            click.echo(f"{publication.number}\t{publication.title}\t{status_of(publication).label}")


@standards_group.command("export", help="把标准的 DOCX 或 PDF（按文件扩展名）写入文件，与下载的文件逐字节相同。")
@click.argument("number")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_command(number: str, output: Path) -> None:
    kind = output.suffix.lower().lstrip(".")
    if kind not in ("docx", "pdf"):
        raise click.UsageError("输出文件的扩展名应为 .docx 或 .pdf")
    store = FileStore(Path(current_app.config["UPLOAD_DIR"]))
    with unit_of_work() as session:
        publication = session.scalar(select(Publication).where(Publication.number == standard_number(number)))
        if publication is None:
            raise click.ClickException(f"没有已发布的标准 {number}")
        digest = publication.docx_sha256 if kind == "docx" else publication.pdf_sha256
        if digest is None:
            try:
                pdf = docx_to_pdf(store.path_for(publication.docx_sha256).read_bytes(),
                                  soffice=current_app.config.get("SOFFICE"))
            except (PdfUnavailable, PdfConversionFailed) as exc:
                raise click.ClickException(str(exc)) from exc
            digest = store.put(pdf)
            record_pdf(session, publication, PdfState.READY, sha256=digest)
        output.write_bytes(store.path_for(digest).read_bytes())
    click.echo(f"已写入 {output}（{output.stat().st_size} 字节）")
