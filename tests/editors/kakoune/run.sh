#!/usr/bin/env bash
# Kakoune + kakoune-lsp (kak-lsp) 22 against `charter lsp`, configured by editors/kakoune.
#
# Installs what a fresh machine lacks (Debian's kakoune; kak-lsp 22 from crates.io, cached under
# ${CHARTER_CI_CACHE:-~/.cache/charter-ci}/kak-lsp), brings target/debug/charter up to date,
# then runs headless Kakoune sessions (-ui dummy) on a scratch copy of examples/ and drives
# them with `kak -p`, the way a user's keys would:
#   1. kakrc as editors/kakoune/README.md says (charter.kak, `lsp_servers`): file types, YAML
#      highlighting, the diagnostics (`lsp-diagnostics`), hover (`lsp-hover-buffer`), and the
#      quick fix (`lsp-code-actions-sync quickfix`) followed by fresh diagnostics, semantic
#      tokens in charter.kak's faces, and `charter-fix-all` (source.fixAll.charter);
#   2. the legacy kak-lsp.toml of editors/kakoune: the diagnostics again.
# Fails on any miss, printing Kakoune's *debug* buffer. CHARTER_EDITOR_KEEP=1 keeps the scratch
# folder.
# shellcheck disable=SC2016 # the backquotes are in the text of Charter's messages
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cache=${CHARTER_CI_CACHE:-$HOME/.cache/charter-ci}
step_timeout=${CHARTER_EDITOR_TIMEOUT:-30}
mkdir -p "$cache"
started=$(date +%s)

# --- install ----------------------------------------------------------------------------------
# shellcheck source=../debian.sh
source "$repo/tests/editors/debian.sh"
debian_install kakoune kakoune
if ! "$cache/kak-lsp/bin/kak-lsp" --version 2>/dev/null | grep -q '^22\.'; then
  echo "kakoune: building kak-lsp 22 from crates.io into $cache/kak-lsp"
  cargo install kak-lsp --version '^22' --locked --root "$cache/kak-lsp" --quiet
fi
# Always brought up to date (a no-op after `cargo test`), wherever cargo puts its target.
(cd "$repo" && cargo build --quiet --bin charter)
bin="${CARGO_TARGET_DIR:-$repo/target}/debug"
export PATH="$cache/kak-lsp/bin:$bin:$PATH"
installed=$(date +%s)
echo "kakoune: $(kak -version 2>&1 | head -1) $(dpkg-query -W -f '(Debian ${Version})' kakoune 2>/dev/null || true)," \
  "kak-lsp $(kak-lsp --version), $(charter --version 2>/dev/null || command -v charter)"

# --- helpers ----------------------------------------------------------------------------------
work=$(mktemp -d)
session=
kak_pid=
stop_session() {
  if [ -n "$kak_pid" ] && kill -0 "$kak_pid" 2>/dev/null; then
    echo 'kill!' | kak -p "$session" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$kak_pid" 2>/dev/null || break; sleep 0.2; done
    kill "$kak_pid" 2>/dev/null || true
  fi
  kak_pid=
}
cleanup() {
  stop_session
  if [ -n "${CHARTER_EDITOR_KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() {
  echo "FAIL: $*"
  if [ -n "$kak_pid" ] && kill -0 "$kak_pid" 2>/dev/null; then
    rm -f "$out/debug.txt"
    kak_eval "try %{ evaluate-commands -buffer *debug* %{ write -force %{$out/debug.txt} } }" || true
    sleep 1
    if [ -f "$out/debug.txt" ]; then
      echo "--- Kakoune's *debug* buffer:"
      cat "$out/debug.txt"
    fi
  fi
  echo "kakoune: $passed passed, 1 failed"
  exit 1
}
# Runs Kakoune commands in the session's one client.
kak_eval() { printf 'evaluate-commands -client client0 %%{ %s }\n' "$1" | kak -p "$session"; }
# Runs commands ($2) that write $out/$1, waits for that file and prints it.
kak_query() {
  local file="$out/$1" deadline=$((SECONDS + ${query_wait:-$step_timeout}))
  rm -f "$file"
  kak_eval "$2"
  while [ ! -s "$file" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
  cat "$file"
}
# Repeats `kak_query $1 $2` until what it prints matches the extended regex $3.
kak_wait_for() {
  local deadline=$((SECONDS + step_timeout)) got=
  while [ $SECONDS -lt $deadline ]; do
    got=$(query_wait=2 kak_query "$1" "$2" 2>/dev/null || true)
    if printf '%s' "$got" | grep -Eq -- "$3"; then
      printf '%s' "$got"
      return 0
    fi
    sleep 0.5
  done
  printf '%s' "$got"
  return 1
}
# prepare NAME: $work/NAME/config is the KAKOUNE_CONFIG_DIR (kakrc), $work/NAME/xdg the
# XDG_CONFIG_HOME (where kak-lsp looks for a kak-lsp.toml), $out = $work/NAME/out.
prepare() {
  out="$work/$1/out"
  mkdir -p "$out" "$work/$1/config" "$work/$1/xdg"
}
# start_session NAME: a headless Kakoune on a fresh copy of the manifest with NAME's
# configuration. Sets $session and $kak_pid.
start_session() {
  session="charter-test-$$-$1"
  out="$work/$1/out"
  rm -rf "$work/ws"
  cp -r "$repo/examples" "$work/ws"
  # Charter writes the bundled policies under $XDG_CACHE_HOME/charter: keep them in $work.
  (cd "$work/ws" && XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/$1/xdg" \
    KAKOUNE_CONFIG_DIR="$work/$1/config" exec timeout 300 kak -s "$session" -ui dummy "$manifest" \
    >"$work/$1/kak.out" 2>&1 </dev/null) &
  kak_pid=$!
  local deadline=$((SECONDS + step_timeout))
  until kak -l 2>/dev/null | grep -qx "$session"; do
    [ $SECONDS -lt $deadline ] || fail "the Kakoune session did not start: $(cat "$work/$1/kak.out")"
    sleep 0.2
  done
}
manifest="$work/ws/support-bot.usecases.yaml"
line_of() { grep -n -F -- "$1" "$manifest" | head -1 | cut -d: -f1; }
# Fetches `lsp-diagnostics` into $diagnostics once it mentions $2 (written to $out/$1).
fetch_diagnostics() {
  kak_eval "try %{ delete-buffer! *diagnostics* }; edit %{$manifest}"
  diagnostics=$(kak_wait_for "$1" \
    "edit %{$manifest}; lsp-diagnostics; try %{ evaluate-commands -buffer *diagnostics* %{ write -force %{$out/$1} } }" \
    "$2") || fail "lsp-diagnostics never mentioned $2; it gave:
$diagnostics"
}
expect_diag() { # CODE LINE MESSAGE-FRAGMENT
  printf '%s\n' "$diagnostics" | grep -E "support-bot\.usecases\.yaml:$2:[0-9]+: .*\[$1\]" | grep -qF -- "$3" ||
    fail "no $1 on line $2 mentioning '$3'; lsp-diagnostics gave:
$diagnostics"
  ok "$1 on line $2"
}

# --- 1. kakrc with charter.kak ----------------------------------------------------------------
prepare kakrc
cat >"$work/kakrc/config/kakrc" <<KAK
evaluate-commands %sh{kak-lsp}
source "$repo/editors/kakoune/charter.kak"
lsp-enable
KAK
start_session kakrc

filetype=$(kak_wait_for filetype "echo -to-file %{$out/filetype} %opt{filetype}" '.') || true
[ "$filetype" = charter-usecases ] || fail "filetype is '$filetype', expected charter-usecases"
ok "filetype charter-usecases"
kak_eval "try %{ add-highlighter window/charter-yaml ref yaml; echo -to-file %{$out/hl} missing } catch %{ echo -to-file %{$out/hl} present }"
sleep 0.5
[ "$(cat "$out/hl" 2>/dev/null)" = present ] || fail "the YAML highlighter is not on the window"
ok "YAML highlighting (window/charter-yaml ref yaml)"
servers=$(kak_query servers "echo -to-file %{$out/servers} %opt{lsp_servers}") || fail "no lsp_servers"
printf '%s' "$servers" | grep -q '^[[:space:]]*\[charter\]$' || fail "lsp_servers does not name charter: $servers"
ok "lsp_servers configures [charter]"
policy_ft=$(kak_wait_for policy-ft \
  "edit %{$work/ws/acme.policy.yaml}; echo -to-file %{$out/policy-ft} %opt{filetype}; edit %{$manifest}" '.') || true
[ "$policy_ft" = charter-policy ] || fail "acme.policy.yaml has filetype '$policy_ft', expected charter-policy"
ok "filetype charter-policy for acme.policy.yaml"

# Diagnostics: the three deliberate problems of the manifest, each on its line.
warranty=$(line_of 'id: warranty-rights-advice')
scanner=$(line_of 'cyber.vulnerability-discovery')
typo=$(line_of 'high-risk.finacial')
count=$(kak_wait_for errors "echo -to-file %{$out/errors} %opt{lsp_diagnostic_error_count}" '^[1-9]') ||
  fail "no errors reported (lsp_diagnostic_error_count = '$count')"
fetch_diagnostics diagnostics missing-safeguard
expect_diag missing-safeguard "$warranty" 'owes `ai-disclosure`'
expect_diag prohibited-use "$scanner" 'no-malicious-cyber'
expect_diag unknown-category "$typo" 'did you mean `high-risk.financial`'
[ "$count" = 3 ] || fail "lsp_diagnostic_error_count is $count, expected 3"
ok "lsp_diagnostic_error_count = 3"

# Hover on a category of the bundled policy: the section it quotes.
kak_eval "edit %{$manifest}; execute-keys gg /high-risk\\.legal<ret>; lsp-hover-buffer client0"
hover=$(kak_wait_for hover "try %{ evaluate-commands -buffer *hover* %{ write -force %{$out/hover} } }" \
  'High-Risk Use Case Requirements') || fail "hover on high-risk.legal lacks the bundled section:
$hover"
printf '%s' "$hover" | grep -qF 'public welfare' || fail "hover lacks the quoted section text: $hover"
printf '%s' "$hover" | grep -qF 'ai-disclosure' || fail "hover lacks the owed safeguards: $hover"
ok "hover on high-risk.legal quotes \"High-Risk Use Case Requirements\" and names ai-disclosure"

# Quick fix on the missing safeguard, saved, then fresh diagnostics.
kak_eval "edit %{$manifest}; execute-keys gg /warranty-rights-advice<ret>; lsp-code-actions-sync quickfix; write"
kak_wait_for saved "echo -to-file %{$out/saved} %val{modified}" '^false' >/dev/null ||
  fail "the manifest was not saved after the quick fix"
grep -qF 'safeguards: [human-in-the-loop, ai-disclosure]' "$manifest" ||
  fail "the quick fix did not add ai-disclosure:
$(sed -n "${warranty},$((warranty + 4))p" "$manifest")"
ok "quick fix added ai-disclosure"
count=$(kak_wait_for errors "echo -to-file %{$out/errors} %opt{lsp_diagnostic_error_count}" '^2$') ||
  fail "after the quick fix lsp_diagnostic_error_count is '$count', expected 2"
fetch_diagnostics diagnostics-after unknown-category
if printf '%s' "$diagnostics" | grep -q 'missing-safeguard'; then
  fail "missing-safeguard still reported after the quick fix:
$diagnostics"
fi
expect_diag prohibited-use "$scanner" 'no-malicious-cyber'
ok "after the fix missing-safeguard is gone"

# Semantic tokens, in the faces charter.kak gives them: the bundled category high-risk.legal in
# `type`, the use case id warranty-rights-advice in `variable` (range-specs: 1-based line.byte,
# ends inclusive).
legal=$(line_of 'categories: [high-risk.legal]')
legal_col=$(($(sed -n "${legal}p" "$manifest" | grep -bo 'high-risk.legal' | head -1 | cut -d: -f1) + 1))
id_col=$(($(sed -n "${warranty}p" "$manifest" | grep -bo 'warranty-rights-advice' | cut -d: -f1) + 1))
tokens=$(kak_wait_for tokens \
  "edit %{$manifest}; lsp-semantic-tokens; echo -to-file %{$out/tokens} %opt{lsp_semantic_tokens_ranges}" \
  " $legal\.$legal_col,$legal\.$((legal_col + 14))\|type( |\$)") ||
  fail "no semantic token in face type for high-risk.legal at $legal.$legal_col; lsp_semantic_tokens_ranges: $tokens"
printf '%s' "$tokens" | grep -Eq " $warranty\.$id_col,$warranty\.$((id_col + 21))\|variable( |\$)" ||
  fail "no semantic token in face variable for warranty-rights-advice: $tokens"
ok "semantic tokens: high-risk.legal in face type, warranty-rights-advice in face variable"

# Fix-all (charter-fix-all, the code action source.fixAll.charter): the typo is corrected, the
# prohibited use (no safe fix) stays.
kak_eval "edit %{$manifest}; charter-fix-all; write"
kak_wait_for saved-fix-all "echo -to-file %{$out/saved-fix-all} %val{modified}" '^false' >/dev/null ||
  fail "the manifest was not saved after charter-fix-all"
grep -qF 'categories: [high-risk.financial]' "$manifest" ||
  fail "charter-fix-all did not correct high-risk.finacial:
$(sed -n "${typo}p" "$manifest")"
count=$(kak_wait_for errors "echo -to-file %{$out/errors} %opt{lsp_diagnostic_error_count}" '^1$') ||
  fail "after charter-fix-all lsp_diagnostic_error_count is '$count', expected 1"
ok "charter-fix-all corrected high-risk.finacial; 1 error (prohibited-use) left"
stop_session

# --- 2. a legacy kak-lsp.toml -----------------------------------------------------------------
# charter.kak's `lsp_servers` hook is removed, so only the kak-lsp.toml can start Charter.
prepare legacy
cat >"$work/legacy/config/kakrc" <<KAK
evaluate-commands %sh{kak-lsp}
source "$repo/editors/kakoune/charter.kak"
remove-hooks global lsp-filetype-charter
lsp-enable
KAK
mkdir -p "$work/legacy/xdg/kak-lsp"
cp "$repo/editors/kakoune/kak-lsp.toml" "$work/legacy/xdg/kak-lsp/kak-lsp.toml"
start_session legacy
count=$(kak_wait_for errors "echo -to-file %{$out/errors} %opt{lsp_diagnostic_error_count}" '^[1-9]') ||
  fail "legacy kak-lsp.toml: no errors reported (lsp_diagnostic_error_count = '$count')"
fetch_diagnostics diagnostics missing-safeguard
expect_diag missing-safeguard "$warranty" 'owes `ai-disclosure`'
ok "legacy kak-lsp.toml works too"
stop_session

finished=$(date +%s)
echo "kakoune: install $((installed - started))s, run $((finished - installed))s"
echo "kakoune: $passed passed, 0 failed"
