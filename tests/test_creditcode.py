"""统一社会信用代码 check digit (GB 32100-2015), checked by python-stdnum, explained in Chinese."""

from __future__ import annotations

import pytest

from core.creditcode import make_code, normalise, problem


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q", make_code("91370303MA3C00009")])
def test_real_and_well_formed_codes_pass(code: str) -> None:
    assert problem(code) is None


def test_a_wrong_check_digit_is_called_wrong_without_naming_the_expected_character() -> None:
    message = problem("91350100M000100Y44")
    assert message is not None
    assert "校验位错误" in message
    assert "3" not in message.replace("91350100M000100Y44", "")  # the right character is never suggested


def test_a_short_code_says_how_long_it_is() -> None:
    assert problem("9135010") == "统一社会信用代码应为 18 位，当前为 7 位"


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z"])
def test_letters_the_standard_excludes_are_named(bad: str) -> None:
    message = problem("91350100M000100Y4" + bad)
    assert message is not None and f"第 18 位“{bad}”不是有效字符" in message


def test_the_registration_area_must_be_digits() -> None:
    message = problem("9135A100M000100Y43")
    assert message is not None and "前 8 位应为数字" in message


def test_pasted_codes_are_normalised() -> None:
    assert normalise(" ９１３５０１００m０００１００y４３\u3000") == "91350100M000100Y43"
