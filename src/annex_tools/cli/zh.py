"""Chinese for the texts click and typer print themselves ("Usage:", "Missing argument",
"Show this message and exit." ...).

click and typer look every message up through `gettext` names bound in their modules
(`_` and `ngettext`); `install()` rebinds those names to a lookup in `MESSAGES`, so help,
usage errors and option messages read in Chinese whatever the machine's locale. A message
not in the table stays as click wrote it (a test runs the usual mistakes and checks that
none is left in English).
"""

from __future__ import annotations

import gettext
import re
import sys
from typing import Any

_SKIP = {"_winconsole", "__main__", "testing", "cli"}

MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本说明并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Error": "错误",
    "Error: {message}": "错误：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有“{name}”这个命令。",
    "No such option {name!r}.": "没有“{name}”这个选项。",
    "No such option: {name}": "没有“{name}”这个选项。",
    "Option {name!r} does not take a value.": "选项“{name}”后面不能跟值。",
    "Option {name!r} requires an argument.": "选项“{name}”后面需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”后面需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Did you mean {possibility}?": "是不是要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是要用其中之一：{possibilities}？）",
    "Invalid value for {param_hint}: {message}": "{param_hint}的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看用法。",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "运行“{command_path} {help_option}”查看用法。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否值，可用：{states}",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not {choice}.": "“{value}”不是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是 {choices} 之一。",
    "Aborted!": "已取消。",
    "Aborted.": "已取消。",
    "[required]": "[必填]",
    "required": "必填",
    "[default: {}]": "[默认：{}]",
    "default: {default}": "默认：{default}",
    "(dynamic)": "（动态）",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "integer": "整数",
    "float": "数字",
    "Value must be an iterable.": "值必须是一组。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
}

_PACKAGES = ("click", "typer", "typer._click")  # typer >= 0.16 carries its own copy of click


def tr(message: str) -> str:
    return MESSAGES.get(message, message)


def ntr(singular: str, plural: str, n: int) -> str:
    return tr(singular if n == 1 else plural)


def install() -> None:
    """Rebind click's and typer's gettext names to the Chinese table (idempotent): in their
    modules already imported, and, through `gettext` itself, in those imported later. No module
    is imported for this (importing all of them, for --help, cost a third of a second: typer's
    rich help, its pydantic adapters, a second click)."""
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in _PACKAGE_ROOTS:
            continue
        if name.rsplit(".", 1)[-1] in _SKIP:
            continue
        if getattr(module, "_", None) is _GETTEXT:
            module._ = tr  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is _NGETTEXT:
            module.ngettext = ntr  # type: ignore[attr-defined]
    # `from gettext import gettext as _` in a module imported from now on binds these; a text
    # not in the table comes back as it was, so any other library's messages are unchanged
    gettext.gettext, gettext.ngettext = tr, ntr  # type: ignore[assignment]


_GETTEXT, _NGETTEXT = gettext.gettext, gettext.ngettext
_PACKAGE_ROOTS = {p.split(".")[0] for p in _PACKAGES}


# Metavars shown in help and in "缺少参数" messages, by parameter name.
METAVARS: dict[str, str] = {
    "workbook": "主表",
    "path": "路径",
    "files": "文件…",
    "folder": "文件夹",
    "target": "主表|verify",
    "archive_dir": "归档文件夹",
    "as_of": "日期",
    "signed": "日期",
    "today": "日期",
    "out_dir": "路径",
    "out_file": "路径",
    "out_path": "路径",
    "category": "类别",
    "macros": "文件夹",
    "master": "主表",
}


# typer >= 0.16 carries a copy of click whose messages are plain f-strings: translate the text.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a, re.MULTILINE), b)
    for a, b in (
        (r"^Usage: ?", "用法："),
        (r"Show this message and exit\.", "显示本说明并退出。"),
        (r"Missing argument '([^']+)'\.?", r"缺少参数“\1”。"),
        (r"Missing option '([^']+)'\.?", r"缺少选项“\1”。"),
        (r"Missing parameter:? '?([^'.]+)'?\.?", r"缺少参数“\1”。"),
        (r"No such option: (\S+)", r"没有“\1”这个选项。"),
        (r"\(Possible options: ([^)]*)\)", r"（可用的选项：\1）"),
        (r"Did you mean '([^']+)'\?", r"是不是要用“\1”？"),
        (r"Did you mean (.+?)\?", r"是不是要用 \1？"),
        (r"命令。\.\s*", "命令。"),  # click's "No such command 'x'." then ". Did you mean"
        (r"Got unexpected extra arguments? ?(?:\(s\))? \((.*)\)", r"多出了参数（\1）"),
        (r"Option '([^']+)' requires an argument\.", r"选项“\1”后面需要一个值。"),
        (r"Option '([^']+)' requires (\d+) arguments\.", r"选项“\1”后面需要 \2 个值。"),
        (r"Option '([^']+)' does not take a value\.", r"选项“\1”后面不能跟值。"),
        (r"Invalid value for ([^:]+): ", r"\1 的值无效："),
        (r"Invalid value: ", "值无效："),
        (r"'([^']*)' is not one of (.+?)\.", r"“\1”不是可选的值（\2）。"),
        (r"'([^']*)' is not a valid (?:int|integer|float)\.", r"“\1”不是有效的数字。"),
        (r"'([^']*)' is not a valid boolean\.?", r"“\1”不是有效的是/否值。"),
        (r"(File|Path|Directory) '([^']*)' does not exist\.", r"“\2”不存在。"),
        (r"Choose from:", "可选："),
        (r"\[required\]", "[必填]"),
        (r"\[default: ([^\]]*)\]", r"[默认：\1]"),
        (r" <(?:path|str|int|float|text|list\[\w+\]|bool)>", ""),
        (r"^Aborted!?", "已取消。"),
    )
)


def translate(text: str) -> str:
    """click's English, where it is left, in Chinese."""
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def localize(command: Any) -> None:
    """Chinese metavars and usage placeholders on a click command tree built by typer, and
    its help text put through `translate`."""
    get_help = command.get_help
    command.get_help = lambda ctx: translate(get_help(ctx))
    command.options_metavar = "[选项]"
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = "命令 [参数]..."
    for param in getattr(command, "params", []):
        if param.name in METAVARS and not getattr(param, "is_flag", False):
            param.metavar = METAVARS[param.name]
    for sub in getattr(command, "commands", {}).values():
        localize(sub)
