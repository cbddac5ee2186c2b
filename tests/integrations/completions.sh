#!/usr/bin/env bash
# `charter completions SHELL` in real shells:
#
#   bash   the script loaded in bash, its completion function called the way readline calls it
#          (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT, as `complete -p charter` names it),
#          for subcommands, options and option values; then an interactive bash in tmux, where
#          typing `charter ch<Tab>` must turn the line into `charter check `
#   zsh    an interactive zsh in tmux with compinit and the script: `charter ch<Tab>`
#   fish   fish's own `complete -C 'charter ch'` with the script loaded
#   elvish, powershell: the scripts name every subcommand (no such shell here)
#
# Installs tmux, zsh and fish from Debian when missing. Uses $CHARTER, or builds
# target/debug/charter. Prints "completions: N passed, N failed".
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
label=completions
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=../editors/debian.sh
source "$root/tests/editors/debian.sh"
started=$SECONDS
DEBIAN_NO_RECOMMENDS=1 debian_install "$label" tmux zsh fish

charter="$(charter_binary "$root")"

work="$(mktemp -d)"
sock="$work/tmux.sock"
cleanup() {
  local status=$?
  tmux -S "$sock" kill-server 2>/dev/null || true
  # The shells write their history as they go: give them a moment, and never fail on the rest.
  sleep 0.5
  rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work" 2>/dev/null || true; }
  exit "$status"
}
trap cleanup EXIT
mkdir -p "$work/bin" "$work/home"
cp "$charter" "$work/bin/charter"
for shell in bash zsh fish elvish powershell; do
  "$work/bin/charter" completions "$shell" >"$work/charter.$shell"
done
# Every subcommand, from the program's own help.
mapfile -t subcommands < <("$work/bin/charter" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && $1 != "" { print $1 }' | grep -vx help)
for expected in check explain diff schema lsp completions man; do
  printf '%s\n' "${subcommands[@]}" | grep -qx "$expected" || { echo "charter --help does not list $expected"; exit 1; }
done

# --- bash: the completion function, as readline calls it -----------------------------------
# `offered WORD...`: the candidates bash's completion for `charter` offers for the last word.
offered() {
  env -i PATH="$work/bin:/usr/bin:/bin" HOME="$work/home" bash --norc --noprofile -c '
    source "$1" || exit 3
    shift
    spec="$(complete -p charter)" || exit 4
    [[ "$spec" =~ -F\ ([^ ]+) ]] || exit 5
    function="${BASH_REMATCH[1]}"
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$function" charter "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort
  ' _ "$work/charter.bash" "$@"
}

# `offers "EXPECTED" WORD...`: the candidates are exactly EXPECTED (space-separated, sorted).
offers() {
  local expected=$1 got
  shift
  got="$(offered "$@" | tr '\n' ' ' | sed 's/ $//')"
  if [ "$got" = "$expected" ]; then
    ok "bash: \`${*}<Tab>\` offers $expected"
  else
    not_ok "bash: \`${*}<Tab>\` offers $expected" "got: [$got]"
  fi
}

check "bash: the script registers a completion function (complete -p charter)" \
  bash --norc --noprofile -c "source '$work/charter.bash' && complete -p charter | grep -q -- '-F _charter'"
offers "check" charter ch
offers "completions" charter compl
offers "--format" charter check --for
offers "github human json sarif" charter check --format ""
offers "sarif" charter check --deny-warnings --today 2026-01-01 --format s
offers "--help -h bash elvish fish powershell zsh" charter completions ""
offers "manifest policy" charter schema --kind ""
got="$(offered charter "")"
missing=""
for sub in "${subcommands[@]}"; do grep -qx "$sub" <<<"$got" || missing+=" $sub"; done
check "bash: \`charter <Tab>\` offers every subcommand of charter --help${missing:+ (missing:$missing)}" [ -z "$missing" ]

# --- interactive shells in tmux -----------------------------------------------------------------
# `screen`: what the pane shows, trailing blanks dropped.
screen() { tmux -S "$sock" capture-pane -p -t "$1" | sed 's/[[:space:]]*$//'; }
# `wait_for PANE TEXT`: up to 10 s for TEXT (a fixed string) to show in the pane.
wait_for() {
  for _ in $(seq 1 50); do
    if screen "$1" | grep -qF -- "$2"; then return 0; fi
    sleep 0.2
  done
  echo "     the pane shows:"
  screen "$1" | sed '/^$/d; s/^/     | /' | tail -15
  return 1
}
start_pane() { # start_pane NAME COMMAND...: a shell in a 120x30 tmux window
  local name=$1
  shift
  if tmux -S "$sock" has-session 2>/dev/null; then
    tmux -S "$sock" new-window -t main -n "$name" "$@"
  else
    tmux -S "$sock" new-session -d -s main -n "$name" -x 120 -y 30 "$@"
  fi
}
# `typed PANE TEXT`: types TEXT into the pane, byte by byte (so that `--x` is not a tmux flag).
typed() {
  # shellcheck disable=SC2046
  tmux -S "$sock" send-keys -t "$1" -H $(printf '%s' "$2" | od -An -tx1)
}
tab() { tmux -S "$sock" send-keys -t "$1" Tab; }
shell_env=(env -i PATH="$work/bin:/usr/bin:/bin" HOME="$work/home" TERM=xterm-256color LANG=C.UTF-8)

# bash, interactive: readline runs the completion on Tab.
start_pane bash "${shell_env[@]}" bash --norc --noprofile -i
typed main:bash "PS1='bash\$ '; source '$work/charter.bash'; clear"$'\r'
wait_for main:bash 'bash$' >/dev/null
typed main:bash "charter ch" && tab main:bash
check "bash (interactive, tmux): \`charter ch<Tab>\` becomes \`charter check \`" wait_for main:bash 'bash$ charter check'
typed main:bash "--form" && tab main:bash
check "bash (interactive, tmux): \`charter check --form<Tab>\` becomes \`--format \`" \
  wait_for main:bash 'bash$ charter check --format'
typed main:bash "j" && tab main:bash
check "bash (interactive, tmux): \`--format j<Tab>\` becomes \`--format json\`" \
  wait_for main:bash 'bash$ charter check --format json'

# zsh, interactive: compinit, then the script registers itself with compdef.
start_pane zsh "${shell_env[@]}" zsh -f -i
typed main:zsh "PS1='zsh%# '; autoload -Uz compinit && compinit -u -D; source '$work/charter.zsh'; clear"$'\r'
wait_for main:zsh 'zsh#' >/dev/null
typed main:zsh "charter ch" && tab main:zsh
check "zsh (interactive, tmux): \`charter ch<Tab>\` becomes \`charter check \`" wait_for main:zsh 'zsh# charter check'
typed main:zsh "--format " && tab main:zsh
check "zsh (interactive, tmux): \`charter check --format <Tab>\` lists the formats" wait_for main:zsh 'sarif'

# fish: its own completion query.
fish_complete() {
  "${shell_env[@]}" fish --no-config -c "source '$work/charter.fish'; complete -C '$1'" | cut -f1 | sort | tr '\n' ' ' | sed 's/ $//'
}
got="$(fish_complete 'charter ch')"
check "fish: \`complete -C 'charter ch'\` offers check (got: $got)" [ "$got" = "check" ]
got="$(fish_complete 'charter check --format ')"
check "fish: \`complete -C 'charter check --format '\` offers the four formats (got: $got)" [ "$got" = "github human json sarif" ]

# elvish and PowerShell: no shell to run them here; the scripts must know every subcommand.
for shell in elvish powershell; do
  missing=""
  for sub in "${subcommands[@]}"; do grep -q -- "$sub" "$work/charter.$shell" || missing+=" $sub"; done
  check "$shell: the script names every subcommand${missing:+ (missing:$missing)}" [ -z "$missing" ]
done

echo "$label: took $((SECONDS - started)) s"
finish
