# Sourced by the tests that run the built binary (tests/report, tests/editors, tests/integrations).
#
#   charter="$(charter_binary ROOT)"
#
# The charter to test: $CHARTER if set, used as it is; else ROOT's debug build
# (target/debug/charter, or under $CARGO_TARGET_DIR), brought up to date with `cargo build`
# first (quietly; a no-op after `cargo test`). Without cargo on the machine, a build that is
# already there is used.
charter_binary() {
  if [ -n "${CHARTER:-}" ]; then
    echo "$CHARTER"
    return
  fi
  local target="${CARGO_TARGET_DIR:-target}"
  case "$target" in /*) ;; *) target="$1/$target" ;; esac
  if command -v cargo >/dev/null || [ ! -x "$target/debug/charter" ]; then
    (cd "$1" && cargo build --quiet --bin charter) >&2
  fi
  echo "$target/debug/charter"
}
