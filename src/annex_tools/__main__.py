from annex_tools.cli import main

main()
