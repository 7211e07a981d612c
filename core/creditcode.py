"""统一社会信用代码 (GB 32100-2015): normalise, check and explain what is wrong.

The checking itself is python-stdnum's (``stdnum.cn.uscc``): 18 characters, a numeric
registration-authority and region prefix, the code's own 31-character alphabet (no I,
O, S, V or Z), and a check character modulo 31. What this module adds is the reason in
Chinese, because the person typing usually has the paper licence in front of them: a
wrong length or an impossible character points at the slip. A wrong check character is
only called wrong — naming the expected one would invite "fixing" the last character and
hiding a typo elsewhere.
"""

from __future__ import annotations

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def normalise(raw: str) -> str:
    """Strip blanks and full-width forms people paste from documents; upper-case."""
    cleaned = raw.strip().replace(" ", "").replace("\u3000", "")
    cleaned = "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in cleaned
    )
    return cleaned.upper()


def problem(code: str) -> str | None:
    """Why ``code`` (already normalised) is not a valid credit code, or None if it is."""
    try:
        uscc.validate(code)
    except InvalidLength:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位"
    except InvalidFormat:
        for position, char in enumerate(code, start=1):
            if char not in ALPHABET:
                return (f"统一社会信用代码第 {position} 位“{char}”不是有效字符"
                        "（只能是数字或除 I、O、S、V、Z 以外的大写字母）")
        return "统一社会信用代码前 8 位应为数字（登记管理部门、机构类别和行政区划码）"
    except InvalidChecksum:
        return "统一社会信用代码校验位错误，请对照营业执照逐位核对"
    return None


def make_code(first17: str) -> str:
    """A full code from 17 characters (used to build demo and test data)."""
    return first17 + uscc.calc_check_digit(first17)
