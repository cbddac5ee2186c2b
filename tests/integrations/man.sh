#!/usr/bin/env bash
# `charter man`: the roff it prints is a manual page that groff formats without a warning and
# man(1) shows, with a section for every subcommand that `charter --help` lists and every
# option of `charter check --help`.
#
# Needs groff and man (man-db), both on the machine's image. Uses $CHARTER, or builds
# target/debug/charter. Prints "man: N passed, N failed".
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
label=man
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=../editors/debian.sh
source "$root/tests/editors/debian.sh"
DEBIAN_NO_RECOMMENDS=1 debian_install "$label" groff-base man-db

charter="$(charter_binary "$root")"

work="$(mktemp -d)"
trap 'rm -rf "$work" || true' EXIT
"$charter" man >"$work/charter.1"
page="$work/charter.1"

check "the page starts with its title: .TH CHARTER 1" grep -q '^\.TH CHARTER 1 ' "$page"
check "the page has NAME, SYNOPSIS, DESCRIPTION, COMMANDS and EXIT STATUS" \
  bash -c "for h in NAME SYNOPSIS DESCRIPTION COMMANDS '\"EXIT STATUS\"'; do grep -qx \".SH \$h\" '$page' || exit 1; done"

# groff, with every warning on: none may come.
groff -man -Tutf8 -ww -z "$page" 2>"$work/groff.txt" || true
if [ -s "$work/groff.txt" ]; then
  not_ok "groff formats the page without a warning" "$(cat "$work/groff.txt")"
else
  ok "groff formats the page without a warning"
fi

# man itself, as a reader would see it (80 columns, no formatting).
MANWIDTH=80 MAN_KEEP_FORMATTING=0 man -l "$page" 2>"$work/man.err" | col -bx >"$work/man.txt" || true
check "man -l shows the page ($(wc -l <"$work/man.txt") lines)" grep -q '^CHARTER(1) ' "$work/man.txt"
check "man shows no error" [ ! -s "$work/man.err" ]

mapfile -t subcommands < <("$charter" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && $1 != "" { print $1 }' | grep -vx help)
for expected in check explain diff schema lsp completions man; do
  printf '%s\n' "${subcommands[@]}" | grep -qx "$expected" || not_ok "charter --help lists $expected"
done
for sub in "${subcommands[@]}"; do
  check "man shows a section for \`charter $sub\`" grep -qx "   charter $sub" "$work/man.txt"
done
for option in $("$charter" check --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  check "man shows \`charter check $option\`" grep -qE -- "^ +(-[a-zA-Z], )?$option( |$)" "$work/man.txt"
done
check "man shows the exit statuses" bash -c "grep -qE '^ +2 +Bad usage' '$work/man.txt'"

finish
