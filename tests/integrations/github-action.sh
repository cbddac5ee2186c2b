#!/usr/bin/env bash
# The GitHub Action (action.yml, integrations/github-action/charter-action.sh) on this machine,
# each step run as a GitHub runner runs it (GITHUB_ACTIONS, GITHUB_ACTION_PATH, GITHUB_WORKSPACE,
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, RUNNER_TOOL_CACHE, RUNNER_OS, RUNNER_ARCH):
#
#   - action.yml and the example workflow are valid for GitHub (SchemaStore's schemas, as
#     check-jsonschema from PyPI ships them), and action.yml passes every input the script
#     reads to it;
#   - key: the install folder and cache key, stable for the same source and new for another;
#   - install: `cargo install` from the action's source into that folder (its time is printed),
#     and the message when cargo is missing;
#   - check, with the charter just installed: exit status, outputs, annotations, summary, and
#     the SARIF file validated against the official schema by a second validator (Python's
#     jsonschema; server/tests/github_action.rs validates with the Rust one and covers the
#     inputs in detail).
#
# The build uses the quick release profile of lib.sh. Prints "github-action: N passed, N failed".
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
label=github-action
# shellcheck source=lib.sh
source "$here/lib.sh"
started=$SECONDS
ensure_venv
check_jsonschema="$integrations_venv/bin/check-jsonschema"
script="$root/integrations/github-action/charter-action.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work" || true' EXIT

# --- the files GitHub reads -------------------------------------------------------------------
check "action.yml is a valid action (check-jsonschema vendor.github-actions)" \
  "$check_jsonschema" --builtin-schema vendor.github-actions "$root/action.yml"
check "the example workflow is a valid workflow (check-jsonschema vendor.github-workflows)" \
  "$check_jsonschema" --builtin-schema vendor.github-workflows "$root/integrations/github-action/example-workflow.yml"
"$integrations_venv/bin/python" - "$root/action.yml" "$script" >"$work/wiring.txt" <<'EOF' || true
import re, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
script = open(sys.argv[2]).read()
steps = {s["id"]: s for s in action["runs"]["steps"]}
env = steps["check"].get("env", {})
problems = []
for name in action["inputs"]:
    if name == "cache":
        continue  # used by the steps' conditions only
    var = "INPUT_" + name.upper().replace("-", "_")
    if env.get(var) != "${{ inputs.%s }}" % name:
        problems.append(f"input {name} does not reach the check step as {var}")
for var in sorted(set(re.findall(r"\bINPUT_[A-Z_]+", script))):
    if var not in env:
        problems.append(f"the script reads {var}, which action.yml does not set")
for output in action["outputs"].values():
    m = re.fullmatch(r"\$\{\{ steps\.check\.outputs\.([a-z-]+) \}\}", output["value"])
    if not m or f"output {m.group(1)} " not in script:
        problems.append(f"output {output['value']} is not written by the script")
for step in ("key", "install", "check"):
    if f'charter-action.sh" {step}' not in steps[step]["run"]:
        problems.append(f"step {step} does not run the script's {step}")
print("\n".join(problems) or "ok")
EOF
check "action.yml passes every input to the script and takes every output from it" \
  contains "$work/wiring.txt" "ok"

# --- a runner ---------------------------------------------------------------------------------
mkdir -p "$work/workspace" "$work/temp" "$work/tool-cache"
runner_env=(
  CI=true GITHUB_ACTIONS=true GITHUB_ACTION_PATH="$root" GITHUB_WORKSPACE="$work/workspace"
  RUNNER_TEMP="$work/temp" RUNNER_TOOL_CACHE="$work/tool-cache" RUNNER_OS=Linux RUNNER_ARCH=X64
)
# `step NAME SUBCOMMAND [VAR=VALUE...]`: runs the script's step with a fresh GITHUB_OUTPUT and
# GITHUB_STEP_SUMMARY; stdout in $work/NAME.out, stderr in $work/NAME.err, outputs in
# $work/NAME.outputs, the status in $status.
step() {
  local name=$1 subcommand=$2
  shift 2
  : >"$work/$name.outputs"
  : >"$work/$name.summary"
  set +e
  (cd "$work/workspace" && env "${runner_env[@]}" GITHUB_OUTPUT="$work/$name.outputs" \
    GITHUB_STEP_SUMMARY="$work/$name.summary" "$@" bash "$script" "$subcommand" \
    >"$work/$name.out" 2>"$work/$name.err")
  status=$?
  set -e
}
output() { sed -n "s/^$2=//p" "$work/$1.outputs" | tail -1; }

step key key
check "key: exits 0" [ "$status" -eq 0 ]
install_root="$(output key root)"
cache_key="$(output key key)"
check "key: root is a folder of RUNNER_TOOL_CACHE ($install_root)" \
  bash -c "[[ '$install_root' =~ ^$work/tool-cache/charter/[0-9a-f]{32}\$ ]]"
check "key: key names the OS, the architecture and the source ($cache_key)" \
  bash -c "[[ '$cache_key' =~ ^charter-Linux-X64-[0-9a-f]{32}\$ ]]"
step key2 key
check "key: the same source gives the same key" [ "$(output key2 key)" = "$cache_key" ]
mkdir -p "$work/source/server"
cp -r "$root/Cargo.toml" "$root/Cargo.lock" "$root/policies" "$work/source/"
cp -r "$root/server/Cargo.toml" "$root/server/src" "$work/source/server/"
step key3 key GITHUB_ACTION_PATH="$work/source"
check "key: a copy of the same source gives the same key" [ "$(output key3 key)" = "$cache_key" ]
echo "// changed" >>"$work/source/server/src/main.rs"
step key4 key GITHUB_ACTION_PATH="$work/source"
check "key: a changed source gives another key" [ "$(output key4 key)" != "$cache_key" ]

# --- install ----------------------------------------------------------------------------------
step nocargo install CHARTER_ROOT="$install_root" PATH=/usr/bin:/bin
check "install without cargo: exit 2" [ "$status" -eq 2 ]
check "install without cargo: says what to do" contains "$work/nocargo.out" \
  "::error title=Charter::cargo is not on PATH: add a Rust toolchain step"

release_build_env
t=$SECONDS
step install install CHARTER_ROOT="$install_root"
install_seconds=$((SECONDS - t))
echo "$label: the install step (cargo install, quick release profile) took $install_seconds s"
if [ "$status" -eq 0 ]; then ok "install: exits 0"; else not_ok "install: exits 0 (exit $status)" "$(tail -30 "$work/install.err")"; fi
check "install: $install_root/bin/charter runs" "$install_root/bin/charter" --version
check "install: says how long it took" grep -qE '^charter: built in [0-9]+ s$' "$work/install.out"

# --- check, with the charter just built -------------------------------------------------------
mkdir -p "$work/workspace/charter"
cp "$root"/examples/*.yaml "$work/workspace/charter/"
step check check CHARTER_ROOT="$install_root" INPUT_WORKING_DIRECTORY=charter INPUT_TODAY=2026-01-01
check "check: exit 1 on the examples' deliberate errors" [ "$status" -eq 1 ]
check "check: outputs errors=5" [ "$(output check errors)" = 5 ]
check "check: outputs notes=1" [ "$(output check notes)" = 1 ]
check "check: outputs exit-code=1" [ "$(output check exit-code)" = 1 ]
check "check: six annotations on stdout" [ "$(grep -cE '^::(error|warning|notice) file=charter/' "$work/check.out")" -eq 6 ]
check "check: the missing-safeguard annotation" contains "$work/check.out" \
  "::error file=charter/support-bot.usecases.yaml,line=30,col=9,endLine=30,endColumn=31,title=missing-safeguard::"
check "check: a job summary" contains "$work/check.summary" "**5** errors, **0** warnings, **1** notes"
sarif="$(output check sarif-file)"
check "check: the SARIF file is in RUNNER_TEMP ($sarif)" [ "$sarif" = "$work/temp/charter.sarif" ]
# The official schema but for the one pattern that strict ECMA-262 regex checkers reject (see
# tests/schemas/README.md): its `]` escaped, which keeps the meaning.
pattern='^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$'
check "the vendored schema has that pattern twice" [ "$(grep -cF "\"pattern\": \"$pattern\"" "$root/tests/schemas/sarif-schema-2.1.0.json")" -eq 2 ]
sed 's/"\^\[a-zA-Z\]{2}|\^\[a-zA-Z\]{2}-\[a-zA-Z\]{2}\]?\$"/"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\\\]?$"/' \
  "$root/tests/schemas/sarif-schema-2.1.0.json" >"$work/sarif-schema.json"
check "check: the SARIF file is valid SARIF 2.1.0 (check-jsonschema, Python's jsonschema)" \
  "$check_jsonschema" --schemafile "$work/sarif-schema.json" "$sarif"
echo '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal", "message": {"text": "x"}}]}]}' >"$work/bad.sarif"
check "check-jsonschema rejects an invalid SARIF file with the same schema" \
  bash -c "! '$check_jsonschema' --schemafile '$work/sarif-schema.json' '$work/bad.sarif' >/dev/null 2>&1"

# --- check with the report inputs: the job summary gains the report, the page is written --------
step report check CHARTER_ROOT="$install_root" INPUT_WORKING_DIRECTORY=charter INPUT_TODAY=2026-01-01 \
  INPUT_REPORT_SUMMARY=true INPUT_REPORT_FILE=out/charter-report.html INPUT_REPORT_AGAINST=anthropic-usage@2024-06-06
check "report: check's exit status stands (1)" [ "$status" -eq 1 ]
check "report: the job summary has check's part and the report" \
  bash -c "grep -qF '**5** errors' '$work/report.summary' && grep -qF '## Charter report' '$work/report.summary'"
check "report: the summary lists a use case that needs attention" contains "$work/report.summary" '`warranty-rights-advice`'
page="$(output report report-file)"
check "report: outputs report-file in the workspace ($page)" [ "$page" = "$work/workspace/out/charter-report.html" ]
check "report: the page has the examples' use cases and the changes asked for" \
  bash -c "grep -qF 'data-use-case=\"op-ed-drafting\"' '$page' && grep -qF 'id=\"changes\"' '$page'"

echo "$label: took $((SECONDS - started)) s, $install_seconds s of it the install step"
finish
