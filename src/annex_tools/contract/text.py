"""Pure text helpers: name normalisation, the date and number forms people type, Word's 字数."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

_SPACES = re.compile(r"\s+", re.UNICODE)


_HAS_SPACE = re.compile(r"\s").search


def normalize(value: object) -> str:
    """NFKC, then every space removed (U+3000 included): `张　三` == `张三`."""
    if type(value) is str and unicodedata.is_normalized("NFKC", value) and not _HAS_SPACE(value):
        return value  # the common case, already normal: no copy
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(value)))


def clean_text(value: object) -> str:
    """Text as typed, trimmed (inner spaces kept), '' for empty."""
    if type(value) is str:
        return value.strip().strip("\u3000").strip()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().strip("\u3000").strip()


# ---- dates -------------------------------------------------------------------------------

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class BadValue(ValueError):
    """A cell whose value is not of its column's kind."""


def parse_date(value: object) -> dt.date | None:
    """A real Excel date, an Excel serial number, or text in the forms the spec lists.

    Returns None for an empty cell; raises BadValue for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise BadValue(str(value))
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        if 1 <= value < 2958466:  # Excel's valid serial range (1900-01-01 .. 9999-12-31)
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise BadValue(str(value))
    text = normalize(value)
    if not text:
        return None
    text = text.split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    text = re.sub(r"^(\d{4}-\d{1,2}-\d{1,2})\d{2}:\d{2}(:\d{2})?$", r"\1", text)
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError as exc:
                raise BadValue(str(value)) from exc
    raise BadValue(str(value))


def parse_count(value: object) -> float | None:
    """A number (ballots, 字数, days). None for empty; BadValue for text that is no number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadValue(str(value))
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        return float(value)
    text = normalize(value).replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise BadValue(str(value)) from exc


def parse_share(value: object) -> float | None:
    """A share typed as 0.45, 45% or 45 (a number over 1 is read as a percentage)."""
    if isinstance(value, str):
        text = normalize(value)
        if text.endswith("%"):
            number = parse_count(text[:-1])
            return None if number is None else number / 100
    number = parse_count(value)
    if number is None:
        return None
    return number / 100 if number > 1 else number


# ---- Word's 字数 -------------------------------------------------------------------------

# East Asian characters, each counted once by Word: Hangul Jamo, CJK radicals and symbols
# and punctuation (U+3000 itself is a space), kana, bopomofo, enclosed and compatibility CJK,
# all ideograph blocks, Hangul syllables, CJK compatibility and vertical forms, and the
# half-width and full-width forms block (，：；（）％ and full-width letters and digits).
_EA_RANGES = (
    "\u1100-\u11ff"
    "\u2e80-\u2fff"
    "\u3001-\u303f"
    "\u3040-\u31ff"
    "\u3200-\u4dbf"
    "\u4e00-\u9fff"
    "\ua960-\ua97f"
    "\uac00-\ud7ff"
    "\uf900-\ufaff"
    "\ufe10-\ufe1f"
    "\ufe30-\ufe4f"
    "\uff01-\uffef"
    "\U00020000-\U0003134f"
)
_EA_CHAR = re.compile(f"[{_EA_RANGES}]")
_OTHER_RUN = re.compile(f"[^\\s{_EA_RANGES}]+")


def word_count(text: str) -> int:
    """字数 as Microsoft Word shows it.

    Each East Asian character counts 1; each maximal run of other non-space characters
    (an English word, a number, half-width punctuation, “ ” — … or emoji) counts 1;
    whitespace and paragraph marks count nothing.
    """
    return len(_EA_CHAR.findall(text)) + len(_OTHER_RUN.findall(text))


# ---- file names --------------------------------------------------------------------------

_WINDOWS_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_WINDOWS_RESERVED = (
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


def safe_filename(name: str, max_len: int = 120) -> str:
    """A file name Windows accepts, that cannot escape its folder."""
    cleaned = _WINDOWS_FORBIDDEN.sub("_", name).strip().strip(".")
    cleaned = cleaned.replace("..", "_")
    if not cleaned or cleaned.split(".")[0].upper() in _WINDOWS_RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned[:max_len]


def format_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
