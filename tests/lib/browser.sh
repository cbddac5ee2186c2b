# Sourced by the tests that drive Debian's headless Chromium (tests/report,
# tests/editors/vscode): installs what they share.
#
#   browser_install LABEL
#
# Installs Debian's chromium when it is missing, and the npm packages of
# tests/lib/package-lock.json (playwright-core, axe-core, yaml), exactly as the lock pins them,
# in a folder of ${CHARTER_CI_CACHE:-~/.cache/charter-ci} named by the lock's hash: a change of
# version installs afresh, and nothing is added to the repository. Sets browser_node_path to
# their node_modules (the NODE_PATH of the tests' node scripts). Messages start with "LABEL: ".

# shellcheck source=../editors/debian.sh
source "$(dirname "${BASH_SOURCE[0]}")/../editors/debian.sh"

browser_install() {
  local label=$1
  local lib
  lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  debian_install "$label" chromium
  local cache="${CHARTER_CI_CACHE:-$HOME/.cache/charter-ci}"
  local deps
  deps="$cache/browser-test-$(sha256sum "$lib/package-lock.json" | cut -c1-12)"
  if [ ! -f "$deps/.installed" ]; then
    local t=$SECONDS
    echo "$label: installing playwright-core, axe-core and yaml from npm into $deps"
    rm -rf "$deps"
    mkdir -p "$deps"
    cp "$lib/package.json" "$lib/package-lock.json" "$deps/"
    (cd "$deps" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$deps/.installed"
    echo "$label: npm ci took $((SECONDS - t)) s"
  fi
  browser_node_path="$deps/node_modules"
}
