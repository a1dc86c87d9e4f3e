"""`annex-tools CMD` imports only CMD's module (cli.COMMAND_MODULES): the table must name every
command in the module that registers it, in the order `--help` lists them. A command missing from
it still runs (all modules are imported), one put under the wrong module would not."""

from __future__ import annotations

import importlib

import typer

from annex_tools.cli import COMMAND_MODULES, app


def _registered() -> list[tuple[str, str]]:
    """(module, command name) of every command the CLI registers, in registration order."""
    for module in COMMAND_MODULES:
        importlib.import_module(f"annex_tools.cli.{module}")
    return [
        (
            info.callback.__module__.rsplit(".", 1)[-1],
            info.name or typer.main.get_command_name(info.callback.__name__),
        )
        for info in app.registered_commands
        if info.callback is not None
    ]


def test_the_table_names_each_command_under_its_module_in_help_order() -> None:
    table = [(module, name) for module, names in COMMAND_MODULES.items() for name in names]
    assert _registered() == table
    assert len(table) == 26 and ("master", "check") in table
