#!/usr/bin/env bash
# Charter's Emacs client in a real Emacs: installs Debian's emacs-nox, eglot and yaml-mode when
# they are missing, brings target/debug/charter up to date with `cargo build`, copies examples/
# to a temporary folder and runs test.el there in `emacs --batch -Q`. test.el opens the example
# manifest, connects Eglot through editors/emacs/charter.el and checks diagnostics (Flymake),
# hover (Eldoc), go to definition, completion (completion-at-point) and fix-all
# (`charter-fix-all', the code action source.fixAll.charter).
#
#   tests/editors/emacs/run.sh            # from anywhere; exits 0 when every check passed
#
# Environment: CHARTER (a charter binary to use as it is, instead of building target/debug/charter),
# CHARTER_EMACS_TIMEOUT (seconds for the whole Emacs run, default 300).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

# 1. Emacs and its packages, from Debian.
# shellcheck source=../debian.sh
source "$here/../debian.sh"
DEBIAN_NO_RECOMMENDS=1 debian_install emacs emacs-nox elpa-eglot elpa-yaml-mode
emacs --version | sed -n 1p

# 2. The language server: target/debug/charter, brought up to date (a no-op after `cargo test`).
# shellcheck source=../../lib/charter.sh
source "$root/tests/lib/charter.sh"
started=$SECONDS
charter="$(charter_binary "$root")"
echo "emacs: $charter ready in $((SECONDS - started)) s"
bindir="$(mktemp -d)"
work="$(mktemp -d)"
trap 'rm -rf "$bindir" "$work"' EXIT
ln -s "$(cd "$(dirname "$charter")" && pwd)/$(basename "$charter")" "$bindir/charter"
export PATH="$bindir:$PATH"
charter --version 2>/dev/null || true

# 3. A copy of the examples, and a home of its own so no user configuration is read or written.
cp -R "$root/examples" "$work/examples"
mkdir -p "$work/home"

started=$SECONDS
status=0
HOME="$work/home" \
    CHARTER_EMACS_DIR="$root/editors/emacs" \
    CHARTER_EXAMPLES="$work/examples" \
    timeout --kill-after=10 "${CHARTER_EMACS_TIMEOUT:-300}" \
    emacs --batch -Q -l "$here/test.el" </dev/null || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "emacs: FAIL: timed out after ${CHARTER_EMACS_TIMEOUT:-300} s" >&2
fi
echo "emacs: ran in $((SECONDS - started)) s, exit status $status"
exit "$status"
