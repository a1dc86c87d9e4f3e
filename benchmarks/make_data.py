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
import random
from pathlib import Path

import xlsxwriter

from annex_tools.contract import schema as S
from annex_tools.contract import settings as ST
from annex_tools.demo import report_sentences, write_report

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
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheet_rows(scale, rng).items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, date_fmt)
                else:
                    ws.write(r, c, value)
    book.close()
    return path


def sheets(scale: str, seed: int = 7, reports: int = REPORT_SAMPLE) -> dict[str, list[list[object]]]:
    """The rows `generate` writes to the master, without writing anything (tests)."""
    rng = random.Random(seed)
    for _ in range(reports):
        report_sentences(REPORT_TARGETS, rng)
    return sheet_rows(scale, rng)


def sheet_rows(scale: str, rng: random.Random) -> dict[str, list[list[object]]]:
    """Each sheet's rows, the header first, as written to the master (`rng` continues the
    stream that wrote the sample reports: see `sheets`)."""
    second, per = SCALES[scale]

    orgs = [["P", "中共示例委员会", S.ORG_PARTY_COMMITTEE, "", "书记P", "T0", ""]]
    # rows in the order of each sheet's headers (contract/schema.py); the ledger and 公布 columns last
    meetings = [["M0", "P", dt.datetime(2024, 1, 16), "第一会议室", "领导小组成员、两代表一委员、党员干部群众代表共40人", None, "",
                 "全院党员干部", dt.datetime(2024, 1, 23), 40, dt.datetime(2024, 1, 18), "党委常委会会议纪要〔2024〕2号"]]  # fmt: skip
    subs, grades, rects = [], [], []

    def add_secretary(
        oid: str, name: str, category: str, mid: str, day: dt.datetime, fair: bool, staff: str,
        approver: str,
    ) -> None:
        sid = f"S{len(subs) + 1:06d}"
        words = rng.randint(500, 1400 if category == S.CAT_SECOND_LEVEL else 950)
        subs.append([sid, oid, name, staff, category, "现场述职", "",
                     words, 0.45, 0.35, 0.2, day - dt.timedelta(days=12), day - dt.timedelta(days=6), approver, mid,
                     "", day - dt.timedelta(days=3) if category == S.CAT_SECOND_LEVEL else None])  # fmt: skip
        grade = rng.choice(["较好", "较好", "一般"]) if fair else "好"
        appraisal = "优秀" if grade == "好" and rng.random() < 0.3 else "合格"
        if rng.random() < 0.001:
            appraisal = "优秀"  # a realistic mistake now and then
        interview = day + dt.timedelta(days=5) if grade == "一般" else None
        ballots = {"好": (30, 5, 1, 0), "较好": (12, 20, 4, 0), "一般": (5, 10, 20, 1)}[grade]
        grades.append(
            [
                sid,
                *ballots,
                grade,
                "成绩",
                "不足",
                appraisal,
                interview,
                day + dt.timedelta(days=3),
            ]
        )
        for j in range(2):
            deadline = day + dt.timedelta(days=60 + 30 * j)
            rects.append({"整改编号": f"{sid}-{j}", "述职编号": sid, "问题来源": "自身查摆",
                          "存在问题": "党建与业务融合不够", "整改措施": "加强融合", "整改时限": deadline,
                          "责任人": name, "整改状态": "已完成", "完成日期": deadline - dt.timedelta(days=5),
                          "核验情况": "已核验"})  # fmt: skip

    for g in range(second):
        gid = f"G{g:04d}"
        orgs.append(
            [gid, f"第{g}党总支", S.ORG_GENERAL_BRANCH, "P", f"总支书记{g}", f"T{g:05d}", "", "",
             dt.datetime(2024, 1, 20)]  # fmt: skip
        )
        add_secretary(
            gid,
            f"总支书记{g}",
            S.CAT_SECOND_LEVEL,
            "M0",
            dt.datetime(2024, 1, 16),
            g % 5 == 0,
            f"T{g:05d}",
            "院领导 某某",
        )
        day = dt.datetime(2024, 1, 8) + dt.timedelta(days=g % 10)
        mid = f"M{gid}"
        meetings.append(
            [mid, gid, day, "会议室", "党员代表共40人", day - dt.timedelta(days=5), "组织部",
             f"第{g}党总支全体党员", day + dt.timedelta(days=7), 40,  # 实到人数 40 >= 36 ballots
             day + dt.timedelta(days=2), f"第{g}党总支委员会会议纪要〔2024〕1号"]  # fmt: skip
        )
        for b in range(per):
            bid = f"{gid}-{b}"
            orgs.append(
                [
                    bid,
                    f"第{g}总支第{b}支部",
                    S.ORG_STAFF_BRANCH,
                    gid,
                    f"支部书记{g}-{b}",
                    f"B{g:05d}{b:02d}",
                    "",
                ]
            )
            add_secretary(
                bid, f"支部书记{g}-{b}", S.CAT_BRANCH, mid, day, b < 2, f"B{g:05d}{b:02d}",
                f"第{g}党总支",
            )

    settings = [[k, v, note] for k, v, note in ST.SETTING_ROWS]
    out: dict[str, list[list[object]]] = {}
    for sheet, records in ((S.SETTINGS, settings), (S.ORGS, orgs), (S.SUBMISSIONS, subs), (S.MEETINGS, meetings),
                           (S.GRADES_SHEET, grades), (S.RECTIFICATIONS, rects)):  # fmt: skip
        out[sheet.name] = [list(sheet.headers)] + [
            [record.get(h) for h in sheet.headers] if isinstance(record, dict) else list(record)
            for record in records
        ]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scale", choices=sorted(SCALES))
    ap.add_argument("--out", type=Path, default=Path("bench-data"))
    args = ap.parse_args()
    print(generate(args.scale, args.out))


if __name__ == "__main__":
    main()
