#!/usr/bin/env bash
# Installs what the tests need (LibreOffice, its Python bridge, CJK fonts and poppler; Chromium
# and its driver for the page's browser tests; Wine, whose cmd runs the Windows bundle's .cmd
# scripts: all from Debian's packages where missing; the Python test dependencies in .venv, made by
# scripts/venv.sh) and runs lint, type checks and the whole test suite (arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
need=""
for pkg in libreoffice-calc libreoffice-writer python3-uno fonts-noto-cjk poppler-utils \
    chromium chromium-driver wine wine64; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
done
if [ -n "$need" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
# the project's own virtual environment: a stock Debian/Ubuntu Python refuses system-wide pip (PEP 668)
bash scripts/venv.sh test
PY=.venv/bin/python
$PY -m ruff check src tests benchmarks scripts
$PY -m mypy src
# every core (pytest-xdist); a test file stays on one worker, so its module fixtures are made once
# (not --dist loadgroup: xdist 3.8 marks a group by rewriting item._nodeid, which pytest 9 no longer
# reads, so every test became its own unit and module fixtures were made on both workers)
start=$SECONDS
status=0
$PY -m pytest -q -n auto --dist loadfile "$@" || status=$?
echo "测试用时 $((SECONDS - start)) 秒"
exit "$status"
