#!/usr/bin/env bash
# The HTML page of `charter report` in a real browser: Debian's headless Chromium, driven by
# playwright-core, with an axe-core accessibility scan.
#
#   tests/report/run.sh           # from anywhere; exits 0 when every check passed
#   tests/report/run.sh --scale   # instead: the benchmark of a 10,000-use-case report (scale.js)
#
# 1. Installs what is missing (tests/lib/browser.sh): Debian's chromium (apt); and, cached under
#    ${CHARTER_CI_CACHE:-~/.cache/charter-ci}, the npm packages of tests/lib/package-lock.json
#    (playwright-core, axe-core, and yaml, which test.js reads the manifests with).
# 2. Builds target/debug/charter (`cargo build`), unless CHARTER names a binary to use.
# 3. Writes three reports into a scratch folder, from the repository root: `charter report
#    examples`, the same `--against anthropic-usage@2024-06-06`, and `charter report
#    tests/report/hostile` (a manifest of markup, quotes and bidirectional controls).
# 4. test.js opens each in Chromium and checks it (its header lists what), and prints
#    "report: N passed, M failed". The pages, screenshots and the browser console go to
#    tests/report/artifacts/ (git-ignored); report.png is the screenshot the README shows
#    (docs/src/images/report.png is a copy of it).
#
# Environment: CHARTER (a charter binary to use as it is), CHARTER_CI_CACHE (the cache folder),
# CHROMIUM (the browser, default /usr/bin/chromium), CHARTER_REPORT_TIMEOUT (seconds for the
# browser test, default 300).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
artifacts="$here/artifacts"
mode=test
case "${1:-}" in
  "") ;;
  --scale) mode=scale ;;
  *) echo "usage: $0 [--scale]" >&2; exit 2 ;;
esac

started=$SECONDS
say() { echo "report: $*"; }

# --- 1. install ---------------------------------------------------------------------------------
# shellcheck source=../lib/browser.sh
source "$root/tests/lib/browser.sh"
# shellcheck source=../lib/charter.sh
source "$root/tests/lib/charter.sh"
browser_install report
export NODE_PATH="$browser_node_path"
installed=$SECONDS
say "node $(node --version), $(chromium --version 2>/dev/null || echo 'chromium: not found')"

# --- 2. build -----------------------------------------------------------------------------------
charter="$(charter_binary "$root")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A copy of the binary, so a concurrent `cargo build` cannot swap it mid-test.
cp "$charter" "$work/charter"
charter="$work/charter"
"$charter" --version
built=$SECONDS

if [ "$mode" = scale ]; then
  # The inputs of bench/report.py: the 10,000-rule benchmark policy and 10,000 use cases
  # under it, from bench/harness.py's generators.
  mkdir "$work/scale"
  python3 -c 'import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import report; report.generate(Path(sys.argv[2]), 1)' \
    "$root/bench" "$work/scale"
  start_ns=$(date +%s%N)
  (cd "$work/scale" && "$charter" report --today 2026-01-01 --out "$work/scale.html" .)
  say "charter report of 10,000 use cases and the 10,000-rule policy: $((($(date +%s%N) - start_ns) / 1000000)) ms, $(du -h "$work/scale.html" | cut -f1) of HTML"
  REPORT="$work/scale.html" timeout "${CHARTER_REPORT_TIMEOUT:-300}" node "$here/scale.js"
  exit
fi

# --- 3. the reports -----------------------------------------------------------------------------
rm -rf "$artifacts"
mkdir -p "$artifacts" "$work/reports"
(
  cd "$root"
  "$charter" report examples --out "$work/reports/examples.html"
  "$charter" report examples --against anthropic-usage@2024-06-06 --out "$work/reports/against.html"
  "$charter" report tests/report/hostile --out "$work/reports/hostile.html"
) || { say "charter report failed"; echo "report: 0 passed, 1 failed"; exit 1; }
cp "$work/reports/"*.html "$artifacts/"
generated=$SECONDS

# --- 4. the browser test ------------------------------------------------------------------------
set +e
CHARTER="$charter" ROOT="$root" REPORTS="$work/reports" ARTIFACTS="$artifacts" HOSTILE=tests/report/hostile \
  timeout "${CHARTER_REPORT_TIMEOUT:-300}" node "$here/test.js"
result=$?
set -e
if [ "$result" -ne 0 ]; then
  if [ "$result" -eq 124 ]; then say "the browser test timed out after ${CHARTER_REPORT_TIMEOUT:-300} s"; fi
  say "FAILED (exit $result); pages, screenshots and the browser console: $artifacts"
fi
say "install $((installed - started)) s, build $((built - installed)) s, reports $((generated - built)) s, browser $((SECONDS - generated)) s"
exit "$result"
