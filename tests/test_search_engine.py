"""The search engine on its own (no database): Chinese words, phrases, hostile queries,
safe snippets, two writers at once, and a damaged index."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from whoosh.query import Term

from search.query import MAX_QUERY, Criteria, run
from search.schema import INDEX_FORMAT
from search.store import FORMAT, IndexStore, IndexUnavailable
from search.tokenizer import chinese_analyzer, words

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 6, 1)
EVERYONE = Term("public", "1")
LONG_TEXT = "作业人员进入有限空间前，应先通风、再检测、后作业，检测硫化氢浓度，防止中毒风险扩大并设专人监护。"
APART = "中毒事故发生后，应评估周边风险并及时疏散。"


def document(number: int, body: str, title: str = "条款") -> dict[str, object]:
    return {"id": f"clause:{number}", "type": "clause", "kind": "standard", "title": title, "body": body,
            "target": number, "public": "1"}


def build(store: IndexStore, *documents: dict[str, object]) -> None:
    with store.rebuilding() as ix:
        writer = store.batch_writer(ix)
        for d in documents:
            writer.add_document(**d)
        writer.commit()


def search(store: IndexStore, text: str, **criteria: object):
    return run(store, Criteria(text, **criteria), EVERYONE, TODAY)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> IndexStore:
    built = IndexStore(tmp_path / "index", write_timeout=30)
    build(built, document(1, LONG_TEXT), document(2, APART), document(3, "罐区<script>alert(1)</script>防火", "罐区"))
    return built


def test_the_tokenizer_numbers_words_one_after_another():
    tokens = [(t.text, t.pos, t.startchar, t.endchar)  # Whoosh reuses one Token: read it as it passes
              for t in chinese_analyzer()("防止中毒风险扩大。", positions=True, chars=True)]
    assert tokens == [("防止", 0, 0, 2), ("中毒", 1, 2, 4), ("风险", 2, 4, 6), ("扩大", 3, 6, 8)]  # "。" is no word


def test_the_index_lowercases_latin_words():
    assert words("DB37/T 4085—2020") == ["db37", "t", "4085", "2020"]


def test_a_quoted_phrase_jieba_splits_is_found_inside_longer_text(store):
    assert words("中毒风险") == ["中毒", "风险"]  # two words, so only sequential positions make the phrase match
    found = search(store, '"中毒风险"')
    assert [h.target for h in found.hits] == [1]  # not the clause where the two words stand apart
    assert "<mark>" in found.hits[0].snippet_html and "中毒" in found.hits[0].snippet_html


def test_a_phrase_may_begin_inside_a_word_jieba_found():
    assert words("发现隐患应立即报告") == ["发现", "隐患", "应立即", "报告"]  # 立即 is inside 应立即


def test_a_phrase_beginning_inside_a_word_is_found(tmp_path):
    store = IndexStore(tmp_path / "index")
    build(store, document(1, "发现隐患应立即报告。"), document(2, "立即处置，事后报告。"))
    assert [h.target for h in search(store, '"立即报告"').hits] == [1]


def test_a_longer_phrase_needs_its_words_in_order_and_together(tmp_path):
    store = IndexStore(tmp_path / "index")
    build(store, document(1, "进入有限空间作业前应通风。"), document(2, "有限空间内禁止动火，作业前应通风。"),
          document(3, "作业前检查有限空间。"))
    assert [h.target for h in search(store, '"有限空间作业前"').hits] == [1]
    assert sorted(h.target for h in search(store, "有限空间 作业").hits) == [1, 2, 3]


def test_chinese_quotation_marks_make_a_phrase_too(store):
    assert [h.target for h in search(store, "“中毒风险”").hits] == [1]


def test_words_without_quotes_must_all_occur_anywhere(store):
    assert sorted(h.target for h in search(store, "中毒 风险").hits) == [1, 2]
    assert [h.target for h in search(store, "中毒 NOT 通风").hits] == [2]


@pytest.mark.parametrize("hostile", [
    '"中毒风险', 'AND NOT', "NOT", "OR OR AND", "((((", "))", "*", "public:1", "body:中毒", "中毒^99",
    "[a TO z]", "\x00中毒", "中毒" * 50_000, "'", "\\", "\u202e中毒",
])
def test_a_hostile_query_is_an_answer_not_an_error(store, hostile):
    found = search(store, hostile)
    assert found.total >= 0
    assert all(h.target in (1, 2, 3) for h in found.hits)


def test_field_names_in_a_query_cannot_reach_past_the_text(store):
    assert search(store, "public:1").total == 0  # read as the words "public" and "1", in no document


def test_a_long_query_is_cut_to_the_limit():
    assert Criteria("风" * (MAX_QUERY + 1)).truncated
    assert not Criteria("风" * MAX_QUERY).truncated


def test_snippets_escape_the_record_text_and_mark_only_the_matches(store):
    hit = search(store, "防火").hits[0]
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "<mark>防火</mark>" in hit.snippet_html
    assert search(store, "罐区").hits[0].title_html == "<mark>罐区</mark>"


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from search.store import IndexStore
    store = IndexStore(Path(sys.argv[1]), write_timeout=60)
    for n in range(15):
        with store.writer() as w:
            w.update_document(id=f"{sys.argv[2]}:{n}", type="clause", kind="standard", title="并发写入",
                              body=f"第{n}条 有限空间作业中毒风险", target=n, public="1")
""")


def test_two_processes_writing_at_once_both_land(tmp_path):
    store = IndexStore(tmp_path / "index")
    build(store)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(store.path), name], cwd=ROOT)
               for name in ("a", "b")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with store.open().searcher() as searcher:
        assert searcher.doc_count() == 30


@pytest.mark.parametrize("damaged", ["*.seg", "_MAIN_*.toc"])
def test_a_damaged_index_says_so_and_a_rebuild_mends_it(store, damaged):
    for name in store.path.glob(damaged):
        name.write_bytes(b"\0garbage" * 10)
    with pytest.raises(IndexUnavailable):
        search(store, "中毒")
    build(store, document(1, LONG_TEXT))
    assert search(store, "中毒").total == 1


@pytest.mark.parametrize("written", [None, "1"])
def test_an_index_of_an_older_format_is_not_read_but_rebuilt(store, written):
    """An upgrade that changes the analysis must not leave an index that silently matches nothing."""
    marker = store.path / FORMAT
    marker.unlink() if written is None else marker.write_text(written)
    with pytest.raises(IndexUnavailable, match="format"):
        search(store, "中毒")
    build(store, document(1, LONG_TEXT))
    assert marker.read_text().strip() == INDEX_FORMAT and search(store, "中毒").total == 1


def test_a_missing_index_says_so(tmp_path):
    with pytest.raises(IndexUnavailable):
        search(IndexStore(tmp_path / "nowhere"), "中毒")


def test_a_failed_rebuild_leaves_no_half_index(store):
    with pytest.raises(RuntimeError), store.rebuilding() as ix:
        writer = store.batch_writer(ix)
        writer.add_document(**document(9, "半截"))
        writer.commit()
        raise RuntimeError("the database went away")
    assert not store.exists() and not store.is_rebuilding()
