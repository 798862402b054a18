#!/usr/bin/env bash
# The main job on a fresh machine: install, build, and run the core example against a network namespace it
# creates and removes. (Replaced by the one-machine lab once it exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
PNPM="npx -y pnpm@12.4.2"
$PNPM install --frozen-lockfile
$PNPM example
