"""Background jobs: queued only when the transaction commits, run in the app with a session of
their own, on SQLite or Redis as the environment says — and, end to end, a real consumer
running what a committed change queued."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask
from huey import RedisHuey
from sqlalchemy.orm import Session

from app.demo import demo_credit_code
from app.jobs import build_huey, enqueue_after_commit, huey, job
from core import migrate
from core.db import make_engine
from core.enterprises import Enterprise
from search.store import IndexStore
from tests.conftest import AUDIT_KEY
from tests.factories import World, make_enterprise

INDEXES = True  # the app indexes each commit (tests.conftest)

ROOT = Path(__file__).resolve().parent.parent
SEEN: list[str] = []


@job()
def note_enterprise(session: Session, enterprise_id: int) -> None:
    """Reads the enterprise in the job's own session, as the consumer would."""
    enterprise = session.get(Enterprise, enterprise_id)
    SEEN.append(enterprise.name if enterprise else "(none)")


@job()
def rename_enterprise(session: Session, enterprise_id: int, name: str, fail: bool = False) -> None:
    session.get_one(Enterprise, enterprise_id).name = name
    session.flush()
    if fail:
        raise RuntimeError("the job failed after changing the row")


@job(read_only=True)
def rename_while_reading(session: Session, enterprise_id: int) -> None:
    session.get_one(Enterprise, enterprise_id).name = "只读任务不应保存"
    session.flush()


@pytest.fixture(autouse=True)
def nothing_seen() -> None:
    SEEN.clear()


def test_a_job_is_queued_when_the_transaction_commits(app: Flask, session: Session, world: World):
    session.commit()
    with app.app_context():
        enterprise = make_enterprise(session, "370303", name="张店提交后化工有限公司")
        enqueue_after_commit(session, note_enterprise, enterprise.id)
        assert SEEN == []  # not before the commit
        session.commit()
    assert SEEN == ["张店提交后化工有限公司"]  # the job's own session sees what was committed


def test_a_rolled_back_transaction_queues_nothing(app: Flask, session: Session, world: World):
    session.commit()
    with app.app_context():
        enterprise = make_enterprise(session, "370303")
        enqueue_after_commit(session, note_enterprise, enterprise.id)
        session.rollback()
        session.commit()  # a later transaction does not inherit the abandoned job
    assert SEEN == []


def test_a_job_commits_its_own_work_and_rolls_it_back_when_it_fails(app: Flask, session: Session, world: World):
    session.commit()
    with app.app_context():
        rename_enterprise(world.ent_zd.id, "张店甲化工（更名）有限公司")
        rename_enterprise(world.ent_zd2.id, "不应保存的名称", fail=True)  # immediate mode: Huey logs the failure
    session.expire_all()
    assert world.ent_zd.name == "张店甲化工（更名）有限公司"
    assert world.ent_zd2.name == "张店乙化工有限公司"


def test_a_read_only_job_keeps_nothing_it_wrote(app: Flask, session: Session, world: World):
    session.commit()
    with app.app_context():
        rename_while_reading(world.ent_zd.id)
    session.expire_all()
    assert world.ent_zd.name == "张店甲化工有限公司"


def test_an_immediate_job_outside_any_app_does_not_run(app: Flask, world: World):
    assert huey.immediate  # building the tests' app switched it on
    note_enterprise(world.ent_zd.id)
    assert SEEN == []  # refused (and logged) rather than run against whatever database the environment names


def test_the_environment_chooses_the_queue(tmp_path: Path):
    assert isinstance(build_huey({"REDIS_URL": "redis://127.0.0.1:6399/0"}), RedisHuey)
    queue = tmp_path / "queue.db"
    local = build_huey({"JOBS_SQLITE": str(queue)})
    assert not queue.exists()  # importing the app leaves no file behind

    @local.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    assert queue.exists() and local.pending_count() == 1
    local.execute(local.dequeue())
    assert result.get() == 5


def test_the_procfile_runs_the_web_server_and_the_consumer_of_this_queue():
    processes = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines()
                     if line and not line.startswith("#"))
    assert "gunicorn --workers 2" in processes["web"] and "wsgi:app" in processes["web"]
    assert "huey_consumer app.jobs.huey" in processes["worker"]


# --- end to end: a committed change queues a job in SQLite; a real consumer runs it -----------

QUEUE_A_CHANGE = f"""
from app import create_app
from app.database import short_transaction
from app.demo import demo_credit_code
from core.enterprises import Enterprise
from core.regions import Region

app = create_app()
with app.app_context(), short_transaction() as session:
    region = session.get(Region, "370303")
    session.add(Enterprise(name="张店队列测试化工有限公司", credit_code={demo_credit_code("370303", 777001)!r},
                           region_code=region.code, region_path=region.path, industry_code="CHEM"))
"""


def test_a_real_consumer_indexes_what_a_commit_queued(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'biaogan.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine, audit_key=AUDIT_KEY.encode())
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "JOBS_SQLITE": str(tmp_path / "queue.db"), "JOBS_IMMEDIATE": "",
           "SEARCH_INDEX_DIR": str(tmp_path / "index"), "AUDIT_KEY": AUDIT_KEY, "SECRET_KEY": "live-test-secret",
           "AUDIT_CHECKPOINTS": str(tmp_path / "checkpoints.log")}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-c", QUEUE_A_CHANGE], env=env, cwd=ROOT, check=True, timeout=120)
    assert build_huey(env).pending_count() == 1  # queued, not run: no consumer yet
    index = IndexStore(tmp_path / "index")
    consumer = subprocess.Popen([str(ROOT / ".venv" / "bin" / "huey_consumer"), "app.jobs.huey", "-w", "1", "-q"],
                                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while not _indexed(index, "张店队列测试化工有限公司") and time.monotonic() < deadline:
            assert consumer.poll() is None, consumer.stderr.read().decode() if consumer.stderr else ""
            time.sleep(0.3)
        assert _indexed(index, "张店队列测试化工有限公司")
        assert build_huey(env).pending_count() == 0
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
        if consumer.stderr:
            consumer.stderr.close()


def _indexed(index: IndexStore, title: str) -> bool:
    if not index.exists() or index.is_rebuilding():
        return False
    with index.open().searcher() as searcher:
        return any(fields.get("title") == title for fields in searcher.all_stored_fields())
