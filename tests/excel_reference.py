"""Written packages read against files Excel itself wrote (the xlwings wheel ships two).

`openxml_problems`: what openxml-audit (a Python port of the Open XML SDK validator, with its
security checks on) reports on a package, less what it reports on Excel's own files (the baseline;
today: a macro workbook's content types are "active content").

`structure_differences`: where a package's structure departs from Excel's own file: content types
and relationship types of the same kinds of part, part names, the order of workbook.xml's
children, where the VBA project hangs, code names on the workbook and every sheet.
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

# openpyxl (which changes existing workbooks) stores text in the cells (inline strings), not in
# a shared-strings part as Excel does. Valid and opened without a word; Excel moves the text to
# shared strings on its next save. The one finding allowed on workbooks openpyxl wrote.
OPENPYXL_INLINE_STRINGS = "Excel_InlineStrCells"

# Part names as Excel names them (digits are numbered parts).
EXCEL_PART_NAMES = re.compile(
    r"\[Content_Types\]\.xml|_rels/\.rels|docProps/(?:core|app|custom)\.xml"
    r"|xl/(?:workbook|styles|sharedStrings)\.xml|xl/_rels/workbook\.xml\.rels|xl/theme/theme1\.xml"
    r"|xl/vbaProject\.bin|xl/worksheets/sheet\d+\.xml|xl/worksheets/_rels/sheet\d+\.xml\.rels"
    r"|xl/tables/table\d+\.xml|xl/drawings/drawing\d+\.xml|xl/drawings/vmlDrawing\d+\.vml"
    r"|xl/drawings/_rels/(?:drawing|vmlDrawing)\d+\.(?:xml|vml)\.rels|xl/charts/chart\d+\.xml"
    r"|xl/charts/(?:style|colors)\d+\.xml|xl/charts/_rels/chart\d+\.xml\.rels"
    r"|xl/comments\d+\.xml|xl/media/image\d+\.(?:png|jpeg|jpg|gif|emf)"
    r"|xl/printerSettings/printerSettings\d+\.bin|xl/calcChain\.xml"
    r"|customUI/customUI(?:14)?\.xml|customUI/_rels/customUI(?:14)?\.xml\.rels"
)

# openpyxl names the parts of cell notes its own way (Excel finds parts through relationships,
# never by name; openpyxl keeps the names of notes that were already there).
OPENPYXL_PART_NAMES = re.compile(r"xl/comments/comment\d+\.xml|xl/drawings/commentsDrawing\d+\.vml")


def reference_files() -> list[Path]:
    """The Excel-authored workbooks in the installed xlwings wheel."""
    import xlwings

    folder = Path(xlwings.__file__).parent
    files = [folder / "quickstart_standalone.xlsm", folder / "quickstart.xlsm"]
    assert all(f.exists() for f in files), files
    return files


# ---- openxml-audit --------------------------------------------------------------------------


def _key(error: object) -> tuple[str, str]:
    return (
        str(getattr(error, "id", "")),
        re.sub(r"\d+", "N", str(getattr(error, "description", ""))),
    )


@functools.cache
def _validator():  # type: ignore[no-untyped-def]
    from openxml_audit import OpenXmlValidator

    return OpenXmlValidator(max_errors=0, security_validation=True)


def openxml_findings(path: Path) -> list[str]:
    """Everything openxml-audit reports on `path`, one line each."""
    result = _validator().validate(path)
    return [f"{e.severity.value} {e.id}: {e}" for e in result.errors]


@functools.cache
def openxml_baseline() -> frozenset[tuple[str, str]]:
    """What openxml-audit reports on Excel's own files (normalised: numbers become N)."""
    keys: set[tuple[str, str]] = set()
    for ref in reference_files():
        keys |= {_key(e) for e in _validator().validate(ref).errors}
    return frozenset(keys)


def openxml_problems(path: Path, *, openpyxl_written: bool = False) -> list[str]:
    """openxml-audit's findings on `path` beyond its findings on Excel's own files."""
    allowed = {OPENPYXL_INLINE_STRINGS} if openpyxl_written else set()
    return [
        f"{e.severity.value} {e.id}: {e}"
        for e in _validator().validate(path).errors
        if _key(e) not in openxml_baseline() and e.id not in allowed
    ]


# ---- structure -------------------------------------------------------------------------------


def _kind(part: str) -> str:
    """A part name with its numbers taken out: xl/worksheets/sheet7.xml -> xl/worksheets/sheetN.xml"""
    return re.sub(r"\d+(?=\.\w+(?:\.rels)?$)", "N", part)


def _content_types(z: zipfile.ZipFile) -> dict[str, str]:
    root = etree.fromstring(z.read("[Content_Types].xml"))
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in root.iter(f"{CT}Default")}
    overrides = {
        o.get("PartName").lstrip("/"): o.get("ContentType") for o in root.iter(f"{CT}Override")
    }
    out = {}
    for name in z.namelist():
        if name == "[Content_Types].xml" or name.endswith("/"):
            continue
        ext = name.rsplit(".", 1)[-1].lower()
        out[name] = overrides.get(name) or defaults.get(ext, "")
    return out


def _relationships(z: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """(source part, relationship type, target part) for every internal relationship."""
    out = []
    for name in z.namelist():
        if not name.endswith(".rels"):
            continue
        folder, file = posixpath.split(name)
        source = posixpath.join(posixpath.dirname(folder), file[: -len(".rels")])
        base = posixpath.dirname(source)
        for rel in etree.fromstring(z.read(name)).iter(f"{REL}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target")
            target = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(base, target))
            )
            out.append((source, rel.get("Type"), target))
    return out


def workbook_child_order() -> list[str]:
    """CT_Workbook's children in schema order (from openxml-audit's copy of the SDK schema)."""
    import json

    import openxml_audit

    data = Path(openxml_audit.__file__).parent / "data/openxml/schemas"
    schema = json.loads(
        (data / "schemas_openxmlformats_org_spreadsheetml_2006_main.json").read_text("utf-8")
    )
    found: list[str] = []

    def walk(node: object) -> None:
        if found:
            return
        if isinstance(node, dict):
            if node.get("Name") == "x:CT_Workbook/x:workbook" and "Particle" in node:
                found.extend(i["Name"].rsplit(":", 1)[-1] for i in node["Particle"]["Items"])
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert found, "CT_Workbook not found in openxml-audit's schema data"
    return found


def _workbook_children(z: zipfile.ZipFile, workbook: str) -> list[str]:
    root = etree.fromstring(z.read(workbook))  # extensions in other namespaces are not compared
    return [
        etree.QName(c).localname for c in root if isinstance(c.tag, str) and c.tag.startswith(MAIN)
    ]


def _code_names(z: zipfile.ZipFile, workbook: str) -> tuple[str, dict[str, str]]:
    wb = etree.fromstring(z.read(workbook))
    pr = wb.find(f"{MAIN}workbookPr")
    book = pr.get("codeName", "") if pr is not None else ""
    sheets = {}
    for source, rtype, target in _relationships(z):
        if source == workbook and rtype.endswith("/worksheet"):
            spr = etree.fromstring(z.read(target)).find(f"{MAIN}sheetPr")
            sheets[target] = spr.get("codeName", "") if spr is not None else ""
    return book, sheets


def structure_differences(  # noqa: C901 - one list of comparisons
    path: Path, reference: Path, *, openpyxl_written: bool = False
) -> list[str]:
    """Where `path` is built differently from `reference` (a file Excel wrote). A workbook
    openpyxl wrote may keep its text in the cells (no shared strings) and name note parts its
    own way; nothing else."""
    out: list[str] = []
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(reference) as r:
        ours_ct, ref_ct = _content_types(z), _content_types(r)
        ref_by_kind = {_kind(p): ct for p, ct in ref_ct.items()}
        for part, ct in ours_ct.items():
            if not EXCEL_PART_NAMES.fullmatch(part) and not (
                openpyxl_written and OPENPYXL_PART_NAMES.fullmatch(part)
            ):
                out.append(f"part name {part} is not one Excel uses")
            want = ref_by_kind.get(_kind(part))
            if want is None:
                continue
            if part == "xl/workbook.xml" and path.suffix.lower() != ".xlsm":
                want = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            if ct != want:
                out.append(f"{part}: content type {ct!r}, Excel writes {want!r}")
        ours_kinds = {_kind(p) for p in ours_ct}
        for kind in sorted(set(ref_by_kind) - ours_kinds):
            if kind == "xl/sharedStrings.xml" and openpyxl_written:
                continue  # see OPENPYXL_INLINE_STRINGS: text kept in the cells
            if kind == "xl/vbaProject.bin" and path.suffix.lower() != ".xlsm":
                continue
            out.append(f"no {kind} (Excel's file has one)")

        ours_rels, ref_rels = _relationships(z), _relationships(r)
        ref_rel_types = {(_kind(s), _kind(t)): ty for s, ty, t in ref_rels}
        for source, rtype, target in ours_rels:
            if target not in ours_ct:
                out.append(f"{source} -> {target}: target part missing")
            want = ref_rel_types.get((_kind(source), _kind(target)))
            if want is not None and want != rtype:
                out.append(f"{source} -> {target}: relationship {rtype}, Excel writes {want}")
        roots = [t for s, ty, t in ours_rels if s == "" and ty.endswith("/officeDocument")]
        if len(roots) != 1:
            out.append(f"{len(roots)} officeDocument relationships from the package root")
            return out
        workbook = roots[0]

        order = workbook_child_order()
        children = _workbook_children(z, workbook)
        unknown = [c for c in children if c not in order]
        if unknown:
            out.append(f"workbook.xml: elements outside the schema: {unknown}")
        positions = [order.index(c) for c in children if c in order]
        if positions != sorted(positions):
            out.append(f"workbook.xml: children out of schema order: {children}")
        ref_children = _workbook_children(r, "xl/workbook.xml")
        shared = [c for c in dict.fromkeys(children) if c in ref_children]
        if shared != [c for c in dict.fromkeys(ref_children) if c in shared]:
            out.append(f"workbook.xml: order {shared} differs from Excel's {ref_children}")

        if path.suffix.lower() == ".xlsm":
            vba = [(s, t) for s, ty, t in ours_rels if ty == VBA_REL]
            ref_vba = [(s, t) for s, ty, t in ref_rels if ty == VBA_REL]
            if [(_kind(s), _kind(t)) for s, t in vba] != [(_kind(s), _kind(t)) for s, t in ref_vba]:
                out.append(f"VBA project relationships {vba}, Excel writes {ref_vba}")
            book, sheets = _code_names(z, workbook)
            ref_book, ref_sheets = _code_names(r, "xl/workbook.xml")
            assert ref_book and all(ref_sheets.values())  # what is compared against
            if not book:
                out.append("workbook.xml: workbookPr has no codeName")
            out += [f"{s}: sheetPr has no codeName" for s, code in sheets.items() if not code]
    return out
