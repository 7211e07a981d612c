"""Text input rules, applied below the forms so the CLI and the API meet them too.

Every text a person types reaches the database through :func:`clean`: NFC-normalised,
trimmed, bounded in length, and free of what breaks storage, exports or display — NUL
and other control characters (PostgreSQL refuses NUL; XML, and so XLSX and DOCX, cannot
hold most of them), bidi overrides (``evil\\u202eexe.pdf`` shows as ``evilfdp.exe``) and
text that is nothing but blanks or zero-width characters. A refusal names the field.

Filters (search boxes, ids and dates in a query string) are not stored, so they are
made harmless instead of refused: :func:`filter_text`, :func:`bounded_int`, :func:`bounded_date`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import ValidationError

# Directional formatting characters: they reorder what a reader sees.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that render as nothing: a name made only of them is no name.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff")
BLANK = "".join(INVISIBLE) + " \t\n\r\f\v\u3000\u00a0\u2002\u2003\u2009\u202f\u205f"
MULTILINE_ALLOWED = frozenset("\n\t")

SMALLEST_ID, LARGEST_ID = 1, 2**31 - 1
EARLIEST_DATE, LATEST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


@dataclass(frozen=True)
class Text:
    """The rule for one text field: its Chinese label, length limit and shape."""

    label: str
    max_length: int
    required: bool = False
    multiline: bool = False


def _problem(value: str, rule: Text) -> str | None:
    """Why ``value`` (NFC, trimmed) cannot be stored under ``rule``, or None."""
    for char in value:
        if char in BIDI_CONTROLS:
            return f"{rule.label}含有改变文字显示方向的控制字符，请删除后重新填写"
        if rule.multiline and char in MULTILINE_ALLOWED:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            what = "换行符" if char in "\r\n" else "控制字符"
            return f"{rule.label}不能包含{what}"
        if category == "Cs" or char in ("\ufffe", "\uffff"):
            return f"{rule.label}含有无效字符"
    if len(value) > rule.max_length:
        return f"{rule.label}不能超过 {rule.max_length} 个字（当前 {len(value)} 个）"
    return None


def normalise(value: str | None, multiline: bool = False) -> str:
    """NFC, blanks trimmed at both ends; CRLF becomes LF in multi-line text."""
    text = unicodedata.normalize("NFC", value or "")
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip(BLANK)


def clean(value: str | None, rule: Text, field: str = "") -> str:
    """The storable form of ``value`` under ``rule``; ``ValidationError`` naming ``field`` if none."""
    text = normalise(value, rule.multiline)
    if not text:
        if rule.required:
            raise ValidationError({field: f"请填写{rule.label}"})
        return ""
    if why := _problem(text, rule):
        raise ValidationError({field: why})
    return text


def clean_all(values: Mapping[str, Any], rules: Mapping[str, Text]) -> tuple[dict[str, str], dict[str, str]]:
    """Clean several fields at once: ``(cleaned values, field → message)`` for a whole form."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, rule in rules.items():
        try:
            cleaned[name] = clean(values.get(name), rule, name)
        except ValidationError as exc:
            errors.update(exc.errors)
    return cleaned, errors


def filter_text(value: str | None, max_length: int = 100) -> str:
    """A search term made harmless: printable characters only, NFC, bounded."""
    text = normalise(value)
    kept = "".join(c for c in text if unicodedata.category(c)[0] != "C" and c not in BIDI_CONTROLS)
    return kept[:max_length].strip()


def bounded_int(value: Any, lo: int = SMALLEST_ID, hi: int = LARGEST_ID) -> int | None:
    """An integer from a query string, or None when it is absent, malformed or out of range."""
    try:
        number = int(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None
    if number is None or not lo <= number <= hi:
        return None
    return number


def bounded_date(value: dt.date | None) -> dt.date | None:
    """A date within the years this system can mean (2000–2100), else None."""
    if value is None or not EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return value
