#!/usr/bin/env bash
# Install everything the builder needs on a fresh Debian/Ubuntu machine, into ./.venv.
# System packages: Pango/HarfBuzz for WeasyPrint (with libharfbuzz-subset0 for fast, reproducible font
# subsetting), Java for EPUBCheck in the tests, poppler-utils and gettext for inspecting outputs and catalogs.
set -euo pipefail
cd "$(dirname "$0")/.."

packages="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig poppler-utils gettext chromium"
missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
command -v java >/dev/null || missing="$missing default-jre-headless"
python3 -c "import ensurepip, venv" 2>/dev/null || missing="$missing python3-venv"
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] && sudo="" || sudo=sudo
  echo "Installing system packages:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/python -c "import weasyprint.text.ffi as f; assert f.harfbuzz_subset, 'libharfbuzz-subset0 is missing'"

# Ace by DAISY, the EPUB accessibility checker used by the tests (with Debian's Chromium, not a downloaded one).
# Optional: without it, the Ace test is skipped.
if command -v npm >/dev/null && [ ! -x .tools/node_modules/.bin/ace-cli ]; then
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund --prefix .tools @daisy/ace-cli@1.4.6 >/dev/null 2>&1 \
    || echo "Ace by DAISY could not be installed; the accessibility test will be skipped"
fi
