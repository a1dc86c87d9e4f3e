"""A macro-enabled master made the established way (shared/notes/toolchain-facts.md):
pyOpenVBA's new .xlsm, sheets added with openpyxl, a VBA module, then the ribbon part last."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pyopenvba
from builders import to_rows

RIBBON_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
RIBBON_XML = (
    '<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui"><ribbon><tabs>'
    '<tab id="tabAnnex" label="述职评议"><group id="g1" label="校验">'
    '<button id="btnCheck" label="全面校验" size="large" imageMso="AcceptInvitation" onAction="OnCheck"/>'
    "</group></tab></tabs></ribbon></customUI>"
)
MODULE = 'Attribute VB_Name = "Module1"\r\nSub OnCheck(control As IRibbonControl)\r\n    MsgBox "check"\r\nEnd Sub\r\n'


def make_xlsm(path: Path, data: dict) -> Path:
    pyopenvba.ExcelFile.create_new(path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for name, rows in to_rows(data).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    x = pyopenvba.ExcelFile(path)
    x.set_module("Module1", MODULE)
    x.save()
    add_ribbon(path)
    return path


def add_ribbon(path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "_rels/.rels":
                rel = f'<Relationship Id="rIdRibbon" Type="{RIBBON_REL}" Target="customUI/customUI.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            dst.writestr(item, data)
        dst.writestr("customUI/customUI.xml", RIBBON_XML.encode("utf-8"))
    shutil.move(tmp, path)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}
