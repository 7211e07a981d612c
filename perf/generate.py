"""A province-scale dataset for the dashboards, loaded fast and deterministically.

    .venv/bin/python -m perf.generate [--scale 1.0] [--database-url URL] [--seed 37]

At ``--scale 1``: 200,000 enterprises over every county of the real region tree (skewed),
20 published standards of 300 requirements, 100,000 verified current assessments of 300
answers each (30 M), 300,000 rectifications and the overdue notices of the late ones; then
``assessments.stats.recompute``. The database is emptied first (a SQLite file deleted, a
PostgreSQL schema dropped: ``perf.benchdb``); without ``--database-url``, a new file in /tmp.
Rows go in by ``executemany`` (SQLite, journal off) or ``COPY`` (PostgreSQL, with indexes and
foreign keys set aside and restored verbatim). Checked after: the schema is the migrated one,
recompute's tallies match the answers drawn, sample scores match ``assessments.scoring``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

import assessments.models  # noqa: F401  (every model registered)
import benchmarks.models  # noqa: F401
import core.models  # noqa: F401
from app.demo import demo_credit_code
from assessments import scoring, stats
from assessments.models import Answer, Assessment, AssessmentTally, ClauseTally, RectificationTally
from core.audit import use_seal
from core.db import round_half_up
from core.people import Role, User, UserRole
from perf.benchdb import BENCH_SEAL, migrated_engine
from standards.models import Clause, ClauseKind, Publication, Stage, StandardProject, StandardVersion

ENTERPRISES, ASSESSMENTS, REQUIREMENTS, CHAPTERS, FIXES, BATCH = 200_000, 100_000, 300, 8, 3, 1000
TODAY = dt.date(2026, 6, 30)  # "now" for deadlines: the data never depends on the clock
START = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
COLUMNS = {  # the bulk tables, in load order, with the columns given (the rest take their defaults)
    "enterprises": "id, name, credit_code, region_code, region_path, industry_code, address, legal_representative, "
                   "safety_contact, safety_phone, employee_count, scale, major_hazard, created_at, updated_at, "
                   "lock_version",
    "assessments": "id, publication_id, enterprise_id, region_path, city_code, county_code, industry_code, "
                   "is_benchmark, state, current, round, total, answered, gaps, earned, possible, score, grade, "
                   "vetoed, submitted_at, verified_at, created_by_id, created_at, updated_at, lock_version",
    "answers": "id, assessment_id, saved_at, clause_key, result, earned, na_reason, note, revision",
    "rectifications": "id, assessment_id, clause_key, clause_label, county_code, region_path, measure, responsible, "
                      "funds, deadline, contingency, state, done_note, done_at, accepted_at, created_at, lock_version",
    "reminders_sent": "id, rectification_id, kind, deadline, sent_at",
}
RESULTS = ("conform", "partial", "nonconform", "na")
INDUSTRY_WEIGHT = {"MACH": 20, "LIGHT": 15, "CHEM": 12, "TRADE": 10, "BUILD": 8, "TEXT": 6, "METAL": 5, "CONS": 5,
                   "TRANS": 4, "NONFE": 3, "MINE": 3, "GAS": 3, "POWER": 2, "FIRE": 2, "TOBAC": 1, "COAL": 1}
TWICE = ("MACH", "LIGHT", "CHEM", "TRADE")  # industries with a second standard: 16 + 4 = 20
CHAPTER_TITLES = ["安全领导力", "安全生产责任制", "安全生产投入", "教育培训", "风险分级管控", "隐患排查治理",
                  "应急管理", "事故管理与持续改进"]
NAMES = "华鲁泰鑫恒盛金宏信达东方齐润昌隆海川远博"
PEOPLE = ["王建国", "李海燕", "张立新", "刘宏伟", "陈晓东", "杨秀英", "赵志强", "孙丽娟"]


@dataclass
class Standard:
    """One publication's requirements and how often each is missed (drawn once, seeded)."""

    publication_id: int
    industry: str
    keys: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    points: list[int] = field(default_factory=list)  # tenths of a point, even: half credit keeps one decimal
    veto: list[bool] = field(default_factory=list)
    odds: list[tuple[float, float, float]] = field(default_factory=list)  # P(na), P(nonconform), P(either gap)
    counts: list[list[int]] = field(default_factory=lambda: [[0] * REQUIREMENTS for _ in RESULTS])  # drawn


class Loader:
    """Writes one table's rows at a time on one raw connection: executemany or COPY."""

    def __init__(self, engine: Engine) -> None:
        self.raw = engine.raw_connection()
        self.db = self.raw.driver_connection
        self.pg = engine.dialect.name == "postgresql"

    def stamp(self, moment: dt.datetime) -> str:
        return moment.strftime("%Y-%m-%d %H:%M:%S+00" if self.pg else "%Y-%m-%d %H:%M:%S.000000")

    def rows(self, table: str, rows: list[Any]) -> None:
        """Tuples of plain values; on PostgreSQL also ready COPY lines (answers: the hot path)."""
        if not rows:
            return
        if not self.pg:
            marks = ", ".join("?" * len(rows[0]))
            self.db.executemany(f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", rows)
            return
        data = "".join(rows) if isinstance(rows[0], str) else "".join(
            "\t".join(r"\N" if v is None else str(v) for v in row) + "\n" for row in rows)
        with self.db.cursor() as cursor, cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
            copy.write(data)

    def execute(self, sql: str) -> list[tuple[Any, ...]]:
        cursor = self.db.cursor()
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []

    def schema(self) -> list[tuple[Any, ...]]:
        """Constraints and indexes, to prove the load left them as the migration made them."""
        if not self.pg:
            return sorted(self.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        return sorted(self.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM "
                                   "pg_constraint WHERE connamespace = 'public'::regnamespace") + self.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))

    def set_aside(self) -> list[str]:
        """PostgreSQL: drop the bulk tables' secondary indexes, foreign keys and unique constraints
        (checked row by row they are most of a COPY's cost); return what restores them. SQLite
        keeps its few: the one on answers is part of the table."""
        if not self.pg:
            return []
        tables = ", ".join(f"'{t}'" for t in COLUMNS)
        constraints = sorted(self.execute(  # foreign keys first to go, last to come back
            f"SELECT contype <> 'f', conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE conrelid::regclass::text IN ({tables}) AND contype IN ('u', 'f')"))
        indexes = self.execute(
            f"SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            f"WHERE x.indrelid::regclass::text IN ({tables}) "
            f"AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)")
        for _, table, name, _ in constraints:
            self.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            self.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in indexes] + [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}'
                                              for _, t, n, d in reversed(constraints)]


def new_key(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def people_and_standards(session: Session, rng: random.Random) -> tuple[dict[str, int], list[Standard]]:
    """The users who look and the 20 frozen, published standards (a few thousand ORM rows)."""
    digest = generate_password_hash("perf-password-1234")  # one hash for all: the benchmark signs in without it
    who = [("perf_admin", Role.ADMIN, None), ("perf_sheng", Role.BUREAU, "370000"),
           ("perf_zibo", Role.BUREAU, "370300"), ("perf_zhangdian", Role.BUREAU, "370303")]
    people = [User(username=name, display_name=name, password_hash=digest, region_code=region,
                   role_rows=[UserRole(role=role.value)]) for name, role, region in who]
    session.add_all(people)
    session.flush()
    users = {user.username: user.id for user in people}
    admin, standards = users["perf_admin"], []
    for n, industry in enumerate(sorted(INDUSTRY_WEIGHT) + list(TWICE), 1):
        title = f"{industry}行业安全生产标准化评定规范（第{n}部分）"
        project = StandardProject(title=title, industry_code=industry, stage=Stage.PUBLISHED, created_by_id=admin)
        version = StandardVersion(project=project, number=1, stage=Stage.APPROVAL, frozen_by_id=admin,
                                  frozen_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
        chapters = [Clause(version=version, key=new_key(rng), position=c, kind=ClauseKind.CHAPTER,
                           title=f"{c + 4} {name}") for c, name in enumerate(CHAPTER_TITLES)]
        session.add_all([project, version, *chapters])
        session.flush()
        std = Standard(0, industry)
        unit, sizes = (2, (1, 2, 2, 2)) if n % 2 else (10, (2, 3, 4, 5))  # standards of 100 and of 1000 points
        std.points = [unit * rng.choice(sizes) for _ in range(REQUIREMENTS)]
        while sum(std.points) != 500 * unit:  # nudged to the round total a standard states
            i, step = rng.randrange(REQUIREMENTS), unit if sum(std.points) < 500 * unit else -unit
            if 0 < std.points[i] + step <= 6 * unit:
                std.points[i] += step
        vetoes = set(rng.sample(range(REQUIREMENTS), 3))
        for i in range(REQUIREMENTS):
            c, veto, key = i * CHAPTERS // REQUIREMENTS, i in vetoes, new_key(rng)
            position = i - (c * REQUIREMENTS + CHAPTERS - 1) // CHAPTERS
            session.add(Clause(version_id=version.id, key=key, parent_id=chapters[c].id, position=position,
                               kind=ClauseKind.CLAUSE, body=f"企业应落实{CHAPTER_TITLES[c]}要求第{position + 1}项。",
                               is_requirement=True, points=Decimal(std.points[i]) / 10, veto=veto, waivable=not veto,
                               check_method="查阅记录，现场检查。"))
            nc = rng.uniform(0.05, 0.08) if veto else rng.uniform(0.05, 0.35)  # veto items: rarely missed
            std.keys.append(key)
            std.labels.append(f"{c + 4}.{position + 1} {CHAPTER_TITLES[c]}")
            std.veto.append(veto)
            std.odds.append((0.0 if veto else rng.uniform(0.0, 0.06), nc,
                             nc + (rng.uniform(0.01, 0.02) if veto else rng.uniform(0.03, 0.12))))
        publication = Publication(project_id=project.id, version_id=version.id, number=f"DB37/T {9000 + n}—2025",
                                  title=title, industry_code=industry, ics="13.100", ccs="C 65",
                                  issued_on=dt.date(2025, 4, 1), effective_on=dt.date(2025, 5, 1),
                                  docx_sha256=hashlib.sha256(title.encode()).hexdigest(), published_by_id=admin)
        session.add(publication)
        session.flush()
        std.publication_id = publication.id
        standards.append(std)
    return users, standards


def enterprises(load: Loader, rng: random.Random, count: int) -> list[tuple[int, str, str]]:
    """Enterprises in every county of the real tree, skewed (log-normal weights), most of them in
    its townships; ``(id, industry, path)`` of each."""
    counties, towns = [], {}
    for *place, level, parent in load.execute("SELECT code, name, path, full_name, level, parent_code FROM regions "
                                              "WHERE level IN ('county', 'township') ORDER BY code"):
        (counties if level == "county" else towns.setdefault(parent, [])).append(tuple(place))
    weights = [rng.lognormvariate(0, 0.9) for _ in counties]
    share = [max(1.0, count * w / sum(weights)) for w in weights]  # largest remainders, at least one each
    sizes = [int(s) for s in share]
    for i in sorted(range(len(share)), key=lambda i: sizes[i] - share[i])[:max(0, count - sum(sizes))]:
        sizes[i] += 1
    made, rows, stamp = [], [], load.stamp(START - dt.timedelta(days=400))
    for county, n in zip(counties, sizes, strict=True):
        inside = towns.get(county[0], [])
        for _ in range(n):
            number = len(made) + 1
            code, name, path, full_name = rng.choice(inside) if inside and rng.random() < 0.65 else county
            industry = rng.choices(list(INDUSTRY_WEIGHT), list(INDUSTRY_WEIGHT.values()))[0]
            size = rng.choices(("micro", "small", "medium", "large"), (40, 40, 15, 5))[0]
            rows.append((number, f"{name}{rng.choice(NAMES)}{rng.choice(NAMES)}{number}号有限公司",
                         demo_credit_code(county[0], number), code, path, industry,
                         f"{full_name}工业路{rng.randrange(1, 999)}号", rng.choice(PEOPLE), rng.choice(PEOPLE),
                         f"0533-{rng.randrange(1000000, 9999999)}",
                         {"micro": 8, "small": 60, "medium": 400, "large": 2000}[size] + rng.randrange(50), size,
                         int(rng.random() < 0.08), stamp, stamp, 1))
            made.append((number, industry, path))
    load.rows("enterprises", rows)
    return made


def assessments_and_answers(load: Loader, rng: random.Random, made: list[tuple[int, str, str]],
                            standards: list[Standard], users: dict[str, int], count: int) -> Counter[str]:
    """Verified assessments and every table that hangs on them, BATCH assessments at a time."""
    by_industry: dict[str, list[Standard]] = {}
    tails = {}  # per publication, item and result: the constant end of an answer's row
    for std in standards:
        by_industry.setdefault(std.industry, []).append(std)
        for i, key in enumerate(std.keys):
            for r, result in enumerate(RESULTS):
                earned, reason = (std.points[i], std.points[i] // 2, 0, 0)[r] / 10, "本企业无此项工艺或设备" * (r == 3)
                tails[std.publication_id, i, r] = (f"\t{key}\t{result}\t{earned}\t{reason}\t\t1\n" if load.pg
                                                   else (key, result, earned, reason, "", 1))
    totals: Counter[str] = Counter()
    chosen, admin, rnd = rng.sample(made, count), users["perf_admin"], rng.random
    for start in range(0, count, BATCH):
        batch: dict[str, list[Any]] = {table: [] for table in COLUMNS}
        answers = batch["answers"]
        for aid, (eid, industry, path) in enumerate(chosen[start:start + BATCH], start + 1):
            std = rng.choice(by_industry[industry])
            inverse = 1 / min(3.0, max(0.15, rng.lognormvariate(-0.18, 0.6)))  # how careless this enterprise is
            verified = START + dt.timedelta(seconds=rng.randrange(330 * 86400))
            submitted = verified - dt.timedelta(days=rng.randrange(1, 20))
            created = submitted - dt.timedelta(days=rng.randrange(5, 60))
            saved, first = load.stamp(submitted), totals["answers"] + 1
            earned = possible = 0
            gaps, vetoed = [], False
            for i, (na, nc, gap) in enumerate(std.odds):
                if na and rnd() < na:
                    r = 3
                else:
                    u = rnd() * inverse
                    r = 2 if u < nc else 1 if u < gap else 0
                std.counts[r][i] += 1
                tail = tails[std.publication_id, i, r]
                answers.append(f"{first + i}\t{aid}\t{saved}{tail}" if load.pg else (first + i, aid, saved, *tail))
                if r != 3:
                    possible += std.points[i]
                    earned += (std.points[i], std.points[i] // 2, 0)[r]
                    if r:
                        gaps.append(i)
                        vetoed = vetoed or std.veto[i]
            totals["answers"] += REQUIREMENTS
            exact = round_half_up(Decimal(100 * earned) / Decimal(possible))
            score, grade = float(exact), (scoring.Grade.FAIL if vetoed else scoring.Thresholds().grade(exact)).value
            ids = path.strip("/").split("/")
            batch["assessments"].append((
                aid, std.publication_id, eid, path, ids[1], ids[2], industry, 0, "verified", 1, 1, REQUIREMENTS,
                REQUIREMENTS, len(gaps), earned / 10, possible / 10, score, grade, int(vetoed),
                load.stamp(submitted), load.stamp(verified), admin, load.stamp(created), load.stamp(verified), 1))
            for i in rng.sample(gaps, min(FIXES, len(gaps))):
                totals["rectifications"] += 1
                deadline = verified.date() + dt.timedelta(days=rng.randrange(30, 180))
                state = rng.choices(("open", "done", "accepted"), (20, 20, 60) if deadline < TODAY else (55, 25, 20))[0]
                done = load.stamp(verified + dt.timedelta(days=rng.randrange(10, 40))) if state != "open" else None
                batch["rectifications"].append((
                    totals["rectifications"], aid, std.keys[i], std.labels[i], ids[2], path, "按要求整改并建立台账。",
                    rng.choice(PEOPLE), rng.randrange(0, 500) / 10, deadline.isoformat(), "落实临时管控措施。",
                    state, "已整改完毕。" if done else "", done, done if state == "accepted" else None,
                    load.stamp(verified), 1))
                if state == "open" and deadline < TODAY:  # the daily command has sent its overdue notice
                    totals["reminders_sent"] += 1
                    batch["reminders_sent"].append((totals["reminders_sent"], totals["rectifications"], "overdue",
                                                    deadline.isoformat(), load.stamp(dt.datetime.combine(
                                                        deadline, dt.time(1), dt.UTC))))
        for table, rows in batch.items():
            load.rows(table, rows)
    totals["assessments"] = count
    return totals


def check(engine: Engine, standards: list[Standard], totals: Counter[str]) -> None:
    """What recompute built equals what was drawn, and stored scores follow the scoring rule."""
    with Session(engine) as session:
        found = {(t.publication_id, t.clause_key): (t.conform, t.partial, t.nonconform, t.na)
                 for t in session.scalars(select(ClauseTally))}
        drawn = {(s.publication_id, key): tuple(s.counts[r][i] for r in range(4))
                 for s in standards for i, key in enumerate(s.keys) if any(s.counts[r][i] for r in range(4))}
        assert found == drawn, "the clause tallies differ from the answers drawn"
        assert session.scalar(select(func.sum(AssessmentTally.assessments))) == totals["assessments"]
        assert session.scalar(select(func.sum(RectificationTally.open + RectificationTally.done
                                              + RectificationTally.accepted))) == totals["rectifications"]
        for aid in (1, totals["assessments"] // 2, totals["assessments"]):
            assessment = session.get_one(Assessment, aid)
            clauses = session.scalars(select(Clause).join(Publication, Publication.version_id == Clause.version_id)
                                      .where(Publication.id == assessment.publication_id, Clause.is_requirement))
            items = [scoring.Item(c.key, str(c.parent_id), c.points or Decimal(0), c.veto) for c in clauses]
            card = scoring.score(items, {a.clause_key: scoring.Answer(scoring.Result(a.result)) for a in
                                         session.scalars(select(Answer).where(Answer.assessment_id == aid))})
            assert (card.score, card.grade, card.gaps) == (assessment.score, assessment.grade, assessment.gaps), aid
            assert sum(a.earned for a in assessment.answers) == assessment.earned == card.tally.earned, aid


def generate(database_url: str, scale: float = 1.0, seed: int = 37) -> dict[str, float]:
    """Empty and migrate the database, fill it, check it; each phase's seconds and rows are printed."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(phase: str, rows: str = "") -> None:
        nonlocal clock
        seconds[phase], clock = time.perf_counter() - clock, time.perf_counter()
        print(f"  {phase:<28} {seconds[phase]:7.1f} s  {rows}", flush=True)

    if database_url.startswith("sqlite") and (path := make_url(database_url).database):
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    url, engine = migrated_engine(database_url, tempfile.gettempdir())  # the URL is always given
    lap("migrate", url)
    rng = random.Random(seed)
    with use_seal(Session(engine), BENCH_SEAL) as session:
        users, standards = people_and_standards(session, rng)
        session.commit()
    lap("users and standards", f"{len(users)} users, {len(standards)} publications × {REQUIREMENTS} requirements")
    engine.dispose()  # the load's connection must be the only one (SQLite leaves WAL mode only then)
    load = Loader(engine)
    before = load.schema()
    pragmas = ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000", "foreign_keys = OFF")
    for statement in (["SET maintenance_work_mem = '1GB'", "SET synchronous_commit = off"] if load.pg
                      else [*(f"PRAGMA {p}" for p in pragmas), "BEGIN"]):
        load.execute(statement)
    restore = load.set_aside()
    made = enterprises(load, rng, round(ENTERPRISES * scale))
    lap("enterprises", f"{len(made):,}")
    totals = assessments_and_answers(load, rng, made, standards, users, round(ASSESSMENTS * scale))
    lap("assessments and answers", ", ".join(f"{k} {v:,}" for k, v in sorted(totals.items())))
    for sql in restore:
        load.execute(sql)
    lap("indexes and constraints", f"{len(restore)} restored")
    if load.pg:
        for table in COLUMNS:
            load.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        load.raw.commit()
    else:
        load.execute("COMMIT")
        assert not (broken := load.execute("PRAGMA foreign_key_check")), broken[:5]
        load.execute("PRAGMA foreign_keys = ON")
        load.execute("PRAGMA journal_mode = WAL")
        lap("foreign key check", "none broken")
    assert load.schema() == before, "the load changed the schema"
    load.raw.close()
    with use_seal(Session(engine), BENCH_SEAL) as session:
        stats.recompute(session)
        session.commit()
    lap("assessments.stats.recompute")
    if load.pg:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # what autovacuum does soon after any big load
        lap("vacuum analyze")
    check(engine, standards, totals)
    lap("checks", "tallies = answers drawn; sample scores = assessments.scoring")
    engine.dispose()
    seconds["total"] = sum(seconds.values())
    print(f"  {'total':<28} {seconds['total']:7.1f} s", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", default="", help="default: a new SQLite file under /tmp")
    parser.add_argument("--seed", type=int, default=37)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='perf-generate-')}/perf.db"
    print(f"generating at scale {args.scale} into {url}", flush=True)
    generate(url, args.scale, args.seed)


if __name__ == "__main__":
    main()
