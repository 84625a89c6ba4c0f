#!/usr/bin/env bash
# The step of the GitHub Action (action.yml): installs and builds the checkout this script lives in
# (the action's own copy of the repository, $GITHUB_ACTION_PATH) with install.sh, then runs
# `ztait check` in the current directory (the workspace) with the action's inputs.
#
# Inputs, as environment variables named as GitHub names them (action.yml sets them from inputs.*):
#   INPUT_PLAN    plan JSON (terraform show -json); empty: check the HCL of INPUT_PATH
#   INPUT_PATH    with a plan: the directory it was made from (empty: the plan alone);
#                 without: the root module directory (empty: .)
#   INPUT_FORMAT  report format(s), comma-separated (empty: text)
#   INPUT_ARGS    more `ztait check` arguments, split on whitespace, never glob-expanded
# Writes exit-code=N to $GITHUB_OUTPUT (when set) and exits N: 0 passed, 1 a fail or error verdict,
# 2 ztait could not run (install.sh failing included).
set -uo pipefail
set -f
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

finish() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "exit-code=$1" >> "$GITHUB_OUTPUT"; fi
  exit "$1"
}

if ! bash "$here/install.sh"; then
  echo "::error title=ztait::could not install or build ztait in $root (log above): exit 2" >&2
  finish 2
fi

cmd=(node "$root/bin/ztait.js" check)
if [ -n "${INPUT_PLAN:-}" ]; then
  cmd+=(--plan "$INPUT_PLAN")
  if [ -n "${INPUT_PATH:-}" ]; then cmd+=("$INPUT_PATH"); fi
else
  cmd+=("${INPUT_PATH:-.}")
fi
cmd+=(--format "${INPUT_FORMAT:-text}")
# -d '': every line of a multi-line value (a YAML block scalar), not only the first
read -r -d '' -a extra <<< "${INPUT_ARGS:-}" || true
cmd+=(${extra[@]+"${extra[@]}"})

status=0
"${cmd[@]}" || status=$?
finish "$status"
