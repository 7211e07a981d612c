"""How a 1,000-clause standard behaves: the clause-tree editor page, a redline, a freeze.

    .venv/bin/python -m perf.bench_standards [--repeat 3] [--database-url URL]

Without ``--database-url`` it uses a temporary SQLite file (with one, it empties the
database's ``public`` schema first, as ``perf.bench_import`` does). The standard has
10 chapters four levels deep (4.2.1.1), list items and notes under the deepest
clauses, and 10 informative annexes each holding a 100-row table — 1,000 clauses.

Timed, median of ``--repeat`` runs with min–max:

(a) the clause-tree editor page for the whole draft, through the Flask test client;
(b) the redline of two versions that differ in 100 clauses (edited, moved, moved and
    edited, added, removed) — loading both trees and comparing them — and, for scale,
    the DOCX of that redline;
(c) freezing a version (``standards.versions.freeze``: the working draft frozen as a
    stage document and its 1,000 clauses copied into the next draft), with its commit.

The issue's target: each well under a second.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import benchmarks.models  # noqa: F401
import core.models  # noqa: F401
from core.audit import use_seal
from core.db import utcnow
from core.people import Role, User, UserRole
from exports.redline_docx import redline_docx
from perf.benchdb import BENCH_SEAL, migrated_engine
from standards.models import (
    AnnexType,
    Clause,
    ClauseKind,
    MemberRole,
    ProjectMember,
    Stage,
    StandardProject,
    StandardVersion,
)
from standards.redline import redline
from standards.versions import clauses_of, freeze, start_project_text, working_draft

K = ClauseKind
SENTENCES = [
    "企业应对储罐区进行风险点划分，按罐组、装卸区、泵房分别建立风险点台账。",
    "储罐应设置高液位报警和高高液位联锁，联锁应定期测试并保存记录。",
    "可燃气体和有毒气体检测报警仪的设置应符合 GB/T 50493 的要求。",
    "防火堤内不应存放可燃物，排水阀应常闭并有专人管理。",
    "动火、受限空间等特殊作业应执行作业票制度，落实监护人。",
    "企业应每季度组织一次储罐区风险辨识评估结果的回顾。",
    "重大风险应由企业主要负责人组织制定管控方案，明确责任人和完成期限。",
    "岗位人员应熟知本岗位风险点、管控措施和应急处置要求。",
    "装卸作业前应确认静电接地、防溢流装置和紧急切断阀处于完好状态。",
    "隐患排查发现的问题应登记建档，按照整改措施、责任、资金、时限和预案五落实的要求闭环。",
]


def sentence_text(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(SENTENCES) for _ in range(count))


def annex_table(rng: random.Random, rows: int) -> str:
    lines = ["| 序号 | 风险点名称 | 危险因素 | 风险等级 | 管控措施 | 管控层级 |", "|---|---|---|---|---|---|"]
    for i in range(1, rows + 1):
        lines.append(f"| {i} | {rng.randint(1, 30)}号罐组 | 泄漏、火灾 | {rng.choice('红橙黄蓝')} | "
                     f"{rng.choice(SENTENCES)[:24]} | {rng.choice(['公司', '车间', '班组', '岗位'])} |")
    return "\n".join(lines)


@dataclass
class Standard:
    project_id: int
    user_id: int


def build_standard(session: Session, clauses: int = 1000, annexes: int = 10, rows: int = 100) -> Standard:
    """A project whose working draft holds ``clauses`` clauses, four levels deep."""
    rng = random.Random(1000)
    actor = User(username="bench_editor", display_name="基准编写人", password_hash="x", region_code="370000",
                 role_rows=[UserRole(role=Role.BUREAU.value)])
    session.add(actor)
    session.flush()
    project = StandardProject(title="化工企业储罐区风险分级管控实施指南（基准）", industry_code="CHEM",
                              created_by_id=actor.id,
                              members=[ProjectMember(user_id=actor.id, role=MemberRole.EDITOR)])
    session.add(project)
    session.flush()
    draft = start_project_text(session, project)
    made = 0

    def add(parent: Clause | None, position: int, kind: ClauseKind, title: str = "", body: str = "",
            **fields: Any) -> Clause:
        nonlocal made
        made += 1
        clause = Clause(version_id=draft.id, parent_id=parent.id if parent else None, position=position, kind=kind,
                        title=title, body=body, **fields)
        session.add(clause)
        return clause

    chapters = [add(None, c, K.CHAPTER, f"第{c + 1}章 风险分级管控要求") for c in range(10)]
    session.flush()
    level1 = [add(ch, i, K.CLAUSE, f"管控要求{i + 1}", sentence_text(rng, 1)) for ch in chapters for i in range(4)]
    session.flush()
    level2 = [add(cl, i, K.CLAUSE, f"具体要求{i + 1}", sentence_text(rng, 2)) for cl in level1 for i in range(4)]
    session.flush()
    level3 = [add(cl, i, K.CLAUSE, "", sentence_text(rng, 2), is_requirement=i == 0,
                  points=5 if i == 0 else None, check_method="查阅记录，现场检查。" if i == 0 else "")
              for cl in level2 for i in range(3)]
    session.flush()
    annex_rows = [add(None, 10 + a, K.ANNEX, f"储罐区风险分级管控清单（{a + 1}）",
                      annex_type=AnnexType.INFORMATIVE) for a in range(annexes)]
    session.flush()
    for annex in annex_rows:
        add(annex, 0, K.TABLE, "风险分级管控清单", annex_table(rng, rows))
    extra = clauses - made
    for i, clause in enumerate(level3[:extra]):
        add(clause, 0, K.NOTE if i % 5 == 0 else K.LIST_ITEM, "", sentence_text(rng, 1))
    session.flush()
    assert made == clauses, made
    return Standard(project.id, actor.id)


def edit_hundred(session: Session, version: StandardVersion) -> dict[str, int]:
    """Change 100 clauses of ``version``: 40 edited, 20 moved, 20 moved and edited, 10 added, 10 removed."""
    rng = random.Random(100)
    clauses = clauses_of(session, version)
    deep = [c for c in clauses if c.kind == K.CLAUSE and c.title == "" and c.parent_id is not None]
    rng.shuffle(deep)
    chosen = iter(deep)
    parents = [c for c in clauses if c.kind == K.CLAUSE and c.title.startswith("具体要求")]
    with_children = {c.parent_id for c in clauses}
    counts = {"edited": 0, "moved": 0, "moved+edited": 0, "added": 0, "removed": 0}
    for _ in range(40):
        c = next(chosen)
        c.body = c.body.replace("应", "必须", 1) + "检查结果应形成书面记录。"
        counts["edited"] += 1
    for n in range(40):
        c = next(chosen)
        c.parent_id, c.position = rng.choice(parents).id, 90 + n
        if n >= 20:
            c.body = "【已调整】" + c.body[:20] + "，并纳入年度安全生产责任制考核。"
            counts["moved+edited"] += 1
        else:
            counts["moved"] += 1
    removable = [c for c in chosen if c.id not in with_children]
    for c in removable[:10]:
        session.delete(c)
        counts["removed"] += 1
    for n in range(10):
        session.add(Clause(version_id=version.id, parent_id=rng.choice(parents).id, position=100 + n,
                           kind=K.CLAUSE, body=sentence_text(rng, 1)))
        counts["added"] += 1
    session.flush()
    return counts


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def make_app(url: str, upload_dir: str) -> Flask:
    from app import create_app

    return create_app({
        "TESTING": True, "SECRET_KEY": "benchmark-secret", "AUDIT_KEY": BENCH_SEAL.key.decode(),
        "AUDIT_CHECKPOINTS": "", "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://",
        "DATABASE_URL": url, "UPLOAD_DIR": upload_dir, "WTF_CSRF_ENABLED": False,
    })


def editor_page(app: Flask, standard: Standard) -> tuple[str, Callable[[], Any]]:
    """What (a) times: the editors' clause-tree page, or — while that page does not exist —
    numbering the tree and rendering every clause through a template of our own."""
    from tests.factories import sign_in

    client = app.test_client()
    with app.app_context():
        from app.database import db

        sign_in(app, client, db().get_one(User, standard.user_id))
    if "standards.text" in app.view_functions:
        with app.test_request_context():
            from flask import url_for

            path = url_for("standards.text", project_id=standard.project_id)

        def page() -> int:
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return len(response.data)

        return f"GET {path} (standards.text, the clause-tree editor, as an editor)", page

    def stand_in() -> int:
        from flask import render_template_string

        from app.database import db
        from standards.numbering import number_tree

        with app.test_request_context():
            project = db().get_one(StandardProject, standard.project_id)
            numbered = number_tree(clauses_of(db(), working_draft(db(), project)))
            html = render_template_string(STAND_IN, numbered=numbered)
        return len(html)

    return "stand-in: number_tree + a template of every clause (standards.text not there yet)", stand_in


STAND_IN = """<ol>{% for n in numbered %}<li data-depth="{{ n.depth }}"><b>{{ n.number }}</b> {{ n.clause.title }}
<div>{{ n.clause.body|markdown }}</div></li>{% endfor %}</ol>"""


def report(name: str, values: list[float]) -> str:
    return (f"  {name:<44} {statistics.median(values) * 1000:8.1f} ms  "
            f"({min(values) * 1000:.1f}–{max(values) * 1000:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, engine = migrated_engine(args.database_url, tmp)
        with use_seal(Session(engine), BENCH_SEAL) as session:
            build_time, standard = timed(lambda: build_standard(session))
            session.commit()
        figures: dict[str, list[float]] = {}

        # (a) the editor page
        app = make_app(url, f"{tmp}/uploads")
        what, page = editor_page(app, standard)
        page()  # warm-up: templates compiled, connections opened
        figures["(a) editor page"] = [timed(page)[0] for _ in range(args.repeat)]

        # (c) freezing: each run freezes the working draft left by the previous one
        freezes, commits = [], []
        for stage in [Stage.CONSULTATION, Stage.REVIEW, Stage.APPROVAL][:args.repeat] or [Stage.CONSULTATION]:
            with use_seal(Session(engine), BENCH_SEAL) as session:
                project = session.get_one(StandardProject, standard.project_id)
                actor = session.get_one(User, standard.user_id)
                seconds, _ = timed(lambda: (freeze(session, actor, project, stage), session.flush()))  # noqa: B023
                freezes.append(seconds)
                commits.append(timed(session.commit)[0])
        figures["(c) freeze 1,000 clauses"] = freezes
        figures["(c) freeze + commit"] = [f + c for f, c in zip(freezes, commits, strict=True)]

        # (b) the redline of the last frozen version against a draft 100 clauses away
        with use_seal(Session(engine), BENCH_SEAL) as session:
            project = session.get_one(StandardProject, standard.project_id)
            draft = working_draft(session, project)
            edits = edit_hundred(session, draft)
            session.commit()
        runs, docx_runs, result = [], [], None
        for _ in range(args.repeat):
            with Session(engine) as session:
                project = session.get_one(StandardProject, standard.project_id)
                frozen = session.scalars(select(StandardVersion).where(
                    StandardVersion.project_id == project.id, StandardVersion.frozen_at.is_not(None))
                    .order_by(StandardVersion.number.desc()).limit(1)).one()
                draft = working_draft(session, project)
                seconds, result = timed(lambda: redline(session, frozen, draft))  # noqa: B023
                runs.append(seconds)
                docx_runs.append(timed(lambda: redline_docx(result, project.title, "起草组", utcnow()))[0])  # noqa: B023
        figures["(b) redline, 100 clauses apart"] = runs
        figures["    its DOCX with tracked changes"] = docx_runs
        engine.dispose()
    assert result is not None
    c = result.counts
    name = make_url(url).get_backend_name()
    print(f"standard of 1,000 clauses (10 chapters to depth 4, 10 annex tables × 100 rows) on {name}; "
          f"median of {args.repeat} (min–max); built in {build_time:.1f} s")
    print(f"  (a) measures: {what}")
    print(f"  (b) edits made: {edits}; redline found added {c.added}, removed {c.removed}, moved {c.moved}, "
          f"changed {c.changed}, unchanged {c.unchanged}")
    for label, values in figures.items():
        print(report(label, values))
    worst = max(statistics.median(v) for k, v in figures.items() if not k.startswith("    "))
    print(f"slowest of (a)–(c): {worst * 1000:.0f} ms on {name} — target: each well under 1 s "
          f"({'met' if worst < 1 else 'NOT met'})")


if __name__ == "__main__":
    main()
