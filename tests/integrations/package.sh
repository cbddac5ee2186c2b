#!/usr/bin/env bash
# The crate as crates.io would get it: `cargo package -p charter --locked` packs it and builds it
# from the packed files alone (cargo's verify step), so a bundled policy read from outside the
# crate fails here. Then: the packed file list has every file of policies/ (as files, through the
# server/policies link), the README and nothing that reads the repository around the crate; the
# manifest has its metadata; and Charter installed from the packed crate checks the examples
# against its bundled policies, with no repository around it.
#
# --allow-dirty only when the crate's files have uncommitted changes (a developer's tree; CI's
# clone is clean). Prints "package: N passed, N failed".
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
label=package
# shellcheck source=lib.sh
source "$here/lib.sh"
cd "$root"
started=$SECONDS

target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
work="$(mktemp -d)"
trap 'rm -rf "$work" || true' EXIT

dirty=()
if [ -n "$(git status --porcelain -- server policies Cargo.toml Cargo.lock README.md)" ]; then
  dirty=(--allow-dirty)
  echo "$label: the crate's files have uncommitted changes: packaging with --allow-dirty"
fi

t=$SECONDS
if cargo package -p charter --locked "${dirty[@]}" >"$work/package.txt" 2>&1; then
  ok "cargo package -p charter --locked packs the crate and builds it from the packed files ($((SECONDS - t)) s)"
else
  not_ok "cargo package -p charter --locked" "$(tail -40 "$work/package.txt")"
fi
check "the verify step compiled the packed crate" \
  grep -qE "Compiling charter v[0-9.]+ \(.*/package/charter-[0-9.]+\)" "$work/package.txt"
version="$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "charter"))')"
crate="$target/package/charter-$version.crate"
check "the .crate file exists ($crate)" [ -f "$crate" ]

# What is inside.
tar -tvzf "$crate" >"$work/contents.txt"
sed -E 's/^.* charter-[0-9.]+\///' "$work/contents.txt" | sort >"$work/files.txt"
while IFS= read -r file; do
  if grep -qx "$file" "$work/files.txt"; then
    if grep -E " charter-$version/$file\$" "$work/contents.txt" | grep -q '^-'; then
      ok "the crate has $file, as a file"
    else
      not_ok "the crate has $file, as a file" "$(grep -F "$file" "$work/contents.txt")"
    fi
  else
    not_ok "the crate has $file"
  fi
done < <(git ls-files policies)
# The pages `charter explain-code` prints, through the server/codes link.
while IFS= read -r page; do
  check "the crate has codes/${page##*/}" grep -qx "codes/${page##*/}" "$work/files.txt"
done < <(git ls-files docs/src/codes)
check "the crate has the README" grep -qx README.md "$work/files.txt"
check "the crate has no tests, benches or fixtures (they read the repository around it)" \
  bash -c "! grep -qE '^(tests|benches|proptest-regressions)/' '$work/files.txt'"
check "the crate is small ($(du -k "$crate" | cut -f1) KiB, under 1 MiB)" [ "$(du -k "$crate" | cut -f1)" -lt 1024 ]

# The manifest's metadata, as crates.io shows it.
cargo metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
p = next(p for p in json.load(sys.stdin)["packages"] if p["name"] == "charter")
for key in ("description", "license", "readme", "rust_version"):
    print(f"{key}={bool(p.get(key))}")
keywords = p.get("keywords") or []
print("keywords=%s" % (1 <= len(keywords) <= 5))
print("categories=%s" % bool(p.get("categories")))
for key in ("repository", "homepage", "documentation"):
    print("note:%s=%s" % (key, p.get(key) or ""))
' >"$work/metadata.txt"
while IFS='=' read -r key value; do
  case "$key" in
    note:*) echo "     (${key#note:}: ${value:-not set, see integrations/README.md})" ;;
    *) check "Cargo.toml sets $key" [ "$value" = True ] ;;
  esac
done <"$work/metadata.txt"

# Installed from the packed crate alone, far from the repository: the bundled policies work.
mkdir -p "$work/src"
tar -xzf "$crate" -C "$work/src"
t=$SECONDS
if CARGO_TARGET_DIR="$target" cargo install --quiet --locked --debug --path "$work/src/charter-$version" \
  --root "$work/root" >"$work/install.txt" 2>&1; then
  ok "cargo install from the packed crate ($((SECONDS - t)) s)"
else
  not_ok "cargo install from the packed crate" "$(tail -30 "$work/install.txt")"
fi
mkdir -p "$work/elsewhere"
cp examples/*.yaml "$work/elsewhere/"
set +e
(cd "$work/elsewhere" && "$work/root/bin/charter" check --format json --today 2026-01-01 . >"$work/check.json" 2>"$work/check.err")
status=$?
set -e
check "the installed charter checks the examples (exit $status: their deliberate errors)" [ "$status" -eq 1 ]
check "its verdicts come from the bundled policy" contains "$work/check.json" 'rule `no-malicious-cyber` (from `anthropic-usage@2025-09-15`)'
check "no unknown-policy: both bundled versions are inside the binary" bash -c "! grep -q unknown-policy '$work/check.json'"

echo "$label: took $((SECONDS - started)) s"
finish
