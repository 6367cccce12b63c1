#!/usr/bin/env bash
# A gzip bomb against `warehouse import`: 64 gzip members of 64 MiB of zeros each, back to back
# (about 4 MB on disk, 4 GiB inflated). Prints the one-line error, the exit code, the wall time and
# the peak RSS (GNU time). Before issue 17 this peaked at 8.2 GB for 78 s; now inflation stops at
# the per-file limit (256 MiB, WAREHOUSE_MAX_INFLATED_MB) with memory bounded by it.
#   scripts/bench-gzip-bomb.sh [members]     (uses .build/release/warehouse, else .build/debug)
set -euo pipefail
cd "$(dirname "$0")/.."
members="${1:-64}"
bin=.build/release/warehouse
[ -x "$bin" ] || bin=.build/debug/warehouse
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$work/bomb.json.gz" "$members" <<'PY'
import gzip, sys
member = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
with open(sys.argv[1], "wb") as f:
    for _ in range(int(sys.argv[2])):
        f.write(member)
PY
echo "bomb: $(stat -c %s "$work/bomb.json.gz") bytes on disk, $((members * 64)) MiB inflated"
set +e
/usr/bin/time -f "wall %e s, peak RSS %M KiB" "$bin" import --db "$work/w.db" --kind pc-utilization "$work/bomb.json.gz" 2>"$work/err"
status=$?
set -e
cat "$work/err"
echo "exit $status"
