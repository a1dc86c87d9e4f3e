#!/usr/bin/env bash
# Makes the project's own virtual environment .venv and installs annex-tools into it:
#   bash scripts/venv.sh          # annex-tools
#   bash scripts/venv.sh test     # annex-tools, editable, with the test tools
# Debian 12 / Ubuntu 23.04+ refuse `pip install` outside a virtual environment (PEP 668,
# "externally-managed-environment"); this needs no system change. Where python3-venv is not
# installed (no ensurepip), the environment is made without pip and pip is put into it by the
# system's pip (`pip --python`) or, failing that, by get-pip.py from bootstrap.pypa.io.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
VENV="${ANNEX_VENV:-.venv}"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "annex-tools 需要 Python 3.11 或更高版本（现在是 $("$PY" --version 2>&1)）。" >&2; exit 2; }
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  rm -rf "$VENV"
  if ! "$PY" -m venv "$VENV" >/dev/null 2>&1 || [ "${ANNEX_VENV_NO_ENSUREPIP:-}" = 1 ]; then
    rm -rf "$VENV"
    "$PY" -m venv --without-pip "$VENV"
    if "$PY" -m pip --version >/dev/null 2>&1 && "$PY" -m pip --python "$VENV/bin/python" install -q --disable-pip-version-check pip; then
      :
    else
      "$VENV/bin/python" - <<'PYEOF'
import subprocess, sys, tempfile, urllib.request
with tempfile.NamedTemporaryFile(suffix=".py", delete=False) as fh:
    fh.write(urllib.request.urlopen("https://bootstrap.pypa.io/get-pip.py", timeout=120).read())
subprocess.run([sys.executable, fh.name, "-q"], check=True)
PYEOF
    fi
  fi
fi
if [ "${1:-}" = test ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"
else
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check .
fi
echo "已安装到 $VENV：命令是 $VENV/bin/annex-tools"
