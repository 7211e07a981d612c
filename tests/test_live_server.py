"""A real gunicorn (two workers) under parallel writers, on a database of its own.

This is ``make run`` as production runs it — configured only through the environment, CSRF
on, sessions in signed cookies, sign-in limits per client — driven by parallel browsers
over loopback: fifty registrations at once, ten racing for one credit code, forty-eight
sign-ins with wrong passwords among them, fifty "mark all read", and a submit/withdraw race
on one version of one nomination. Whatever the interleaving: no answer is a 5xx, every
write the server acknowledged is in the database, each race has exactly one winner and
clear refusals for the rest, and the audit trail (with its checkpoint file) verifies.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import subprocess
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.demo import demo_credit_code
from benchmarks import campaigns, services
from benchmarks.models import Nomination, NominationState
from core import migrate
from core.accounts import MAX_FAILED_LOGINS, SIGN_IN_REFUSED, UserInput, create_user
from core.attachments import FileStore
from core.audit import AuditEvent, Seal, use_seal
from core.audit_verify import verify_chain
from core.db import china_today, make_engine, utcnow
from core.enterprises import Enterprise
from core.notifications import Notification
from core.people import Role, User
from core.registry import EnterpriseInput, register_enterprise
from tests.databases import scratch_database
from tests.factories import PDF
from tests.live_app import ROOT, Answer, Browser, Server, gunicorn

SECRET_KEY = "live-server-test-secret-key-0123456789"
AUDIT_KEY = "live-server-test-audit-key-0123456789"
PASSWORD = "Live-pass-2468"
THREADS = 16
T = TypeVar("T")


@dataclass
class Live:
    server: Server
    engine: Engine
    env: dict[str, str]
    checkpoints: Path
    nomination_id: int

    def session(self) -> Session:
        return use_seal(Session(self.engine), Seal(AUDIT_KEY.encode(), self.checkpoints))

    def user(self, session: Session, username: str) -> User:
        return session.scalars(select(User).where(User.username == username)).one()


def _seed(engine: Engine, seal: Seal, uploads: Path) -> int:
    """People, two enterprises, an open campaign and a draft nomination with its file — made
    through the services and committed, as the command line would; the draft's id."""
    with use_seal(Session(engine, expire_on_commit=False), seal) as session:
        def person(username: str, role: Role, region: str | None = None) -> User:
            return create_user(session, None, UserInput(username, username, {role}, region_code=region), PASSWORD)

        person("live_admin", Role.ADMIN)
        sheng = person("live_sheng", Role.BUREAU, "370000")
        person("live_zibo", Role.BUREAU, "370300")
        zhangdian = person("live_zhangdian", Role.BUREAU, "370303")
        for name in ("live_signer1", "live_signer2", "live_signer3", "live_signer4", "live_victim_a",
                     "live_victim_b", "live_victim_c", "live_victim_d", "live_leaver"):
            person(name, Role.EXPERT)
        enterprise = register_enterprise(session, zhangdian, EnterpriseInput(
            "张店标杆化工有限公司", demo_credit_code("370303", 690001), "370303", "CHEM"))
        today = china_today()
        campaign = campaigns.open_campaign(session, sheng, campaigns.CampaignInput(
            "并发测试遴选批次", today.year, today + dt.timedelta(days=30), today + dt.timedelta(days=45),
            today + dt.timedelta(days=60), ["CHEM"]))
        nomination = services.nominate(session, zhangdian, campaign, enterprise.id,
                                       services.Reasons("风险点全部分级管控", "隐患闭环治理", "建成信息化平台"))
        services.add_attachment(session, zhangdian, FileStore(uploads), nomination, "证明材料.pdf", PDF)
        session.commit()
        return nomination.id


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("live")
    checkpoints, uploads = tmp / "audit-checkpoints.log", tmp / "uploads"
    with scratch_database(tmp, "live") as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, audit_key=AUDIT_KEY.encode())
            nomination_id = _seed(engine, Seal(AUDIT_KEY.encode(), checkpoints), uploads)
            env = {"BIAOGAN_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
                   "AUDIT_KEY": AUDIT_KEY, "AUDIT_CHECKPOINTS": str(checkpoints), "UPLOAD_DIR": str(uploads),
                   "RATELIMIT_STORAGE_URI": f"sqlite://{tmp / 'ratelimits.sqlite'}"}
            with gunicorn(env, tmp / "gunicorn.log") as server:
                yield Live(server, engine, env, checkpoints, nomination_id)
        finally:
            engine.dispose()


def in_parallel(work: Callable[[T], Answer], items: Sequence[T]) -> list[Answer]:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(work, items))


def no_server_errors(live: Live, answers: Sequence[Answer]) -> None:
    failed = [f"{a.method} {a.path} → {a.status}" for a in answers if a.status >= 500]
    assert not failed, "\n".join(failed[:10]) + "\n" + live.server.log_tail()


def message(answer: Answer) -> str:
    """The message of an error page."""
    found = re.search(r'data-testid="error-message">([^<]*)<', answer.body)
    return found.group(1) if found else ""


def signed_in(live: Live, username: str, address: str) -> Browser:
    browser = Browser(live.server, address)
    answer = browser.sign_in(username, PASSWORD)
    assert answer.status == 302, f"{username} could not sign in: {answer.status}"
    return browser


def test_fifty_parallel_registrations_are_all_kept(live: Live) -> None:
    county = signed_in(live, "live_zhangdian", "127.0.0.2")
    form = county.form("/enterprises/new")
    codes = [demo_credit_code("370303", 700_000 + i) for i in range(50)]

    def register(i: int) -> Answer:
        return county.submit(form, keep_cookie=False, name=f"并发登记{i:02d}化工有限公司", credit_code=codes[i],
                             county_code="370303", industry_code="CHEM")

    answers = in_parallel(register, range(50))
    no_server_errors(live, answers)
    acknowledged = {codes[i] for i, a in enumerate(answers) if a.status in (302, 303)}
    assert len(acknowledged) == 50, [a.status for a in answers]  # writers queue; none is turned away
    with live.session() as session:
        stored = set(session.scalars(select(Enterprise.credit_code).where(Enterprise.credit_code.in_(codes))))
        created = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "enterprise.create", AuditEvent.summary.like("%并发登记%")))
    assert stored == acknowledged and created == 50


def test_ten_racing_for_one_credit_code_leave_one_winner(live: Live) -> None:
    county = signed_in(live, "live_zhangdian", "127.0.0.3")
    form = county.form("/enterprises/new")
    code = demo_credit_code("370303", 710_000)

    def register(i: int) -> Answer:
        return county.submit(form, keep_cookie=False, name=f"抢登记{i}化工有限公司", credit_code=code,
                             county_code="370303", industry_code="CHEM")

    answers = in_parallel(register, range(10))
    no_server_errors(live, answers)
    winners = [i for i, a in enumerate(answers) if a.status in (302, 303)]
    assert len(winners) == 1, [a.status for a in answers]
    for answer in (a for i, a in enumerate(answers) if i not in winners):
        assert answer.status in (409, 422) and "统一社会信用代码已登记" in answer.body, answer.status
    with live.session() as session:
        names = session.scalars(select(Enterprise.name).where(Enterprise.credit_code == code)).all()
    assert names == [f"抢登记{winners[0]}化工有限公司"]


def test_forty_eight_parallel_sign_ins_count_every_wrong_password(live: Live) -> None:
    """Good and wrong passwords at once, each browser on its own address (as different
    clients): every wrong one is counted, and no more than the lock rule allows are checked."""
    attempts = [(f"live_signer{n % 4 + 1}", PASSWORD, f"127.0.1.{n % 8 + 1}") for n in range(24)]
    attempts += [("live_victim_a", "wrong-pass-1", f"127.0.2.{n % 4 + 1}") for n in range(12)]  # past the lock
    attempts += [("live_victim_b", "wrong-pass-1", f"127.0.2.{n % 2 + 5}") for n in range(8)]
    attempts += [("live_victim_c", "wrong-pass-1", "127.0.2.7") for _ in range(4)]
    random.Random(48).shuffle(attempts)
    started = utcnow()

    def sign_in(attempt: tuple[str, str, str]) -> Answer:
        username, password, address = attempt
        return Browser(live.server, address).sign_in(username, password)

    answers = in_parallel(sign_in, attempts)
    no_server_errors(live, answers)
    for (username, password, _), answer in zip(attempts, answers, strict=True):
        if password == PASSWORD:
            assert answer.status == 302 and answer.location.endswith("/"), (username, answer.status)
        else:
            assert answer.status == 401 and SIGN_IN_REFUSED in answer.body, (username, answer.status)
    with live.session() as session:
        a, b, c = (live.user(session, f"live_victim_{x}") for x in "abc")
        assert (a.failed_logins, b.failed_logins, c.failed_logins) == (12, 8, 4)
        assert a.is_locked(utcnow()) and not b.is_locked(utcnow()) and not c.is_locked(utcnow())

        def events(user: User, *actions: str) -> int:
            return session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id),
                AuditEvent.action.in_(actions), AuditEvent.occurred_at >= started)) or 0

        # Every password checked left an event: the lock stopped the checks at the limit.
        assert events(a, "user.login_failed", "user.lock") == MAX_FAILED_LOGINS
        assert events(a, "user.lock") == 1 and events(b, "user.login_failed") == 8
        signers = [live.user(session, f"live_signer{n}") for n in range(1, 5)]
        assert all(s.failed_logins == 0 and s.last_login_at is not None for s in signers)
        assert sum(events(s, "user.login") for s in signers) == 24


def test_one_clients_sixth_guess_is_throttled_whichever_worker_answers(live: Live) -> None:
    """The per-client counters are shared by both workers (the default SQLite store): one
    client gets five refusals, then 429 — not five per worker."""
    guesser = Browser(live.server, "127.0.3.1")
    answers = [guesser.copy().sign_in("live_victim_d", "wrong-pass-1") for _ in range(7)]
    assert [a.status for a in answers] == [401] * 5 + [429] * 2, live.server.log_tail()
    assert "登录尝试过于频繁" in answers[-1].body
    with live.session() as session:
        victim = live.user(session, "live_victim_d")
        assert victim.failed_logins == 5 and not victim.is_locked(utcnow())


def test_fifty_parallel_mark_all_read(live: Live) -> None:
    city = signed_in(live, "live_zibo", "127.0.0.4")
    with live.session() as session:
        zibo = live.user(session, "live_zibo")
        unread = select(func.count()).select_from(Notification).where(
            Notification.user_id == zibo.id, Notification.read_at.is_(None))
        assert (session.scalar(unread) or 0) >= 1  # the campaign's announcement
    form = city.form("/notifications", action="/notifications/read-all")
    answers = in_parallel(lambda _: city.submit(form, keep_cookie=False), range(50))
    no_server_errors(live, answers)
    assert all(a.status == 303 and a.location.endswith("/notifications") for a in answers), \
        [a.status for a in answers]
    with live.session() as session:
        assert session.scalar(unread) == 0


def test_submit_and_withdraw_racing_on_one_version_have_one_winner(live: Live) -> None:
    county = signed_in(live, "live_zhangdian", "127.0.0.5")
    page = f"/nominations/{live.nomination_id}"
    submit = county.form(page, action=rf"{page}/actions/submit")
    withdraw = county.form(page, action=rf"{page}/actions/withdraw")
    version = int(dict(submit.pairs())["lock_version"])
    assert dict(withdraw.pairs())["lock_version"] == str(version)
    steps = [(submit, {}) for _ in range(10)] + [(withdraw, {"reason": "暂缓推荐"}) for _ in range(10)]
    random.Random(20).shuffle(steps)

    answers = in_parallel(lambda step: county.submit(step[0], keep_cookie=False, **step[1]), steps)
    no_server_errors(live, answers)
    winners = [i for i, a in enumerate(answers) if a.status == 303]
    assert len(winners) == 1, [a.status for a in answers]
    for answer in (a for i, a in enumerate(answers) if i not in winners):
        # "…已被他人处理，当前状态为…" when the version was already moved on; "该记录已被他人修改…"
        # when two updates met in the database itself (PostgreSQL's row lock, then a stale version).
        assert answer.status == 409 and "已被他人" in message(answer), (answer.status, message(answer))
    won = "submit" if steps[winners[0]][0] is submit else "withdraw"
    with live.session() as session:
        nomination = session.get_one(Nomination, live.nomination_id)
        assert nomination.state == (NominationState.SUBMITTED if won == "submit" else NominationState.WITHDRAWN)
        assert nomination.lock_version == version + 1
        moved = session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "nomination", AuditEvent.object_id == str(nomination.id),
            AuditEvent.action.in_(["nomination.submit", "nomination.withdraw"]))).all()
    assert moved == [f"nomination.{won}"]


def test_a_copied_cookie_stops_working_at_sign_out(live: Live) -> None:
    browser = signed_in(live, "live_leaver", "127.0.0.6")
    stolen = browser.copy()  # the same cookie, from the same machine and browser
    assert stolen.get("/").status == 200
    signed_out = browser.submit(browser.form("/", action="/logout"))
    assert signed_out.status == 303 and signed_out.location.endswith("/login")
    after = stolen.get("/")
    assert after.status == 302 and "/login" in after.location  # the server ended the session itself
    assert browser.get("/").status == 302


def test_hostile_requests_get_clear_answers_from_the_real_server(live: Live) -> None:
    """The sweep's payloads through gunicorn, the rate limiter's key and real headers included."""
    stranger = Browser(live.server, "127.0.0.7")
    form = stranger.form("/login")
    refused = stranger.submit(form, username="a\x00b\u202e", password="a\r\nSet-Cookie: x=1")
    assert refused.status in (401, 422) and "x" not in refused.cookies
    for target in ("//evil.com", "/\t/evil.com", "https://evil.example/", "/\r\nSet-Cookie: x=1"):
        browser = Browser(live.server, "127.0.0.8")
        form = browser.form("/login")
        answer = browser.post(f"/login?next={quote(target, safe='')}",
                              [("csrf_token", form.kind_of("csrf_token").value or ""), ("username", "live_signer1"),
                               ("password", PASSWORD)])
        assert answer.status == 302 and answer.location == "/" and "x" not in answer.cookies, (target, answer)
    county = signed_in(live, "live_zhangdian", "127.0.0.9")
    for query in ("q=a%00b&region=%00&industry=%1b&page=99999999999999999999&size=-1&sort=%27%20OR%201=1",
                  "endpoint=x&_method=x&_external=1", "q=" + "x" * 3000):
        assert county.get(f"/enterprises/?{query}").status == 200
        assert county.get(f"/nominations/?{query}&campaign=99999999999999999999").status == 200
    assert county.get("/enterprises/?q=" + "x" * 100_000).status in (400, 414)  # gunicorn's request-line limit
    no_server_errors(live, live.server.answers)


def test_nothing_failed_and_the_trail_verifies_with_its_checkpoints(live: Live) -> None:
    """Runs last: over everything this module did, no 5xx and an intact, anchored trail."""
    no_server_errors(live, live.server.answers)
    assert "Unhandled error" not in live.server.log.read_text(errors="replace"), live.server.log_tail()
    verify = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "audit", "verify"],
                            cwd=ROOT, env={**os.environ, **live.env}, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0 and verify.stdout.startswith("OK:"), verify.stdout + verify.stderr
    with live.session() as session:
        report = verify_chain(session)
    assert report.ok and report.checkpoints >= 1, report  # one per commit that wrote events
