#!/usr/bin/env bash
# Installs what the tests need (LibreOffice from Debian's packages when it is missing, the
# Python test dependencies) and runs lint, type checks and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libreoffice-calc libreoffice-writer python3-uno fonts-noto-cjk >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e ".[test]"
python3 -m ruff check src tests benchmarks
python3 -m mypy src
python3 -m pytest -q
