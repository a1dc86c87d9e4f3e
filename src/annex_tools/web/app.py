"""The page's routes: every ribbon action on the masters of one folder, each a thin call to the
same use case as its CLI twin (tests/unit/test_entry_points.py holds the `@action` functions to it).

Security, for a server on the staff member's own PC:
- it listens on 127.0.0.1 only (server.py); every route sits under /t/<token>/, a random token
  made at start and shown only in the URL the browser is opened at;
- the Host header must be 127.0.0.1 or localhost at our port (a DNS-rebinding page has another
  Host), and a POST must come from our own Origin (another site's page cannot drive it);
- masters are named from the folder's own listing, files are served only from inside the folder
  (resolved, symbolic links included), uploads are bounded and saved under safe names;
- the page loads nothing from the internet: its script and style ship in the package, and the
  Content-Security-Policy allows only our own origin.
The master is never written while Excel, WPS or LibreOffice holds it (their lock files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, abort, jsonify, render_template, request, send_file

from annex_tools import __version__
from annex_tools.contract.errors import USER_ERRORS, MasterHasErrors
from annex_tools.contract.findings import SEVERITY_ZH, Finding
from annex_tools.usecases.outputs import (
    PROGRESS_INBOX,
    REPORTS_INBOX,
    RETURNS_INBOX,
    TALLIES_INBOX,
)

MAX_UPLOAD = 20 * 1024 * 1024  # one request's body: a few returns or reports
UPLOAD_KINDS = {
    "returns": (RETURNS_INBOX, ".xlsx"),
    "reports": (REPORTS_INBOX, ".docx"),
    "tallies": (TALLIES_INBOX, ".xlsx"),  # filled 测评统计表
    "progress": (PROGRESS_INBOX, ".xlsx"),  # filled 整改进展表
}  # inboxes
MASTER_SUFFIXES = (".xlsx", ".xlsm")


class Refused(Exception):
    """A Chinese message for the page: nothing was done."""


# ---- the folder ---------------------------------------------------------------------------


def office_lock(path: Path) -> tuple[Path, str] | None:
    """The lock file an office suite keeps beside a file it has open, and which suite: the
    owner files safe-write honours (Excel and WPS `~$name`, LibreOffice `.~lock.name#`, also
    beside a link's target), and WPS on Linux `.~name`."""
    from annex_tools.workbook.safewrite import excel_lock

    found = excel_lock(path)
    if found is not None:
        return found, "LibreOffice" if found.name.startswith(".~lock.") else "Excel 或 WPS"
    wps_linux = path.with_name(f".~{path.name}")
    return (wps_linux, "WPS") if wps_linux.exists() else None


def refuse_if_open(path: Path) -> None:
    held = office_lock(path)
    if held is not None:
        lock, suite = held
        raise Refused(
            f"“{path.name}”正被 {suite} 打开（旁边有锁文件“{lock.name}”），页面不在这时写入主表，"
            f"以免互相覆盖。请在 {suite} 中保存并关闭它，再点一次。"
        )


def masters(root: Path) -> list[dict[str, Any]]:
    """The workbooks directly in the folder (office lock files and temporary files left out)."""
    out = []
    for p in sorted(root.iterdir()):
        if p.suffix.lower() not in MASTER_SUFFIXES or p.name.startswith(("~$", ".")):
            continue
        if not p.is_file():
            continue
        held = office_lock(p)
        st = p.stat()
        out.append(
            {
                "name": p.name,
                "size": st.st_size,
                "modified": dt.datetime.fromtimestamp(st.st_mtime).strftime("%Y-%m-%d %H:%M"),
                "locked": f"正被 {held[1]} 打开" if held else "",
            }
        )
    return out


def master_path(root: Path, name: str) -> Path:
    if name not in {m["name"] for m in masters(root)}:
        raise Refused(f"文件夹中没有主表“{name}”。")
    return root / name


def inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


# ---- jobs: long work in a thread, progress polled by the page -----------------------------


@dataclass
class Job:
    id: str
    action: str
    state: str = "running"  # running, done, failed
    label: str = ""
    done: int = 0
    total: int = 0
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    def progress(self, items: Iterable[object], label: str) -> Iterator[object]:
        listed = list(items)
        self.label, self.done, self.total = label, 0, len(listed)
        for item in listed:
            yield item
            self.done += 1

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "action": self.action, "state": self.state, "label": self.label,
            "done": self.done, "total": self.total, "result": self.result, "error": self.error,
        }  # fmt: skip


@dataclass
class Run:
    """What an action gets: the master, the folder, today, the form, the job for progress."""

    root: Path
    master: Path
    as_of: dt.date  # the page judges what is due as of today and dates documents today
    form: dict[str, str]
    job: Job
    link: Callable[[Path], dict[str, str]]

    def links(self, paths: Iterable[Path]) -> list[dict[str, str]]:
        return [self.link(p) for p in paths]


ACTIONS: dict[str, tuple[str, bool, Callable[[Run], dict[str, Any]]]] = {}


def action(
    name: str, title: str, writes: bool = False
) -> Callable[[Callable[[Run], dict[str, Any]]], Callable[[Run], dict[str, Any]]]:
    """Register a page action (`writes`: it may write the master, so never while it is open)."""

    def register(fn: Callable[[Run], dict[str, Any]]) -> Callable[[Run], dict[str, Any]]:
        ACTIONS[name] = (title, writes, fn)
        return fn

    return register


# ---- rendering what a use case returned ---------------------------------------------------


def finding_rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "severity": SEVERITY_ZH[f.severity], "level": f.severity.value, "sheet": f.sheet or "",
            "row": f.row or "", "column": f.column or "", "message": f.message, "code": f.code,
        }
        for f in findings
    ]  # fmt: skip


def outputs_result(run: Run, done: Any) -> dict[str, Any]:
    message = f"{done.title}：共 {len(done.written)} 个文件，保存在“{done.folder.name}”。"
    if done.nothing:
        message = f"{done.title}：{done.nothing}"
    if done.kept:
        message += f" {len(done.kept)} 个文件生成后被人改过，未覆盖。"
    if done.drafted:
        message += (
            f" 主表中{done.title}所用的内容有 {done.drafted} 个错误，"
            "文档按草稿生成（每页标“草稿”），改正后请重新生成。"
        )
    elif getattr(done, "others", 0):
        message += f" 主表另有 {done.others} 个错误，不在{done.title}所用的内容中，未影响本次生成。"
    return {
        "message": message,
        "files": run.links(done.written),
        "kept": [p.name for p in done.kept],
    }


def digest(items: Iterable[object]) -> str:
    return hashlib.sha256(
        json.dumps(list(items), ensure_ascii=False, default=str).encode("utf-8")
    ).hexdigest()[:16]


def change_rows(changes: list[Any]) -> list[dict[str, Any]]:
    return [
        {"kind": c.kind, "file": c.file, "row": c.row or "", "who": c.who, "detail": c.detail,
         "applies": bool(c.applies)}
        for c in changes
    ]  # fmt: skip


def changes_result(r: Any, wanted: str, what: str, names: list[str]) -> dict[str, Any]:
    """A returned form's preview or what was written, for the page (the same words for each)."""
    rows = change_rows(r.changes)
    conflicts = sum(not c["applies"] for c in rows)
    if r.confirmed:
        message = f"已写入 {r.applied} 项；{conflicts} 项冲突或无法对应，未写入，请核实后手工处理。"
    elif wanted:
        message = f"{what}或主表在预览后有了变化，未写入。请重新预览。"
    else:
        message = f"共 {len(rows) - conflicts} 项可写入、{conflicts} 项冲突或无法对应（还没有写入）。核对下表后点“确认写入”。"
    pending = any(c["applies"] for c in rows) and not r.confirmed
    return {
        "message": message, "changes": rows, "errors": r.errors,
        "files_read": names, "confirm": digest(rows) if pending else "",
    }  # fmt: skip


def confirmed_import(
    run: Run, kind: str, none_there: str, what: str, read: Callable[[list[Path], Any], Any]
) -> dict[str, Any]:
    """A returned-forms import from its inbox folder, the page's way: first a preview, then
    “确认写入” with the preview's digest, which writes only if nothing changed in between
    (`read(files, confirm)` is the use case; `confirm(result)` says whether to write)."""
    wanted = run.form.get("apply", "")
    if wanted:
        refuse_if_open(run.master)
    files = inbox_files(run.master, *UPLOAD_KINDS[kind])
    if not files:
        raise Refused(f"“{UPLOAD_KINDS[kind][0]}”文件夹中没有{none_there}")
    r = read(files, lambda result: digest(change_rows(result.changes)) == wanted)
    return changes_result(r, wanted, what, [p.name for p in files])


def inbox_files(master: Path, inbox: str, suffix: str) -> list[Path]:
    folder = master.parent / inbox
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.glob(f"*{suffix}") if p.is_file() and not p.name.startswith(("~$", "."))
    )


# ---- the actions: one use case each ---------------------------------------------------------


@action("check", "全面校验", writes=True)
def run_check(run: Run) -> dict[str, Any]:
    from annex_tools.usecases.check import check_master

    write = run.form.get("write") == "1"
    if write:
        refuse_if_open(run.master)
    checked = check_master(run.master, run.as_of, dt.datetime.now(), mark=write)
    message = checked.message + (
        f" 已写入“校验结果”表并标记 {checked.marked} 个单元格；原文件备份在“备份”文件夹。"
        if write
        else ""
    )
    return {"message": message, "findings": finding_rows(checked.result.findings)}


@action("clear-marks", "清除标记", writes=True)
def clear_check(run: Run) -> dict[str, Any]:
    from annex_tools.usecases.check import clear_check_marks

    refuse_if_open(run.master)
    cleared, backup = clear_check_marks(run.master)
    return {
        "message": f"已清除 {cleared} 个单元格的标记和“校验结果”表的内容；原文件备份在“备份”文件夹"
        f"（{backup.name if backup else ''}）。"
    }


@action("environment", "环境检查")
def environment(run: Run) -> dict[str, Any]:
    from annex_tools.usecases.environment import page_environment

    ok, text = page_environment(run.master.parent)
    lines = text.splitlines()
    return {"message": lines[-1], "notes": lines[:-1]}


@action("new-year", "新的一年")
def new_year(run: Run) -> dict[str, Any]:
    """Next year's master beside this one, from this one as saved (`new 下一年.xlsx --from`); an
    existing file of that name is never replaced from the page."""
    from annex_tools.usecases.start import new_master

    plan = None
    for n in range(1, 100):
        target = run.master.with_name(f"{run.master.stem}-next{'' if n == 1 else n}.xlsx")
        if not target.exists():
            plan = new_master(target, last_year=run.master, as_of=run.as_of)
            break
    if plan is None:
        raise Refused("主表旁已有太多“-next”文件，请先整理后再试。")
    notes = [plan.source_note] if plan.source_note else []
    return {
        "message": f"已新建{plan.year}年度主表“{target.name}”（按已保存的本主表生成；请改名后使用，"
        "并核对“设置”表中标黄的日期）。",
        "files": run.links([target]), "notes": notes,
    }  # fmt: skip


@action("templates", "述职报告模板")
def make_templates(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS

    done = DS.make_templates(run.master, None, run.as_of, draft=DS.AUTO, progress=run.job.progress)
    return outputs_result(run, done)


@action("annex2", "附件2")
def make_annex2(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS

    done = DS.make_annex2(run.master, None, run.as_of, draft=DS.AUTO, progress=run.job.progress)
    return outputs_result(run, done)


@action("summary", "汇总报告")
def make_summary(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS

    return outputs_result(run, DS.make_summary(run.master, None, run.as_of, draft=DS.AUTO))


@action("notice-grades", "等次通报")
def make_bulletin(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS

    return outputs_result(run, DS.make_bulletin(run.master, None, run.as_of, draft=DS.AUTO))


@action("feedback", "反馈意见")
def make_feedback(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS

    done = DS.make_feedback(run.master, None, run.as_of, draft=DS.AUTO, progress=run.job.progress)
    return outputs_result(run, done)


@action("rectifications", "整改台账")
def make_rect_ledger(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import rect_ledger as FU

    fu = FU.make_rect_ledger(run.master, run.as_of)
    total = FU.counts_of(fu.items)
    counts = "；".join(f"{h} {total[h]}" for h in FU.COUNT_HEADERS)
    return {
        "message": f"整改台账已生成（统计日期 {run.as_of}）：{counts}",
        "files": run.links([fu.path] if fu.path else []),
    }


@action("progress", "工作进度")
def make_progress(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import progress as PG

    done = PG.make_progress(run.master, run.as_of)
    return {"message": done.message, "files": run.links(done.outputs.written)}


@action("hr-export", "考核联动名单")
def make_hr_export(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import hr as HR

    rows, target, draft = HR.make_hr_export(run.master, None, run.as_of)
    denied = sum(r.allowed == HR.NO for r in rows)
    note = f"（{draft}）" if draft else ""  # the reason starts with 草稿
    return {
        "message": f"名单已生成：{len(rows)} 人，其中不可评定优秀 {denied} 人{note}",
        "files": run.links([target]),
    }


@action("import-reports", "导入述职报告", writes=True)
def import_reports(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS

    wanted = run.form.get("apply", "")
    if wanted:
        refuse_if_open(run.master)
    folder = run.master.parent / UPLOAD_KINDS["reports"][0]
    s = DS.import_reports(
        run.master, folder if folder.is_dir() else None, run.job.progress,
        confirm=lambda summary: bool(wanted) and digest(summary.filled) == wanted,
        as_of=run.as_of,
    )  # fmt: skip
    lists = {"缺少报告": s.missing, "无法读取": s.unreadable, "无法确定": s.ambiguous,
             "对应不上任何书记的文件": s.unmatched_files}  # fmt: skip
    if s.written:
        message = f"已写入 {len(s.filled)} 份报告的字数和占比；原文件备份在“备份”文件夹。"
    elif wanted:
        message = "报告或主表在预览后有了变化，未写入。请重新预览。"
    else:
        message = (
            f"将写入 {len(s.filled)} 份报告的字数和占比（还没有写入）。核对下表后点“确认写入”。"
        )
    return {
        "message": message, "filled": s.filled, "lists": lists,
        "confirm": "" if s.written or not s.filled else digest(s.filled),
    }  # fmt: skip


@action("import-returns", "导入附件2回执", writes=True)
def import_returns(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS

    return confirmed_import(
        run, "returns", "回执：请先上传各党总支交回的附件2（.xlsx）。", "回执",
        lambda files, confirm: DS.import_returns(run.master, files, confirm, as_of=run.as_of),
    )  # fmt: skip


@action("ballots", "现场测评表")
def make_ballots(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases import intake as IN

    done = IN.make_ballots(run.master, None, run.as_of, draft=DS.AUTO, progress=run.job.progress)
    return outputs_result(run, done)


@action("interviews", "约谈记录")
def make_interviews(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases import intake as IN

    done = IN.make_interviews(run.master, None, run.as_of, draft=DS.AUTO, progress=run.job.progress)
    return outputs_result(run, done)


@action("rectification-forms", "整改进展表")
def make_rect_forms(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases import intake as IN

    done = IN.make_rect_forms(run.master, None, run.as_of, draft=DS.AUTO, progress=run.job.progress)
    return outputs_result(run, done)


@action("import-rectifications", "导入整改进展", writes=True)
def import_rect_progress(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import intake as IN

    return confirmed_import(
        run, "progress", "整改进展表：请先上传各二级党组织交回的整改进展表（.xlsx）。", "整改进展表",
        lambda files, confirm: IN.import_rect_progress(run.master, files, confirm, run.as_of),
    )  # fmt: skip


@action("import-ballots", "导入测评统计", writes=True)
def import_ballots(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import intake as IN

    return confirmed_import(
        run, "tallies", "测评统计表：请先上传填好的测评统计表（.xlsx）。", "统计表",
        lambda files, confirm: IN.import_ballots(run.master, files, confirm),
    )  # fmt: skip


@action("archive", "人事档案归档")
def archive_opinions(run: Run) -> dict[str, Any]:
    from annex_tools.archive import ArchiveError
    from annex_tools.usecases import documents as DS

    try:
        r = DS.archive_opinions(run.master, None, run.as_of, progress=run.job.progress)
    except ArchiveError as exc:
        raise Refused(str(exc)) from None
    lines = [f"未归档：{who}（{why}）" for who, why in r.skipped]
    lines += [f"新版本：{x}" for x in r.new_versions] + [f"隔离：{x}" for x in r.quarantined]
    return {
        "message": f"归档完成：新写入 {len(r.written)} 个文件，内容未变 {len(r.unchanged)} 人。",
        "files": run.links(r.written), "notes": lines,
    }  # fmt: skip


@action("archive-verify", "核对档案")
def verify_archive(run: Run) -> dict[str, Any]:
    from annex_tools.usecases import documents as DS
    from annex_tools.usecases.outputs import default_out

    folder = default_out("archive", run.master.parent, "")  # the name has no year
    if not folder.is_dir():
        raise Refused(f"还没有人事档案归档（主表旁没有“{folder.name}”文件夹）。")
    checked, problems, notes = DS.verify_archive(folder)
    text = f"核对 {checked} 个文件，" + (
        f"发现 {len(problems)} 个问题。" if problems else "全部完好。"
    )
    return {"message": text, "notes": notes + problems}


# ---- the application ------------------------------------------------------------------------


def create_app(root: Path, token: str, today: Callable[[], dt.date] = dt.date.today) -> Flask:
    """The page for the masters in `root`; server.py sets PORT once it listens."""
    app = Flask(__name__, static_folder=None)  # static files only under the token, below
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD, PORT=0, ROOT=root.resolve(), TOKEN=token)
    jobs: dict[str, Job] = {}
    busy = threading.Lock()  # one action at a time: LibreOffice and the master are shared

    @app.before_request
    def guard() -> Any:
        return check_request(app.config["PORT"], token)

    app.after_request(secure_headers)
    app.register_error_handler(413, too_big)
    base = "/t/<token>"

    @app.get(f"{base}/")
    def index(token: str) -> Any:
        return render_template(
            "index.html", folder=str(app.config["ROOT"]), version=__version__,
            actions=[(k, v[0]) for k, v in ACTIONS.items()],
        )  # fmt: skip

    @app.get(f"{base}/static/<name>")
    def static_file(token: str, name: str) -> Any:
        from flask import send_from_directory

        return send_from_directory(Path(__file__).parent / "static", name)

    @app.get(f"{base}/api/masters")
    def list_masters(token: str) -> Any:
        return jsonify({"folder": str(app.config["ROOT"]), "masters": masters(app.config["ROOT"])})

    @app.post(f"{base}/api/upload/<kind>")
    def upload(token: str, kind: str) -> Any:
        if kind not in UPLOAD_KINDS:
            abort(404)
        try:
            master = master_path(app.config["ROOT"], request.form.get("master", ""))
            saved = save_uploads(app.config["ROOT"], master, kind)
        except Refused as exc:
            return _refuse(400, str(exc))
        return jsonify({"saved": saved, "folder": UPLOAD_KINDS[kind][0]})

    @app.post(f"{base}/api/run/<name>")
    def start(token: str, name: str) -> Any:
        if name not in ACTIONS:
            abort(404)
        form = {k: str(v) for k, v in (request.get_json(silent=True) or {}).items()}
        try:
            master = master_path(app.config["ROOT"], form.get("master", ""))
        except Refused as exc:
            return _refuse(400, str(exc))
        job = Job(uuid.uuid4().hex, name)
        jobs[job.id] = job
        run = Run(
            app.config["ROOT"],
            master,
            today(),
            form,
            job,
            partial(file_link, app.config["ROOT"], token),
        )
        threading.Thread(target=execute, args=(run, busy), daemon=True).start()
        return jsonify(job.as_json())

    @app.get(f"{base}/api/jobs/<job_id>")
    def job_state(token: str, job_id: str) -> Any:
        job = jobs.get(job_id)
        if job is None:
            abort(404)
        assert job is not None  # abort() raises; said for type checkers without Flask's stubs
        return jsonify(job.as_json())

    @app.get(f"{base}/files/<path:rel>")
    def download(token: str, rel: str) -> Any:
        path = app.config["ROOT"] / rel
        if not inside(app.config["ROOT"], path) or not path.resolve().is_file():
            return _refuse(404, "没有这个文件（或它不在本文件夹内）。")
        return send_file(path.resolve(), as_attachment=True, download_name=path.name)

    return app


def _refuse(status: int, message: str) -> Any:
    from flask import make_response

    if request.path.split("/")[3:4] == ["api"]:
        return make_response(jsonify({"error": message}), status)
    body = f"<!doctype html><meta charset=utf-8><title>述职评议</title><p id=refused>{message}</p>"
    return make_response(body, status, {"Content-Type": "text/html; charset=utf-8"})


def check_request(port: int, token: str) -> Any:
    """None for a request from our own page; otherwise the refusal (Host, token, Origin)."""
    if request.host not in {f"127.0.0.1:{port}", f"localhost:{port}"}:
        return _refuse(403, "拒绝：地址不是本机（Host 不符）。")
    parts = request.path.split("/")
    if len(parts) < 3 or parts[1] != "t" or not hmac.compare_digest(parts[2], token):
        return _refuse(
            403, "拒绝：链接中的口令不对。请使用启动时打开的那个地址（关闭后重新启动会换新口令）。"
        )
    if request.method not in ("GET", "HEAD") and request.headers.get("Origin") not in {
        f"http://127.0.0.1:{port}",
        f"http://localhost:{port}",
    }:
        return _refuse(403, "拒绝：请求不是从本页面发出的（Origin 不符）。")
    return None


PAGE_ERRORS: tuple[type[Exception], ...] = (Refused, *USER_ERRORS)  # a Chinese message already


def execute(run: Run, busy: threading.Lock) -> None:
    """Run an action in its job, one at a time; any failure becomes a Chinese message."""
    job = run.job
    title, _, fn = ACTIONS[job.action]
    with busy:
        try:
            job.result = fn(run)
            job.state = "done"
        except PAGE_ERRORS as exc:
            job.error, job.state = str(exc), "failed"
        except MasterHasErrors as exc:
            job.error = f"主表有 {exc.result.errors} 个错误，未执行。请先“全面校验”并改正。"
            job.state = "failed"
        except Exception as exc:  # shown in Chinese, logged in full
            from annex_tools.logs import log_path, logger

            logger("annex_tools.web").error("%s failed:\n%s", job.action, traceback.format_exc())
            job.error = f"{title}没有完成：{type(exc).__name__}: {exc}。详细信息见日志 {log_path()}"
            job.state = "failed"


def save_uploads(root: Path, master: Path, kind: str) -> list[str]:
    """The request's files into the master's inbox of `kind`, under safe names; a file of the
    same name and other content is kept and the upload gets a numbered name."""
    from annex_tools.contract.text import safe_filename

    inbox, suffix = UPLOAD_KINDS[kind]
    folder = master.parent / inbox
    saved = []
    for f in request.files.getlist("files"):
        name = safe_filename(Path(f.filename or "").name or "上传")
        if not name.lower().endswith(suffix):
            raise Refused(f"“{f.filename}”不是 {suffix} 文件，未上传。")
        folder.mkdir(exist_ok=True)
        data = f.read()
        target = folder / name
        n = 1
        while target.exists() and target.read_bytes() != data:
            n += 1
            target = folder / f"{Path(name).stem}（{n}）{suffix}"
        if not inside(root, target):
            raise Refused("拒绝：上传位置不在文件夹内。")
        target.write_bytes(data)
        saved.append(target.name)
    return saved


def secure_headers(response: Any) -> Any:
    """Nothing but our own origin for scripts, styles and frames; no Referer with the token."""
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def too_big(_: Any) -> Any:
    return _refuse(413, f"上传的文件太大：一次最多 {MAX_UPLOAD // 1024 // 1024} MB。")


def file_link(root: Path, token: str, path: Path) -> dict[str, str]:
    """A generated file as the page links it: its path in the folder and its download URL."""
    rel = path.resolve().relative_to(root).as_posix()
    return {"name": rel, "url": f"/t/{token}/files/{rel}"}
