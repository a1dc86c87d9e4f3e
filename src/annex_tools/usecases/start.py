"""Starting out: a new master (blank, or next year's from last year's), the macro-enabled master
built from its sources, and the demo institute. What `new`, `build-workbook` and `demo` call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annex_tools.contract.errors import InputError
from annex_tools.contract.master import Progress, no_progress

if TYPE_CHECKING:
    from annex_tools.demo import DemoResult
    from annex_tools.usecases.check import CheckResult
    from annex_tools.usecases.outputs import Outputs
    from annex_tools.usecases.yearly import NewYear


def new_master(
    path: Path,
    *,
    force: bool = False,
    last_year: Path | None = None,
    as_of: dt.date | None = None,
) -> NewYear | None:
    """`new`: a blank master at `path` (.xlsx), or next year's from `last_year` (only read),
    as .xlsx or, for `path` ending in .xlsm, as a macro master with the ribbon, the UDFs and the
    看板. An existing file is replaced only with `force`, after a backup. Returns the new year's
    plan when started from last year (with last year's errors as of `as_of`)."""
    from annex_tools.workbook.builder import new_workbook
    from annex_tools.workbook.safewrite import backup, ensure_unlocked

    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm") or (suffix == ".xlsm" and last_year is None):
        raise InputError(
            f"“{path}”：新主表请使用 .xlsx 扩展名；带宏的 .xlsm 由 build-workbook 生成，"
            "或用 new 新主表.xlsm --from 上年度主表 从上年度开始。"
        )
    if last_year is not None:
        if not last_year.exists():
            raise InputError(f"找不到上年度主表“{last_year}”。")
        if last_year.resolve() == path.resolve():
            raise InputError(f"“{path}”：新主表不能与上年度主表是同一个文件。")
    if path.exists():
        if not force:
            raise InputError(
                f"“{path}”已存在，未做任何修改。如确需覆盖，请加 --force（旧文件会先备份）。"
            )
        ensure_unlocked(path)
        backup(path)
    if last_year is not None:
        from annex_tools.usecases.yearly import start_year

        return start_year(last_year, path, as_of or dt.date.today())
    new_workbook(path)
    return None


def build_macro_master(
    out: Path,
    macros: Path | None = None,
    *,
    data: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
    settings: Mapping[str, Any] | None = None,
    finish: Callable[[Any], None] | None = None,
) -> Path:
    """`build-workbook`: the .xlsm with ribbon, button macros, xlwings module and UDFs; with
    `data`/`settings`, one that holds them (`new 2024.xlsm --from 2023.xlsm`)."""
    if out.suffix.lower() != ".xlsm":
        raise InputError(f"“{out}”：带宏主表必须使用 .xlsm 扩展名。")
    try:
        from annex_tools.workbook.xlbuild import BuildError, build_master
    except ImportError as exc:  # xlwings / pyOpenVBA: the [excel] extra
        raise InputError(
            f"生成带宏主表需要 Excel 相关组件（缺少 {exc.name}）。请运行："
            'pip install "annex-tools[excel]"'
        ) from None
    try:
        return build_master(out, macros, data, settings, finish)
    except BuildError as exc:
        raise InputError(str(exc)) from None


@dataclass
class DemoRun:
    made: DemoResult
    result: CheckResult
    outputs: list[Outputs] = field(default_factory=list)


def run_demo(
    out_dir: Path, as_of: dt.date, progress: Progress | None = None, force: bool = False
) -> DemoRun:
    """`demo`: the fictional institute (master with planted mistakes, reports), checked, and
    every document made from it (a draft where the planted mistakes are in what it reads, as
    the buttons make them). A folder
    that is there and not empty is never written into (it may hold a real master someone named
    "demo") unless `force`, which first renames it aside (`名-备份-时间`)."""
    from annex_tools.demo import make_demo
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases.check import check

    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        if not force:
            raise InputError(
                f"“{out_dir}”已存在且不是空文件夹，演示未生成，其中的文件未被改动。"
                "请用 --out 换一个文件夹；确需重新生成请加 --force（原文件夹会先改名为“…-备份-时间”保留）。"
            )
        aside = out_dir.with_name(f"{out_dir.name}-备份-{dt.datetime.now():%Y%m%d-%H%M%S}")
        try:
            out_dir.rename(aside)
        except OSError as exc:
            raise InputError(
                f"“{out_dir}”无法改名为“{aside}”（{exc.strerror}），演示未生成。"
            ) from None

    made = make_demo(out_dir)
    run = DemoRun(made, check(made.workbook, as_of))
    for make in (DS.make_templates, DS.make_annex2, DS.make_feedback, DS.make_summary):
        run.outputs.append(
            make(
                made.workbook,
                None,
                as_of,
                draft=DS.AUTO,
                force=True,
                progress=progress or no_progress,
            )
        )
    return run
