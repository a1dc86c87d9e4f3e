"""The workbook's own functions (=ANNEX_WORDS(...) and the rest): thin xlwings wrappers over
workbook/formulas.py. `build-workbook` generates their VBA from this module (UDF Modules names
annex_tools.excel, which re-exports them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlwings as xw

from annex_tools.contract import schema as S

if TYPE_CHECKING:
    from annex_tools.contract.settings import Settings


def _caller_folder(caller: Any) -> Path | None:
    try:
        return Path(caller.sheet.book.fullname).parent
    except Exception:
        return None


def _caller_settings(caller: Any) -> Settings | None:
    """The settings in force in the calling workbook's 设置 sheet (None: the defaults)."""
    from annex_tools.workbook.reader import workbook_from_rows

    try:
        rows = caller.sheet.book.sheets[S.SETTINGS.name].used_range.value
        return workbook_from_rows({S.SETTINGS.name: rows}).settings
    except Exception:
        return None


@xw.func
@xw.arg("paths", ndim=2, doc="述职报告文件路径（可选一列）")
@xw.arg("caller", doc="")
@xw.ret(doc="述职报告的字数（与 Word 的字数统计一致）")
def ANNEX_WORDS(paths: Any, caller: Any) -> Any:
    from annex_tools.workbook import formulas as F

    return F.report_words(paths, _caller_folder(caller))


@xw.func
@xw.arg("paths", ndim=2, doc="述职报告文件路径（可选一列）")
@xw.arg("part", doc="履职主要情况、存在的问题 或 下一步工作思路")
@xw.arg("caller", doc="")
@xw.ret(doc="该部分字数占三部分字数之和的比例")
def ANNEX_SHARE(paths: Any, part: str, caller: Any) -> Any:
    from annex_tools.workbook import formulas as F

    return F.report_share(paths, part, _caller_folder(caller))


@xw.func
@xw.arg("n", ndim=2, doc="评议人数")
@xw.arg("ratio", doc="最低比例；省略时用“设置”表的较好及以下最低比例")
@xw.arg("rounding", doc="向上取整 或 四舍五入；省略时用“设置”表的取整方式")
@xw.arg("caller", doc="")
@xw.ret(doc="“较好”及以下的最少人数")
def ANNEX_MIN_FAIR(n: Any, ratio: Any = None, rounding: Any = None, caller: Any = None) -> Any:
    from annex_tools.workbook import formulas as F

    return F.min_at_most_fair(n, ratio, rounding, _caller_settings(caller))


@xw.func
@xw.arg("grades", ndim=2, doc="综合评价等次所在区域")
@xw.ret(doc="“较好”及以下所占比例")
def ANNEX_FAIR_SHARE(grades: Any) -> Any:
    from annex_tools.workbook import formulas as F

    return F.share_at_most_fair(grades)


@xw.func
@xw.arg("grade", ndim=2, doc="综合评价等次")
@xw.arg("appraisal", ndim=2, doc="年度考核等次")
@xw.ret(doc="是否符合“未达到好不得评优秀”")
def ANNEX_LINKAGE(grade: Any, appraisal: Any) -> Any:
    from annex_tools.workbook import formulas as F

    return F.linkage(grade, appraisal)
