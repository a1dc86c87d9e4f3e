"""Issue 22, case 1: the archive knows people. A 工号 swapped (or corrected) in the master never
puts one person's opinion into another person's folder; verify finds a folder that holds another
person's opinion; a swap is corrected with --refile, which moves the files with a record."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import bagit
import openpyxl
import pytest
from builders import demo_copy
from cli_helpers import annex

LIN, TANG = ("S002", "林海俊", "T10102", 3), ("S003", "汤松敏", "T10103", 4)  # sid, name, 工号, row


def set_staff_no(workbook: Path, numbers: dict[int, str]) -> None:
    """Give the people on these 述职 rows these 工号, on 述职 and 组织 alike (in the demo a
    secretary's 组织 row is one below their 述职 row: the 党委 comes first)."""
    wb = openpyxl.load_workbook(workbook)
    for sheet, shift in (("组织", 1), ("述职", 0)):
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index("书记工号") + 1
        for row, no in numbers.items():
            ws.cell(row=row + shift, column=col, value=no)
    wb.save(workbook)


def run(workbook: Path, archive: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return annex("archive", workbook, "--out", archive, "--no-pdf", *more)


def docx_text(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def folders(archive: Path) -> dict[str, list[str]]:
    data = archive / "2023" / "data"
    return {d.name: sorted(f.name for f in d.iterdir()) for d in sorted(data.iterdir())}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("identity") / "demo", mistakes=False).workbook


@pytest.fixture
def master(demo: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo.parent, tmp_path / "demo")
    return tmp_path / "demo" / demo.name


def swapped_archive(master: Path, archive: Path) -> None:
    """The master with 林海俊's and 汤松敏's 工号 swapped (check finds nothing), archived."""
    set_staff_no(master, {LIN[3]: TANG[2], TANG[3]: LIN[2]})
    check = annex("check", master, "--json", "--as-of", "2024-03-01")
    assert json.loads(check.stdout)["errors"] == 0
    proc = run(master, archive)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {f"{TANG[2]}_{LIN[1]}", f"{LIN[2]}_{TANG[1]}"} <= set(folders(archive))


def test_correcting_a_swapped_staff_number_is_refused_naming_both_and_files_nothing(
    master: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    swapped_archive(master, archive)
    before = folders(archive)
    set_staff_no(master, {LIN[3]: LIN[2], TANG[3]: TANG[2]})  # the 工号 corrected in the master
    proc = run(master, archive)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    for sid, name, no, _ in (LIN, TANG):
        line = next(
            x for x in out.splitlines() if x.startswith(f"拒绝归档 {name}（工号{no}，述职{sid}）")
        )
        other = TANG[1] if name == LIN[1] else LIN[1]
        assert name in line and other in line and no in line, line  # both people named
    assert folders(archive) == before  # nothing filed for either
    assert "全部完好" in annex("archive", "verify", archive).stdout


def test_a_new_swap_into_an_existing_archive_is_refused(master: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    assert run(master, archive).returncode == 0
    before = folders(archive)
    set_staff_no(master, {LIN[3]: TANG[2], TANG[3]: LIN[2]})
    proc = run(master, archive)
    assert proc.returncode == 1 and proc.stdout.count("拒绝归档") == 2, proc.stdout + proc.stderr
    assert folders(archive) == before
    for folder, files in folders(archive).items():  # every opinion is in its own person's folder
        for f in files:
            no, name = folder.split("_", 1)
            text = docx_text(archive / "2023" / "data" / folder / f)
            assert name in text and no in text


def test_refile_corrects_a_swap_with_a_record_and_the_next_run_files_the_right_person(
    master: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    swapped_archive(master, archive)
    set_staff_no(master, {LIN[3]: LIN[2], TANG[3]: TANG[2]})
    no_reason = run(master, archive, "--refile", LIN[0], "--refile", TANG[0])
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    one = run(master, archive, "--refile", LIN[0], "--reason", "工号录入互换")
    assert one.returncode == 2 and "一起更正" in one.stderr, one.stdout + one.stderr
    proc = run(master, archive, "--refile", LIN[0], "--refile", TANG[0], "--reason", "工号录入互换")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("更正") >= 2 and "工号录入互换" in proc.stdout
    now = folders(archive)
    assert f"{TANG[2]}_{LIN[1]}" not in now and f"{LIN[2]}_{TANG[1]}" not in now
    for _, name, no, _ in (LIN, TANG):
        files = now[f"{no}_{name}"]
        assert files == ["评价意见-v2.docx", "评价意见.docx"], files  # moved v1 + the right one
        v2 = docx_text(archive / "2023" / "data" / f"{no}_{name}" / "评价意见-v2.docx")
        assert name in v2 and no in v2
    manifest = json.loads((archive / "2023" / "manifest.json").read_text(encoding="utf-8"))
    moved = [e for e in manifest["files"] if e.get("corrections")]
    assert len(moved) == 2
    for e in moved:
        c = e["corrections"][-1]
        assert c["reason"] == "工号录入互换" and c["from_staff_no"] != c["to_staff_no"]
        assert c["from_file"] != e["file"] and e["file"].startswith(f"data/{c['to_staff_no']}_")
    verify = annex("archive", "verify", archive)
    assert verify.returncode == 0 and "全部完好" in verify.stdout, verify.stdout
    bagit.Bag(str(archive / "2023")).validate()
    again = run(master, archive)
    assert again.returncode == 0 and "新写入 0 个文件" in again.stdout, again.stdout


def rewrite_bag(bag: Path) -> None:
    """Re-record the payload and tag manifests from the files (what an older version wrote)."""
    lines, size = [], 0
    for f in sorted((bag / "data").rglob("*")):
        if f.is_file():
            digest = hashlib.sha256(f.read_bytes()).hexdigest()
            lines.append(f"{digest}  {f.relative_to(bag).as_posix()}\n")
            size += f.stat().st_size
    info = bag / "bag-info.txt"
    info.chmod(0o600)
    kept = [x for x in info.read_text(encoding="utf-8").splitlines() if "Payload-Oxum" not in x]
    info.write_text("\n".join([*kept, f"Payload-Oxum: {size}.{len(lines)}"]) + "\n", "utf-8")
    (bag / "manifest-sha256.txt").chmod(0o600)
    (bag / "manifest-sha256.txt").write_text("".join(lines), encoding="utf-8")
    tags = []
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest.json"):
        tags.append(f"{hashlib.sha256((bag / name).read_bytes()).hexdigest()}  {name}\n")
    (bag / "tagmanifest-sha256.txt").chmod(0o600)
    (bag / "tagmanifest-sha256.txt").write_text("".join(tags), encoding="utf-8")


def test_verify_reports_a_folder_holding_another_persons_opinion(
    master: Path, tmp_path: Path
) -> None:
    """The archive an earlier version left after a swap was corrected: 林海俊's opinion inside
    汤松敏's folder, the records saying so; verify must not call it 全部完好."""
    archive = tmp_path / "archive"
    swapped_archive(master, archive)
    bag = archive / "2023"
    wrong = f"data/{LIN[2]}_{TANG[1]}"  # 汤松敏's folder (under 林海俊's real 工号)
    src = bag / f"data/{TANG[2]}_{LIN[1]}/评价意见.docx"  # 林海俊's opinion
    for p in (bag, bag / "data", bag / wrong, src.parent, bag / "manifest.json"):
        p.chmod(0o700)
    (bag / wrong / "评价意见-S002.docx").write_bytes(src.read_bytes())
    manifest = json.loads((bag / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["files"] if e["sid"] == LIN[0])
    manifest["files"].append(dict(entry, file=f"{wrong}/评价意见-S002.docx", staff_no=LIN[2]))
    (bag / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    rewrite_bag(bag)
    bagit.Bag(str(bag)).validate()  # a bag that is valid as a bag ...
    proc = annex("archive", "verify", archive)
    assert proc.returncode == 1, proc.stdout  # ... but a person's folder holds another's opinion
    problems = [x for x in proc.stdout.splitlines() if x.startswith("✗")]
    assert any(wrong in x and LIN[1] in x and TANG[1] in x for x in problems), proc.stdout
    assert any("评价意见-S002.docx" in x and "文件内容写的是林海俊" in x for x in problems)
    assert "--refile" in proc.stdout
