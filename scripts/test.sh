#!/usr/bin/env bash
# The one test command (README, CI): type-check, import-boundary lint, unit, integration,
# the built UI's end-to-end tests in Chromium, and the packaging config check.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
mkdir -p test-results

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 22 ]; then
  echo "Node $(node --version) is too old: run npm ci first (it installs Node 24 into node_modules)." >&2
  exit 2
fi

failed_steps=()
step() {
  local name=$1; shift
  echo "::: $name"
  local t0=$SECONDS
  if "$@"; then
    echo "::: $name ok ($((SECONDS - t0)) s)"
  else
    echo "::: $name FAILED ($((SECONDS - t0)) s)"
    failed_steps+=("$name")
  fi
}

step typecheck tsc -p tsconfig.json
step lint eslint . --max-warnings 0
step unit vitest run --project unit --reporter=default --reporter=json --outputFile.json=test-results/unit.json
step integration vitest run --project integration --reporter=default --reporter=json --outputFile.json=test-results/integration.json
step build vite build --config renderer/vite.config.ts --logLevel warn
step e2e env PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/e2e.json PLAYWRIGHT_JSON_OUTPUT_FILE=test-results/e2e.json playwright test --reporter=list,json
step builder node scripts/check-builder.ts

node scripts/test-summary.ts test-results/unit.json test-results/integration.json test-results/e2e.json
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
  exit 1
fi
