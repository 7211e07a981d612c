"""统一社会信用代码 (GB 32100-2015): normalise, check and explain what is wrong.

The 18th character is a check digit over the first 17, modulo 31 in the code's own
31-character alphabet (no I, O, S, V or Z). A refusal must say *why*, because the person
typing it usually has the paper licence in front of them and can spot the slip.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUE = {char: index for index, char in enumerate(ALPHABET)}


def normalise(raw: str) -> str:
    """Strip blanks and full-width forms people paste from documents; upper-case."""
    cleaned = raw.strip().replace(" ", "").replace("\u3000", "")
    cleaned = "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in cleaned
    )
    return cleaned.upper()


def check_digit(first17: str) -> str:
    """The check character for 17 valid leading characters."""
    total = sum(VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Why ``code`` (already normalised) is not a valid credit code, or None if it is."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位"
    for position, char in enumerate(code, start=1):
        if char not in VALUE:
            return (
                f"统一社会信用代码第 {position} 位“{char}”不是有效字符"
                "（只能是数字或除 I、O、S、V、Z 以外的大写字母）"
            )
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3–8 位应为登记管理机关行政区划码（6 位数字）"
    expected = check_digit(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：按前 17 位计算，第 18 位应为“{expected}”，实际为“{code[17]}”"
    return None


def make_code(first17: str) -> str:
    """A full code from 17 characters (used to build demo and test data)."""
    return first17 + check_digit(first17)
