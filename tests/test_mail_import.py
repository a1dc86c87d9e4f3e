"""Reports as the mail brought them (issue 20, item 1): saved e-mails (.eml) through the real
`import-reports`, with hostile mails: no Date, a lying Date, a Date in the future, the same
attachment sent twice, corrected versions, another person's report, a mail that is not a mail,
an attachment named to climb out of its folder, a date that disagrees with the master."""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
from email.message import EmailMessage
from pathlib import Path

import openpyxl
from builders import row_of, valid
from cli_helpers import annex
from docx_builders import BASIC, make_docx

from annex_tools.documents.mail import CHINA, mail_day
from annex_tools.workbook.builder import new_workbook

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(tmp: Path, lines: list[str] = BASIC) -> bytes:
    path = make_docx(tmp / f"_{len(list(tmp.iterdir()))}.docx", lines)
    data = path.read_bytes()
    path.unlink()
    return data


def mail(
    path: Path,
    attachments: list[tuple[str, bytes]],
    date: str | None = "Mon, 08 Jan 2024 10:00:00 +0800",
    received: str | None = None,
    subject: str = "述职报告",
) -> Path:
    msg = EmailMessage(policy=email.policy.default)
    msg["From"] = "书记 <secretary@example.edu.cn>"
    msg["To"] = "zzb@example.edu.cn"
    msg["Subject"] = subject
    raw_date = date is not None and not date[:1].isascii()  # a Date no mail program writes
    if date is not None and not raw_date:
        msg["Date"] = date
    if received is not None:
        msg["Received"] = f"from mx.example.edu.cn by mail.example.edu.cn; {received}"
    msg.set_content("请查收。")
    for name, data in attachments:
        maintype, subtype = (DOCX if name.endswith(".docx") else "application/pdf").split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    data = msg.as_bytes()
    if raw_date:
        data = f"Date: {date}\n".encode() + data
    path.write_bytes(data)
    return path


def master_without_reports(tmp_path: Path) -> tuple[Path, dict]:
    data = valid()
    for sub in data["subs"]:
        sub["字数"] = sub["履职情况占比"] = sub["存在问题占比"] = sub["工作思路占比"] = ""
        sub["报送组织部日期"] = ""
    return new_workbook(tmp_path / "master.xlsx", data), data


def sub_values(master: Path, header: str) -> dict[str, object]:
    ws = openpyxl.load_workbook(master)["述职"]
    headers = [c.value for c in ws[1]]
    return {r[0]: r[headers.index(header)] for r in ws.iter_rows(min_row=2, values_only=True)}


def day(value: object) -> str:
    return str(value)[:10] if value else ""


def test_mails_bring_reports_and_the_day_they_came(tmp_path: Path) -> None:
    master, _ = master_without_reports(tmp_path)
    inbox = tmp_path / "述职报告"
    inbox.mkdir()
    # 乙二 (二级, meeting 2024-01-16, due 01-15): on time; a Chinese name encoded per RFC 2231
    mail(inbox / "a.eml", [("示例党总支-乙二-述职报告.docx", docx_bytes(tmp_path))])
    # 丙三: the name is only in the subject; sent on the meeting day: late
    mail(
        inbox / "b.eml",
        [("述职报告.docx", docx_bytes(tmp_path, [*BASIC, "丙三补充一句。"]))],
        date="Tue, 16 Jan 2024 09:00:00 +0800",
        subject="安保后勤直属党支部 丙三 述职报告",
    )
    proc = annex("import-reports", master, inbox, "--as-of", "2024-02-01")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "已填写 2 份" in out and "从邮件填写报送日期 2 份" in out, out
    assert "逾期报送：安保后勤直属党支部 丙三：2024年1月16日报送" in out, out
    sent = sub_values(master, "报送组织部日期")
    assert day(sent["S1"]) == "2024-01-08" and day(sent["S2"]) == "2024-01-16"
    files = sub_values(master, "报告文件")
    assert files["S1"] == "述职报告/邮件附件/a/示例党总支-乙二-述职报告.docx"
    assert (tmp_path / files["S2"]).is_file()
    assert sub_values(master, "字数")["S1"] == 77
    check = annex("check", master, "--json", "--as-of", "2024-02-01")
    assert '"deadline.report-sent"' in check.stdout  # 丙三 late
    assert check.stdout.count('"deadline.report-sent"') == 1, check.stdout


def test_a_mail_without_a_date_or_with_a_lying_one_is_said_and_not_used(tmp_path: Path) -> None:
    master, _ = master_without_reports(tmp_path)
    inbox = tmp_path / "in"
    inbox.mkdir()
    mail(inbox / "nodate.eml", [("示例党总支-乙二.docx", docx_bytes(tmp_path))], date=None)
    mail(
        inbox / "future.eml",
        [("安保后勤直属党支部-丙三.docx", docx_bytes(tmp_path, [*BASIC, "另一份。"]))],
        date="Fri, 01 Jan 2100 10:00:00 +0800",
    )
    mail(  # claims 2024-01-05, the receiving server saw it on 2024-01-20: the server wins
        inbox / "backdated.eml",
        [("示例第一党支部-丁四.docx", docx_bytes(tmp_path, [*BASIC, "第三份。"]))],
        date="Fri, 05 Jan 2024 10:00:00 +0800",
        received="Sat, 20 Jan 2024 01:00:00 +0000",
    )
    mail(
        inbox / "garbage-date.eml",
        [("示例第二党支部-戊五.docx", docx_bytes(tmp_path, [*BASIC, "第四份。"]))],
        date="昨天下午",
    )
    proc = annex("import-reports", master, inbox, "--as-of", "2024-02-01")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "已填写 4 份" in out, out
    assert "“nodate.eml”：邮件没有发送日期（Date），无法确定报送日期" in out, out
    assert "晚于导入所按的日期（2024年2月1日，默认今天），不可信" in out, out
    assert "相差14天，以收到时间为准" in out, out
    assert "“昨天下午”无法识别" in out, out
    sent = sub_values(master, "报送组织部日期")
    assert sent["S1"] is None and sent["S2"] is None and sent["S4"] is None
    assert day(sent["S3"]) == "2024-01-20"


def test_the_day_is_read_in_china_time() -> None:
    # 2024-01-15 17:00 UTC is 2024-01-16 01:00 in Beijing
    got, note = mail_day("Mon, 15 Jan 2024 17:00:00 +0000", [], dt.date(2024, 2, 1), 2023)
    assert got == dt.date(2024, 1, 16) and note == ""
    got, note = mail_day("Mon, 15 Jan 2024 17:00:00", [], dt.date(2024, 2, 1), 2023)
    assert got == dt.date(2024, 1, 15)  # no zone: China time
    got, note = mail_day("Thu, 01 Jan 1970 00:00:00 +0000", [], dt.date(2024, 2, 1), 2023)
    assert got is None and "早于考核年度" in note
    assert CHINA.utcoffset(None) == dt.timedelta(hours=8)


def test_duplicates_resends_and_strangers(tmp_path: Path) -> None:
    master, _ = master_without_reports(tmp_path)
    inbox = tmp_path / "in"
    inbox.mkdir()
    report = docx_bytes(tmp_path)
    mail(
        inbox / "1.eml", [("示例党总支-乙二.docx", report)], date="Mon, 08 Jan 2024 10:00:00 +0800"
    )
    mail(
        inbox / "2.eml", [("示例党总支-乙二.docx", report)], date="Wed, 10 Jan 2024 10:00:00 +0800"
    )
    first = docx_bytes(tmp_path, [*BASIC, "初稿。"])
    fixed = docx_bytes(tmp_path, [*BASIC, "修改稿多几个字。"])
    mail(
        inbox / "3.eml",
        [("安保后勤直属党支部-丙三.docx", first)],
        date="Tue, 09 Jan 2024 10:00:00 +0800",
    )
    mail(
        inbox / "4.eml",
        [("安保后勤直属党支部-丙三-修改稿.docx", fixed)],
        date="Thu, 11 Jan 2024 10:00:00 +0800",
    )
    mail(
        inbox / "5.eml",
        [("其他学院党总支-某某.docx", docx_bytes(tmp_path, ["别人的"])), ("说明.pdf", b"%PDF-1.4")],
    )
    mail(
        inbox / "6.eml",
        [("../../../../evil-示例第一党支部-丁四.docx", docx_bytes(tmp_path, [*BASIC, "丁四"]))],
    )
    (inbox / "7.eml").write_bytes(b"\x00\x01PK\x03\x04 not a mail at all")
    before = {p.name for p in tmp_path.iterdir()}
    proc = annex("import-reports", master, inbox, "--as-of", "2024-02-01")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert "“2.eml”的附件“示例党总支-乙二.docx”与“1.eml”中的相同（重复发送），只用一次" in out, out
    assert (
        "先后发来2份不同的报告" in out
        and "使用最后发来的“安保后勤直属党支部-丙三-修改稿.docx”" in out
    )
    assert "对应不上任何书记的文件：其他学院党总支-某某.docx" in out, out
    assert "“说明.pdf”不是 .docx" in out
    assert "“7.eml”不是保存的邮件" in out, out
    sent = sub_values(master, "报送组织部日期")
    assert day(sent["S1"]) == "2024-01-08" and day(sent["S2"]) == "2024-01-09"
    assert sub_values(master, "报告文件")["S2"].endswith("安保后勤直属党支部-丙三-修改稿.docx")
    # the attachment named to climb out stayed inside the inbox
    assert {p.name for p in tmp_path.iterdir()} - {"备份"} == before
    saved = [p for p in (inbox / "邮件附件").rglob("*.docx")]
    assert all(inbox in p.parents for p in saved) and any("evil" in p.name for p in saved)
    # the saved attachments are not taken again as loose files on the next run
    again = annex("import-reports", master, inbox, "--as-of", "2024-02-01")
    assert again.returncode == 0 and "有多份报告" not in again.stdout, again.stdout


def test_a_date_that_differs_from_the_master_is_a_conflict_and_exits_1(tmp_path: Path) -> None:
    data = valid()
    row_of(data, "subs", "述职编号", "S1")["报送组织部日期"] = dt.date(2024, 1, 7)
    master = new_workbook(tmp_path / "master.xlsx", data)
    inbox = tmp_path / "in"
    inbox.mkdir()
    mail(inbox / "a.eml", [("示例党总支-乙二.docx", docx_bytes(tmp_path))])
    proc = annex("import-reports", master, inbox, "--as-of", "2024-02-01")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        "冲突（未写入）：示例党总支 乙二：邮件“a.eml”的报送日期为2024年1月8日，主表为2024年1月7日"
        in proc.stdout
    )
    assert day(sub_values(master, "报送组织部日期")["S1"]) == "2024-01-07"


def test_an_edited_saved_attachment_is_kept_and_not_used(tmp_path: Path) -> None:
    master, _ = master_without_reports(tmp_path)
    inbox = tmp_path / "in"
    inbox.mkdir()
    mail(inbox / "a.eml", [("示例党总支-乙二.docx", docx_bytes(tmp_path))])
    saved = inbox / "邮件附件" / "a" / "示例党总支-乙二.docx"
    saved.parent.mkdir(parents=True)
    saved.write_bytes(b"edited by a person")
    proc = annex("import-reports", master, inbox, "--as-of", "2024-02-01")
    assert "保存后被改过）" in proc.stdout and "未覆盖也未使用" in proc.stdout, proc.stdout
    assert saved.read_bytes() == b"edited by a person"


def test_the_demo_report_that_came_by_mail_is_imported(tmp_path: Path) -> None:
    """The demo plants report.absent: one branch report only in 述职报告/ as a saved e-mail.
    Importing the inbox fills it and the finding goes; the 报送 date in the master agrees."""
    from builders import demo_copy

    made = demo_copy(tmp_path / "demo")
    absent = next(p for p in made.planted if p.code == "report.absent")
    before = annex("check", made.workbook, "--json", "--as-of", "2024-02-01")
    assert '"report.absent"' in before.stdout
    proc = annex(
        "import-reports", made.workbook, tmp_path / "demo" / "述职报告", "--as-of", "2024-02-01"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "从邮件填写报送日期 0 份" in proc.stdout and "冲突" not in proc.stdout, proc.stdout
    files = sub_values(made.workbook, "报告文件")
    sid = next(k for k, v in files.items() if v and "邮件附件" in str(v))
    assert sub_values(made.workbook, "字数")[sid] > 0
    after = annex("check", made.workbook, "--json", "--as-of", "2024-02-01")
    assert '"report.absent"' not in after.stdout
    assert absent.row is not None
