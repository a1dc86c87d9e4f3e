"""The macro-enabled master, built from sources, checked by independent readers."""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from oletools.olevba import VBA_Parser

from annex_tools import excel
from annex_tools.workbook.xlbuild import (
    CONF_SHEET,
    RIBBON_PART,
    RIBBON_REL,
    build_master,
    xlwings_dir,
)

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "xlsm" / "annex-master.xlsm"
MACROS = ROOT / "macros"
CUSTOMUI_NS = {"c": "http://schemas.microsoft.com/office/2006/01/customui"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_master(tmp_path_factory.mktemp("build") / "annex-master.xlsm", MACROS)


def vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def body(source: str) -> str:
    """Source without Attribute lines and class preamble, LF-normalized (how olevba shows code)."""
    lines = source.replace("\r\n", "\n").split("\n")
    keep = [
        ln
        for ln in lines
        if not ln.startswith(("Attribute VB_", "VERSION ", "BEGIN", "  MultiUse", "END"))
    ]
    return "\n".join(keep).strip()


def test_committed_workbook_is_up_to_date_with_its_sources(built: Path) -> None:
    assert COMMITTED.exists(), "run: annex-tools build-workbook"
    if built.read_bytes() == COMMITTED.read_bytes():
        return
    with zipfile.ZipFile(built) as a, zipfile.ZipFile(COMMITTED) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            assert a.read(name) == b.read(name), f"{name} differs: run annex-tools build-workbook"


def test_build_is_byte_stable(built: Path, tmp_path: Path) -> None:
    again = build_master(tmp_path / "again.xlsm", MACROS)
    assert again.read_bytes() == built.read_bytes()


def test_olevba_lists_every_module_with_its_source(built: Path) -> None:
    found = vba_modules(built)
    expected = {p.stem: p.read_text(encoding="ascii") for p in MACROS.glob("*.bas")}
    expected["xlwings"] = (xlwings_dir() / "xlwings.bas").read_text(encoding="ascii")
    expected["Dictionary"] = (xlwings_dir() / "addin" / "Dictionary.cls").read_text(
        encoding="ascii"
    )
    for name, source in expected.items():
        assert name in found, f"olevba does not list {name}"
        assert body(found[name]) == body(source), name
    assert "xlwings_udfs" in found and "ANNEX_WORDS" in found["xlwings_udfs"]


def test_vba_sources_are_ascii_with_crlf() -> None:
    for path in MACROS.glob("*.bas"):
        raw = path.read_bytes()
        raw.decode("ascii")
        assert raw.count(b"\n") == raw.count(b"\r\n") > 0, path


def test_libreoffice_opens_it_through_uno_and_sees_the_same_modules(built: Path) -> None:
    from office import profile

    python = "/usr/bin/python3"
    probe = subprocess.run(
        [python, str(ROOT / "tests" / "uno_probe.py"), str(built), str(profile())],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen["loaded"]
    assert seen["sheets"] == [
        "说明",
        "设置",
        "组织",
        "述职",
        "会议",
        "评议",
        "整改",
        "看板",
        "报告正文",
        "校验结果",
        "列表",
        CONF_SHEET,
    ]
    documents = {m for m in vba_modules(built) if re.fullmatch(r"Sheet\d+|ThisWorkbook", m)}
    assert set(seen["modules"]) >= set(vba_modules(built)) - documents
    assert {"AnnexRibbon", "xlwings", "Dictionary", "xlwings_udfs"} <= set(seen["modules"])


def ribbon_actions(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        rels = zf.read("_rels/.rels").decode()
        assert RIBBON_REL in rels and RIBBON_PART in rels
        root = etree.fromstring(zf.read(RIBBON_PART))
    assert root.tag == f"{{{CUSTOMUI_NS['c']}}}customUI"
    tab = root.find(".//c:tab", CUSTOMUI_NS)
    assert tab is not None and tab.get("label") == "述职评议"
    buttons = root.findall(".//c:button", CUSTOMUI_NS)
    assert all(b.get("size") == "large" and b.get("imageMso") and b.get("label") for b in buttons)
    return [b.get("onAction") for b in buttons]


def test_every_ribbon_action_is_a_vba_sub_taking_a_ribbon_control(built: Path) -> None:
    actions = ribbon_actions(built)
    assert len(actions) == 20
    code = "\n".join(vba_modules(built).values())
    for action in actions:
        assert re.search(rf"Sub {action}\(control As IRibbonControl\)", code), action


def test_every_runpython_command_names_a_python_function_that_accepts_the_call() -> None:
    commands = re.findall(
        r'RunPython "([^"]*)"', "\n".join(p.read_text() for p in MACROS.glob("*.bas"))
    )
    assert len(commands) == 20
    for command in commands:
        m = re.fullmatch(r"import (annex_tools\.\w+) as (\w+); \2\.(\w+)\(\)", command)
        assert m, command
        module = importlib.import_module(m.group(1))
        fn = getattr(module, m.group(3))
        inspect.signature(fn).bind()  # called with no arguments by RunPython


def test_every_udf_wrapper_names_a_udf_that_exists(built: Path) -> None:
    wrappers = vba_modules(built)["xlwings_udfs"]
    calls = re.findall(r'XLPy\.CallUDF\("([\w.]+)", "(\w+)"', wrappers)
    assert {name for _, name in calls} == {
        "ANNEX_WORDS",
        "ANNEX_SHARE",
        "ANNEX_MIN_FAIR",
        "ANNEX_FAIR_SHARE",
        "ANNEX_LINKAGE",
    }
    for module, name in calls:
        assert callable(getattr(importlib.import_module(module), name))


def test_xlwings_conf_and_version_coupling(built: Path) -> None:
    import openpyxl
    import xlwings

    wb = openpyxl.load_workbook(built, keep_vba=True)
    conf = {}
    for key, value in wb[CONF_SHEET].iter_rows(max_col=2, values_only=True):
        if not key:
            break  # xlwings reads keys from A1 down to the first blank row
        conf[key] = value
    assert conf["UDF Modules"] == "annex_tools.excel" and conf["Show Console"] == "False"
    # the interpreter is left to xlwings' own resolution (the user's config, then PATH)
    assert not any(k.lower().startswith(("interpreter", "pythonpath")) for k in conf)
    assert f"xlwings64-{xlwings.__version__}.dll" in vba_modules(built)["xlwings"]
    assert wb.defined_names["ANNEX_BUILD"].attr_text.strip('"').endswith(xlwings.__version__)


def test_headless_write_keeps_vba_ribbon_and_conf(built: Path, tmp_path: Path) -> None:
    from cli_helpers import annex

    master = tmp_path / "annex-master.xlsm"
    shutil.copy(built, master)
    before = vba_modules(master)
    proc = annex("check", master, "--write", "--as-of", "2024-06-01")
    assert proc.returncode == 0, proc.stderr  # a fresh master passes its own check
    assert vba_modules(master) == before
    assert ribbon_actions(master) == ribbon_actions(built)
    import openpyxl

    wb = openpyxl.load_workbook(master, keep_vba=True)
    assert CONF_SHEET in wb.sheetnames and "校验结果" in wb.sheetnames
    with zipfile.ZipFile(master) as zf:
        assert b"macroEnabled" in zf.read("[Content_Types].xml")
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2  # the 看板's two charts survive an openpyxl write
    from excel_strict import strictness_problems

    # the build made 校验结果 (with its code name and document module); the write filled it
    assert strictness_problems(master) == []
    assert wb["校验结果"].sheet_properties.codeName


def test_check_rows_is_the_button_core() -> None:
    import datetime as dt

    from builders import to_rows, valid

    data = valid()
    data["grades"][1]["年度考核等次"] = "优秀"
    result, plan, message = excel.check_rows(
        to_rows(data), "C:/x/master.xlsm", dt.date(2024, 6, 1), dt.datetime(2024, 6, 1, 9)
    )
    assert [f.code for f in result.findings] == ["grade.linkage-excellent"]
    assert [(c.sheet, c.row, c.column) for c in plan.cells] == [("评议", 3, 9)]
    assert plan.links == [(2, "'评议'!I3")]
    assert "错误 1 个" in message


def test_environment_report() -> None:
    import xlwings

    from annex_tools import __version__

    ok, text = excel.environment_report(f"{__version__}|{xlwings.__version__}")
    assert ok and "环境正常" in text
    ok, text = excel.environment_report(f"{__version__}|0.30.0")
    assert not ok and "pip install xlwings==0.30.0" in text


# ---- Excel strictness (what Excel is stricter about than LibreOffice and olevba) ----------


def test_built_master_is_excel_strict(built: Path) -> None:
    from excel_strict import strictness_problems

    assert strictness_problems(built) == []


def test_new_master_is_excel_strict(tmp_path: Path) -> None:
    from excel_strict import strictness_problems

    from annex_tools.workbook.builder import new_workbook

    assert strictness_problems(new_workbook(tmp_path / "m.xlsx")) == []


def test_strictness_check_catches_each_defect_of_the_old_master(tmp_path: Path) -> None:
    """The master as committed before issue 12 (commit cd20c05), read from git."""
    from excel_strict import strictness_problems

    old = tmp_path / "old.xlsm"
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", "cd20c05:xlsm/annex-master.xlsm"], capture_output=True
    )
    if shown.returncode != 0:
        pytest.skip("git history not available")
    old.write_bytes(shown.stdout)
    problems = "\n".join(strictness_problems(old))
    for expected in (
        "leading '='",  # data validations
        "another sheet",  # conditional formats via VLOOKUP('设置'!...)
        "_VBA_PROJECT",  # 2,544 bytes, version 0x00B5
        "no codeName",  # nine of ten sheets
        "Interpreter_Win",  # fixed interpreter path on xlwings.conf
        "lastModifiedBy",
        "fullCalcOnLoad",
    ):
        assert expected in problems, expected


def test_strictness_check_catches_the_excel_details_of_issue_21(tmp_path: Path) -> None:
    """The master as committed before issue 21 (commit 7680c24): conditional fills with
    fgColor only, chart axes without delete/tickLblPos/crosses and with the wrong axPos,
    red-red links in the CFB directory, 4 bytes after the dir stream's Terminator."""
    from excel_strict import strictness_problems

    old = tmp_path / "old.xlsm"
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", "7680c24:xlsm/annex-master.xlsm"], capture_output=True
    )
    if shown.returncode != 0:
        pytest.skip("git history not available")
    old.write_bytes(shown.stdout)
    problems = "\n".join(strictness_problems(old))
    for expected in (
        "conditional fill without bgColor",
        'no <c:delete val="0"/>',
        "no <c:tickLblPos>",
        "no <c:crosses>",
        "axPos l on a col chart",
        "axPos l on a bar chart",
        "has red sibling link",
        "4 bytes after the Terminator",
    ):
        assert expected in problems, expected


def test_excel_made_vba_projects_pass_the_cfb_and_dir_checks() -> None:
    """The checks read Excel's own files (shipped in the xlwings wheel) as clean: a directory
    without red-red links (the build colours all
    entries black, which MS-CFB 2.6.4 allows) and a dir stream ending at its Terminator. Made red-red, the same file is caught."""
    import io

    import olefile
    import xlwings
    from excel_strict import _cfb_colour_problems, _dir_stream_problems
    from oletools.olevba import decompress_stream

    folder = Path(xlwings.__file__).parent
    for name in ("quickstart_standalone.xlsm", "quickstart.xlsm", "addin/xlwings.xlam"):
        with zipfile.ZipFile(folder / name) as z:
            data = z.read("xl/vbaProject.bin")
        ole = olefile.OleFileIO(io.BytesIO(data))
        try:
            dir_stream = decompress_stream(bytearray(ole.openstream("VBA/dir").read()))
            # an entry with a sibling, and that sibling: where they sit in the file
            entry = next(
                e for e in ole.direntries if e is not None and e.sid_right != olefile.NOSTREAM
            )
            sector_size = ole.sectorsize
            chain = [ole.first_dir_sector]
            while ole.fat[chain[-1]] < olefile.MAXREGSECT:
                chain.append(ole.fat[chain[-1]])
        finally:
            ole.close()
        assert _cfb_colour_problems(data) == [], name
        assert _dir_stream_problems(dir_stream) == [], name
        assert _dir_stream_problems(dir_stream + b"\0\0\0\0") == [
            "VBA/dir: 4 bytes after the Terminator record"
        ]
        per_sector = sector_size // 128

        broken = bytearray(data)
        for sid in (entry.sid, entry.sid_right):  # both red
            sector = chain[sid // per_sector]
            broken[(sector + 1) * sector_size + (sid % per_sector) * 128 + 67] = 0
        assert any("has red sibling link" in p for p in _cfb_colour_problems(bytes(broken))), name
