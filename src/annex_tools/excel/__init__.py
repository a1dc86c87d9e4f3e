"""The Excel side, the only package that imports xlwings: the ribbon buttons (buttons.py), what
they say (messages.py), the xlwings adapter that reads the open book and writes marks back
(adapter.py), and the UDFs (udfs.py).

The ribbon's macros call `import annex_tools.excel as ax; ax.run_check()` and the xlwings.conf
sheet names `annex_tools.excel` as the UDF module, in masters already handed out too: those names
stay here. The 环境检查 core lives in usecases/environment.py and is re-exported for the tests.
"""

from annex_tools.excel.adapter import calling_book, check_rows, sheet_headers
from annex_tools.excel.buttons import (
    archive_opinions,
    clear_marks,
    env_check,
    import_ballots,
    import_rect_progress,
    import_reports,
    import_returns,
    make_annex2,
    make_ballots,
    make_feedback,
    make_followup,
    make_grade_notice,
    make_interviews,
    make_progress,
    make_rect_forms,
    make_summary,
    make_templates,
    new_year,
    run_check,
    show_guide,
)
from annex_tools.excel.udfs import (
    ANNEX_FAIR_SHARE,
    ANNEX_LINKAGE,
    ANNEX_MIN_FAIR,
    ANNEX_SHARE,
    ANNEX_WORDS,
)
from annex_tools.usecases.environment import (
    SRC_FOLDER,
    SRC_PATH,
    SRC_SHEET,
    SRC_USER,
    Interpreter,
    conf_rows,
    environment_report,
    find_interpreter,
    probe_python,
    read_conf_file,
)

__all__ = [
    "ANNEX_FAIR_SHARE", "ANNEX_LINKAGE", "ANNEX_MIN_FAIR", "ANNEX_SHARE", "ANNEX_WORDS",
    "SRC_FOLDER", "SRC_PATH", "SRC_SHEET", "SRC_USER", "Interpreter", "archive_opinions",
    "calling_book", "check_rows", "clear_marks", "conf_rows", "env_check", "environment_report",
    "find_interpreter", "import_ballots", "import_rect_progress", "make_rect_forms", "make_ballots", "import_reports", "import_returns", "make_annex2", "make_feedback",
    "make_followup", "make_grade_notice", "make_interviews", "make_progress", "make_summary", "make_templates",
    "new_year", "probe_python",
    "read_conf_file", "run_check", "sheet_headers", "show_guide",
]  # fmt: skip
