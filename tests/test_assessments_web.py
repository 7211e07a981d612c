"""The assessment pages over HTTP: autosave (JSON) and its conflict report, evidence uploads and
their refusals, scope by id, the reports as real files, and the dashboard reading the result."""

from __future__ import annotations

import io
from collections.abc import Callable

import docx
import openpyxl
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from assessments import answers
from assessments.items import requirements_of
from assessments.models import AnswerEvidence, Assessment
from assessments.workflow import Action
from core.attachments import MAX_ATTACHMENT_BYTES, Attachment
from core.people import Role
from core.workflow import transition
from tests.assessment_helpers import answer_all, standard, submit
from tests.factories import PDF, World, make_user

FETCH = {"X-Requested-With": "fetch"}
Login = Callable[..., FlaskClient]


def _draft(session: Session, world: World) -> tuple[Assessment, str]:
    a = answers.start(session, world.ent_user, standard(session, world))
    return a, requirements_of(session, a.publication).items[0].key


def test_autosave_answers_in_json_and_the_later_of_two_tabs_wins_and_hears_of_it(
        session: Session, world: World, client: FlaskClient, login: Login) -> None:
    a, key = _draft(session, world)
    login(world.ent_user)
    url = f"/assessments/{a.id}/answers/{key}"
    first = client.post(url, data={"result": "conform", "note": "甲", "revision": "0"}, headers=FETCH)
    assert first.status_code == 200 and first.json["saved"] and first.json["revision"] == 1
    assert first.json["answered"] == 1 and first.json["score"] == "100.0" and first.json["replaced"] is None
    second = client.post(url, data={"result": "nonconform", "note": "乙", "revision": "0"}, headers=FETCH)
    assert second.status_code == 200 and second.json["replaced"]["result"] == "符合"
    assert second.json["replaced"]["note"] == "甲" and second.json["gap"] is True
    page = client.get(f"/assessments/{a.id}").get_data(as_text=True)
    assert "乙" in page and 'data-testid="plan"' in page
    refused = client.post(url, data={"result": "na", "revision": "2"}, headers=FETCH)
    assert refused.status_code == 422 and refused.json["fields"] == {"na_reason": "选择“不适用”时请填写理由"}


def test_evidence_uploads_are_checked_by_size_and_content_and_a_refusal_stores_nothing(
        session: Session, world: World, client: FlaskClient, login: Login) -> None:
    a, key = _draft(session, world)
    answers.save_answer(session, world.ent_user, a, key, result="conform")
    login(world.ent_user)
    url = f"/assessments/{a.id}/answers/{key}/evidence"
    before = session.scalar(select(func.count()).select_from(Attachment))
    exe = client.post(url, data={"file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "制度.pdf")},
                      headers={"Referer": f"http://localhost/assessments/{a.id}"})
    assert exe.status_code == 303
    assert "内容与扩展名 .pdf 不符" in client.get(exe.location).get_data(as_text=True)
    # Built in memory: the test client would spool a 20 MB body to a temporary file it never closes.
    body, length, boundary = stream_encode_multipart(
        {"file": FileStorage(io.BytesIO(PDF + b"0" * MAX_ATTACHMENT_BYTES), filename="大文件.pdf")}, use_tempfile=False)
    big = client.post(url, input_stream=body, content_length=length,
                      content_type=f"multipart/form-data; boundary={boundary}",
                      headers={"Referer": f"http://localhost/assessments/{a.id}"})
    assert big.status_code == 303
    assert "超过 20 MB" in client.get(big.location).get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Attachment)) == before
    ok = client.post(url, data={"file": (io.BytesIO(PDF), "培训记录.pdf")})
    assert ok.status_code == 303
    link = session.scalars(select(AnswerEvidence)).one()
    assert client.get(f"/assessments/{a.id}/evidence/{link.id}").data == PDF


def test_another_enterprise_reads_neither_the_assessment_nor_its_evidence_by_id(
        session: Session, world: World, client: FlaskClient, login: Login) -> None:
    a, key = _draft(session, world)
    answers.save_answer(session, world.ent_user, a, key, result="conform")
    link = answers.attach(session, world.ent_user, world.store, a, key, "证据.pdf", PDF)
    stranger = make_user(session, "t_stranger", Role.ENTERPRISE, enterprise=world.ent_zd2)
    login(stranger)
    for url in (f"/assessments/{a.id}", f"/assessments/{a.id}/evidence/{link.id}", f"/assessments/{a.id}/report.docx",
                f"/assessments/{a.id}/compare"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/assessments/{a.id}/answers/{key}", data={"result": "nonconform"},
                       headers=FETCH).status_code == 404
    login(world.jinan)
    assert client.get(f"/assessments/{a.id}").status_code == 404


def test_the_reports_are_a_word_document_and_a_workbook_of_every_requirement(
        session: Session, world: World, client: FlaskClient, login: Login) -> None:
    a, _key = _draft(session, world)
    answer_all(session, world.ent_user, a, gaps=1)
    submit(session, world.ent_user, a)
    login(world.zhangdian)
    document = docx.Document(io.BytesIO(client.get(f"/assessments/{a.id}/report.docx").data))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "对标自评估报告" in text and world.ent_zd.name in text and str(a.score) in text
    assert "完善风险点台账" in text, "every gap with its rectification"
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/assessments/{a.id}/report.xlsx").data))
    detail = book["自评明细"]
    assert detail.max_row - 1 == a.total


def test_the_county_dashboard_shows_a_verified_score_and_the_province_rolls_it_up(
        session: Session, world: World, client: FlaskClient, login: Login) -> None:
    a, _key = _draft(session, world)
    answer_all(session, world.ent_user, a, gaps=1)
    submit(session, world.ent_user, a)
    transition(session, world.zhangdian, a, Action.VERIFY, a.lock_version)
    login(world.zhangdian)
    county = client.get("/assessments/dashboard").get_data(as_text=True)
    assert world.ent_zd.name in county and f">{a.score}<" in county
    login(world.sheng)
    province = client.get(f"/assessments/dashboard?publication={a.publication_id}").get_data(as_text=True)
    assert "淄博市" in province and f'data-testid="average">{a.score}<' in province
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/assessments/dashboard/export.xlsx").data)).active
    zibo = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "淄博市")
    assert zibo[5] == 1 and zibo[6] == float(a.score)
    assert client.get(f"/assessments/most-failed/{a.publication_id}").status_code == 200
    login(world.jinan)
    assert client.get("/assessments/dashboard?region=370303").status_code == 404


def test_the_workbench_lists_the_enterprise_s_assessment_and_what_waits_for_the_county(
        session: Session, world: World, client: FlaskClient, login: Login) -> None:
    a, _key = _draft(session, world)
    login(world.ent_user)
    mine = client.get("/").get_data(as_text=True)
    assert 'data-testid="panel-assessments"' in mine and f"/assessments/{a.id}" in mine
    answer_all(session, world.ent_user, a)
    submit(session, world.ent_user, a)
    login(world.zhangdian)
    county = client.get("/").get_data(as_text=True)
    assert "待核查的自评估" in county
    login(world.jinan)
    assert "待核查的自评估" not in client.get("/").get_data(as_text=True), "outside the jurisdiction"
