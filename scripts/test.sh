#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, JavaScript dependencies, lint, type check, build,
# publish check, then every unit and integration test. This is what `.ci/run` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
PNPM="npx -y pnpm@12.4.2"
$PNPM install --frozen-lockfile
$PNPM lint
$PNPM typecheck
$PNPM build
$PNPM check-publish
mkdir -p .tmp
status=0
$PNPM exec vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=$?
node scripts/test-summary.mjs .tmp/vitest.json
exit $status
