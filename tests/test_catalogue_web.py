"""The committee's pages and the public catalogue, through the web as people use them."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from standards.models import PdfState, Publication, Stage
from tests.factories import World
from tests.publication_helpers import approved, at_approval, published

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _publication_render(publication: Publication) -> bytes:
    from exports.publication_files import publication_docx

    return publication_docx(publication)


def test_the_committee_approves_and_returns_from_the_project_page(session: Session, world: World, client: FlaskClient,
                                                                  login) -> None:
    project = at_approval(session, world)
    login(world.committee)
    page = client.get(f"/standards/{project.id}").get_data(as_text=True)
    assert 'data-testid="action-approve"' in page and 'data-testid="action-return"' in page
    answer = client.post(f"/standards/{project.id}/approval/return", data={"lock_version": project.lock_version},
                         headers={"Referer": f"http://localhost/standards/{project.id}"})
    assert answer.status_code == 303, "a return without a reason goes back to the page"
    assert "退回理由" in client.get(answer.location).get_data(as_text=True)
    session.refresh(project)
    assert project.stage == Stage.APPROVAL
    client.post(f"/standards/{project.id}/approval/return",
                data={"lock_version": project.lock_version, "reason": "附录A缺少风险点编号"})
    session.refresh(project)
    assert project.stage == Stage.DRAFTING
    login(world.zhangdian)
    page = client.get(f"/standards/{project.id}").get_data(as_text=True)
    assert 'data-testid="action-resubmit"' in page
    client.post(f"/standards/{project.id}/approval/resubmit", data={"lock_version": project.lock_version})
    session.refresh(project)
    assert project.stage == Stage.APPROVAL


def test_only_the_committee_opens_the_publish_form(session: Session, world: World, client: FlaskClient, login) -> None:
    project = approved(session, world)
    login(world.sheng)
    assert client.get(f"/standards/{project.id}/publish").status_code == 403
    login(world.committee)
    page = client.get(f"/standards/{project.id}/publish").get_data(as_text=True)
    assert "标准编号" in page and "山东省市场监督管理局" in page


def test_a_malformed_number_comes_back_on_its_field_and_nothing_is_published(
        session: Session, world: World, client: FlaskClient, login) -> None:
    project = approved(session, world)
    login(world.committee)
    answer = client.post(f"/standards/{project.id}/publish", data={
        "lock_version": project.lock_version, "number": "DB37-4085", "ics": "13.100", "ccs": "C67",
        "issued_on": "2026-03-01"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "标准编号应为" in page and "DB37-4085" in page
    session.refresh(project)
    assert project.stage == Stage.APPROVED
    assert session.query(Publication).count() == 0


def test_publishing_leads_to_the_public_page_and_the_download_is_the_stored_bytes(
        app: Flask, session: Session, world: World, client: FlaskClient, login) -> None:
    project = approved(session, world)
    login(world.committee)
    answer = client.post(f"/standards/{project.id}/publish", data={
        "lock_version": project.lock_version, "number": "DB37/T 4085-2026", "ics": "13.100", "ccs": "c67",
        "issued_on": "2026-03-01", "issuer": "山东省市场监督管理局"})
    assert answer.status_code == 303 and answer.location.endswith("/catalogue/DB37T4085-2026")
    publication = session.query(Publication).one()
    assert (publication.number, publication.ccs) == ("DB37/T 4085—2026", "C 67")
    assert publication.pdf_state == PdfState.UNAVAILABLE, "the job ran after commit and found no LibreOffice"

    anonymous = app.test_client()
    page = anonymous.get("/catalogue/DB37T4085-2026").get_data(as_text=True)
    assert "DB37/T 4085—2026" in page and project.title in page and "本机不能生成 PDF" in page
    first = anonymous.get("/catalogue/DB37T4085-2026/download/docx")
    second = anonymous.get("/catalogue/DB37T4085-2026/download/docx")
    assert first.status_code == 200 and first.mimetype == DOCX_TYPE
    assert first.data == second.data
    stored = Path(app.config["UPLOAD_DIR"]) / publication.docx_sha256[:2] / publication.docx_sha256
    assert first.data == stored.read_bytes()
    texts = [p.text for p in Document(io.BytesIO(first.data)).paragraphs]
    assert "DB37/T 4085—2026" in texts and project.title in texts
    assert anonymous.get("/catalogue/DB37T4085-2026/download/pdf").status_code == 404


def test_the_catalogue_is_public_filters_and_never_shows_drafts(app: Flask, session: Session, world: World) -> None:
    old = published(session, world, render=_publication_render, number="DB37/T 3000—2024",
                    issued_on=dt.date(2024, 5, 1))
    published(session, world, render=_publication_render, title="化工企业风险分级管控指南（修订）", panel_prefix="t_p2",
              number="DB37/T 4100—2025", issued_on=dt.date(2025, 6, 1), replaces_id=old.id)
    at_approval(session, world, "尚未发布的报批稿", panel_prefix="t_p3")
    anonymous = app.test_client()
    listing = anonymous.get("/catalogue/").get_data(as_text=True)
    assert "DB37/T 3000—2024" in listing and "DB37/T 4100—2025" in listing
    assert "尚未发布的报批稿" not in listing
    superseded = anonymous.get("/catalogue/?status=superseded").get_data(as_text=True)
    assert "DB37/T 3000—2024" in superseded and "DB37/T 4100—2025" not in superseded
    by_year = anonymous.get("/catalogue/?year=2025").get_data(as_text=True)
    assert "DB37/T 4100—2025" in by_year and "DB37/T 3000—2024" not in by_year
    page = anonymous.get("/catalogue/DB37T3000-2024").get_data(as_text=True)
    assert 'data-testid="replaced-by"' in page and "DB37/T 4100—2025" in page
    newer = anonymous.get("/catalogue/DB37T4100-2025").get_data(as_text=True)
    assert "代替以下标准" in newer and "DB37/T 3000—2024" in newer
    assert anonymous.get("/catalogue/DB37T9999-2025").status_code == 404


def test_the_public_page_renders_the_clause_tree_with_anchors(app: Flask, session: Session, world: World) -> None:
    publication = published(session, world, render=_publication_render)
    page = app.test_client().get(f"/catalogue/{publication.slug}").get_data(as_text=True)
    assert 'id="4.1"' in page and "企业应明确风险管控职责" in page
    assert "附录A" in page and "（资料性）" in page and "表A.1" in page


def test_the_committee_withdraws_a_standard_with_a_reason(app: Flask, session: Session, world: World,
                                                         client: FlaskClient, login) -> None:
    publication = published(session, world, render=_publication_render)
    login(world.committee)
    assert 'data-testid="withdraw"' in client.get(f"/catalogue/{publication.slug}").get_data(as_text=True)
    client.post(f"/catalogue/{publication.slug}/withdraw",
                data={"lock_version": publication.lock_version, "reason": "已被国家标准覆盖"})
    page = app.test_client().get(f"/catalogue/{publication.slug}").get_data(as_text=True)
    assert "废止" in page and "已被国家标准覆盖" in page


def test_a_frozen_draft_downloads_as_a_standard_with_its_stage_on_the_cover(
        session: Session, world: World, client: FlaskClient, login) -> None:
    project = at_approval(session, world)
    frozen = next(v for v in project.versions if v.stage == Stage.APPROVAL and v.frozen_at)
    login(world.zhangdian)
    answer = client.get(f"/standards/{project.id}/versions/{frozen.id}/document.docx")
    assert answer.status_code == 200
    texts = [p.text for p in Document(io.BytesIO(answer.data)).paragraphs]
    assert any("报批稿" in t for t in texts)
    draft = next(v for v in project.versions if v.is_draft)
    assert client.get(f"/standards/{project.id}/versions/{draft.id}/document.docx").status_code == 404


def test_the_pdf_job_fills_the_table_of_contents(app: Flask, session: Session, world: World, client: FlaskClient,
                                                 login, tmp_path: Path) -> None:
    """LibreOffice is part of what ``make test`` installs: without it this fails, it does not skip."""
    app.config["SOFFICE"] = None
    project = approved(session, world)
    login(world.committee)
    client.post(f"/standards/{project.id}/publish", data={
        "lock_version": project.lock_version, "number": "DB37/T 4085—2026", "ics": "13.100", "ccs": "C 67",
        "issued_on": "2026-03-01"})
    publication = session.query(Publication).one()
    assert publication.pdf_state == PdfState.READY, publication.pdf_error
    pdf = app.test_client().get(f"/catalogue/{publication.slug}/download/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    (tmp_path / "s.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert project.title in text and "DB37/T 4085—2026" in text
    toc = text[text.index("目") : text.index("前  言") if "前  言" in text else len(text)]
    assert "范围" in text and any(line.strip().endswith(("I", "1")) for line in toc.splitlines() if "前言" in line
                                  or "范围" in line)


def test_the_editors_hear_of_the_publication_and_the_notice_opens_the_standard(
        app: Flask, session: Session, world: World, client: FlaskClient, login) -> None:
    from core.notifications import Notification

    publication = published(session, world, render=_publication_render)
    session.commit()
    notice = session.query(Notification).filter_by(user_id=world.zhangdian.id).order_by(Notification.id.desc()).first()
    assert notice is not None and publication.number in notice.title
    login(world.zhangdian)
    opened = client.post(f"/notifications/{notice.id}/open")
    assert opened.status_code in (302, 303)
    landing = client.get(opened.location)
    assert landing.status_code == 302 and landing.location.endswith(f"/catalogue/{publication.slug}")
