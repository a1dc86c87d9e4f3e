"""Saved e-mails (.eml, as mail clients save them): the reports as the mail brought them.

Pure reading: a .eml in, the day it reached the 组织部 and its attachments out. The day is the
receiving server's (the topmost `Received:` header) when there is one, else the `Date:` header
the sender's program wrote; both are read in China time (UTC+8). A Date that is missing,
unreadable, later than the day of the import, earlier than the year under review, or more than a
day away from the arrival is never silently used: `Mail.note` says what was wrong, and `sent`
is None when no day can be trusted.
"""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import email.utils
import hashlib
import unicodedata
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

CHINA = dt.timezone(dt.timedelta(hours=8))
MAX_MAIL_BYTES = 64 * 1024 * 1024  # a saved mail larger than this is not read
TRUST_DAYS = 1  # Date and arrival further apart than this: the Date is not trusted
MAIL_SUFFIX = ".eml"


class MailError(Exception):
    """A file that cannot be read as a saved e-mail; the message is Chinese and names it."""


@dataclass(frozen=True)
class Attachment:
    name: str  # the file name the sender gave it (decoded)
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Mail:
    file: Path
    subject: str
    sender: str
    sent: dt.date | None  # the day it reached the 组织部 (China time); None: no day to trust
    note: str = ""  # what was wrong with the dates ('' = nothing)
    attachments: list[Attachment] = field(default_factory=list)  # the .docx ones
    others: list[str] = field(default_factory=list)  # attachments that are not .docx


def _when(text: str | None) -> dt.datetime | None:
    """A header date as an aware datetime (a date without zone is taken as China time)."""
    if not text:
        return None
    try:
        value = email.utils.parsedate_to_datetime(str(text).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value is None:
        return None
    return value.replace(tzinfo=CHINA) if value.tzinfo is None else value


def _china_day(value: dt.datetime) -> dt.date:
    return value.astimezone(CHINA).date()


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot decode: read as absent
        return ""
    if value is None:
        return ""
    if isinstance(value, email.header.Header):  # raw 8-bit bytes in a header: read as UTF-8
        parts = email.header.decode_header(value)
        text = "".join(
            b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b) for b, _ in parts
        )
    else:
        text = str(value)
    return " ".join(text.split())


def mail_day(
    date_header: str, received: list[str], as_of: dt.date, year: int
) -> tuple[dt.date | None, str]:
    """The day a mail reached the 组织部, and what was wrong with its dates ('' = nothing).

    `received` are the Received headers, topmost (the receiving server's) first."""
    arrival = None
    for r in received[:1]:
        arrival = _when(r.rsplit(";", 1)[-1]) if ";" in r else None
    stated = _when(date_header)
    notes: list[str] = []
    if not date_header:
        notes.append("邮件没有发送日期（Date）")
    elif stated is None:
        notes.append(f"邮件的发送日期“{date_header[:60]}”无法识别")
    if arrival is not None and stated is not None:
        apart = abs((arrival - stated).total_seconds()) / 86400
        if apart > TRUST_DAYS:
            notes.append(
                f"邮件的发送日期（{_fmt(_china_day(stated))}）与收件服务器记录的收到时间"
                f"（{_fmt(_china_day(arrival))}）相差{int(apart)}天，以收到时间为准"
            )
    chosen = arrival or stated
    if chosen is None:
        return None, "；".join(notes) + "，无法确定报送日期，未填写；请按邮箱中的收件时间手工填写"
    day = _china_day(chosen)
    if day > as_of:
        notes.append(
            f"邮件日期{_fmt(day)}晚于导入所按的日期（{_fmt(as_of)}，默认今天），不可信，报送日期未填写"
        )
        return None, "；".join(notes) + "；请按邮箱中的收件时间手工填写"
    if day.year < year:
        notes.append(f"邮件日期{_fmt(day)}早于考核年度（{year}年），不可信，报送日期未填写")
        return None, "；".join(notes) + "；请按邮箱中的收件时间手工填写"
    return day, "；".join(notes)


def _fmt(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def is_docx_name(name: str) -> bool:
    return unicodedata.normalize("NFKC", name).strip().lower().endswith(".docx")


def read_mail(path: Path, as_of: dt.date, year: int) -> Mail:
    """One saved e-mail: its day, subject, sender and attachments. Raises MailError (Chinese,
    naming the file) for what is not a readable mail."""
    try:
        size = path.stat().st_size
        if size > MAX_MAIL_BYTES:
            raise MailError(
                f"“{path.name}”有 {size // (1024 * 1024)} MB，超过邮件的读取上限"
                f"（{MAX_MAIL_BYTES // (1024 * 1024)} MB），未读取"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise MailError(f"无法读取“{path.name}”：{exc.strerror or exc}") from None
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; anything it raises is a broken file
        raise MailError(f"“{path.name}”不是可读的邮件（{type(exc).__name__}），未读取") from None
    if not any(_header(msg, h) for h in ("From", "Date", "Subject", "Received", "To")):
        raise MailError(f"“{path.name}”不是保存的邮件（没有发件人、日期、主题等邮件头），未读取")
    # the dates as written (the default policy turns an unreadable Date into an empty one)
    raw = email.message_from_bytes(data, policy=email.policy.compat32)
    received = [" ".join(str(v).split()) for v in (raw.get_all("Received") or [])]
    sent, note = mail_day(_header(raw, "Date"), received, as_of, year)
    mail = Mail(path, _header(msg, "Subject"), _header(msg, "From"), sent, note)
    for part in msg.walk():
        try:
            name = part.get_filename()
        except Exception:
            name = None
        if not name or part.is_multipart():
            continue
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = None
        if not isinstance(payload, bytes):
            mail.others.append(f"{name}（无法解码）")
        elif is_docx_name(name):
            mail.attachments.append(Attachment(name, payload))
        else:
            mail.others.append(name)
    return mail
