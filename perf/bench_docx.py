"""How fast a 1,000-clause standard becomes a GB/T 1.1-2020 DOCX, beside pandoc.

    .venv/bin/python -m perf.bench_docx [--repeat 5] [--keep DIR]

The standard is ``perf.bench_standards.build_standard``'s: 10 chapters four levels deep
(4.2.1.1), list items and notes under the deepest clauses, and 10 informative annexes
each holding a 100-row table — 1,000 clauses — in a scratch SQLite database.

Timed, median of ``--repeat`` runs with min–max:

- ours: ``exports.standard_docx.render_standard`` on the loaded version (the clause
  tree in memory, as the publication job has it), after one warm-up render that also
  builds the style template once per process; its peak memory is measured on a
  separate run with ``tracemalloc`` (Python objects) and as the growth of this
  process's peak RSS (which also counts lxml's C allocations);
- pandoc: the same content written as Markdown (headings with their numbers, lists,
  notes, pipe tables) and converted with ``pandoc -f markdown -t docx``, each run a
  fresh process whose peak RSS is read from ``wait4``. pandoc is installed from Debian
  when absent (``apt-get install pandoc``, through sudo when not root).

The issue's target: not slower than pandoc. The last line reads
``ratio=<ours/pandoc> target=1.0``.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

import benchmarks.models  # noqa: F401
import core.models  # noqa: F401
from core.audit import use_seal
from exports.standard_docx import Imprint, render_standard
from exports.standard_docx.markdown import pipe_rows
from perf.bench_standards import build_standard
from perf.benchdb import BENCH_SEAL, migrated_engine
from standards.models import ClauseKind, StandardProject, StandardVersion
from standards.numbering import number_tree
from standards.versions import working_draft

K = ClauseKind
IMPRINT = Imprint(number="DB37/T 9999—2026", ics="13.100", ccs="C 65")


def ensure_pandoc() -> str:
    """The pandoc binary, installed from Debian first if it is not there."""
    found = shutil.which("pandoc")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("pandoc not found: installing it from Debian …", flush=True)
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "pandoc"], check=True,
                   env=env)
    found = shutil.which("pandoc")
    if not found:
        raise SystemExit("pandoc could not be installed")
    return found


def as_markdown(version: StandardVersion) -> str:
    """The same content as Markdown for pandoc: numbered headings, lists, notes, tables."""
    project = version.project
    out = [f"% {project.title}", "", "# 前言", "", "本文件按照GB/T 1.1—2020的规定起草。", ""]
    for entry in number_tree(version.clauses):
        clause, number = entry.clause, entry.number
        body = clause.body.strip()
        if clause.kind in (K.CHAPTER, K.CLAUSE) and clause.title:
            out += [f"{'#' * min(entry.depth + 1, 6)} {number} {clause.title}", ""]
            out += [body, ""] if body else []
        elif clause.kind == K.CLAUSE:
            out += [f"**{number}** {body}", ""]
        elif clause.kind == K.ANNEX:
            label = clause.annex_type.label if clause.annex_type else ""
            out += [f"# {number}（{label}）{clause.title}", ""]
        elif clause.kind == K.LIST_ITEM:
            out += [f"- {number} {body}", ""]
        elif clause.kind in (K.NOTE, K.EXAMPLE):
            out += [f"{number}{body}", ""]
        elif clause.kind == K.TABLE:
            out += [f"**{number}　{clause.title}**", "", body, ""]
        elif clause.kind == K.TERM:
            out += [f"**{number}**", "", f"**{clause.title}**", "", body, ""]
        else:
            out += [body, ""]
    return "\n".join(out)


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass
class Ours:
    times: list[float]
    first: float  # the first call, which also builds the style template
    python_peak: int  # bytes, tracemalloc
    rss_growth_kb: int
    rss_kb: int
    size: int


@dataclass
class Pandoc:
    times: list[float]
    rss_kb: int
    size: int


def measure_ours(version: StandardVersion, repeat: int) -> Ours:
    """Time and memory of ``render_standard``; garbage is collected between runs (outside the
    timing) so one render's python-docx objects — which hold reference cycles — are not
    counted in the next one's memory."""
    gc.collect()
    rss_before = peak_rss_kb()
    first_start = time.perf_counter()
    data = render_standard(version, IMPRINT)  # warm-up: the style template is built once per process
    first = time.perf_counter() - first_start
    times = []
    for _ in range(repeat):
        del data
        gc.collect()
        start = time.perf_counter()
        data = render_standard(version, IMPRINT)
        times.append(time.perf_counter() - start)
    rss_growth = peak_rss_kb() - rss_before
    gc.collect()
    tracemalloc.start()
    render_standard(version, IMPRINT)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Ours(times, first, peak, rss_growth, peak_rss_kb(), len(data))


def measure_pandoc(pandoc: str, source: Path, target: Path, repeat: int) -> Pandoc:
    times, peaks = [], []
    for _ in range(repeat + 1):  # the first run warms the disk cache and is not counted
        start = time.perf_counter()
        process = subprocess.Popen([pandoc, "-f", "markdown", "-t", "docx", "-o", str(target), str(source)])
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"pandoc failed with {process.returncode}")
        times.append(elapsed)
        peaks.append(usage.ru_maxrss)
    return Pandoc(times[1:], max(peaks), target.stat().st_size)


def spread(values: list[float]) -> str:
    return (f"{statistics.median(values) * 1000:8.1f} ms  ({min(values) * 1000:.1f}–{max(values) * 1000:.1f})")


def counts(version: StandardVersion) -> tuple[int, int, int]:
    tables = [c for c in version.clauses if c.kind == K.TABLE]
    rows = sum(len(pipe_rows(t.body) or [[]]) - 1 for t in tables)
    return len(version.clauses), len(tables), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", default="", help="a folder to keep ours.docx, pandoc.md and pandoc.docx in")
    args = parser.parse_args()
    pandoc = ensure_pandoc()
    version_line = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        _, engine = migrated_engine("", tmp)
        with use_seal(Session(engine), BENCH_SEAL) as session:
            standard = build_standard(session)
            session.commit()
        with Session(engine) as session:
            project = session.get_one(StandardProject, standard.project_id)
            project.proposer, project.responsible_body = "山东省应急管理厅", "山东安全生产标准化技术委员会"
            project.drafting_units, project.drafters = "山东省安全生产标准化技术委员会", "基准编写人"
            version = working_draft(session, project)
            clauses, tables, rows = counts(version)  # loads the tree, as the publication job has it
            ours = measure_ours(version, args.repeat)
            (folder / "ours.docx").write_bytes(render_standard(version, IMPRINT))
            source = folder / "pandoc.md"
            source.write_text(as_markdown(version), encoding="utf-8")
            theirs = measure_pandoc(pandoc, source, folder / "pandoc.docx", args.repeat)
            session.rollback()
        engine.dispose()
    ours_median, pandoc_median = statistics.median(ours.times), statistics.median(theirs.times)
    print(f"standard of {clauses} clauses (10 chapters to depth 4, {tables} annex tables, {rows} rows in all); "
          f"median of {args.repeat} (min–max)")
    print(f"  ours   render_standard          {spread(ours.times)}  first call {ours.first * 1000:.0f} ms "
          f"(builds the style template), {ours.size / 1024:.0f} KiB")
    print(f"         peak memory: Python objects {ours.python_peak / 2**20:.1f} MiB (tracemalloc); rendering raised "
          f"the process's peak RSS by {ours.rss_growth_kb / 1024:.1f} MiB, to {ours.rss_kb / 1024:.1f} MiB "
          "(the whole process: interpreter, SQLAlchemy, the loaded tree)")
    print(f"  pandoc {version_line:<24} {spread(theirs.times)}  peak RSS {theirs.rss_kb / 1024:.1f} MiB, "
          f"{theirs.size / 1024:.0f} KiB")
    print(f"ratio={ours_median / pandoc_median:.2f} target=1.0")


if __name__ == "__main__":
    main()
