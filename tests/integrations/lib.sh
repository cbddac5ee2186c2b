# Sourced by the tests in this folder: counting checks, the closing line that CI reads
# ("LABEL: N passed, N failed"), and the Python virtual environment the tests share.
#
#   source "$(dirname "$0")/lib.sh"; label=NAME
#   check "what is being checked" COMMAND...    # passes when COMMAND exits 0
#   ok "what" / not_ok "what" "detail"
#   finish                                      # prints the closing line; fails if anything did

passed=0
failed=0

ok() {
  passed=$((passed + 1))
  echo "ok   $1"
}

not_ok() {
  failed=$((failed + 1))
  echo "FAIL $1"
  if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/     /' | head -60; fi
}

check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# `contains FILE TEXT`: FILE has TEXT (a fixed string) in it; shows the file when not.
contains() {
  if grep -qF -- "$2" "$1"; then return 0; fi
  echo "     no \`$2\` in $1:"
  sed 's/^/     | /' "$1" | tail -40
  return 1
}

# `charter_binary ROOT`: the charter to test (tests/lib/charter.sh).
# shellcheck source=../lib/charter.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/charter.sh"

finish() {
  echo "$label: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

integrations_cache="${CHARTER_CI_CACHE:-$HOME/.cache/charter-ci}"
pre_commit_version=4.7.0
check_jsonschema_version=0.39.0
# pre-commit and check-jsonschema, from PyPI, in a virtual environment under the cache.
integrations_venv="$integrations_cache/integrations-venv-pre-commit-$pre_commit_version-check-jsonschema-$check_jsonschema_version"

ensure_venv() {
  if "$integrations_venv/bin/pre-commit" --version 2>/dev/null | grep -qx "pre-commit $pre_commit_version" &&
    "$integrations_venv/bin/check-jsonschema" --version >/dev/null 2>&1; then
    return 0
  fi
  local t=$SECONDS
  echo "$label: installing pre-commit $pre_commit_version and check-jsonschema $check_jsonschema_version from PyPI into $integrations_venv"
  rm -rf "$integrations_venv"
  mkdir -p "$integrations_cache"
  python3 -m venv "$integrations_venv"
  "$integrations_venv/bin/pip" install --quiet --disable-pip-version-check \
    "pre-commit==$pre_commit_version" "check-jsonschema==$check_jsonschema_version"
  echo "$label: the venv took $((SECONDS - t)) s"
}

# The release profile for the `cargo install`s these tests make (pre-commit's, the action's):
# unoptimised, without LTO or debug info, so that each takes a fraction of the real release
# build; what is tested is how Charter gets built and run, not how fast it then is (the real
# build's time is in integrations/README.md). cargo install reads these variables as users'
# builds read the profile. Artifacts go to a folder of the cache, so that a second run on the
# same machine rebuilds only Charter itself.
release_build_env() {
  export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
  export CARGO_PROFILE_RELEASE_LTO=off
  export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  export CARGO_PROFILE_RELEASE_DEBUG=0
  export CARGO_TARGET_DIR="$integrations_cache/target-integrations"
}
