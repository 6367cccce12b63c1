#!/bin/sh
# Reprices a generated month of ~1 million usage rows (release build) and prints the timings.
# Usage: scripts/bench-reprice.sh [ROWS]   (default 990000, the most the generator makes)
set -eu
cd "$(dirname "$0")/.."
WAREHOUSE_BENCH_ROWS="${1:-990000}" swift test -c release --filter RepricerBenchmark 2>&1 | grep -E '^bench:|passed|failed|error'
