"""The operators' commands: ``flask standards list`` and ``flask standards export``."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session

from exports.publication_files import publication_docx
from tests.factories import World
from tests.publication_helpers import published


def test_list_prints_one_standard_per_line_with_its_status(app: Flask, session: Session, world: World) -> None:
    publication = published(session, world, render=publication_docx)
    session.commit()
    result = app.test_cli_runner().invoke(args=["standards", "list"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{publication.number}\t{publication.title}\t现行"]


def test_export_writes_the_bytes_the_catalogue_serves(app: Flask, session: Session, world: World,
                                                      tmp_path: Path) -> None:
    publication = published(session, world, render=publication_docx, number="DB37/T 4085—2026")
    session.commit()
    target = tmp_path / "standard.docx"
    result = app.test_cli_runner().invoke(args=["standards", "export", "DB37/T 4085-2026", "-o", str(target)])
    assert result.exit_code == 0, result.output
    served = app.test_client().get(f"/catalogue/{publication.slug}/download/docx").data
    assert target.read_bytes() == served == world.store.path_for(publication.docx_sha256).read_bytes()


def test_export_refuses_what_it_cannot_write(app: Flask, session: Session, world: World, tmp_path: Path) -> None:
    published(session, world, render=publication_docx, number="DB37/T 4085—2026")
    session.commit()
    runner = app.test_cli_runner()
    wrong_kind = runner.invoke(args=["standards", "export", "DB37/T 4085—2026", "-o", str(tmp_path / "s.txt")])
    assert wrong_kind.exit_code != 0 and ".docx 或 .pdf" in wrong_kind.output
    unknown = runner.invoke(args=["standards", "export", "DB37/T 9999—2026", "-o", str(tmp_path / "s.docx")])
    assert unknown.exit_code != 0 and "没有已发布的标准" in unknown.output
    no_office = runner.invoke(args=["standards", "export", "DB37/T 4085—2026", "-o", str(tmp_path / "s.pdf")])
    assert no_office.exit_code != 0 and "LibreOffice" in no_office.output
    assert not (tmp_path / "s.pdf").exists()
