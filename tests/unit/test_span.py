"""workbook.span: the bound on a sheet's reach is never below what python-calamine really
builds, whatever form the row and cell tags take (checked against calamine on real files)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import python_calamine
from corpus import _sheet_part, good

from annex_tools.workbook.span import MAX_CELLS, reach

CELL = '<c t="inlineStr"><is><t>x</t></is></c>'
FORMS = {
    "usual": '<row r="300"><c r="AD300" t="inlineStr"><is><t>x</t></is></c></row>',
    "empty-cell": '<row r="300"><c r="AD300" s="1"/></row>',
    "r-not-first": '<row r="300"><c t="n" r="AD300"><v>1</v></c></row>',
    "prefix": '<row r="300"><x:c r="AD300"><v>1</v></x:c></row>',
    "small-letters": '<row r="300"><c r="ad300"><v>1</v></c></row>',
    "single-quotes": "<row r='300'><c r='AD300'><v>1</v></c></row>",
    "no-r": '<row r="300">' + CELL * 40 + "</row>",
    "rows-without-r": '<row><c r="B5"><v>1</v></c></row>' * 3 + "<row>" + CELL * 2 + "</row>",
    "empty-row": '<row r="400"/><row>' + CELL + "</row>",
    "leading-zero": '<row r="300"><c r="B0000300"><v>1</v></c></row>',
}


@pytest.mark.parametrize("form", list(FORMS))
def test_the_bound_covers_what_calamine_builds(tmp_path: Path, form: str) -> None:
    src = good(tmp_path / "g.xlsx")
    dst = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        part = _sheet_part(zin, "评议")
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == part:
                data = data.replace(b"</sheetData>", FORMS[form].encode() + b"</sheetData>")
                xml = data
            zout.writestr(item, data)
    book = python_calamine.CalamineWorkbook.from_path(str(dst))
    rows = book.get_sheet_by_name("评议").to_python(skip_empty_area=False)
    built = (len(rows), max(map(len, rows)))
    bound = reach(xml)
    assert bound[0] >= built[0] and bound[1] >= built[1], (bound, built)
    assert bound[0] * bound[1] <= MAX_CELLS  # none of these is refused


def test_far_refs_are_read_exactly() -> None:
    xml = b'<sheetData><row r="1"><c r="Q59999" t="s"><v>1</v></c></row></sheetData>'
    assert reach(xml) == (99_999, 26)
    assert reach(xml.replace(b"Q59999", b"XFD1048576")) == (1_048_576, 16_384)
    # 26 columns x 1,048,576 rows would pass the bound: then every tag is read, exactly
    assert reach(xml.replace(b"Q59999", b"A1048576")) == (1_048_576, 1)
    empty = b'<sheetData><row r="1"><c r="XFD1048576" s="1"/></row></sheetData>'
    assert reach(empty) == (99_999, 26)  # calamine keeps no empty cell


def test_a_far_ref_cut_between_pieces_is_still_seen() -> None:
    """The first question is asked piece by piece as the part is inflated: a tag cut at any
    byte between two pieces is seen whole, and a usual tag cut so is not taken for a far one."""
    from annex_tools.workbook.span import _usual

    head = b'<sheetData><row r="1"><c r="A1"><v>1</v></c>' * 3
    for far, usual in ((b'<c r="XFD1048576">', False), (b'<c r="Q59999" t="s">', True)):
        xml = head + far + b"<v>1</v></c></row></sheetData>"
        for cut in range(len(head) - 40, len(xml)):
            assert _usual(iter([xml[:cut], xml[cut:]])) is usual, (far, cut)
            assert _usual(iter([xml[:cut], xml[cut : cut + 3], xml[cut + 3 :]])) is usual
