#!/usr/bin/env bash
# Charter's pre-commit hook (.pre-commit-hooks.yaml) with the real pre-commit from PyPI, in a
# scratch git repository that uses it:
#
#   1. `pre-commit try-repo THIS-REPO charter-check --all-files` passes on good files; this first
#      run builds Charter with `cargo install` (language: rust), and the time it takes is printed;
#   2. with the hook in .pre-commit-config.yaml (as users have it), `pre-commit run` fails on a
#      staged manifest with a typo, and the output names the file, the code and the message;
#   3. a staged change to a policy alone fails too when it breaks a manifest that did not change
#      (why the hook has pass_filenames: false);
#   4. a commit that touches no policy or manifest skips the hook;
#   5. `pre-commit install` as a git hook: `git commit` of a bad manifest is refused.
#
# Installs pre-commit into a venv under ${CHARTER_CI_CACHE:-~/.cache/charter-ci}. The builds use
# the release profile without LTO (lib.sh, release_build_env). When this repository has
# uncommitted changes to tracked files, the hook is taken from a scratch commit of them, as
# try-repo does. Prints "pre-commit: N passed, N failed".
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
label=pre-commit
# shellcheck source=lib.sh
source "$here/lib.sh"
started=$SECONDS

ensure_venv
pre_commit="$integrations_venv/bin/pre-commit"
"$pre_commit" --version
check "pre-commit accepts .pre-commit-hooks.yaml (validate-manifest)" \
  "$pre_commit" validate-manifest "$root/.pre-commit-hooks.yaml"

work="$(mktemp -d)"
trap 'rm -rf "$work" || true' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1
git config --global user.name "Charter test"
git config --global user.email "charter-test@localhost"
git config --global init.defaultBranch main
git config --global protocol.file.allow always
release_build_env

# --- the hook's repository, at a commit -----------------------------------------------------
hook_repo="$root"
rev="$(git -C "$root" rev-parse HEAD)"
if ! git -C "$root" diff --quiet HEAD; then
  hook_repo="$work/hook-repo"
  echo "$label: this repository has uncommitted changes: taking the hook from a scratch commit of them"
  git clone --quiet "$root" "$hook_repo"
  git -C "$root" diff HEAD --binary | git -C "$hook_repo" apply --index
  git -C "$hook_repo" commit --quiet --no-verify -m "uncommitted changes"
  rev="$(git -C "$hook_repo" rev-parse HEAD)"
fi

# --- a repository that uses the hook --------------------------------------------------------
repo="$work/consumer"
mkdir -p "$repo/policies" "$repo/apps"
cd "$repo"
git init --quiet
cat >policies/team.policy.yaml <<'EOF'
policy: team-policy
version: 2025-01-01
categories:
  support:
    summary: Customer support.
  support.refunds:
    summary: Refund handling.
rules:
  - id: support-allowed
    effect: allow
    categories: [support]
EOF
cat >apps/bot.usecases.yaml <<'EOF'
manifest: support-bot
policy: team-policy
use-cases:
  - id: refund-triage
    summary: Sort refund requests and draft a first reply.
    categories: [support.refunds]
EOF
echo "# a repository with Charter's pre-commit hook" >README.md
git add -A
git commit --quiet --no-verify -m "policy and manifest"

# 1. try-repo, as a hook's author tries a hook.
t=$SECONDS
set +e
"$pre_commit" try-repo "$hook_repo" charter-check --ref "$rev" --all-files --color never >"$work/try-repo.txt" 2>&1
status=$?
set -e
build_seconds=$((SECONDS - t))
echo "$label: try-repo (which builds Charter with cargo install) took $build_seconds s"
if [ "$status" -eq 0 ] && contains "$work/try-repo.txt" "Charter" && grep -qE '^Charter\.+Passed$' "$work/try-repo.txt"; then
  ok "try-repo charter-check --all-files passes on a good policy and manifest"
else
  not_ok "try-repo charter-check --all-files passes on a good policy and manifest (exit $status)" "$(tail -40 "$work/try-repo.txt")"
fi

# 2. As users have it: the hook in .pre-commit-config.yaml.
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $hook_repo
    rev: $rev
    hooks:
      - id: charter-check
EOF
git add .pre-commit-config.yaml
git commit --quiet --no-verify -m "use Charter's hook"
run_hook() { # run_hook NAME [pre-commit run arguments]: the output in $work/NAME.txt, the status in $status
  local name=$1
  shift
  set +e
  "$pre_commit" run --color never "$@" >"$work/$name.txt" 2>&1
  status=$?
  set -e
}

t=$SECONDS
run_hook all --all-files
echo "$label: pre-commit run --all-files with a fresh PRE_COMMIT_HOME (installs the hook) took $((SECONDS - t)) s"
check "pre-commit run --all-files passes (exit $status)" [ "$status" -eq 0 ]

cat >apps/typo.usecases.yaml <<'EOF'
manifest: typo-bot
policy: team-policy
use-cases:
  - id: refund-help
    summary: Answer refund questions.
    categories: [support.refundz]
EOF
git add apps/typo.usecases.yaml
run_hook typo
check "a staged manifest with an unknown category fails the hook (exit $status)" [ "$status" -eq 1 ]
check "the output names the hook as failed" grep -qE '^Charter\.+Failed$' "$work/typo.txt"
check "the output names the file, line and column" contains "$work/typo.txt" "apps/typo.usecases.yaml:6:18"
check "the output has the code and message" contains "$work/typo.txt" 'unknown category `support.refundz`'
check "the output suggests the fix" contains "$work/typo.txt" 'did you mean `support.refunds`?'

sed -i 's/support.refundz/support.refunds/' apps/typo.usecases.yaml
git add apps/typo.usecases.yaml
run_hook fixed
check "the fixed manifest passes (exit $status)" [ "$status" -eq 0 ]
git commit --quiet --no-verify -m "a second manifest"

# 3. Only the policy changes, and a manifest that did not change stops being allowed.
cat >>policies/team.policy.yaml <<'EOF'
  - id: no-refunds
    effect: prohibit
    categories: [support.refunds]
EOF
git add policies/team.policy.yaml
run_hook policy
check "a staged policy change that breaks an unchanged manifest fails (exit $status)" [ "$status" -eq 1 ]
check "the output names the unchanged manifest" contains "$work/policy.txt" "apps/bot.usecases.yaml"
check "the output says which rule prohibits it" contains "$work/policy.txt" 'by rule `no-refunds`'
git reset --quiet --hard HEAD

# 4. Nothing the hook reads changes.
echo "more" >>README.md
git add README.md
run_hook readme
check "a commit without policies or manifests skips the hook (exit $status)" [ "$status" -eq 0 ]
check "the output says it was skipped" grep -qE '^Charter\.+\(no files to check\)Skipped$' "$work/readme.txt"
git reset --quiet --hard HEAD

# 5. As a git hook.
"$pre_commit" install >/dev/null
before="$(git rev-parse HEAD)"
sed 's/support.refunds/support.refundz/; s/typo-bot/typo-bot-2/' apps/typo.usecases.yaml >apps/typo2.usecases.yaml
git add apps/typo2.usecases.yaml
set +e
git commit -m "a bad manifest" >"$work/commit.txt" 2>&1
status=$?
set -e
check "git commit of a bad manifest is refused (exit $status)" [ "$status" -ne 0 ]
check "HEAD did not move" [ "$(git rev-parse HEAD)" = "$before" ]
check "git commit shows the diagnostic" contains "$work/commit.txt" 'unknown category `support.refundz`'

echo "$label: took $((SECONDS - started)) s in all, $build_seconds s of it the first build"
finish
