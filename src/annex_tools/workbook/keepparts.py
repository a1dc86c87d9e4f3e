"""Drawings survive a write of the master: what openpyxl does not keep is put back.

openpyxl rebuilds a sheet's drawing from what it models (charts it can read, pictures) and drops
the rest: text boxes, shapes, arrows, grouped objects, a chart's own style and colour parts, a
picture's link or alt text. No write of the master changes a drawing, so after openpyxl has saved,
each sheet's drawing as it was in the loaded file is carried over byte for byte, with every part
it refers to (charts, their style parts, pictures), under names free in the new package; what
openpyxl wrote in its place is removed. A package that cannot be mended this way raises
`DrawingsNotKept` and the write is refused (nothing is silently lost).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DRAWING_REL = f"{R_NS}/drawing"
# CT_Worksheet's children that come after <drawing> (the schema's order)
_AFTER_DRAWING = (
    "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
)  # fmt: skip


class DrawingsNotKept(Exception):
    """The drawings of the loaded master could not be carried into the written one."""


@dataclass
class Rel:
    rid: str
    type: str
    target: str  # the part name, resolved; the raw target when external
    external: bool


def rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


@dataclass
class Package:
    files: dict[str, bytes]
    order: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, data: bytes) -> Package:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = [n for n in z.namelist() if not n.endswith("/")]
            return cls({n: z.read(n) for n in names}, names)

    def write(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name in self.order:
                z.writestr(name, self.files[name])
        return buffer.getvalue()

    def put(self, name: str, data: bytes) -> None:
        if name not in self.files:
            self.order.append(name)
        self.files[name] = data

    def remove(self, name: str) -> None:
        if name in self.files:
            del self.files[name]
            self.order.remove(name)

    def rels(self, part: str) -> list[Rel]:
        data = self.files.get(rels_name(part))
        if data is None:
            return []
        base = posixpath.dirname(part)
        out = []
        for r in etree.fromstring(data).iter(f"{PKG_REL}Relationship"):
            target, external = r.get("Target", ""), r.get("TargetMode") == "External"
            if not external:
                target = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(base, target))
                )
            out.append(Rel(r.get("Id", ""), r.get("Type", ""), target, external))
        return out

    def sheets(self) -> dict[str, str]:
        """Sheet name -> its part."""
        root = etree.fromstring(self.files["xl/workbook.xml"])
        by_id = {r.rid: r.target for r in self.rels("xl/workbook.xml")}
        return {
            s.get("name", ""): by_id[s.get(f"{{{R_NS}}}id", "")]
            for s in root.iter(f"{MAIN}sheet")
            if s.get(f"{{{R_NS}}}id", "") in by_id
        }

    def drawing_of(self, sheet_part: str) -> Rel | None:
        return next((r for r in self.rels(sheet_part) if r.type == DRAWING_REL), None)

    def closure(self, part: str) -> list[str]:
        """`part` and every part it refers to, directly or not (internal relationships)."""
        seen: list[str] = []
        todo = [part]
        while todo:  # breadth first, in relationship order: names keep their order
            p = todo.pop(0)
            if p in seen or p not in self.files:
                continue
            seen.append(p)
            todo.extend(r.target for r in self.rels(p) if not r.external)
        return seen

    def referrers(self, part: str) -> set[str]:
        out = set()
        for name in self.files:
            if name.endswith(".rels"):
                folder, file = posixpath.split(name)
                source = posixpath.join(posixpath.dirname(folder), file[: -len(".rels")])
                if any(r.target == part and not r.external for r in self.rels(source)):
                    out.add(source)
        return out


def _content_types(pkg: Package) -> tuple[dict[str, str], dict[str, str]]:
    root = etree.fromstring(pkg.files["[Content_Types].xml"])
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "")
        for d in root.iter(f"{{{CT_NS}}}Default")
    }
    overrides = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
        for o in root.iter(f"{{{CT_NS}}}Override")
    }
    return defaults, overrides


def _write_content_types(pkg: Package, defaults: dict[str, str], overrides: dict[str, str]) -> None:
    root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    for ext, ct in defaults.items():
        etree.SubElement(root, f"{{{CT_NS}}}Default", Extension=ext, ContentType=ct)
    for name, ct in overrides.items():
        if name in pkg.files:
            etree.SubElement(root, f"{{{CT_NS}}}Override", PartName="/" + name, ContentType=ct)
    pkg.files["[Content_Types].xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )


_NUMBERED = re.compile(r"^(.*?)(\d*)(\.[^./]+)$")


def _free_name(name: str, taken: set[str]) -> str:
    m = _NUMBERED.match(name)
    if not m:
        raise DrawingsNotKept(f"part {name}")
    stem, _, ext = m.groups()
    n = 1
    while f"{stem}{n}{ext}" in taken:
        n += 1
    return f"{stem}{n}{ext}"


def _rels_xml(rels: list[tuple[str, str, str, bool]]) -> bytes:
    root = etree.Element(f"{PKG_REL}Relationships", nsmap={None: PKG_REL[1:-1]})
    for rid, rtype, target, external in rels:
        el = etree.SubElement(root, f"{PKG_REL}Relationship", Id=rid, Type=rtype, Target=target)
        if external:
            el.set("TargetMode", "External")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _relative(source: str, target: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source))


def _copy_closure(src: Package, dst: Package, part: str) -> str:
    """Copy `part` and what it refers to from `src` into `dst` under free names; the new name."""
    s_defaults, s_overrides = _content_types(src)
    d_defaults, d_overrides = _content_types(dst)
    parts = src.closure(part)
    taken = set(dst.files)
    renamed: dict[str, str] = {}
    for p in parts:
        renamed[p] = _free_name(p, taken)
        taken.add(renamed[p])
    for p in parts:
        new = renamed[p]
        dst.put(new, src.files[p])
        rels = [
            (
                r.rid,
                r.type,
                r.target if r.external else _relative(new, renamed[r.target]),
                r.external,
            )
            for r in src.rels(p)
            if r.external or r.target in renamed
        ]
        if rels:
            dst.put(rels_name(new), _rels_xml(rels))
        if p in s_overrides:
            d_overrides[new] = s_overrides[p]
        ext = p.rsplit(".", 1)[-1].lower()
        if p not in s_overrides and ext not in d_defaults and ext in s_defaults:
            d_defaults[ext] = s_defaults[ext]
    _write_content_types(dst, d_defaults, d_overrides)
    return renamed[part]


def _drop_closure(pkg: Package, part: str, keep_from: str) -> None:
    """Remove `part` and what only it refers to (referred to from nowhere but `keep_from`)."""
    inside = set(pkg.closure(part))
    for p in pkg.closure(part):
        if pkg.referrers(p) - inside - {keep_from}:
            continue  # also used elsewhere
        pkg.remove(p)
        pkg.remove(rels_name(p))


def _set_drawing(pkg: Package, sheet_part: str, drawing: str) -> None:
    """Point the sheet at `drawing` (adding the <drawing> element when openpyxl dropped it)."""
    rels = [
        (r.rid, r.type, r.target if r.external else _relative(sheet_part, r.target), r.external)
        for r in pkg.rels(sheet_part)
        if r.type != DRAWING_REL
    ]
    old = pkg.drawing_of(sheet_part)
    rid = old.rid if old else "rIdAnnexDrawing"
    rels.append((rid, DRAWING_REL, _relative(sheet_part, drawing), False))
    pkg.put(rels_name(sheet_part), _rels_xml(rels))
    if old is not None:
        return
    xml = pkg.files[sheet_part].decode("utf-8")
    start = xml.rfind("</sheetData>")
    start = start if start >= 0 else 0
    ends = [
        m.start()
        for tag in _AFTER_DRAWING
        if (m := re.compile(rf"<(?:\w+:)?{tag}[\s/>]").search(xml, start))
    ]
    at = min(ends) if ends else xml.rindex("</")
    element = f'<drawing xmlns:r="{R_NS}" r:id="{rid}"/>'
    pkg.put(sheet_part, (xml[:at] + element + xml[at:]).encode("utf-8"))


def keep_drawings(original: bytes, written: bytes) -> bytes:
    """`written` with each sheet's drawing as it was in `original` (sheets matched by name)."""
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        if not any(n.startswith("xl/drawings/drawing") for n in z.namelist()):
            return written
    try:
        src, dst = Package.read(original), Package.read(written)
        new_sheets = dst.sheets()
        for name, sheet in src.sheets().items():
            was = src.drawing_of(sheet)
            if was is None or was.external or name not in new_sheets:
                continue
            target = new_sheets[name]
            now = dst.drawing_of(target)
            if now is not None and not now.external:
                _drop_closure(dst, now.target, keep_from=target)
            _set_drawing(dst, target, _copy_closure(src, dst, was.target))
        return dst.write()
    except DrawingsNotKept:
        raise
    except Exception as exc:  # a package this code does not understand: refuse, lose nothing
        raise DrawingsNotKept(f"{type(exc).__name__}: {exc}") from exc
