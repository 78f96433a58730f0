#!/usr/bin/env bash
# Refresh requirements.txt: the exact versions that scripts/install.sh and CI install.
# It resolves the newest releases that pyproject.toml's ranges allow, for the Python of this machine.
# Review the diff, run the suite (bash scripts/install.sh --test && .venv/bin/python -m pytest -q), then commit.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet uv
python_version="$(.venv/bin/python -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
.venv/bin/uv pip compile pyproject.toml --extra test --python-version "$python_version" --quiet \
  --custom-compile-command "bash scripts/lock.sh" -o requirements.txt
echo "requirements.txt refreshed for Python $python_version"
