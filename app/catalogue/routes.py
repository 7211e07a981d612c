"""The public catalogue: anyone may browse published standards, read them as web pages and
download the files issued. Drafts never appear: every page starts from a publication."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.database import db
from app.downloads import attachment_response
from app.publishing.forms import ReasonForm
from core.attachments import FileStore
from core.db import china_today, paginate
from core.errors import NotFound
from core.regions import list_industries
from core.text import bounded_int, filter_text
from standards import catalogue
from standards.models import PdfState, Publication, PublicationStatus
from standards.numbering import number_tree

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
FILES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf"}


def _publication(slug: str) -> Publication:
    publication = catalogue.by_slug(db(), slug)
    if publication is None:
        raise NotFound("没有这个编号的已发布标准。")
    return publication


@bp.route("/")
def index() -> str:
    args = request.args
    status = next((s for s in PublicationStatus if s.value == args.get("status")), None)
    year = bounded_int(args.get("year"), 1949, 2100)
    industry = filter_text(args.get("industry"), 10)
    stmt = catalogue.catalogue(q=args.get("q", ""), industry=industry, status=status, year=year)
    listed = paginate(db(), stmt, bounded_int(args.get("page"), hi=100_000) or 1, 20)
    today = china_today()
    return render_template(
        "catalogue/index.html", listed=listed, industries=list_industries(db()), years=catalogue.years(db()),
        statuses=list(PublicationStatus), status_of=lambda p: catalogue.status_of(p, today),
        chosen={"q": args.get("q", "")[:100], "industry": industry, "status": status.value if status else "",
                "year": year})


@bp.route("/<slug>")
def standard(slug: str) -> str:
    publication = _publication(slug)
    older, newer = catalogue.supersession(publication)
    return render_template(
        "catalogue/standard.html", publication=publication, status=catalogue.status_of(publication),
        numbered=number_tree(publication.version.clauses), older=older, newer=newer, withdraw=ReasonForm(),
        PdfState=PdfState)


@bp.route("/by-id/<int:publication_id>")
def by_id(publication_id: int) -> Response:
    """Where a notification or an audit event about a publication leads (they name records by id)."""
    publication = db().get(Publication, publication_id)
    if publication is None:
        raise NotFound("没有这个已发布标准。")
    return redirect(url_for("catalogue.standard", slug=publication.slug))


@bp.route("/<slug>/pdf-status")
def pdf_status(slug: str) -> Response:
    """What the page polls while the PDF is being made."""
    publication = _publication(slug)
    return jsonify(state=publication.pdf_state.value, label=publication.pdf_state.label,
                   ready=publication.pdf_state == PdfState.READY)


@bp.route("/<slug>/download/<kind>")
def download(slug: str, kind: str) -> Response:
    """The bytes issued: the DOCX stored at publication, the PDF once the job has made it."""
    publication = _publication(slug)
    digest = {"docx": publication.docx_sha256, "pdf": publication.pdf_sha256}.get(kind)
    if kind not in FILES or digest is None:
        raise NotFound("该格式的文件尚未生成。")
    path = FileStore(Path(current_app.config["UPLOAD_DIR"])).path_for(digest)
    if not path.exists():
        raise NotFound("文件不在存储中，请联系管理员。")
    return attachment_response(path, f"{publication.file_stem}.{kind}", FILES[kind])
