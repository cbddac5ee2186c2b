#!/usr/bin/env bash
# The Charter GitHub Action's logic (action.yml at the repository root runs it), one step per
# subcommand, so that it runs, and is tested, outside GitHub too:
#
#   charter-action.sh key       outputs `root` (where Charter is installed) and `key` (for
#                               actions/cache): both change whenever the action's source does
#   charter-action.sh install   `cargo install --locked` Charter from the action's own source into
#                               CHARTER_ROOT
#   charter-action.sh check     `charter check`: a SARIF file, annotations on standard output,
#                               the outputs and a job summary; with the report inputs, also
#                               `charter report` (its Markdown appended to the job summary, its
#                               HTML page written as a file to upload); exits with check's status
#
# Environment, as a GitHub runner sets it: GITHUB_ACTION_PATH (the action's source; default: this
# script's repository), GITHUB_WORKSPACE (the checkout; default: the current folder),
# GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (files to append to; optional), RUNNER_TEMP,
# RUNNER_TOOL_CACHE, RUNNER_OS, RUNNER_ARCH. The inputs come as INPUT_* variables (action.yml
# passes them through `env:`, never into the script's text): INPUT_PATHS, INPUT_WORKING_DIRECTORY,
# INPUT_DENY_WARNINGS, INPUT_POLICY_PATH, INPUT_TODAY, INPUT_SARIF_FILE, INPUT_CHARTER,
# INPUT_REPORT_SUMMARY, INPUT_REPORT_FILE, INPUT_REPORT_AGAINST.
# Tested by server/tests/github_action.rs (check) and tests/integrations/github-action.sh (all).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="${GITHUB_ACTION_PATH:-$(cd "$here/../.." && pwd)}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

# A line for the log that GitHub also shows as an annotation of the run.
fail() {
  local message="$1"
  echo "::error title=Charter::${message//$'\n'/%0A}"
  exit "${2:-2}"
}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
  echo "charter: output $1=$2"
}

# An input that names several values: one per line, or on one line separated by spaces.
split() {
  local value="$1" line word
  words=()
  if [[ "$value" == *$'\n'* ]]; then
    while IFS= read -r line; do
      line="${line#"${line%%[![:space:]]*}"}"
      line="${line%"${line##*[![:space:]]}"}"
      [ -n "$line" ] && words+=("$line")
    done <<<"$value"
  else
    for word in $value; do words+=("$word"); done
  fi
}

# A path given relative to working-directory, as seen from the workspace (charter runs there, so
# that the paths in the SARIF file and the annotations are the repository's own).
under_wd() {
  local p="$1"
  while [[ "$p" == ./* ]]; do p="${p#./}"; done
  case "$p" in
    /*) echo "$p" ;;
    . | "") echo "$wd" ;;
    *) if [ "$wd" = "." ]; then echo "$p"; else echo "$wd/$p"; fi ;;
  esac
}

# SHA-256 of files or standard input: sha256sum on Linux and Windows (Git Bash), shasum on macOS.
sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

key() {
  local hash
  # The files that go into the binary, and the compiler that builds it.
  hash="$(
    cd "$source_dir" || exit 1
    {
      find Cargo.toml Cargo.lock server/Cargo.toml server/src server/templates policies -type f -print 2>/dev/null |
        LC_ALL=C sort | while IFS= read -r file; do sha256 "$file"; done
      rustc --version 2>/dev/null || echo "no rustc"
    } | sha256 | cut -c1-32
  )" || fail "cannot read the action's source at $source_dir"
  local root="${RUNNER_TOOL_CACHE:-$temp}/charter/$hash"
  output root "$root"
  output key "charter-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-$hash"
}

install() {
  local root="${CHARTER_ROOT:-}"
  [ -n "$root" ] || fail "CHARTER_ROOT is not set: the key step sets it (outputs.root)"
  command -v cargo >/dev/null ||
    fail "cargo is not on PATH: add a Rust toolchain step (such as dtolnay/rust-toolchain@stable) before this action, or set the input charter to a charter program"
  [ -f "$source_dir/server/Cargo.toml" ] || fail "no Charter source at $source_dir/server"
  local started=$SECONDS
  echo "charter: building Charter from $source_dir with $(cargo --version)"
  cargo install --locked --path "$source_dir/server" --root "$root" --bin charter ||
    fail "cargo install failed (its messages are above); set the input charter to a charter program to skip the build"
  "$root/bin/charter" --version || "$root/bin/charter.exe" --version ||
    fail "the charter program built in $root/bin does not run"
  echo "charter: built in $((SECONDS - started)) s"
}

check() {
  # The program.
  local charter="${INPUT_CHARTER:-}"
  if [ -z "$charter" ]; then
    [ -n "${CHARTER_ROOT:-}" ] || fail "no charter program: set the input charter, or let the action build one"
    charter="$CHARTER_ROOT/bin/charter"
    # Windows runners: cargo install writes charter.exe.
    if [ ! -f "$charter" ] && [ -f "$charter.exe" ]; then charter="$charter.exe"; fi
  fi
  if [[ "$charter" != */* ]]; then
    local found
    found="$(command -v "$charter")" || fail "the input charter is \`$charter\`, which is not on PATH: give a path to a charter program, or leave charter empty to build one"
    charter="$found"
  fi
  [ -x "$charter" ] && [ -f "$charter" ] ||
    fail "the charter program \`$charter\` does not exist or cannot be run: check the input charter, or leave it empty to build one"

  # Charter runs in the workspace, so that reported paths are the repository's.
  cd "${GITHUB_WORKSPACE:-.}" || fail "cannot enter GITHUB_WORKSPACE \`${GITHUB_WORKSPACE:-}\`"
  wd="${INPUT_WORKING_DIRECTORY:-.}"
  while [[ "$wd" == ./?* ]]; do wd="${wd#./}"; done
  [ "$wd" = "/" ] || wd="${wd%/}"
  [ -n "$wd" ] || wd="."
  [ -d "$wd" ] || fail "working-directory \`$wd\` is not a folder in the workspace $(pwd)"

  local args=(check)
  case "${INPUT_DENY_WARNINGS:-false}" in
    true) args+=(--deny-warnings) ;;
    false | "") ;;
    *) fail "deny-warnings is \`${INPUT_DENY_WARNINGS}\`: write true or false" ;;
  esac
  split "${INPUT_POLICY_PATH:-}"
  local p
  for p in "${words[@]}"; do args+=(--policy-path "$(under_wd "$p")"); done
  if [ -n "${INPUT_TODAY:-}" ]; then args+=(--today "$INPUT_TODAY"); fi
  split "${INPUT_PATHS:-.}"
  ((${#words[@]})) || words=(.)
  local paths=()
  for p in "${words[@]}"; do paths+=("$(under_wd "$p")"); done

  local sarif="${INPUT_SARIF_FILE:-}"
  [ -n "$sarif" ] || sarif="$temp/charter.sarif"
  [[ "$sarif" == /* ]] || sarif="$(pwd)/$sarif"
  mkdir -p "$(dirname "$sarif")" || fail "cannot create the folder of sarif-file \`$sarif\`"

  local work
  work="$(mktemp -d "$temp/charter.XXXXXX")" || fail "cannot create a scratch folder in $temp"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT

  echo "charter: $charter ${args[*]} ${paths[*]} (in $(pwd))"
  "$charter" "${args[@]}" --format sarif -- "${paths[@]}" >"$sarif" 2>"$work/sarif.stderr"
  local sarif_status=$?
  if [ "$sarif_status" -ge 2 ]; then
    cat "$work/sarif.stderr" >&2
    output exit-code "$sarif_status"
    fail "charter could not check $(printf '`%s` ' "${paths[@]}")(exit status $sarif_status): $(tail -3 "$work/sarif.stderr")" "$sarif_status"
  fi
  # The annotations, on standard output, where the runner reads workflow commands.
  "$charter" "${args[@]}" --format github -- "${paths[@]}" | tee "$work/annotations"
  local status=${PIPESTATUS[0]}

  local errors warnings notes
  errors="$(grep -c '^::error ' "$work/annotations")"
  warnings="$(grep -c '^::warning ' "$work/annotations")"
  notes="$(grep -c '^::notice ' "$work/annotations")"
  output sarif-file "$sarif"
  output errors "$errors"
  output warnings "$warnings"
  output notes "$notes"
  output exit-code "$status"
  summary "$errors" "$warnings" "$notes" "$status" "$sarif" "$work/annotations"
  report "$charter" "${args[@]:1}" -- "${paths[@]}"

  if [ "$status" -ne "$sarif_status" ]; then
    fail "charter gave exit status $sarif_status for SARIF and $status for annotations: the two runs disagree" 2
  fi
  if [ "$status" -ne 0 ]; then
    echo "charter: $errors errors, $warnings warnings, $notes notes; exit status $status$([ "${INPUT_DENY_WARNINGS:-false}" = true ] && echo ' (deny-warnings is on)')"
  fi
  exit "$status"
}

# `charter report` for the people who review: its Markdown appended to the job summary
# (report-summary), its HTML page written to report-file for an upload-artifact step. Takes the
# program, then check's options (less --deny-warnings), `--` and the paths. A report that cannot
# be written fails the step (status 2); what the report says never does, as check is the gate.
report() {
  local charter="$1"
  shift
  local options=()
  while [ "$1" != "--" ]; do
    [ "$1" = --deny-warnings ] || options+=("$1")
    shift
  done
  shift
  local against="${INPUT_REPORT_AGAINST:-}"
  if [ -n "$against" ]; then options+=(--against "$against"); fi
  case "${INPUT_REPORT_SUMMARY:-false}" in
    true)
      if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        { echo; "$charter" report "${options[@]}" --format markdown --out - -- "$@"; } >>"$GITHUB_STEP_SUMMARY" ||
          fail "charter report could not write the job summary (its message is above)"
      fi
      ;;
    false | "") ;;
    *) fail "report-summary is \`${INPUT_REPORT_SUMMARY}\`: write true or false" ;;
  esac
  local html="${INPUT_REPORT_FILE:-}"
  if [ -n "$html" ]; then
    [[ "$html" == /* ]] || html="$(pwd)/$html"
    mkdir -p "$(dirname "$html")" || fail "cannot create the folder of report-file \`$html\`"
    "$charter" report "${options[@]}" --out "$html" -- "$@" ||
      fail "charter report could not write \`$html\` (its message is above)"
    output report-file "$html"
  fi
}

# The job summary: the counts, then a table of the first 50 diagnostics.
summary() {
  local errors=$1 warnings=$2 notes=$3 status=$4 sarif=$5 annotations=$6
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] || return 0
  {
    echo "### Charter"
    echo
    if [ "$((errors + warnings + notes))" -eq 0 ]; then
      echo "No problems in the policies and manifests checked."
    else
      echo "**$errors** errors, **$warnings** warnings, **$notes** notes (exit status $status)."
      echo
      echo "| | where | code | message |"
      echo "| --- | --- | --- | --- |"
      local line n=0 re='^::(error|warning|notice) file=([^,]*),line=([0-9]+),col=([0-9]+),[^:]*title=([^:]*)::(.*)$'
      while IFS= read -r line && [ "$n" -lt 50 ]; do
        [[ "$line" =~ $re ]] || continue
        n=$((n + 1))
        local level="${BASH_REMATCH[1]}" file="${BASH_REMATCH[2]}" message="${BASH_REMATCH[6]}"
        message="${message%%%0A*}"
        message="${message//%25/%}"
        message="${message//|/\\|}"
        echo "| $level | \`$file:${BASH_REMATCH[3]}:${BASH_REMATCH[4]}\` | \`${BASH_REMATCH[5]}\` | $message |"
      done <"$annotations"
      total=$((errors + warnings + notes))
      if [ "$total" -gt "$n" ]; then echo; echo "… and $((total - n)) more in the SARIF file."; fi
    fi
    echo
    echo "SARIF: \`$sarif\`"
  } >>"$GITHUB_STEP_SUMMARY"
}

case "${1:-}" in
  key) key ;;
  install) install ;;
  check) check ;;
  *)
    echo "usage: $0 key|install|check (the steps of action.yml)" >&2
    exit 2
    ;;
esac
