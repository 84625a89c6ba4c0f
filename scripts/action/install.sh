#!/usr/bin/env bash
# Installs and builds the ztait checkout this script lives in, so that its bin/ztait.js runs: the
# first step of the GitHub Action (scripts/action/run.sh), and how another CI runs ztait from a
# clone of the repository (docs/ci.md). ztait is not published on npm yet.
#
# Skips what is already there: dependencies installed by `npm ci` (node_modules/.package-lock.json)
# and the build (dist/cli/main.js). Messages go to stderr: stdout stays the report's.
# Exit status: 0 ready to run, non-zero when Node.js is too old or the install or build failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

group() { if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::group::$1" >&2; else echo "$1" >&2; fi; }
endgroup() { if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::endgroup::" >&2; fi; }

# The oldest Node.js major the package supports: the first number of package.json's engines.node.
node -e '
  const need = Number(/\d+/.exec(require("./package.json").engines?.node ?? "")?.[0] ?? 0);
  if (Number(process.versions.node.split(".")[0]) < need) {
    console.error(`ztait needs Node.js ${need} or newer, found ${process.version} (in GitHub Actions: actions/setup-node before this step)`);
    process.exit(1);
  }'

build=0
if [ ! -f node_modules/.package-lock.json ]; then
  group "ztait: npm ci in $root"
  # Dev dependencies too: the build needs typescript. No install scripts and no optional packages:
  # only dev tools have them (esbuild, the SARIF multitool), and neither builds nor runs ztait.
  npm ci --ignore-scripts --omit=optional --no-audit --no-fund >&2
  endgroup
  build=1
fi
if [ "$build" = 1 ] || [ ! -f dist/cli/main.js ]; then
  group "ztait: npm run build in $root"
  npm run build >&2
  endgroup
else
  echo "ztait: using the installed and built checkout in $root" >&2
fi
