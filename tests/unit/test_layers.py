"""Imports run down the layers, never up (read from the source, as test_entry_points reads the
entry points): contract < rules and the facts they share < workbook < documents < use cases <
entry points. A new import against the grain fails here; so does an entry of KNOWN that has been
fixed (take it out)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "annex_tools"

# top-level package or module of annex_tools -> its layer (lower may not import higher)
LAYER = {
    "contract": 0, "logs": 0, "resources": 0, "workdays": 0,
    "analysis": 1, "schedule": 1, "institute": 1, "rules": 1,
    "workbook": 2,
    "documents": 3, "archive": 3, "demo": 3,  # demo: a valid institute made, for the use case `demo`
    "demo.valid": 1,  # the one generator of a valid institute: pure, beside the rules it satisfies
    "usecases": 4,
    "cli": 5, "excel": 5, "web": 5, "windows": 5, "__main__": 5,
}  # fmt: skip

# Imports against the layers that are still in the code (issue 24): each is a debt, not a licence.
KNOWN: set[tuple[str, str]] = set()


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path) -> set[str]:
    """Modules of annex_tools imported anywhere in the file (inside functions too), except under
    `if TYPE_CHECKING:` (types only, never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for sub in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found.add(next((n for n in reversed(names) if _exists(n)), node.module))
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m.startswith("annex_tools.")}


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def _layer(module: str) -> int | None:
    """The layer of the longest entry of LAYER the module is in (a package's module may sit
    lower than its package, never the other way)."""
    parts = module.split(".")[1:]
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYER:
            return LAYER[".".join(parts[:n])]
    return None


@functools.cache  # both tests below read the same source once
def against_the_grain() -> frozenset[tuple[str, str]]:
    found = set()
    for path in SRC.rglob("*.py"):
        here = _module(path)
        if here == "annex_tools":  # __init__: the version, imports nothing
            continue
        found |= _against(here, _runtime_imports(path))
    return frozenset(found)


def _against(here: str, targets: set[str]) -> set[tuple[str, str]]:
    mine = _layer(here)
    assert mine is not None, f"{here}: give its package a layer in LAYER"
    return {(here, t) for t in targets if (_layer(t) or 0) > mine}


def test_every_import_runs_down_the_layers() -> None:
    new = sorted(against_the_grain() - KNOWN)
    assert new == [], "imports against the layers:\n" + "\n".join(f"{a} -> {b}" for a, b in new)


def test_every_known_exception_is_still_there() -> None:
    fixed = sorted(KNOWN - against_the_grain())
    assert fixed == [], f"fixed, take them out of KNOWN: {fixed}"


def test_the_scan_sees_imports_inside_functions_but_not_type_only_ones(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from annex_tools.usecases.check import CheckResult\n"
        "def f():\n"
        "    from annex_tools.documents.summary import plan_summary\n"
        "    import annex_tools.demo\n",
        encoding="utf-8",
    )
    assert _runtime_imports(source) == {"annex_tools.documents.summary", "annex_tools.demo"}


def test_the_subsystem_packages_sit_in_their_layer() -> None:
    """archive/ and demo/ are packages now: each module is in its package's layer, and an import
    of one from below, or of a use case from one, is against the grain."""
    for package in ("archive", "demo"):
        modules = sorted(p.stem for p in (SRC / package).glob("*.py") if p.stem != "valid")
        assert len(modules) > 2, package
        assert {_layer(f"annex_tools.{package}.{m}") for m in modules} == {LAYER[package]}
    assert _layer("annex_tools.demo.valid") == 1  # pure: contract only, never the workbook
    assert _against("annex_tools.demo.valid", {"annex_tools.workbook.builder"})
    assert _against("annex_tools.workbook.reader", {"annex_tools.archive.store"})
    assert _against("annex_tools.demo.mistakes", {"annex_tools.usecases.start"})
    assert not _against("annex_tools.archive.run", {"annex_tools.documents.render"})
