"""The regulator's dashboards at 1 % and 100 % of a province: do they cost the same?

    .venv/bin/python -m perf.bench_dashboard [--database-url URL] [--rounds 15] [--reuse] [--keep] [--large 1.0]

One run generates the dataset of ``perf.generate`` twice — at scale 0.01 and at 1.0 (200,000
enterprises, 100,000 verified assessments, 30 M answers) — into two databases: for a
PostgreSQL URL ``<db>_1pct`` and ``<db>_100pct`` (created if missing, their schema emptied),
for SQLite two files (beside the one named and kept, else in /tmp/bench-dashboard, deleted after
unless ``--keep``). ``--reuse`` skips generating a database that already holds its scale's
dataset; ``--large 0.1`` makes the larger one smaller, for a quick try.

Then, through the Flask test client of an app on each database, signed in as the bureau of
the region shown, it times GET of the province (山东省), city (淄博市) and county (张店区)
dashboards, the same three for one standard (the one most assessed), and that standard's
most-failed clauses: one warm-up each, then ``--rounds`` rounds with the two scales
interleaved, median per view, beside the part of it spent in ``cursor.execute`` (engine events;
on SQLite that runs a query to its first row only), so what grows with the data shows whether it
is a query or the page. Every response must be 200. The load average is printed: the machine's
other work moves these figures more than anything measured here.

The issue's target: the dashboards read aggregates only, so 100 % costs at most 1.3× the 1 %
time. Last line: ``ratio=<Σ 100 % medians / Σ 1 % medians> target=1.3``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.db import make_engine
from core.people import User
from perf.benchdb import BENCH_SEAL
from perf.generate import ASSESSMENTS, generate

TARGET = 1.3
MIN_FREE_GB = 20  # a 100 % database takes about 5 GB on SQLite, 8 GB on PostgreSQL (WAL aside)
# (label, path — {pub} is the publication —, who looks: the bureau of that region)
VIEWS = [
    ("province dashboard 370000", "/assessments/dashboard?region=370000", "perf_sheng"),
    ("city dashboard 370300", "/assessments/dashboard?region=370300", "perf_zibo"),
    ("county dashboard 370303", "/assessments/dashboard?region=370303", "perf_zhangdian"),
    ("province, one standard", "/assessments/dashboard?region=370000&publication={pub}", "perf_sheng"),
    ("city, one standard", "/assessments/dashboard?region=370300&publication={pub}", "perf_zibo"),
    ("county, one standard", "/assessments/dashboard?region=370303&publication={pub}", "perf_zhangdian"),
    ("most-failed clauses", "/assessments/most-failed/{pub}", "perf_sheng"),
]


@dataclass
class Target:
    """One scale's database and the signed-in clients that read it."""

    label: str
    url: str
    app: Flask | None = None
    clients: dict[str, FlaskClient] | None = None
    sql: list[float] = field(default_factory=list)  # seconds in the database, statement by statement

    def open(self, folder: Path) -> None:
        """Build the app, sign its users in, and clock every statement its engine runs."""
        from app.database import database

        self.app = make_app(self.url, folder)
        self.clients = sign_in_all(self.app)
        with self.app.app_context():
            engine = database().engine

        @event.listens_for(engine, "before_cursor_execute")
        def _start(conn: Any, *_: Any) -> None:
            conn.info["bench_start"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _stop(conn: Any, *_: Any) -> None:
            self.sql.append(time.perf_counter() - conn.info.pop("bench_start"))


def database_urls(database_url: str, folder: Path, scales: dict[str, float]) -> dict[str, str]:
    """A database per scale, named after the one given (or scratch SQLite files)."""
    url = make_url(database_url or f"sqlite:///{folder}/dashboard.db")
    tags = {label: f"{label.split()[0].replace('.', '_')}pct" for label in scales}
    if url.get_backend_name() == "sqlite":
        stem = Path(url.database or f"{folder}/dashboard.db")
        return {label: url.set(database=str(stem.with_name(f"{stem.stem}_{tag}{stem.suffix}")))
                .render_as_string(hide_password=False) for label, tag in tags.items()}
    return {label: url.set(database=f"{url.database}_{tag}").render_as_string(hide_password=False)
            for label, tag in tags.items()}


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database ``url`` names if it is missing (SQLite makes its own)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    server = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                         isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    server.dispose()


def holds_dataset(url: str, scale: float) -> bool:
    """Whether ``url`` already holds the dataset of ``scale`` (for ``--reuse``)."""
    ensure_database(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            from assessments.models import AssessmentTally

            return session.scalar(select(func.sum(AssessmentTally.assessments))) == round(ASSESSMENTS * scale)
    except Exception:  # no such file, no tables yet: it needs generating
        return False
    finally:
        engine.dispose()


def free_gb(url: str, folder: Path) -> float:
    path = Path(make_url(url).database or folder).parent if url.startswith("sqlite") else Path("/var/lib")
    return shutil.disk_usage(path if path.exists() else folder).free / 2**30


def make_app(url: str, folder: Path) -> Flask:
    from app import create_app

    return create_app({
        "TESTING": True, "SECRET_KEY": "benchmark-secret", "AUDIT_KEY": BENCH_SEAL.key.decode(),
        "AUDIT_CHECKPOINTS": "", "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://",
        "DATABASE_URL": url, "UPLOAD_DIR": str(folder / "uploads"), "WTF_CSRF_ENABLED": False,
        "JOBS_IMMEDIATE": True, "SEARCH_INDEXING": False, "SEARCH_INDEX_DIR": str(folder / "search-index"),
    })


def sign_in_all(app: Flask) -> dict[str, FlaskClient]:
    """A client per user of VIEWS, signed in the way the tests do it (no password check)."""
    from app.database import db
    from tests.factories import sign_in

    clients = {}
    with app.app_context():
        for username in {who for _, _, who in VIEWS}:
            user = db().scalars(select(User).where(User.username == username)).one()
            clients[username] = sign_in(app, app.test_client(), user)
    return clients


def most_assessed(url: str) -> int:
    """The publication with the most assessments: its most-failed list has the most behind it."""
    from assessments.models import AssessmentTally

    engine = make_engine(url)
    with Session(engine) as session:
        found = session.execute(select(AssessmentTally.publication_id).group_by(AssessmentTally.publication_id)
                                .order_by(func.sum(AssessmentTally.assessments).desc(),
                                          AssessmentTally.publication_id).limit(1)).scalar_one()
    engine.dispose()
    return found


def get(target: Target, path: str, who: str) -> tuple[float, float, int]:
    """Seconds in all and in SQL, and bytes, of one GET; anything but 200 stops the benchmark."""
    assert target.clients is not None
    target.sql.clear()
    start = time.perf_counter()
    response = target.clients[who].get(path)
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"GET {path} as {who} on the {target.label} database answered {response.status_code}")
    return seconds, sum(target.sql), len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds its dataset")
    parser.add_argument("--keep", action="store_true", help="leave /tmp/bench-dashboard behind")
    parser.add_argument("--large", type=float, default=1.0, help="scale of the larger dataset")
    args = parser.parse_args()
    scales = {"1 %": 0.01, f"{args.large * 100:g} %": args.large}
    folder = Path(tempfile.gettempdir()) / "bench-dashboard"  # the SQLite files, unless --database-url names them
    folder.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-dashboard-apps-"))  # the apps' uploads and search index
    urls = database_urls(args.database_url, folder, scales)
    targets = [Target(label, url) for label, url in urls.items()]
    backend = make_url(targets[0].url).get_backend_name()
    generation: dict[str, str] = {}
    for target in targets:
        scale = scales[target.label]
        if args.reuse and holds_dataset(target.url, scale):
            print(f"{target.label}: reusing {target.url}", flush=True)
            generation[target.label] = "reused"
            continue
        if scale > 0.1 and (free := free_gb(target.url, folder)) < MIN_FREE_GB:
            raise SystemExit(f"only {free:.0f} GB free; the 100 % database needs about 10 GB with its load")
        print(f"{target.label}: generating at scale {scale} into {target.url}", flush=True)
        ensure_database(target.url)
        generation[target.label] = f"{generate(target.url, scale)['total']:.0f} s"
    pub = most_assessed(targets[-1].url)
    views = [(label, path.format(pub=pub), who) for label, path, who in VIEWS]
    for target in targets:
        target.open(scratch / target.label.split()[0])
    times: dict[tuple[str, str], list[tuple[float, float]]] = {(v, t.label): [] for v, _, _ in views for t in targets}
    sizes: dict[tuple[str, str], int] = {}
    for target in targets:  # warm-up: templates compiled, connections opened, caches filled
        for label, path, who in views:
            sizes[label, target.label] = get(target, path, who)[2]
    load = os.getloadavg()[0]
    for round_number in range(args.rounds):
        for label, path, who in views:
            for target in targets if round_number % 2 == 0 else targets[::-1]:
                times[label, target.label].append(get(target, path, who)[:2])
    small, large = (t.label for t in targets)
    print(f"\ndashboards on {backend}, publication {pub}, median of {args.rounds} rounds after 1 warm-up, ms "
          f"(SQL: in cursor.execute); generation took {generation[small]} ({small}), {generation[large]} ({large}); "
          f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"  {'view':<26} {small:>8} {large:>8} {'ratio':>6}   {'SQL ' + small:>9} {'SQL ' + large:>10}   "
          f"{'KB':>5} {'KB':>6}   {large} min–max")
    sums = dict.fromkeys((small, large), 0.0)
    for label, _, _ in views:
        whole = {t: statistics.median(s for s, _ in times[label, t]) for t in (small, large)}
        sql = {t: statistics.median(q for _, q in times[label, t]) for t in (small, large)}
        sums[small], sums[large] = sums[small] + whole[small], sums[large] + whole[large]
        spread = [s for s, _ in times[label, large]]
        ratio = whole[large] / whole[small]
        print(f"  {label:<26} {whole[small] * 1000:8.1f} {whole[large] * 1000:8.1f} {ratio:6.2f}   "
              f"{sql[small] * 1000:9.1f} {sql[large] * 1000:10.1f}   "
              f"{sizes[label, small] / 1024:5.1f} {sizes[label, large] / 1024:6.1f}   "
              f"{min(spread) * 1000:.1f}–{max(spread) * 1000:.1f}")
    print(f"  {'sum':<26} {sums[small] * 1000:8.1f} {sums[large] * 1000:8.1f}")
    shutil.rmtree(scratch, ignore_errors=True)
    if not args.keep and backend == "sqlite" and not args.database_url:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"ratio={sums[large] / sums[small]:.2f} target={TARGET}")


if __name__ == "__main__":
    main()
