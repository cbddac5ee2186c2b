#!/usr/bin/env bash
# Opening a hostile workspace is safe. `charter lsp` (driven through an LSP session by
# lsp-session.py) and `charter check` run under `strace -f` on a workspace of link loops, a
# dangling link, a FIFO, a socket, a link to /dev/zero, a 10 GB sparse file, an unreadable file
# and folder, and YAML that looks like includes, URLs and code. Asserted: no network syscall, no
# execve but the program's own, no file written, created, renamed or removed outside the cache
# folder ($HOME/.cache/charter, HOME a temporary folder; check-trace.py), and a line on stderr
# for each entry passed over.
#
# As root, chmod 000 stops nothing: the programs then run as `nobody` (strace -u), for whom the
# unreadable file and folder really are unreadable.
#
# Environment: CHARTER, a charter binary to use as it is (default: target/debug/charter, built).
# Prints "workspace-safety: N passed, M failed"; exits non-zero on any failure.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo/tests/hostile"
# shellcheck source=../editors/debian.sh
source "$repo/tests/editors/debian.sh"
command -v strace >/dev/null || debian_install workspace-safety strace

# shellcheck source=../lib/charter.sh
source "$repo/tests/lib/charter.sh"
charter="$(charter_binary "$repo")"

work=$(mktemp -d /tmp/charter-workspace-safety.XXXXXX) # not under $TMPDIR: `nobody` must reach it
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/bin" "$work/home"
cp "$charter" "$work/bin/charter" # where `nobody` can run it
run_as=()
if [ "$(id -u)" = 0 ]; then
  run_as=(-u nobody)
  chown nobody "$work/home"
fi
cache="$work/home/.cache/charter"

# --- the workspace ----------------------------------------------------------------------------
ws="$work/ws"
mkdir -p "$ws/sub" "$ws/private"
cp "$here/evil.policy.yaml" "$here/evil.usecases.yaml" "$ws/"
printf 'manifest: fine\nuse-cases: []\n' >"$ws/sub/fine.usecases.yaml"
printf 'manifest: hidden\nuse-cases: []\n' >"$ws/private/hidden.usecases.yaml"
ln -s .. "$ws/sub/up"                            # a folder loop
ln -s self.policy.yaml "$ws/self.policy.yaml"    # a file that links to itself
ln -s pong.policy.yaml "$ws/ping.policy.yaml"    # two that link to each other
ln -s ping.policy.yaml "$ws/pong.policy.yaml"
ln -s nowhere.policy.yaml "$ws/gone.usecases.yaml"
ln -s /dev/zero "$ws/zero.policy.yaml"           # never ends
mkfifo "$ws/fifo.policy.yaml"                    # opening it blocks
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$ws/sock.usecases.yaml"
truncate -s 10G "$ws/sparse.usecases.yaml"       # claims 10 GB
printf 'policy: locked\nversion: 2025-10-01\n' >"$ws/locked.policy.yaml"
chmod 000 "$ws/locked.policy.yaml" "$ws/private"
# Entry, and what the log line about it says.
passed_over=(
  "sub/up:leads to"
  "self.policy.yaml:Too many levels of symbolic links"
  "ping.policy.yaml:Too many levels of symbolic links"
  "pong.policy.yaml:Too many levels of symbolic links"
  "gone.usecases.yaml:No such file or directory"
  "zero.policy.yaml:not a regular file"
  "fifo.policy.yaml:not a regular file"
  "sock.usecases.yaml:not a regular file"
  "sparse.usecases.yaml:over the 16 MiB limit"
  "locked.policy.yaml:Permission denied"
  "private:Permission denied"
)

passed=0
failed=0
tally() { # reads ok:/FAIL: lines, echoes them, counts them
  local line
  while IFS= read -r line; do
    echo "$line"
    case $line in
      ok:*) passed=$((passed + 1)) ;;
      FAIL:*) failed=$((failed + 1)) ;;
    esac
  done
}
logged() { # LABEL STDERR_FILE: a line for each entry passed over
  local entry name says
  for entry in "${passed_over[@]}"; do
    name=${entry%%:*} says=${entry#*:}
    if grep -F "/$name" "$2" | grep -qF "$says"; then
      echo "ok: $1: logs $name ($says)"
    else
      echo "FAIL: $1: no line on stderr about $name saying \"$says\""
    fi
  done
}
# The command under strace (as `nobody` when root), its trace in TRACE: `strace_for TRACE`
# sets `traced`.
strace_for() {
  traced=(timeout -s KILL 120 env -u XDG_CACHE_HOME HOME="$work/home"
    strace "${run_as[@]}" -f -qq -s 4096 -o "$1" -e trace=%network,%file)
}
# Runs a step (its output in OUT), counting its ok:/FAIL: lines; a step that fails without
# saying why counts as one failure: `step OUT COMMAND...`.
step() {
  local out=$1 status=0
  shift
  "$@" >"$out" 2>&1 || status=$?
  tally <"$out"
  if [ "$status" != 0 ] && ! grep -q '^FAIL:' "$out"; then
    echo "FAIL: $* exited with status $status"
    failed=$((failed + 1))
  fi
}

# --- charter lsp ------------------------------------------------------------------------------
echo "== charter lsp, in a session (lsp-session.py)"
strace_for "$work/lsp.trace"
step "$work/lsp.out" bash -c 'cd "$1" && shift && exec python3 "$@"' - "$ws" \
  "$here/lsp-session.py" "$ws" "$work/lsp.stderr" -- "${traced[@]}" "$work/bin/charter" lsp
step "$work/lsp-trace.out" python3 "$here/check-trace.py" "charter lsp" "$work/lsp.trace" "$ws" "$cache"
step "$work/lsp-log.out" logged "charter lsp" "$work/lsp.stderr"

# --- charter check ----------------------------------------------------------------------------
echo "== charter check"
strace_for "$work/check.trace"
status=0
(cd "$ws" && "${traced[@]}" "$work/bin/charter" check --format json . >"$work/check.json" 2>"$work/check.stderr") ||
  status=$?
# Unreadable input (the locked file and folder, the sparse file): status 2, the rest checked.
if [ "$status" = 2 ]; then
  echo "ok: charter check: exit status 2 (unreadable input)" | tally
else
  echo "FAIL: charter check: exit status $status, not 2; stderr:" | tally
  cat "$work/check.stderr"
fi
step "$work/check-json.out" python3 - "$work/check.json" <<'PY'
import json, sys
found = {(d["path"], d["code"]) for d in json.load(open(sys.argv[1]))}
for name in ["evil.policy.yaml", "evil.usecases.yaml", "sub/fine.usecases.yaml"]:
    codes = sorted(code for path, code in found if path == "./" + name)
    ok = codes == [] if name.startswith("sub/") else "invalid-value" in codes
    print(("ok: " if ok else "FAIL: ") + f"charter check: {name} checked: {codes}")
PY
step "$work/check-trace.out" python3 "$here/check-trace.py" "charter check" "$work/check.trace" "$ws"
step "$work/check-log.out" logged "charter check" "$work/check.stderr"

echo "workspace-safety: $passed passed, $failed failed"
[ "$failed" = 0 ]
