from annex_tools.cli import run

run()
