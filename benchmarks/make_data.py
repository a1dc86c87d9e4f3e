"""Realistic master workbooks (and report .docx files) at chosen scales, for the benchmarks.

    python benchmarks/make_data.py institute|large|city|tiny --out DIR

| scale     | 二级党组织 | 在职党支部 | secretaries | rectification rows |
| --------- | ---------- | ---------- | ----------- | ------------------ |
| tiny      | 3          | 12         | 15          | ~30                |
| institute | 15         | 150        | 165         | ~330               |
| large     | 136        | 1,364      | 1,500       | ~3,000             |
| city      | 2,727      | 27,273     | 30,000      | ~60,000            |

The data is valid except for a few realistic mistakes (a 优秀 that should not be, a missing
约谈提醒 date), so `check` does the work of a real run. Written with XlsxWriter in constant-memory
mode: the generator itself stays fast and small at city scale. Report files: a fixed sample of
.docx reports (the same files are referenced again, as the analyzer is measured per file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
from pathlib import Path

import xlsxwriter

from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.demo import report_sentences, write_report
from annex_tools.demo import valid as V

SCALES = {
    "tiny": (3, 4),
    "institute": (15, 10),
    "large": (136, 10),
    "city": (2727, 10),
}  # (二级, branches each)
REPORT_SAMPLE = 40
REPORT_TARGETS = {"duties": 300, "problems": 240, "plans": 160}


def generate(scale: str, out: Path, seed: int = 7, reports: int = REPORT_SAMPLE) -> Path:
    """The master of `scale` as master-{scale}.xlsx in `out`, and `reports` sample reports
    (written once: an existing report is kept, and the data is the same either way)."""
    out.mkdir(parents=True, exist_ok=True)
    report_dir = out / "reports"
    report_dir.mkdir(exist_ok=True)
    rng = random.Random(seed)
    for i in range(reports):
        path = report_dir / f"r{i:03d}.docx"
        if path.exists():
            report_sentences(REPORT_TARGETS, rng)  # the same draws as writing it
        else:
            write_report(path, 2023, f"示例党组织{i}", f"书记{i}", REPORT_TARGETS, rng)
    path = out / f"master-{scale}.xlsx"
    # written beside and renamed: several benchmark runs may share the data folder, and a reader
    # must never meet a half-written master
    part = out / f".master-{scale}.{os.getpid()}.xlsx"
    book = xlsxwriter.Workbook(str(part), {"constant_memory": True})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheet_rows(scale, rng).items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, value, date_fmt)
                else:
                    ws.write(r, c, value)
    book.close()
    os.replace(part, path)
    return path


def sheets(scale: str, seed: int = 7, reports: int = REPORT_SAMPLE) -> dict[str, list[list[object]]]:
    """The rows `generate` writes to the master, without writing anything (tests)."""
    rng = random.Random(seed)
    for _ in range(reports):
        report_sentences(REPORT_TARGETS, rng)
    return sheet_rows(scale, rng)


def sheet_rows(scale: str, rng: random.Random) -> dict[str, list[list[object]]]:
    """Each sheet's rows, the header first, as written to the master (`rng` continues the
    stream that wrote the sample reports: see `sheets`). The rows are the one generator's
    (annex_tools.demo.valid), at this scale, with a few realistic mistakes."""
    second, per = SCALES[scale]
    orgs = [V.organization("P", "中共示例委员会", S.ORG_PARTY_COMMITTEE, secretary="书记P", staff_no="T0")]
    committee = V.meeting(
        "M0", "P", V.COMMITTEE_DAY, present=40, place="第一会议室", published_to="全院党员干部",
        attendees="领导小组成员、两代表一委员、党员干部群众代表共40人", published=dt.date(2024, 1, 23),
        minutes=V.COMMITTEE_MINUTES,
    )  # fmt: skip
    meetings = [committee]
    subs: list[V.Row] = []
    grades: list[V.Row] = []
    rects: list[V.Row] = []

    def add_secretary(org: V.Row, category: str, at: V.Row, fair: bool, approver: str) -> None:
        sid, day = f"S{len(subs) + 1:06d}", at["会议日期"]
        second_level = category == S.CAT_SECOND_LEVEL
        words = rng.randint(500, 1400 if second_level else 950)
        sent = day - 3 * V.DAY if second_level else None
        subs.append(V.submission(sid, org, category, at, words=words, approver=approver, sent=sent))
        grade = rng.choice(["较好", "较好", "一般"]) if fair else "好"
        appraisal = "优秀" if grade == "好" and rng.random() < 0.3 else "合格"
        if rng.random() < 0.001:
            appraisal = "优秀"  # a realistic mistake now and then
        grades.append(V.grade(sid, grade, day, appraisal=appraisal))
        for j in range(2):
            deadline = day + (60 + 30 * j) * V.DAY
            rects.append(V.rectification(
                f"{sid}-{j}", sid, deadline, done=deadline - 5 * V.DAY, problem="党建与业务融合不够",
                measure="加强融合", owner=org["书记姓名"], verified="已核验",
            ))  # fmt: skip

    for g in range(second):
        gid = f"G{g:04d}"
        general = V.organization(
            gid, f"第{g}党总支", S.ORG_GENERAL_BRANCH, "P", f"总支书记{g}", f"T{g:05d}",
            附件2收到日期=dt.date(2024, 1, 20),
        )  # fmt: skip
        orgs.append(general)
        add_secretary(general, S.CAT_SECOND_LEVEL, committee, g % 5 == 0, V.LEADER)
        day = dt.date(2024, 1, 8) + dt.timedelta(days=g % 10)
        own = V.meeting(
            f"M{gid}", gid, day, present=40, attendees="党员代表共40人", filed=day - 5 * V.DAY,
            observer="组织部", published_to=f"第{g}党总支全体党员", published=day + 7 * V.DAY,
            minutes=f"第{g}党总支委员会会议纪要〔2024〕1号",
        )  # fmt: skip  # 实到人数 40 >= 36 ballots
        meetings.append(own)
        for b in range(per):
            branch = V.organization(
                f"{gid}-{b}", f"第{g}总支第{b}支部", S.ORG_STAFF_BRANCH, gid, f"支部书记{g}-{b}",
                f"B{g:05d}{b:02d}",
            )  # fmt: skip
            orgs.append(branch)
            add_secretary(branch, S.CAT_BRANCH, own, b < 2, f"第{g}党总支")

    settings = [[k, v, note] for k, v, note in ST.SETTING_ROWS]
    out: dict[str, list[list[object]]] = {S.SETTINGS.name: [list(S.SETTINGS.headers), *settings]}
    for sheet, records in ((S.ORGS, orgs), (S.SUBMISSIONS, subs), (S.MEETINGS, meetings),
                           (S.GRADES_SHEET, grades), (S.RECTIFICATIONS, rects)):  # fmt: skip
        out[sheet.name] = [list(sheet.headers)] + [[r.get(h) for h in sheet.headers] for r in records]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scale", choices=sorted(SCALES))
    ap.add_argument("--out", type=Path, default=Path("bench-data"))
    args = ap.parse_args()
    print(generate(args.scale, args.out))


if __name__ == "__main__":
    main()
