"""Run with the system Python that has LibreOffice's `uno`: open a workbook in headless
LibreOffice through UNO and print, as JSON, its sheets and the VBA modules LibreOffice sees.

    /usr/bin/python3 tests/uno_probe.py WORKBOOK PROFILE_DIR
"""

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main() -> None:
    path = Path(sys.argv[1]).resolve()
    profile = Path(sys.argv[2]).resolve()
    pipe = f"annexprobe{int(time.time() * 1000) % 10**8}"
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        args = (prop("Hidden", True), prop("MacroExecutionMode", 0), prop("RepairPackage", False))
        doc = desktop.loadComponentFromURL(path.as_uri(), "_blank", 0, args)
        out = {"loaded": doc is not None, "sheets": [], "modules": []}
        if doc is not None:
            out["sheets"] = list(doc.Sheets.ElementNames)
            libs = doc.BasicLibraries
            if libs.hasByName("VBAProject"):
                out["modules"] = sorted(libs.getByName("VBAProject").ElementNames)
            doc.close(True)
        print(json.dumps(out, ensure_ascii=False))
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        office.terminate()
        try:
            office.wait(20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
