#!/usr/bin/env bash
# The main job on a fresh machine: install, then run the examples (examples/seed-check.ts: addressing and host-gw
# routes; examples/bgp-edge.ts: the edge node's BGP speaker against BIRD) in network namespaces they create and remove.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
PNPM="npx -y pnpm@12.4.2"
$PNPM install --frozen-lockfile
$PNPM example
