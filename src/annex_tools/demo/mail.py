"""The demo's mail inbox: a report that came only by e-mail, saved as a .eml."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from annex_tools.contract.text import safe_filename


def _mail_report(inbox: Path, sub: dict[str, Any], org_name: str) -> Path:
    """The report of `sub` as the secretary mailed it: a saved e-mail (.eml) with the .docx
    attached, sent two days after the meeting (a fictional mailbox)."""
    import email.policy
    import email.utils
    from email.message import EmailMessage

    report: Path = sub["_file"]
    meeting_day = sub["审定日期"] + dt.timedelta(days=6)
    msg = EmailMessage(policy=email.policy.default)
    msg["From"] = "党支部书记 <branch@example.edu.cn>"
    msg["To"] = "党委组织部 <zzb@example.edu.cn>"
    msg["Subject"] = f"{org_name} {sub['书记姓名']} 2023年度述职报告"
    sent = dt.datetime.combine(meeting_day + dt.timedelta(days=2), dt.time(9, 30))
    msg["Date"] = email.utils.format_datetime(
        sent.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    )
    msg.set_content("组织部：\n    附件是我的2023年度述职报告，已经党总支审定，请查收。")
    msg.add_attachment(
        report.read_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=report.name,
    )
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / safe_filename(f"{org_name}-{sub['书记姓名']}-述职报告.eml")
    path.write_bytes(msg.as_bytes())
    report.unlink()  # only the mail has it
    return path
