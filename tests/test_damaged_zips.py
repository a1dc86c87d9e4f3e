"""A master or report whose zip is damaged in one part is refused with a Chinese reason naming
that part, never an internal error; a master replaced while its sheets are read is refused,
never read half from each file (the reader opens the file once per reading thread)."""

from __future__ import annotations

import os
import shutil
import struct
import threading
import zipfile
from pathlib import Path

import pytest
from builders import demo_copy
from cli_helpers import annex

from annex_tools.contract.errors import WorkbookError
from annex_tools.workbook import reader

EXIT_CANNOT_RUN = 2


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(tmp_path_factory.mktemp("demo"), mistakes=False).workbook


def rewritten(src: Path, dst: Path, part: str, edit) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the zip with one part's content edited (None drops the part)."""
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info)
            if info.filename == part:
                data = edit(data)
            if data is not None:
                zo.writestr(info.filename, data)
    return dst


def corrupted(src: Path, dst: Path, part: str, how: str) -> Path:
    """A byte-level copy with `part`'s CRC wrong in both headers (data intact), or with
    garbage in its deflate stream."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(part)
    if how == "crc":
        for magic, at, at_len, at_name in ((b"PK\x03\x04", 14, 26, 30), (b"PK\x01\x02", 16, 28, 46)):
            pos = data.find(magic)
            while pos >= 0:
                n = struct.unpack_from("<H", data, pos + at_len)[0]
                if data[pos + at_name : pos + at_name + n] == part.encode():
                    struct.pack_into("<I", data, pos + at, 0xDEADBEEF)
                pos = data.find(magic, pos + 4)
    else:
        off = info.header_offset
        n, m = struct.unpack_from("<HH", data, off + 26)
        start = off + 30 + n + m
        for i in range(start + 2, start + min(info.compress_size, 40)):
            data[i] ^= 0x5A
    dst.write_bytes(bytes(data))
    return dst


def sheet_part(master: Path, name: str) -> str:
    with zipfile.ZipFile(master) as zf:
        return next(p for p, n in reader.sheet_parts(zf).items() if n == name)


def refused(path: Path) -> str:
    r = annex("check", path, "--as-of", "2024-03-01")
    assert r.returncode == EXIT_CANNOT_RUN, r.stdout + r.stderr
    assert "内部错误" not in r.stderr and "Traceback" not in r.stderr
    return r.stderr


def test_a_sheet_target_written_another_way_is_named_not_an_internal_error(
    master: Path, tmp_path: Path
) -> None:
    part = sheet_part(master, "评议")  # xl/worksheets/sheetN.xml, named "/xl/..." in the rels
    folder, file = part.rsplit("/", 1)
    for target in (f"/{folder}/./{file}", f"/{folder}/../worksheets/{file}"):
        bad = rewritten(
            master, tmp_path / "dot.xlsx", "xl/_rels/workbook.xml.rels",
            lambda d, t=target: d.replace(f'Target="/{part}"'.encode(), f'Target="{t}"'.encode()),
        )  # fmt: skip
        with zipfile.ZipFile(bad) as zf:
            assert target.encode() in zf.read("xl/_rels/workbook.xml.rels")
        assert "工作表“评议”无法读取" in refused(bad)


def test_a_missing_sheet_part_is_named(master: Path, tmp_path: Path) -> None:
    bad = rewritten(master, tmp_path / "gone.xlsx", sheet_part(master, "评议"), lambda d: None)
    assert "工作表“评议”无法读取" in refused(bad)


@pytest.mark.parametrize(
    ("part", "how", "said"),
    [
        ("docProps/app.xml", "crc", "其中“docProps/app.xml”校验失败"),
        ("xl/_rels/workbook.xml.rels", "crc", "其中“xl/_rels/workbook.xml.rels”校验失败"),
        ("docProps/app.xml", "garbage", "文件已损坏或不完整"),
        ("xl/workbook.xml", "garbage", "文件已损坏或不完整"),
        ("SHEET", "crc", "校验失败"),
    ],
)
def test_a_damaged_part_is_refused_with_its_own_reason(
    master: Path, tmp_path: Path, part: str, how: str, said: str
) -> None:
    part = sheet_part(master, "整改") if part == "SHEET" else part
    text = refused(corrupted(master, tmp_path / "bad.xlsx", part, how))
    assert said in text
    assert "200 MB" not in text  # a damaged part is not an oversized archive


def test_a_report_with_a_damaged_body_is_a_finding_not_an_internal_error(
    master: Path, tmp_path: Path
) -> None:
    report = next(master.parent.rglob("*.docx"))
    bad = corrupted(report, tmp_path / "坏报告.docx", "word/document.xml", "garbage")
    r = annex("analyze", bad, "--category", "党支部书记")
    assert "内部错误" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert "不是 .docx 文件或文件已损坏" in r.stdout + r.stderr


def test_a_master_replaced_while_read_is_refused_not_mixed(
    master: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel saving the master (a new file renamed over it) between the reading threads'
    opens: before, one thread's sheets came from the old file and the other's from the new."""
    target = tmp_path / "master.xlsx"
    shutil.copy(master, target)
    other = tmp_path / "other.xlsx"
    shutil.copy(master, other)
    os.utime(other, ns=(1_000_000_000, 1_000_000_000))
    opened = reader._calamine
    calls: list[str] = []
    lock = threading.Lock()

    def open_then_replace(path: Path):  # type: ignore[no-untyped-def]
        with lock:
            book = opened(path)
            calls.append(threading.current_thread().name)
            if len(calls) == 1:
                shutil.copy2(other, tmp_path / "saving.tmp")
                os.replace(tmp_path / "saving.tmp", target)
            return book

    monkeypatch.setattr(reader, "_calamine", open_then_replace)
    with pytest.raises(WorkbookError, match="读取期间文件被修改或替换"):
        reader.read_workbook(target)
    assert len(calls) == reader.READERS
    monkeypatch.setattr(reader, "_calamine", opened)
    assert reader.read_workbook(target).frames["orgs"].shape[0] > 0  # the new file alone reads


def test_reading_leaves_the_cycle_collector_as_it_was(master: Path, tmp_path: Path) -> None:
    """read_workbook pauses Python's cycle collector while it builds rows (a speed measure):
    enabled again after a read and after a refusal, and left off if the caller had it off."""
    import gc

    assert gc.isenabled()
    reader.read_workbook(master)
    assert gc.isenabled()
    bad = corrupted(master, tmp_path / "bad.xlsx", "xl/workbook.xml", "garbage")
    with pytest.raises(WorkbookError):
        reader.read_workbook(bad)
    assert gc.isenabled()
    gc.disable()
    try:
        reader.read_workbook(master)
        assert not gc.isenabled()
    finally:
        gc.enable()
