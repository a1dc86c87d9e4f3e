"""The personnel-file archive: BagIt, PDF/A-2b, write-once, verify."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
import subprocess
from pathlib import Path

import bagit
import openpyxl
import pikepdf
import pytest
from builders import demo_copy
from cli_helpers import annex


def simplified_and_japanese_glyphs(text: str) -> tuple[list[str], list[str]]:
    """Glyph names of the characters whose SC and JP forms differ in Noto Serif CJK."""
    from fontTools.ttLib import TTCollection

    path = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    fonts = {f["name"].getDebugName(1): f.getBestCmap() for f in TTCollection(str(path)).fonts}
    sc, jp = fonts["Noto Serif CJK SC"], fonts["Noto Serif CJK JP"]
    pairs = [
        (sc[ord(c)], jp[ord(c)]) for c in dict.fromkeys(text) if sc.get(ord(c)) != jp.get(ord(c))
    ]
    return [f"/{a}" for a, _ in pairs], [f"/{b}" for _, b in pairs]


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("arch")
    made = demo_copy(root / "demo", mistakes=False)
    proc = annex("archive", made.workbook, "--out", root / "archive", "--as-of", "2024-01-30")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return made, root / "archive"


def test_archive_is_a_valid_bag_with_pdf_a(archived) -> None:
    made, archive = archived
    bag_dir = archive / "2023"
    bagit.Bag(str(bag_dir)).validate()  # the Library of Congress validator
    folders = sorted(p.name for p in (bag_dir / "data").iterdir())
    assert len(folders) == 10 and all(f.startswith("T10") for f in folders)
    pdfs = sorted((bag_dir / "data").glob("*/评价意见.pdf"))
    assert len(pdfs) == 10
    with pikepdf.open(pdfs[0]) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
        programs = b"".join(
            f["/FontDescriptor"][k].read_bytes()
            for page in pdf.pages
            for f in page.Resources.Font.values()
            if "/FontDescriptor" in f
            for k in ("/FontFile", "/FontFile2", "/FontFile3")
            if k in f["/FontDescriptor"]
        )
    # Noto CJK collections share one CFF (named ...jp...) across regions; the region shows in
    # which glyph a character maps to. The title's characters must use the Simplified Chinese ones.
    sc, jp = simplified_and_japanese_glyphs("年度抓基层党建述职评议考核评价意见")
    assert sc and all(g.encode() in programs for g in sc), "Simplified Chinese glyph forms embedded"
    assert not any(g.encode() + b" " in programs or g.encode() + b"\n" in programs for g in jp)
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True).stdout
    # the title is broken by meaning onto two lines (GB/T 9704): "…考核" / "评价意见"
    assert "抓基层党建述职评议考核评价意见" in text.replace(" ", "").replace("\n", "")
    assert "述职评议考核\n评价意见" in text.replace(" ", "")
    proc = annex("archive", "verify", archive)
    assert proc.returncode == 0 and "全部完好" in proc.stdout


def test_manifest_says_what_an_archivist_needs(archived) -> None:
    import json

    made, archive = archived
    manifest = json.loads((archive / "2023" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["files"][0]
    assert {
        "file",
        "sha256",
        "sid",
        "staff_no",
        "source_workbook_sha256",
        "tool",
        "archived_at",
    } <= set(entry)
    assert entry["sid"].startswith("S") and entry["staff_no"].startswith("T")
    import hashlib

    assert entry["source_workbook_sha256"] == hashlib.sha256(made.workbook.read_bytes()).hexdigest()


def test_files_are_owner_only(archived) -> None:
    _, archive = archived
    for path in (archive / "2023").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_changing_one_byte_makes_verify_fail_and_name_the_file(tmp_path: Path, archived) -> None:
    _, archive = archived
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    target = next((copy / "2023" / "data").glob("*/评价意见.docx"))
    target.chmod(0o600)
    data = bytearray(target.read_bytes())
    data[-1] ^= 0x01
    target.write_bytes(bytes(data))
    (copy / "2023" / "data" / "stray.txt").write_text("x")
    proc = annex("archive", "verify", copy)
    assert proc.returncode == 1
    assert (
        target.parent.name in proc.stdout and "改动" in proc.stdout and "stray.txt" in proc.stdout
    )


def test_second_run_keeps_the_first_version_and_a_change_adds_a_new_one(tmp_path: Path) -> None:
    made = demo_copy(tmp_path / "demo", mistakes=False)
    archive = tmp_path / "archive"
    assert annex("archive", made.workbook, "--out", archive, "--no-pdf").returncode == 0
    first = {p: p.read_bytes() for p in (archive / "2023" / "data").rglob("*.docx")}
    again = annex("archive", made.workbook, "--out", archive, "--no-pdf")
    assert "新写入 0 个文件" in again.stdout
    # the 党委 rewrites one opinion: a new version beside the old, the old untouched
    wb = openpyxl.load_workbook(made.workbook)
    ws = wb["评议"]
    col = [c.value for c in ws[1]].index("主要成绩") + 1
    ws.cell(row=2, column=col, value="修改后的主要成绩")
    wb.save(made.workbook)
    third = annex("archive", made.workbook, "--out", archive, "--no-pdf")
    assert third.returncode == 0 and "第2版" in third.stdout
    assert all(p.read_bytes() == data for p, data in first.items())
    assert len(list((archive / "2023" / "data").rglob("评价意见-v2.docx"))) == 1
    assert annex("archive", "verify", archive).returncode == 0


def test_secretary_without_staff_number_is_listed_and_dry_run_writes_nothing(
    tmp_path: Path,
) -> None:
    made = demo_copy(tmp_path / "demo", mistakes=False)
    wb = openpyxl.load_workbook(made.workbook)
    ws = wb["组织"]
    col = [c.value for c in ws[1]].index("书记工号") + 1
    ws.cell(row=3, column=col).value = None  # G01 secretary
    ws = wb["述职"]
    col = [c.value for c in ws[1]].index("书记工号") + 1
    ws.cell(row=2, column=col).value = None  # G01's 述职 row: no 工号 anywhere
    wb.save(made.workbook)
    proc = annex("archive", made.workbook, "--out", tmp_path / "archive", "--dry-run", "--no-pdf")
    assert proc.returncode == 0
    assert "没有书记工号" in proc.stdout and "将写入" in proc.stdout
    assert not (tmp_path / "archive").exists()


# ---- an archive that cannot be fooled, cannot get stuck, files under the right person ------


def edit(path: Path, sheet: str, row: int, header: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    col = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=col, value=value)
    wb.save(path)


def valid_bag(archive: Path) -> None:
    """The archive's own verify and the bagit library's validator both accept it (verify exits
    1 while a quarantine folder waits for a person, issue 22, the files themselves intact)."""
    proc = annex("archive", "verify", archive)
    waiting = (archive / "隔离").exists()
    assert proc.returncode == (1 if waiting else 0), proc.stdout + proc.stderr
    assert "全部完好" in proc.stdout, proc.stdout + proc.stderr
    bagit.Bag(str(archive / "2023")).validate()
    assert not [p.name for p in archive.iterdir() if p.name.startswith(".")], "leftovers"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory):
    """A demo master and its archive (no PDF, to stay quick), copied by each test."""
    root = tmp_path_factory.mktemp("base")
    made = demo_copy(root / "demo", mistakes=False)
    proc = annex("archive", made.workbook, "--out", root / "archive", "--no-pdf")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return made.workbook, root / "archive"


@pytest.fixture
def fresh(base, tmp_path: Path) -> tuple[Path, Path]:
    workbook, archive = base
    shutil.copytree(workbook.parent, tmp_path / "demo")
    shutil.copytree(archive, tmp_path / "archive")
    return tmp_path / "demo" / workbook.name, tmp_path / "archive"


def run(workbook: Path, archive: Path) -> subprocess.CompletedProcess[str]:
    return annex("archive", workbook, "--out", archive, "--no-pdf")


def test_tamper_then_archive_stops_and_writes_nothing_then_verify_names_it(fresh) -> None:
    workbook, archive = fresh
    target = next((archive / "2023" / "data").glob("*/评价意见.docx"))
    target.chmod(0o600)
    data = bytearray(target.read_bytes())
    data[100] ^= 0x01
    target.write_bytes(bytes(data))
    edit(workbook, "评议", 3, "主要成绩", "修改后的主要成绩")  # something new to archive
    before = sorted((p, p.stat().st_mtime_ns) for p in archive.rglob("*"))
    proc = run(workbook, archive)
    assert proc.returncode == 1
    assert "档案已被改动" in proc.stderr and target.parent.name in proc.stderr, proc.stderr
    assert sorted((p, p.stat().st_mtime_ns) for p in archive.rglob("*")) == before
    proc = annex("archive", "verify", archive)
    assert proc.returncode == 1 and target.parent.name in proc.stdout and "改动" in proc.stdout
    # the manifests were not rewritten with the tampered file's hash
    listed = (archive / "2023" / "manifest-sha256.txt").read_text(encoding="utf-8")
    assert hashlib.sha256(bytes(data)).hexdigest() not in listed


def test_verify_compares_with_manifest_json_too(fresh) -> None:
    _, archive = fresh
    manifest = archive / "2023" / "manifest.json"
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    doc["files"][0]["sha256"] = "0" * 64
    manifest.chmod(0o600)
    manifest.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    proc = annex("archive", "verify", archive)
    assert proc.returncode == 1 and doc["files"][0]["file"] in proc.stdout, proc.stdout


def test_verify_reports_changed_missing_and_extra(fresh) -> None:
    _, archive = fresh
    files = sorted((archive / "2023" / "data").glob("*/评价意见.docx"))
    files[0].chmod(0o600)
    files[0].write_bytes(b"changed")
    files[1].unlink()
    (files[2].parent / "extra.docx").write_bytes(b"x")
    out = annex("archive", "verify", archive).stdout
    assert f"{files[0].parent.name}/评价意见.docx：内容已被改动" in out
    assert f"{files[1].parent.name}/评价意见.docx：文件缺失" in out
    assert f"{files[2].parent.name}/extra.docx：多出的文件" in out


UPDATE_STEPS = [
    "staging:1",
    "copying:3",  # while linking what is archived already
    "copying:11",  # while writing the new files
    "manifests:1",
    "manifests:3",
    "ready",
    "swap",
    "cleanup",
]


@pytest.mark.parametrize("step", UPDATE_STEPS)
def test_killed_at_each_step_of_an_update_then_rerun_gives_a_valid_bag_with_everything(
    fresh, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, archive = fresh
    first = {p: p.read_bytes() for p in (archive / "2023" / "data").rglob("*.docx")}
    edit(workbook, "评议", 2, "主要成绩", "修改后的主要成绩一")
    edit(workbook, "评议", 3, "主要成绩", "修改后的主要成绩二")
    monkeypatch.setenv("ANNEX_ARCHIVE_KILL_AT", step)
    killed = run(workbook, archive)
    assert killed.returncode in (-9, 137), (killed.returncode, killed.stdout, killed.stderr)
    monkeypatch.delenv("ANNEX_ARCHIVE_KILL_AT")
    # what a kill leaves: the previous bag or the new one, never a mix
    names = (
        {p.relative_to(archive / "2023").as_posix() for p in (archive / "2023").rglob("*.docx")}
        if (archive / "2023").exists()
        else set()
    )
    assert len(names) in (10, 12) or not (archive / "2023").exists()
    again = run(workbook, archive)
    assert again.returncode == 0, again.stdout + again.stderr
    valid_bag(archive)
    assert all(p.read_bytes() == data for p, data in first.items())
    assert len(list((archive / "2023" / "data").rglob("评价意见-v2.docx"))) == 2
    assert len(list((archive / "2023" / "data").rglob("*.docx"))) == 12
    assert "新写入 0 个文件" in run(workbook, archive).stdout


@pytest.mark.parametrize("step", ["staging:1", "copying:4", "manifests:2", "ready"])
def test_killed_while_making_a_new_archive_then_rerun(
    base, tmp_path: Path, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, _ = base
    archive = tmp_path / "archive"
    monkeypatch.setenv("ANNEX_ARCHIVE_KILL_AT", step)
    assert run(workbook, archive).returncode in (-9, 137)
    monkeypatch.delenv("ANNEX_ARCHIVE_KILL_AT")
    assert not (archive / "2023").exists()
    assert run(workbook, archive).returncode == 0
    valid_bag(archive)
    assert len(list((archive / "2023" / "data").rglob("*.docx"))) == 10


def test_deleted_manifest_json_is_quarantined_and_the_next_run_works(fresh) -> None:
    workbook, archive = fresh
    old = sorted(
        p.relative_to(archive / "2023").as_posix() for p in (archive / "2023").rglob("*.docx")
    )
    (archive / "2023" / "manifest.json").unlink()
    proc = annex("archive", "verify", archive)
    assert proc.returncode == 1 and "manifest.json" in proc.stdout
    proc = run(workbook, archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "隔离" in proc.stdout and "manifest.json" in proc.stdout
    (kept,) = (archive / "隔离").iterdir()
    assert sorted(p.relative_to(kept / "档案").as_posix() for p in kept.rglob("*.docx")) == old
    assert "manifest.json" in (kept / "说明.txt").read_text(encoding="utf-8")
    valid_bag(archive)
    assert len(list((archive / "2023" / "data").rglob("*.docx"))) == 10
    assert "隔离" in annex("archive", "verify", archive).stdout


def test_stray_file_is_quarantined_never_adopted_and_the_next_run_works(fresh) -> None:
    workbook, archive = fresh
    person = next((archive / "2023" / "data").iterdir())
    (person / "评价意见-v2.docx").write_bytes(b"planted")  # where the next version would go
    (archive / "2023" / "data" / "陌生人").mkdir()
    (archive / "2023" / "data" / "陌生人" / "x.pdf").write_bytes(b"y")
    assert "多出的文件" in annex("archive", "verify", archive).stdout
    sid_row = 2  # change everyone's first opinion so that 评价意见-v2 is wanted for someone
    edit(workbook, "评议", sid_row, "主要成绩", "修改后的主要成绩")
    proc = run(workbook, archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "评价意见-v2.docx" in proc.stdout and "陌生人" in proc.stdout and "隔离" in proc.stdout
    (kept,) = (archive / "隔离").iterdir()
    assert (kept / "档案" / "data" / person.name / "评价意见-v2.docx").read_bytes() == b"planted"
    assert (kept / "档案" / "data" / "陌生人" / "x.pdf").read_bytes() == b"y"
    valid_bag(archive)
    manifest = json.loads((archive / "2023" / "manifest.json").read_text(encoding="utf-8"))
    assert all(e.get("sha256") != hashlib.sha256(b"planted").hexdigest() for e in manifest["files"])
    assert len(list((archive / "2023" / "data").rglob("评价意见-v2.docx"))) == 1


def test_planted_folder_link_is_tampering_and_nothing_is_written_outside(
    fresh, tmp_path: Path
) -> None:
    workbook, archive = fresh
    outside = tmp_path / "outside"
    outside.mkdir()
    person = next((archive / "2023" / "data").iterdir())
    moved = tmp_path / "moved"
    shutil.move(str(person), moved)
    person.symlink_to(outside, target_is_directory=True)
    edit(workbook, "评议", 2, "主要成绩", "修改后的主要成绩")
    proc = run(workbook, archive)
    assert proc.returncode == 1 and "符号链接" in proc.stderr and "Traceback" not in proc.stderr
    assert list(outside.iterdir()) == []
    proc = annex("archive", "verify", archive)
    assert proc.returncode == 1 and "符号链接" in proc.stdout and person.name in proc.stdout
    # once the link is gone and the folder is back, it archives again
    person.unlink()
    shutil.move(str(moved), person)
    assert run(workbook, archive).returncode == 0
    valid_bag(archive)


def test_dangling_file_link_where_a_file_will_be_written(fresh, tmp_path: Path) -> None:
    workbook, archive = fresh
    person = next((archive / "2023" / "data").iterdir())
    target = tmp_path / "escaped.docx"
    (person / "评价意见-v2.docx").symlink_to(target)
    edit(workbook, "评议", 2, "主要成绩", "修改后的主要成绩")
    proc = run(workbook, archive)
    assert proc.returncode == 1 and "符号链接" in proc.stderr and "Traceback" not in proc.stderr
    assert not target.exists()
    assert "符号链接" in annex("archive", "verify", archive).stdout


def test_archive_folder_itself_a_link_is_refused(fresh, tmp_path: Path) -> None:
    workbook, archive = fresh
    shutil.move(str(archive / "2023"), tmp_path / "real2023")
    (archive / "2023").symlink_to(tmp_path / "real2023", target_is_directory=True)
    proc = run(workbook, archive)
    assert proc.returncode == 1 and "符号链接" in proc.stderr


def test_colliding_names_are_two_folders_on_a_new_archive(base, tmp_path: Path) -> None:
    workbook, _ = base
    shutil.copytree(workbook.parent, tmp_path / "demo")
    workbook = tmp_path / "demo" / workbook.name
    # two 二级党组织 secretaries whose names are the same once made safe for a file name
    wb = openpyxl.load_workbook(workbook)
    orgs, subs = wb["组织"], wb["述职"]
    oh = [c.value for c in orgs[1]]
    sh = [c.value for c in subs[1]]
    names = {3: "张/三", 4: "张_三"}
    org_ids = {}
    for row, name in names.items():
        orgs.cell(row=row, column=oh.index("书记姓名") + 1, value=name)
        org_ids[orgs.cell(row=row, column=oh.index("组织编号") + 1).value] = name
    for r in range(2, subs.max_row + 1):
        oid = subs.cell(row=r, column=sh.index("组织编号") + 1).value
        if oid in org_ids:
            subs.cell(row=r, column=sh.index("书记姓名") + 1, value=org_ids[oid])
    wb.save(workbook)
    archive = tmp_path / "archive"
    proc = run(workbook, archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folders = sorted(p.name for p in (archive / "2023" / "data").iterdir() if "张_三" in p.name)
    assert len(folders) == 2 and folders[0] != folders[1]
    valid_bag(archive)


def test_mismatched_identity_is_reported_by_check_and_refused_by_archive(fresh) -> None:
    workbook, archive = fresh
    wb = openpyxl.load_workbook(workbook)
    subs = wb["述职"]
    sh = [c.value for c in subs[1]]
    other = subs.cell(row=3, column=sh.index("书记工号") + 1).value
    subs.cell(row=2, column=sh.index("书记工号") + 1, value=other)  # someone else's 工号
    name = subs.cell(row=2, column=sh.index("书记姓名") + 1).value
    wb.save(workbook)
    check = annex("check", workbook, "--json", "--as-of", "2024-03-01")
    codes = [(f["code"], f["row"], f["column"]) for f in json.loads(check.stdout)["findings"]]
    assert ("submission.identity", 2, "书记工号") in codes
    edit(workbook, "评议", 2, "主要成绩", "修改后的主要成绩")
    edit(workbook, "评议", 4, "主要成绩", "修改后的主要成绩")
    proc = run(workbook, archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "未归档" in proc.stdout and name in proc.stdout and str(other) in proc.stdout
    assert "第2版" in proc.stdout  # the others are archived
    manifest = json.loads((archive / "2023" / "manifest.json").read_text(encoding="utf-8"))
    assert not [e for e in manifest["files"] if e["name"] == name and e["staff_no"] == other]
    valid_bag(archive)


def test_a_changed_secretary_is_filed_under_their_own_staff_number(fresh) -> None:
    workbook, archive = fresh
    edit(workbook, "述职", 2, "书记姓名", "新书记")
    edit(workbook, "述职", 2, "书记工号", "T99999")
    proc = run(workbook, archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (archive / "2023" / "data" / "T99999_新书记" / "评价意见.docx").exists()
    valid_bag(archive)


def test_master_without_the_staff_number_column_still_archives(base, tmp_path: Path) -> None:
    workbook, _ = base
    shutil.copytree(workbook.parent, tmp_path / "demo")
    workbook = tmp_path / "demo" / workbook.name
    wb = openpyxl.load_workbook(workbook)
    subs = wb["述职"]
    col = [c.value for c in subs[1]].index("书记工号") + 1
    for r in range(1, subs.max_row + 1):  # the column as an older master has it: not there
        subs.cell(row=r, column=col).value = "（旧表无此列）" if r == 1 else None
    wb.save(workbook)
    archive = tmp_path / "archive"
    proc = run(workbook, archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(list((archive / "2023" / "data").rglob("*.docx"))) == 10


def test_a_second_run_while_one_is_writing_is_refused_and_writes_nothing(fresh) -> None:
    from annex_tools.workbook.safewrite import WriteLock

    workbook, archive = fresh
    edit(workbook, "评议", 2, "主要成绩", "修改后的主要成绩")
    lock = WriteLock(archive / "2023", wait=0.0)
    lock.acquire()  # this test process is the run in progress
    try:
        proc = run(workbook, archive)
    finally:
        lock.release()
    assert proc.returncode == 2 and "另一个归档程序正在写入" in proc.stderr, proc.stderr
    assert not list((archive / "2023" / "data").rglob("*-v2.docx"))
    assert run(workbook, archive).returncode == 0
    valid_bag(archive)


def test_as_of_checks_and_signed_dates_an_opinion_without_a_feedback_date(tmp_path: Path) -> None:
    """`--as-of` is the day the master is checked against; `--signed` dates an opinion whose
    反馈日期 is empty (a recorded 反馈日期 still dates its own)."""
    from builders import valid
    from docx import Document

    from annex_tools.workbook.builder import new_workbook

    data = valid()
    next(g for g in data["grades"] if g["述职编号"] == "S1")["反馈日期"] = None  # 乙二
    master = new_workbook(tmp_path / "m.xlsx", data)
    early = annex("archive", master, "--out", tmp_path / "x", "--no-pdf", "--as-of", "2024-01-19")
    assert early.returncode != 0 and not (tmp_path / "x").exists()  # 反馈日期 1月20日 after it
    said = early.stdout + early.stderr
    assert "反馈日期" in said and "2024年1月20日" in said, said
    proc = annex("archive", master, "--out", tmp_path / "a", "--no-pdf",
                 "--as-of", "2024-06-01", "--signed", "2024-02-05")  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    dated = {}
    for f in (tmp_path / "a").rglob("评价意见.docx"):
        text = "\n".join(p.text for p in Document(str(f)).paragraphs)
        dated[f.parent.name] = [d for d in ("2024年2月5日", "2024年1月20日") if d in text]
    assert sorted(dated.values()) == [["2024年1月20日"], ["2024年2月5日"]], dated
