"""The report analyzer: Annex 1's three parts, Word's 字数, 我, figures and the 必答 item.

Notice, 三、2: word limits per category; three parts (履职主要情况, 问题, 思路), the first
at most and the problems at least a share (all in 设置); written in the
first person, with concrete examples and data. Notice, 二、(一)2 is 必答.

`analyze_paragraphs` is pure (paragraph texts in, analysis out); `read_paragraphs` is the only
code here that touches a file: it reads `word/document.xml` straight from the zip with lxml
(entity expansion and network off), body paragraphs in order, table cells included, tracked
deletions, comments, text boxes and field codes excluded, as Word's 字数 does.
"""

from __future__ import annotations

import errno
import os
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from annex_tools.contract.notice import (
    FIRST_PERSON_WORDS,
    PART_HEADINGS,
    PART_VARIANTS,
    PART_ZH,
    PARTS,
)
from annex_tools.contract.settings import default
from annex_tools.contract.text import normalize, word_count
from annex_tools.contract.unzip import ZipRefused, inflate

if TYPE_CHECKING:
    from lxml import etree

__all__ = [
    "PARTS",
    "PART_ZH",
    "ReportAnalysis",
    "ReportError",
    "analyze_file",
    "analyze_paragraphs",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
MAX_DOCUMENT_XML = 8 * 1024 * 1024  # a report's text is well under 1 MB; this bounds memory

_HEADING_MAX = 30
_DIGIT = re.compile(r"[0-9０-９]")


class ReportError(Exception):
    """The file cannot be read as a .docx; the message is Chinese."""


@dataclass
class ReportAnalysis:
    file: str
    words: int = 0
    parts: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(PARTS))
    shares: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(PARTS))
    first_person: bool = False
    figures: bool = False
    mandatory_item: bool = False
    # why each judgement came out as it did, in Chinese, for `analyze --explain`
    explanation: list[str] = field(default_factory=list)

    @property
    def sections_found(self) -> bool:
        return all(v is not None for v in self.parts.values())

    @property
    def missing_parts(self) -> list[str]:
        return [p for p in PARTS if self.parts[p] is None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "words": self.words,
            "parts": dict(self.parts),
            "shares": dict(self.shares),
            "first_person": self.first_person,
            "figures": self.figures,
            "mandatory_item": self.mandatory_item,
        }


def heading_part(text: str) -> str | None:
    """Which part a paragraph heads, if it is a part heading."""
    if len(text) > 3 * _HEADING_MAX:  # long paragraphs are body text: skip normalizing them
        return None
    key = normalize(text)
    if not key or len(key) > _HEADING_MAX:
        return None
    found = _ANY_HEADING(key)
    return found.lastgroup if found else None


# the parts' headings as one pattern, tried in PART_HEADINGS' order (an alternation tries its
# branches in order, so the first part whose pattern matches is the one named)
_ANY_HEADING = re.compile(
    "|".join(f"(?P<{part}>{pattern.pattern})" for part, pattern in PART_HEADINGS.items())
).match


# Line and paragraph breaks inside one Word paragraph: manual line breaks (w:br, w:cr), and
# the characters a pasted text may carry (CR LF, CR, LF, VT, FF, NEL, U+2028, U+2029).
# U+2028 and U+2029 stay at the end of the line they close: Word counts each as one word.
_LINE_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c-\x1e\x85]|(?<=[\u2028\u2029])")
_BREAK_CHARS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what _LINE_BREAKS splits at


def split_lines(paragraphs: list[str]) -> list[str]:
    """Every line on its own: a heading followed by a line break and body text in the same
    paragraph is still a heading. Word counts are unchanged (the breaks that count nothing
    are dropped; U+2028/U+2029, which Word counts, end the line they close)."""
    joined = "".join(paragraphs)
    if not any(c in joined for c in _BREAK_CHARS):  # the common case: a few scans, no regex
        return list(paragraphs)
    return [line for p in paragraphs for line in _LINE_BREAKS.split(p)]


def _heading_parts(lines: list[str]) -> list[str | None]:
    """`heading_part` of every line, the short lines normalized in one call: the NFKC of lines
    joined by newlines is their NFKC joined by newlines (a newline composes with nothing)."""
    short = [i for i, t in enumerate(lines) if len(t) <= 3 * _HEADING_MAX]
    if not short:
        return [None] * len(lines)
    joined = "\n".join([lines[i] for i in short])
    # spaces removed as normalize does (str.split's whitespace is the regex \s), quicker than a regex
    keys = ["".join(key.split()) for key in _nfkc(joined).split("\n")]
    if len(keys) != len(short):  # a line held a newline after all: one at a time
        return [heading_part(t) for t in lines]
    parts: list[str | None] = [None] * len(lines)
    for i, key in zip(short, keys, strict=True):
        if key and len(key) <= _HEADING_MAX and (found := _ANY_HEADING(key)):
            parts[i] = found.lastgroup
    return parts


def _nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), at a fraction of its cost on a report's lines: the
    common compatibility characters (full-width ，（）： letters and digits, the ideographic
    space, …) replaced by their NFKC first; when what comes out is NFKC already, it is the NFKC
    of the text (each replacement has the same compatibility decomposition), else NFKC does it."""
    mapped = text
    for wide, narrow in _WIDE_PUNCTUATION:  # the most frequent, without a call per character
        mapped = mapped.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", mapped):
        return mapped
    mapped = _FULL_WIDTH_ASCII.sub(lambda m: chr(ord(m[0]) - 0xFEE0), mapped)
    return (
        mapped if unicodedata.is_normalized("NFKC", mapped) else unicodedata.normalize("NFKC", text)
    )


_WIDE_PUNCTUATION = tuple((c, unicodedata.normalize("NFKC", c)) for c in "，（）：；！？％\u3000…")
_FULL_WIDTH_ASCII = re.compile("[\uff01-\uff5e]")  # NFKC: the ASCII character 0xFEE0 below


def analyze_paragraphs(
    paragraphs: list[str], file: str = "", mandatory: Sequence[str] | None = None
) -> ReportAnalysis:
    """`mandatory`: the 必答 item's key phrases (设置: 必答事项关键词), all of which must occur."""
    paragraphs = split_lines(paragraphs)
    result = ReportAnalysis(file=file)
    starts = _part_starts(_heading_parts(paragraphs))
    body = _count_parts(paragraphs, starts, result)
    # first person, figures and the 必答 item are judged on the parts' text, never on the title,
    # the name and date lines or the headings (a 必答 phrase in the title answers nothing)
    if not body:
        body = list(range(min(2, len(paragraphs)), len(paragraphs)))
    explain = result.explanation
    _explain_parts(paragraphs, starts, result, explain)
    _judge_first_person_and_figures(paragraphs, body, result)
    keys = default("mandatory_keys") if mandatory is None else mandatory
    result.mandatory_item = _judge_mandatory(paragraphs, body, keys, explain)
    return result


def _part_starts(heads: list[str | None]) -> dict[str, int]:
    """The line of the first heading of each part (`heads`: each line's `heading_part`), in
    the order the template gives (or, if none is found that way, any heading found at all)."""
    starts: dict[str, int] = {}
    cursor = 0
    for part in PARTS:
        if part in heads[cursor:]:
            starts[part] = heads.index(part, cursor)
            cursor = starts[part] + 1
    if not starts:  # maybe out of order: accept any heading found at all
        for i, found in enumerate(heads):
            if found and found not in starts:
                starts[found] = i
    return starts


def _count_parts(
    paragraphs: list[str], starts: dict[str, int], result: ReportAnalysis
) -> list[int]:
    """Set the words, each part's word count and share on `result`; return the indices of the
    lines inside the three parts (headings excluded)."""
    bounds = sorted((i, part) for part, i in starts.items())
    body: list[int] = []
    # the lines outside the parts' text: before the first heading, and the headings
    outside = paragraphs[: bounds[0][0]] if bounds else paragraphs
    # 字数 adds up over lines joined by newlines: one count per stretch, not one per line
    for n, (i, part) in enumerate(bounds):
        end = bounds[n + 1][0] if n + 1 < len(bounds) else len(paragraphs)
        result.parts[part] = word_count("\n".join(paragraphs[i + 1 : end]))
        body.extend(range(i + 1, end))
        outside.append(paragraphs[i])
    result.words = sum(v or 0 for v in result.parts.values()) + word_count("\n".join(outside))
    if result.sections_found:
        total = sum(v or 0 for v in result.parts.values())
        for part in PARTS:
            result.shares[part] = round((result.parts[part] or 0) / total, 4) if total else 0.0
    return body


def _judge_first_person_and_figures(
    paragraphs: list[str], body: list[int], result: ReportAnalysis
) -> None:
    """Whether the parts' text speaks in the first person and gives figures, with the line
    that shows it (or what was looked for) in the explanation."""
    explain = result.explanation
    hit = _first_hit(
        paragraphs, body, lambda t: next((w for w in FIRST_PERSON_WORDS if w in t), None)
    )
    result.first_person = hit is not None
    explain.append(
        f"第一人称：第{hit[0] + 1}行有“{hit[1]}”：{_snippet(paragraphs[hit[0]], hit[1])}"
        if hit
        else f"第一人称：三部分正文中没有“{'”或“'.join(FIRST_PERSON_WORDS)}”"
    )
    hit = _first_hit(paragraphs, body, lambda t: m.group(0) if (m := _DIGIT.search(t)) else None)
    result.figures = hit is not None
    explain.append(
        f"数据：第{hit[0] + 1}行有数字：{_snippet(paragraphs[hit[0]], hit[1])}"
        if hit
        else "数据：三部分正文中没有任何数字"
    )


def _judge_mandatory(
    paragraphs: list[str], body: list[int], keys: Sequence[str], explain: list[str]
) -> bool:
    """Whether every 必答 key phrase occurs in the parts' text (not only in the title or
    headings), explaining where each was found."""
    # the key words are plain ideographs: spaces removed, no other normalisation needed
    squeezed = _squeezed(paragraphs)
    body_set = set(body)
    found_all = True
    for key in keys:
        k = normalize(key)
        lines = [i for i, t in enumerate(squeezed) if k in t]
        inside = [i for i in lines if i in body_set]
        found_all &= bool(inside)
        if inside:
            explain.append(f"必答项“{key}”：正文第{inside[0] + 1}行")
        elif lines:
            explain.append(
                f"必答项“{key}”：只出现在标题或题头（第{lines[0] + 1}行），正文没有回答，不算"
            )
        else:
            explain.append(f"必答项“{key}”：全文没有出现")
    return found_all


def _squeezed(lines: list[str]) -> list[str]:
    r"""Each line without its spaces (str.split's whitespace is the regex \s, and splitting is
    quicker), at once when no line holds the NUL that joins them."""
    joined = "\x00".join(lines)
    if lines and joined.count("\x00") == len(lines) - 1:
        return "".join(joined.split()).split("\x00")
    return ["".join(p.split()) for p in lines]


def _first_hit(
    lines: list[str], indices: list[int], probe: Callable[[str], str | None]
) -> tuple[int, str] | None:
    for i in indices:
        found = probe(lines[i])
        if found:
            return i, found
    return None


def _snippet(text: str, word: str, width: int = 12) -> str:
    at = max(text.find(word), 0)
    start, end = max(at - width, 0), at + len(word) + width
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def _explain_parts(
    lines: list[str], starts: dict[str, int], result: ReportAnalysis, explain: list[str]
) -> None:
    for part in PARTS:
        name = PART_ZH[part]
        if part in starts:
            share = result.shares[part]
            tail = f"，占三部分的{share:.1%}" if share is not None else ""
            explain.append(
                f"{name}：标题在第{starts[part] + 1}行“{lines[starts[part]].strip()}”，"
                f"正文{result.parts[part]}字{tail}"
            )
        else:
            explain.append(
                f"{name}：没有找到标题（可写作“{PART_ZH[part]}”“{'”“'.join(PART_VARIANTS[part][1:3])}”"
                f"或序号加简称，如“{_SHORT_EXAMPLE[part]}”）"
            )


_SHORT_EXAMPLE = {"duties": "一、本年度履职情况", "problems": "二、问题", "plans": "三、思路"}


# ---- the .docx adapter ---------------------------------------------------------------------


@cache
def _parser() -> etree.XMLParser:
    """lxml's parser, made when the first report is read (a check without reports never
    imports lxml)."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


_SKIP = {f"{_W}txbxContent", f"{_W}del", f"{_W}moveFrom", f"{_W}instrText", f"{_W}delText"}


_P, _T, _TAB = f"{_W}p", f"{_W}t", f"{_W}tab"
_TEXT_TAGS = (_T, _TAB, f"{_W}br", f"{_W}cr")


def _paragraph_text(p: etree._Element) -> str:
    """Visible text of one paragraph: w:t, tabs as spaces, line breaks as newlines."""
    return "".join(
        (el.text or "") if el.tag == _T else (" " if el.tag == _TAB else "\n")
        for el in p.iter(*_TEXT_TAGS)
    )


def _body_texts(body: etree._Element) -> list[str] | None:
    """Every paragraph's `_paragraph_text`, from one walk over the paragraphs and their text
    elements in document order (a walk per paragraph cost more than the parse); None when a
    paragraph holds another or a text element lies outside every paragraph, which that one
    walk cannot attribute."""
    texts: list[list[str]] = []
    pieces: list[str] = []
    current = None
    for el in body.iter(_P, *_TEXT_TAGS):
        tag = el.tag
        if tag == _P:
            up = el.getparent()
            while up is not body:
                if up.tag == _P:
                    return None
                up = up.getparent()
            current, pieces = el, []
            texts.append(pieces)
            continue
        up = el.getparent()
        while up is not current:
            if up is body:
                return None
            up = up.getparent()
        pieces.append((el.text or "") if tag == _T else (" " if tag == _TAB else "\n"))
    return ["".join(p) for p in texts]


_DOCUMENT = "word/document.xml"
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir


def _plain_entry(fh: BinaryIO, size: int) -> tuple[bool, zipfile.ZipInfo | None]:
    """(True, word/document.xml's entry or None) for a plain zip: its directory right before
    its end record, no comment, no ZIP64, nothing before it, every entry one zipfile reads
    without a word. (False, None) for anything else, which zipfile.ZipFile is then left to read.
    ZipFile makes an object of every entry of the directory, which costs more than parsing the
    document; this reads the same fields, the same way (the last of two same names wins)."""
    not_plain = (False, None)
    try:
        if size < 42:
            return not_plain
        fh.seek(size - 42)
        tail = fh.read(42)
        if len(tail) != 42 or tail[:4] == b"PK\x06\x07":  # a ZIP64 end locator
            return not_plain
        sig, *_, cd_size, cd_offset, comment = _END.unpack_from(tail, 20)
        if sig != b"PK\x05\x06" or comment or cd_offset + cd_size != size - 22:
            return not_plain
        fh.seek(cd_offset)
        data = fh.read(cd_size)
    except OSError:
        return not_plain
    found = None
    pos = 0
    while pos < cd_size:
        if pos + 46 > len(data):
            return not_plain
        (sig, _, _, version, _, flags, method, _, _, crc, packed, unpacked, n_name, n_extra,
         n_comment, _, _, _, offset) = _CENTRAL.unpack_from(data, pos)  # fmt: skip
        end = pos + 46 + n_name + n_extra + n_comment
        if sig != b"PK\x01\x02" or version > zipfile.MAX_EXTRACT_VERSION or end > len(data):
            return not_plain
        try:
            name = data[pos + 46 : pos + 46 + n_name].decode("utf-8" if flags & 0x800 else "cp437")
        except UnicodeDecodeError:
            return not_plain
        extra = data[pos + 46 + n_name : pos + 46 + n_name + n_extra]
        if "\x00" in name or (os.sep != "/" and os.sep in name) or not _plain_extra(extra):
            return not_plain
        if name == _DOCUMENT:
            found = zipfile.ZipInfo(_DOCUMENT)
            found.flag_bits, found.compress_type, found.CRC = flags, method, crc
            found.compress_size, found.file_size, found.header_offset = packed, unpacked, offset
        pos = end
    return True, found


def _plain_extra(extra: bytes) -> bool:
    """Whether ZipInfo._decodeExtra reads these extra fields without a complaint or ZIP64."""
    while len(extra) >= 4:
        kind, length = struct.unpack_from("<HH", extra)
        if length + 4 > len(extra) or kind == 0x0001:
            return False
        extra = extra[length + 4 :]
    return True


# the errors Path.exists takes for "no such file" (pathlib's _IGNORED_ERRNOS, _IGNORED_WINERRORS)
_NO_FILE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_NO_FILE_WINDOWS = (21, 123, 1921)


def read_paragraphs(path: Path | str) -> list[str]:
    path = Path(path)
    try:  # one stat, read as Path.exists reads it: no file, or not a name at all, is 文件不存在
        size = path.stat().st_size
    except ValueError:
        raise ReportError("文件不存在") from None
    except OSError as exc:  # a name too long for the file system is a file that cannot be read
        if exc.errno in _NO_FILE or getattr(exc, "winerror", None) in _NO_FILE_WINDOWS:
            raise ReportError("文件不存在") from None
        raise ReportError(f"无法读取这个文件（{exc.strerror or type(exc).__name__}）") from None
    if size == 0:
        raise ReportError("文件是空的（0 字节）")
    try:
        with path.open("rb") as fh:  # the file opened once
            plain, info = _plain_entry(fh, size)
            if not plain:  # any other zip (or none): zipfile reads it, and says what is wrong
                with zipfile.ZipFile(fh) as zf:
                    info = zf.NameToInfo.get(_DOCUMENT)
            if info is None:
                raise ReportError("不是 Word 文档（缺少 word/document.xml）")
            if info.file_size > MAX_DOCUMENT_XML:
                raise ReportError("文档正文解压后过大，疑似异常文件")
            xml, _ = inflate(fh, info, MAX_DOCUMENT_XML)  # counted as it unpacks
    except ZipRefused as exc:
        raise ReportError(f"文档无法安全读取：{exc.reason}") from None
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError):
        # (a bad deflate stream; a compression method or zip version zipfile cannot read)
        raise ReportError("不是 .docx 文件或文件已损坏（旧版 .doc 请另存为 .docx）") from None
    from lxml import etree

    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        raise ReportError(f"文档内容无法解析（{exc.msg}）") from None
    body = root.find(f"{_W}body")
    if body is None:
        return []
    # what Word's 字数 leaves out: tracked deletions, moved-from text, text boxes, field codes
    for el in list(body.iter(*_SKIP)):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    texts = _body_texts(body)
    return texts if texts is not None else [_paragraph_text(p) for p in body.iter(_P)]


def analyze_file(
    path: Path | str, label: str | None = None, mandatory: Sequence[str] | None = None
) -> ReportAnalysis:
    return analyze_paragraphs(
        read_paragraphs(path), label if label is not None else str(path), mandatory
    )
