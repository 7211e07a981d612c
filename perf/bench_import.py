"""How long a 5,000-row enterprise import takes, phase by phase, on a fresh database.

    .venv/bin/python -m perf.bench_import [--rows 5000] [--repeat 3] [--database-url URL]

Without ``--database-url`` it uses a temporary SQLite file. Phases: building the XLSX
(the user's side, shown for scale), reading it, validating + inserting + auditing in one
transaction, and verifying the audit chain afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

import benchmarks.models  # noqa: F401
import core.models  # noqa: F401
from app.demo import demo_credit_code
from core.audit import use_seal
from core.audit_verify import verify_chain
from core.db import make_engine
from core.enterprise_import import import_enterprises
from core.people import Role, User, UserRole
from exports.enterprise_register import read_import_rows
from perf.benchdb import BENCH_SEAL, migrated_engine
from tests.xlsx import row, workbook


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_once(url: str, rows: int, offset: int) -> dict[str, float]:
    engine = make_engine(url)
    figures: dict[str, float] = {}
    sheet = [row(f"基准企业{offset + i:06d}有限公司", demo_credit_code("370303", offset + i),
                 region="淄博市张店区") for i in range(rows)]
    figures["build xlsx"], data = timed(lambda: workbook(sheet))
    figures["read xlsx"], parsed = timed(lambda: read_import_rows(data))
    with use_seal(Session(engine), BENCH_SEAL) as session:
        actor = User(username=f"bench{offset}", display_name="基准", password_hash="x", region_code="370300",
                     role_rows=[UserRole(role=Role.BUREAU.value)])
        session.add(actor)
        session.flush()
        figures["validate+insert+audit"], created = timed(lambda: import_enterprises(session, actor, parsed))
        figures["commit"], _ = timed(session.commit)
        assert len(created.created) == rows
        figures["verify audit chain"], report = timed(lambda: verify_chain(session))
        assert report.ok
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, engine = migrated_engine(args.database_url, tmp)
        engine.dispose()
        runs = [run_once(url, args.rows, 100_000 * (i + 1)) for i in range(args.repeat)]
    print(f"enterprise import, {args.rows} rows, {args.repeat} runs on {url.split(':')[0]} "
          f"(median, min–max seconds; each run imports into a database holding the earlier runs)")
    for phase in runs[0]:
        values = [r[phase] for r in runs]
        print(f"  {phase:<24} {statistics.median(values):6.2f}  ({min(values):.2f}–{max(values):.2f})")
    total = [r["read xlsx"] + r["validate+insert+audit"] + r["commit"] for r in runs]
    print(f"  {'upload → committed':<24} {statistics.median(total):6.2f}  ({min(total):.2f}–{max(total):.2f})")


if __name__ == "__main__":
    main()
