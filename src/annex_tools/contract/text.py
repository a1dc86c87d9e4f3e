"""Pure text helpers: name normalisation, the date and number forms people type, Word's 字数."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable

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


def all_normal(values: Iterable[object]) -> bool:
    """Whether `normalize` returns every value unchanged (each a str, NFKC, without spaces)."""
    try:
        strings = list(values)
        joined = "\n".join(strings)  # type: ignore[arg-type]  # a non-str value: TypeError
    except TypeError:
        return False
    return joined_normal(joined, len(strings))


def joined_normal(joined: str, count: int) -> bool:
    """all_normal of `count` strings joined by newlines, asked of the joined text at once: a
    newline is a starter that composes with nothing, so the joined text is NFKC exactly when
    each value is."""
    return (
        unicodedata.is_normalized("NFKC", joined)
        and not _has_space_but_newline(joined)
        and joined.count("\n") == max(count - 1, 0)
    )


# Every character for which str.isspace() holds (what \s matches, what normalize removes) but
# the newline: each looked for with `in` (a C search of the text, a few times faster than a
# regular expression's class over it); in a text of ASCII only, only the ASCII ones.
_SPACES_BUT_NEWLINE = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ASCII_SPACES_BUT_NEWLINE = "".join(c for c in _SPACES_BUT_NEWLINE if c.isascii())


def _has_space_but_newline(text: str) -> bool:
    spaces = _ASCII_SPACES_BUT_NEWLINE if text.isascii() else _SPACES_BUT_NEWLINE
    return any(c in text for c in spaces)


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


# The dates a master can hold: any year of a person's working life and far beyond, and none that
# a frame cannot hold (pandas' datetime64[ns] ends on 2262-04-11: serial 132321 is 2262-04-12).
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def parse_date(value: object) -> dt.date | None:
    """A real Excel date, an Excel serial number, or text in the forms the spec lists, between
    FIRST_DAY and LAST_DAY.

    Returns None for an empty cell; raises BadValue for anything else.
    """
    day = _parse_date(value)
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise BadValue(str(value))
    return day


def _parse_date(value: object) -> dt.date | None:
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


# A deadline as people write it (整改时限): 2024年3月底, 2024年3月末前, 2024年底, 2024年3月31日前.
_MONTH_END = re.compile(r"^(\d{4})(?:年(\d{1,2})月(?:底|末|份)?|[./-](\d{1,2}))前?$")
_YEAR_END = re.compile(r"^(\d{4})年(?:年底|年末|底|末)前?$")


def parse_deadline(value: object) -> dt.date | None:
    """A deadline: any date `parse_date` takes, or a month or year end written in words or as
    2024.3 / 2024-3 / 2024/3 (the last day of that month or year), with or without 前; a month
    outside 1-12 is no deadline. The one deadline parser: returns and the master agree on it."""
    try:
        return parse_date(value)
    except BadValue:
        if not isinstance(value, str):
            raise
    text = normalize(value)
    if text.endswith("前"):
        try:
            return parse_date(text[:-1])
        except BadValue:
            pass
    if m := _MONTH_END.match(text):
        year, month = int(m[1]), int(m[2] or m[3])
        if 1 <= month <= 12:
            return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    elif m := _YEAR_END.match(text):
        return dt.date(int(m[1]), 12, 31)
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
# A word is an East Asian character, a run of other non-space characters, or U+2028 (line
# separator) / U+2029 (paragraph separator): Word counts each of those two as a word of its own
# that also separates the words around it ("a\u2028b" is 3), unlike other whitespace. As one
# pattern (the three never overlap: \s holds U+2028/9), the definition the tests check against:
_WORD = re.compile(f"[{_EA_RANGES}]|[^\\s{_EA_RANGES}]+|[\u2028\u2029]")
_EA_RUN = re.compile(f"[{_EA_RANGES}]+")


def word_count(text: str) -> int:
    """字数 as Microsoft Word shows it.

    Each East Asian character counts 1; each maximal run of other non-space characters
    (an English word, a number, half-width punctuation, “ ” — … or emoji) counts 1;
    U+2028 and U+2029 count 1 each and separate the words around them; other whitespace
    and paragraph marks count nothing.
    """
    # The count of _WORD's matches, at a third of the cost of one match per ideograph: each
    # East Asian run becomes one space (its length is known from the shrinkage), and what is
    # left splits into the other runs (str.split's whitespace is \s's).
    rest, runs = _EA_RUN.subn(" ", text)
    east_asian = len(text) - len(rest) + runs
    return east_asian + len(rest.split()) + text.count("\u2028") + text.count("\u2029")


# ---- characters an .xlsx cannot hold --------------------------------------------------

# What XML 1.0 (and so an .xlsx) cannot hold: openpyxl refuses these with IllegalCharacterError.
_UNHOLDABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def unholdable(value: object) -> list[str]:
    """The characters of `value` an .xlsx cannot hold, as U+XXXX, in order of appearance."""
    if not isinstance(value, str):
        return []
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _UNHOLDABLE.findall(value)))


def holdable(text: str) -> str:
    """`text` without the characters an .xlsx cannot hold (comments and sheet text alike)."""
    return _UNHOLDABLE.sub("", text)


# ---- file names --------------------------------------------------------------------------

# Characters Windows refuses in a name, and every control character.
_WINDOWS_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\ud800-\udfff]')
_WINDOWS_RESERVED = (
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in "123456789¹²³"}
    | {f"LPT{i}" for i in "123456789¹²³"}
)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
MAX_NAME_BYTES = 255  # NTFS, ext4, APFS: one path component


def _cut(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` that fits in `max_bytes` of UTF-8, never half a character."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", "ignore")


def safe_filename(name: str, max_bytes: int = MAX_NAME_BYTES, tag: str = "") -> str:
    """The one way a file or folder name is made from data: a name Windows, macOS and Linux
    accept, that cannot leave its folder, at most `max_bytes` of UTF-8 with its extension kept.

    Forbidden and control characters become `_`; leading and trailing dots and spaces go; `..`
    cannot survive; a reserved device name (CON, NUL, COM1 ...) gets a leading `_`. `tag` (a
    述职编号 or 工号 that tells two people apart) is added before the extension and is never cut.
    """
    cleaned = _WINDOWS_FORBIDDEN.sub("_", name)
    ext_match = _EXTENSION.search(cleaned)
    ext = ext_match.group(0) if ext_match else ""
    stem = cleaned[: len(cleaned) - len(ext)] if ext else cleaned
    tag = _WINDOWS_FORBIDDEN.sub("_", tag).strip(" .")
    suffix = (f"-{tag}" if tag else "") + ext
    room = max(1, max_bytes - len(suffix.encode("utf-8")))
    stem = stem.replace("..", "_").strip(" .")
    stem = _cut(stem, room).rstrip(" .") if stem else ""
    if not stem:
        stem = "_"
    if stem.split(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        stem = _cut(f"_{stem}", room)
    return _cut(stem + suffix, max_bytes)


def filename_key(name: str) -> str:
    """Two names that Windows or macOS would take for the same file have the same key."""
    return unicodedata.normalize("NFC", name).casefold()


def unique_filenames(wanted: list[tuple[str, str]], max_bytes: int = MAX_NAME_BYTES) -> list[str]:
    """Safe, distinct names for (name, distinguishing part) pairs, in order.

    A name no one else shares is just made safe. Names that collide once made safe (`张/三` and
    `张_三`, or two long names cut to the same length, or names differing only in case) all get
    their distinguishing part, so every person still has a file and one can tell which is whose;
    if even that collides, a counter follows.
    """
    plain = [safe_filename(n, max_bytes) for n, _ in wanted]
    counts: dict[str, int] = {}
    for p in plain:
        counts[filename_key(p)] = counts.get(filename_key(p), 0) + 1
    out: list[str] = []
    taken: set[str] = set()
    for (name, tag), p in zip(wanted, plain, strict=True):
        candidate = p if counts[filename_key(p)] == 1 else safe_filename(name, max_bytes, tag)
        n = 1
        while filename_key(candidate) in taken:
            n += 1
            candidate = safe_filename(name, max_bytes, f"{tag}-{n}" if tag else str(n))
        taken.add(filename_key(candidate))
        out.append(candidate)
    return out


def format_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def format_by(d: dt.date | None) -> str:
    """A deadline in a notice's words: 2023年底 (31 December), 2024年1月底 (a month's last day),
    else 2024年1月22日. Messages that quote the notice say its date this way, from 设置, never
    a year typed into the code."""
    if d is None:
        return ""
    if (d.month, d.day) == (12, 31):
        return f"{d.year}年底"
    if (d + dt.timedelta(days=1)).day == 1:
        return f"{d.year}年{d.month}月底"
    return format_date(d)
