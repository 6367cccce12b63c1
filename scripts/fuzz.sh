#!/usr/bin/env bash
# Seeded mutation fuzzing of every reader (issue 17): each `--kind` (JSON and CSV, plain and gzip),
# warehouse.yaml, the sandbox's request handling, and the utilization fast decoder. N mutants per
# reader (default 100000); `make test` runs a bounded number (well under 60 s in all).
#   scripts/fuzz.sh [N]
# A failure names the reader, the round and the refusal; the seeds are fixed, so it repeats.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
swift build --build-tests >/dev/null
start=$(date +%s)
WAREHOUSE_FUZZ_ROUNDS="$N" swift test --skip-build \
    --filter 'ReaderFuzzTests|ConfigFuzzTests|SandboxRequestFuzzTests|UtilizationPageDecoderFuzzTests' 2>&1 \
    | grep -E '^fuzz |✘|Test run'
echo "fuzz: $N mutants per reader in $(( $(date +%s) - start )) s"
