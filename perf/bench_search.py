"""Chinese full-text search at 100,000 clauses: the product's Whoosh + jieba index beside SQLite
FTS5 (trigram) on the same corpus, in the same run.

    .venv/bin/python -m perf.bench_search [--clauses 100000] [--rounds 3] [--seed 7]

The corpus is generated (seeded): clauses of 1–3 sentences built from the vocabulary of
safety rules — who, where, which hazard, which measure — as in ``perf-notes.md`` §2. Queries:
50 two-word AND queries (mostly two-character words) and 20 quoted phrases of 4–8 characters,
each answered with its hit count and the top 20 (BM25F in Whoosh, ``ORDER BY rank`` in FTS5),
the two engines interleaved query by query, for ``--rounds`` rounds.

Whoosh is measured through the product's own code: documents written by
``search.indexer.write_all`` with ``search.schema``, queries parsed by ``search.query.parse``
and collected by ``search.query.collect`` (no permission filter, no highlights — FTS5 has
neither). FTS5 follows the recipe of the notes: ``content=`` the base table, trigram
tokenizer, and terms of two characters or fewer (which trigrams cannot match) as
``LIKE '%xx%'`` on the base table.

Prints build time, index size and p50/p95 per query kind, then, last, the worse of the two
p50 ratios: ``ratio=<whoosh p50 / fts5 p50> target=3.0``.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from search import indexer
from search.query import collect, parse, searcher_of
from search.store import IndexStore
from search.tokenizer import ensure_jieba

TOP = 20
TARGET = 3.0

WHO = ["企业", "作业人员", "安全管理人员", "班组长", "主要负责人", "岗位操作人员", "监护人", "承包商", "车间主任",
       "设备管理人员", "应急救援人员", "特种作业人员"]
WHERE = ["有限空间", "罐区", "装卸区", "配电室", "反应釜", "储罐", "管廊", "污水池", "粉尘车间", "危险化学品仓库",
         "锅炉房", "液氨站", "动火区域", "高处平台", "检修现场", "地下管道"]
AGENT = ["硫化氢", "一氧化碳", "氨气", "甲醇", "液氯", "可燃气体", "粉尘", "氮气", "苯", "天然气", "蒸汽", "酸液"]
HARM = ["中毒", "窒息", "火灾", "爆炸", "泄漏", "坍塌", "触电", "高处坠落", "灼烫", "机械伤害", "物体打击", "淹溺"]
MEASURE = ["通风", "检测", "隔离", "监护", "警示标志", "个体防护", "应急救援", "联锁保护", "定期巡检", "培训教育",
           "作业票证", "盲板抽堵", "气体检测", "静电接地", "防爆电器", "能量隔离"]
DEVICE = ["报警器", "呼吸器", "安全带", "防护面罩", "灭火器", "液位计", "压力表", "紧急切断阀", "视频监控", "洗眼器"]
WHEN = ["作业前", "作业中", "交接班时", "检修前", "每班", "每日", "每周", "节假日前", "开车前", "停车后"]
TEMPLATES = [
    "{who}{when}应对{where}进行{measure}，防止{harm}风险。",
    "进入{where}作业前，应先{measure}、再检测{agent}浓度，严禁在{agent}超标时作业。",
    "{where}应设置{device}和{measure}设施，{who}应掌握{harm}事故的应急处置方法。",
    "{who}应{when}检查{device}是否完好，发现{agent}{harm}隐患应立即报告。",
    "涉及{agent}的{where}应落实{measure}措施，{device}应定期校验，确保有效。",
    "发生{agent}{harm}时，{who}应立即启动应急预案，佩戴{device}实施救援，禁止盲目施救。",
    "{where}{harm}风险等级为重大风险的，应由{who}组织制定{measure}方案并监督落实。",
    "{who}应接受{measure}培训，熟悉{where}{agent}的危险特性和{harm}防范措施。",
]
# Phrases of 4–8 characters that the templates produce (a few never do: they must find nothing).
PHRASES = ["中毒风险", "有限空间作业", "应急预案", "定期校验", "禁止盲目施救", "立即报告", "危险特性", "防范措施",
           "重大风险", "监督落实", "作业票证", "窒息风险", "检测硫化氢浓度", "佩戴呼吸器", "能量隔离措施",
           "爆炸事故的应急处置", "粉尘车间作业", "液氨站进行", "确保有效", "立即启动应急预案"]


def corpus(count: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    vocabulary = {"who": WHO, "where": WHERE, "agent": AGENT, "harm": HARM, "measure": MEASURE,
                  "device": DEVICE, "when": WHEN}
    for _ in range(count):
        yield "".join(rng.choice(TEMPLATES).format(**{k: rng.choice(v) for k, v in vocabulary.items()})
                      for _ in range(rng.randint(1, 3)))


def two_word_queries(seed: int, count: int = 50) -> list[tuple[str, str]]:
    """Pairs of words from the vocabulary, most of them two characters long (as people type them)."""
    rng = random.Random(seed + 1)
    short = [w for w in (*HARM, *MEASURE, *AGENT, *WHERE) if len(w) == 2]
    long = [w for w in (*HARM, *MEASURE, *AGENT, *WHERE, *DEVICE) if len(w) > 2]
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        first, second = (rng.choice(short if rng.random() < 0.85 else long) for _ in range(2))
        if first != second:
            pairs.append((first, second))
    return pairs


@dataclass
class Timings:
    whoosh: dict[str, list[float]]
    fts5: dict[str, list[float]]
    hits: dict[str, list[tuple[int, int]]]


def build_whoosh(folder: Path, texts: list[str]) -> tuple[IndexStore, float]:
    store = IndexStore(folder / "whoosh")
    documents = ({"id": f"clause:{n}", "type": "clause", "kind": "standard", "title": "", "body": text,
                  "target": n, "public": "1"} for n, text in enumerate(texts, 1))
    start = time.perf_counter()
    indexer.write_all(store, documents, batch=len(texts) + 1)  # one commit, as a rebuild of this size would
    return store, time.perf_counter() - start


def build_fts5(folder: Path, texts: list[str]) -> tuple[sqlite3.Connection, float]:
    connection = sqlite3.connect(folder / "fts5.db")
    start = time.perf_counter()
    connection.execute("CREATE TABLE clauses (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    connection.execute("CREATE VIRTUAL TABLE fts USING fts5(text, content='clauses', content_rowid='id', "
                       "tokenize='trigram')")
    connection.executemany("INSERT INTO clauses (id, text) VALUES (?, ?)", enumerate(texts, 1))
    connection.execute("INSERT INTO fts (fts) VALUES ('rebuild')")
    connection.commit()
    return connection, time.perf_counter() - start


def fts5_answer(connection: sqlite3.Connection, terms: list[str]) -> tuple[int, list[int]]:
    """Hit count and top 20; trigram MATCH for terms of 3+ characters, LIKE for the shorter ones."""
    matched = [t for t in terms if len(t) >= 3]
    liked = [t for t in terms if len(t) < 3]
    where = " AND ".join(["c.text LIKE ?"] * len(liked))
    likes = [f"%{t}%" for t in liked]
    if matched:
        match = " AND ".join(f'"{t}"' for t in matched)
        base = "FROM fts JOIN clauses c ON c.id = fts.rowid WHERE fts MATCH ?" + (f" AND {where}" if where else "")
        count = connection.execute(f"SELECT count(*) {base}", [match, *likes]).fetchone()[0]
        top = connection.execute(f"SELECT c.id {base} ORDER BY rank LIMIT {TOP}", [match, *likes]).fetchall()
    else:
        count = connection.execute(f"SELECT count(*) FROM clauses c WHERE {where}", likes).fetchone()[0]
        top = connection.execute(f"SELECT c.id FROM clauses c WHERE {where} LIMIT {TOP}", likes).fetchall()
    return count, [row[0] for row in top]


def whoosh_answer(searcher: object, text: str) -> tuple[int, list[int]]:
    results = collect(searcher, parse(text), None, TOP)  # type: ignore[arg-type]
    return len(results), [hit["target"] for hit in results]


def timed(fn: Callable[[], tuple[int, list[int]]]) -> tuple[float, int]:
    start = time.perf_counter()
    count, _ = fn()
    return (time.perf_counter() - start) * 1000, count


def measure(store: IndexStore, connection: sqlite3.Connection, queries: dict[str, list[tuple[str, list[str]]]],
            rounds: int) -> Timings:
    timings = Timings({k: [] for k in queries}, {k: [] for k in queries}, {k: [] for k in queries})
    with searcher_of(store.open()) as searcher:
        for items in queries.values():  # warm-up: one pass of each, not counted
            for text, terms in items:
                whoosh_answer(searcher, text), fts5_answer(connection, terms)
        for round_ in range(rounds):
            for kind, items in queries.items():
                for text, terms in items:
                    order = [("whoosh", lambda t=text: whoosh_answer(searcher, t)),
                             ("fts5", lambda t=terms: fts5_answer(connection, t))]
                    if round_ % 2:
                        order.reverse()
                    counts = {}
                    for engine, answer in order:
                        ms, counts[engine] = timed(answer)
                        getattr(timings, engine)[kind].append(ms)
                    if round_ == 0:
                        timings.hits[kind].append((counts["whoosh"], counts["fts5"]))
    return timings


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def folder_size(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    texts = list(corpus(args.clauses, args.seed))
    print(f"corpus: {len(texts):,} clauses, {sum(map(len, texts)) / 1e6:.2f} M characters")
    ensure_jieba()  # loaded once per process in the product too; its 1–2 s are not the index's
    queries = {"two-word": [(f"{a} {b}", [a, b]) for a, b in two_word_queries(args.seed)],
               "phrase": [(f'"{phrase}"', [phrase]) for phrase in PHRASES]}
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        folder = Path(tmp)
        store, whoosh_build = build_whoosh(folder, texts)
        connection, fts5_build = build_fts5(folder, texts)
        print(f"build, s:      whoosh {whoosh_build:8.1f}   fts5 {fts5_build:6.2f}   "
              f"ratio {whoosh_build / fts5_build:.1f}")
        whoosh_mb, fts5_mb = folder_size(store.path), (folder / "fts5.db").stat().st_size / 1024 / 1024
        print(f"size, MB:      whoosh {whoosh_mb:8.1f}   fts5 {fts5_mb:6.1f} (text included)")
        timings = measure(store, connection, queries, args.rounds)
        connection.close()
    ratios = []
    for kind in queries:
        w, f = timings.whoosh[kind], timings.fts5[kind]
        ratios.append(statistics.median(w) / statistics.median(f))
        hits = timings.hits[kind]
        print(f"{kind:9} ms:  whoosh p50 {p(w, .5):7.1f} p95 {p(w, .95):7.1f}   "
              f"fts5 p50 {p(f, .5):7.1f} p95 {p(f, .95):7.1f}   p50 ratio {ratios[-1]:.2f}   "
              f"median hits whoosh {statistics.median(h[0] for h in hits):,.0f} / fts5 "
              f"{statistics.median(h[1] for h in hits):,.0f}")
    print(f"ratio={max(ratios):.2f} target={TARGET}")


if __name__ == "__main__":
    main()
