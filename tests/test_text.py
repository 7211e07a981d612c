"""Text, filter, redirect and number rules a user or an attacker runs into.

``core.text`` cleans what is stored (and says which field is wrong, in Chinese) and makes
query-string filters harmless; ``app.security.safe_path`` decides where ``next`` and
``back`` may send a browser; ``<int:…>`` ids are bounded; scores round half-up and keep
their one decimal exactly on both databases.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Column, Connection, Integer, MetaData, Table, insert, select

from app.security import safe_path
from core.db import DecimalScore, round_half_up
from core.errors import ValidationError
from core.text import Text, bounded_date, bounded_int, clean, clean_all, filter_text
from tests.factories import World

NAME = Text("企业名称", 10, required=True)
NOTE = Text("推荐理由", 20, multiline=True)


def refusal(value: str, rule: Text = NAME, field: str = "name") -> str:
    with pytest.raises(ValidationError) as refused:
        clean(value, rule, field)
    assert list(refused.value.errors) == [field], "the message belongs to the field"
    return refused.value.errors[field]


# --- what is stored -------------------------------------------------------------------


def test_a_decomposed_accent_is_stored_composed() -> None:
    assert clean("Cafe\u0301", NAME) == "Caf\u00e9"


@pytest.mark.parametrize("padded", [
    "  张店化工  ", "\u3000张店化工\u3000", "\u200b张店化工\ufeff", "\t张店化工\u00a0", "\u2060 张店化工 \u200d",
])
def test_blanks_full_width_spaces_and_zero_width_characters_are_trimmed(padded: str) -> None:
    assert clean(padded, NAME) == "张店化工"


@pytest.mark.parametrize("blank", ["", "   ", "\u3000\u3000", "\u200b", "\ufeff\u200c\u200d", " \u2060\u00a0 "])
def test_a_required_field_of_nothing_but_blanks_asks_to_be_filled_in(blank: str) -> None:
    assert refusal(blank) == "请填写企业名称"


def test_an_optional_field_left_blank_is_stored_empty() -> None:
    assert clean("\u3000\u200b ", Text("地址", 200)) == ""


@pytest.mark.parametrize(("value", "says"), [
    ("张店\x00化工", "企业名称不能包含控制字符"),
    ("张店\x07化工", "企业名称不能包含控制字符"),
    ("张店\x1b[31m", "企业名称不能包含控制字符"),
    ("张店\x7f化工", "企业名称不能包含控制字符"),
    ("张店\u0085化工", "企业名称不能包含控制字符"),
    ("张店\n化工", "企业名称不能包含换行符"),
    ("张店\r化工", "企业名称不能包含换行符"),
    ("evil\u202eexe.pdf", "企业名称含有改变文字显示方向的控制字符"),
    ("a\u2066b\u2069", "企业名称含有改变文字显示方向的控制字符"),
    ("a\u200fb", "企业名称含有改变文字显示方向的控制字符"),
    ("a\ud800b", "企业名称含有无效字符"),
    ("a\uffffb", "企业名称含有无效字符"),
])
def test_control_bidi_and_invalid_characters_are_refused_naming_the_field(value: str, says: str) -> None:
    assert refusal(value).startswith(says)


def test_a_multi_line_field_keeps_its_newlines_and_tabs_and_unifies_line_ends() -> None:
    assert clean("第一条\r\n\t第二条\r第三条\n", NOTE) == "第一条\n\t第二条\n第三条"


@pytest.mark.parametrize("value", ["第一条\x00", "第\x0b二条", "第\x0c三条", "第一条\u202e"])
def test_a_multi_line_field_still_refuses_other_control_characters(value: str) -> None:
    assert refusal(value, NOTE, "reason").startswith("推荐理由")


def test_the_length_limit_names_the_field_the_limit_and_the_length() -> None:
    assert refusal("化" * 11) == "企业名称不能超过 10 个字（当前 11 个）"
    assert clean("化" * 10, NAME) == "化" * 10


def test_the_length_is_counted_after_composing_accents() -> None:
    decomposed = "e\u0301" * 10  # twenty code points typed, ten characters stored
    assert clean(decomposed, NAME) == "\u00e9" * 10


def test_crlf_counts_as_one_character_in_a_multi_line_limit() -> None:
    assert clean("一\r\n" * 9 + "二", NOTE) == "一\n" * 9 + "二"  # 29 typed, 19 kept


def test_a_whole_form_is_checked_at_once_each_message_on_its_field() -> None:
    rules = {"name": NAME, "address": Text("地址", 5), "note": NOTE}
    values, errors = clean_all({"name": " 甲公司 ", "address": "山东省淄博市张店区", "note": "好\x00"}, rules)
    assert values == {"name": "甲公司"}
    assert errors == {"address": "地址不能超过 5 个字（当前 9 个）", "note": "推荐理由不能包含控制字符"}


# --- what a filter becomes ------------------------------------------------------------


@pytest.mark.parametrize(("typed", "searched"), [
    ("张店\x00化工", "张店化工"),
    ("  张店\u202e化工\u3000", "张店化工"),
    ("a\r\nb\tc", "abc"),
    ("Cafe\u0301", "Caf\u00e9"),
    ("%_\\", "%_\\"),  # kept as typed: the query escapes LIKE wildcards itself
    (None, ""),
])
def test_a_search_term_loses_what_cannot_be_searched_for(typed: str | None, searched: str) -> None:
    assert filter_text(typed) == searched


def test_a_search_term_is_cut_to_its_limit() -> None:
    assert filter_text("化" * 500) == "化" * 100
    assert filter_text("370303" * 5, 12) == "370303370303"


@pytest.mark.parametrize(("raw", "number"), [
    ("42", 42), (" 7 ", 7), ("2147483647", 2**31 - 1),
    ("0", None), ("-1", None), ("2147483648", None), ("99999999999999999999", None),
    ("abc", None), ("1e3", None), ("4\x002", None), ("", None), (None, None),
])
def test_an_id_from_the_query_string_is_a_number_the_database_can_hold_or_nothing(raw: str | None,
                                                                                  number: int | None) -> None:
    assert bounded_int(raw) == number


def test_a_number_filter_honours_its_own_bounds() -> None:
    assert bounded_int("200", lo=1, hi=200) == 200
    assert bounded_int("201", lo=1, hi=200) is None


@pytest.mark.parametrize(("day", "kept"), [
    (dt.date(1, 1, 1), None), (dt.date(1999, 12, 31), None), (dt.date(9999, 12, 31), None),
    (dt.date(2000, 1, 1), dt.date(2000, 1, 1)), (dt.date(2026, 4, 30), dt.date(2026, 4, 30)), (None, None),
])
def test_a_date_filter_outside_the_years_the_system_means_is_ignored(day: dt.date | None,
                                                                     kept: dt.date | None) -> None:
    assert bounded_date(day) == kept


# --- where a redirect may go ----------------------------------------------------------


@pytest.mark.parametrize("target", [
    "//evil.com", "/\t/evil.com", "/\\evil.com", "\\\\evil.com", "/\\/evil.com", "https://evil.com/",
    "http://localhost/x", "javascript:alert(1)", "evil.com", "nominations/3", "/ok\r\nSet-Cookie: a=b",
    "/ok\nLocation: //evil.com", "/a\x00b", "/\u3000/evil.com", "/\u202e/x", "/" + "a" * 2001, "", None,
])
def test_a_redirect_target_off_this_site_or_with_hidden_characters_is_refused(target: str | None) -> None:
    assert safe_path(target) is None


def test_a_referrer_from_another_host_is_refused() -> None:
    assert safe_path("http://evil.com/nominations/3", same_host="http://localhost/") is None
    assert safe_path("http://localhost.evil.com/x", same_host="http://localhost/") is None


@pytest.mark.parametrize("target", ["/nominations/3?x=1", "/", "/enterprises/?q=%E5%BC%A0&page=2#top"])
def test_a_path_on_this_site_is_followed(target: str) -> None:
    assert safe_path(target) == target


def test_a_referrer_on_this_host_becomes_its_path() -> None:
    assert safe_path("http://localhost/nominations/3?x=1", same_host="http://localhost/") == "/nominations/3?x=1"
    assert safe_path("http://localhost//evil.com", same_host="http://localhost/") is None


# --- ids in URLs ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/nominations/99999999999999999999", "/enterprises/99999999999999999999", "/campaigns/2147483648",
    "/admin/users/99999999999999999999", "/nominations/-1",
])
def test_an_id_too_large_for_the_database_is_a_page_not_found(client: FlaskClient, login, world: World,
                                                              path: str) -> None:
    login(world.admin)
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_a_twenty_digit_id_filter_lists_everything_instead_of_failing(client: FlaskClient, login,
                                                                      world: World) -> None:
    login(world.sheng)
    response = client.get("/nominations/?campaign=99999999999999999999")
    assert response.status_code == 200


# --- scores -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "rounded"), [
    ("2.25", "2.3"), ("2.35", "2.4"), ("2.45", "2.5"), ("0.05", "0.1"), ("-0.05", "-0.1"), ("-2.25", "-2.3"),
    ("2.249", "2.2"), ("87.54", "87.5"), ("99.95", "100.0"), ("3", "3.0"),
])
def test_scores_round_half_up_to_one_decimal(value: str, rounded: str) -> None:
    result = round_half_up(Decimal(value))
    assert isinstance(result, Decimal) and str(result) == rounded


def test_whole_numbers_round_to_one_decimal_and_other_places_can_be_asked_for() -> None:
    assert str(round_half_up(85)) == "85.0"
    assert str(round_half_up(Decimal("1.005"), places=2)) == "1.01"


SCORES = ["0.0", "0.1", "2.3", "59.9", "60.0", "87.5", "99.9", "100.0", "12345.6", "99999.9", "-0.1"]


def test_a_score_column_gives_back_exactly_the_decimal_stored(connection: Connection) -> None:
    scratch = MetaData()
    table = Table("scratch_scores", scratch, Column("id", Integer, primary_key=True), Column("score", DecimalScore()))
    scratch.create_all(connection)  # inside the test's transaction: rolled back afterwards
    connection.execute(insert(table), [{"id": i, "score": Decimal(s)} for i, s in enumerate(SCORES)])
    connection.execute(insert(table), [{"id": 100, "score": None}, {"id": 101, "score": Decimal("2.25")},
                                       {"id": 102, "score": Decimal("-0.05")}, {"id": 103, "score": 3}])
    stored = dict(connection.execute(select(table.c.id, table.c.score)).all())
    assert [str(stored[i]) for i in range(len(SCORES))] == SCORES
    assert all(isinstance(stored[i], Decimal) for i in range(len(SCORES)))
    assert stored[100] is None
    assert (str(stored[101]), str(stored[102]), str(stored[103])) == ("2.3", "-0.1", "3.0")  # rounded on the way in
    total = sum((stored[i] for i in range(len(SCORES))), Decimal(0))
    assert total == sum((Decimal(s) for s in SCORES), Decimal(0))  # no float drift in sums
