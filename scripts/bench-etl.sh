#!/usr/bin/env bash
# The nightly run's speed against the sandbox over loopback HTTP: a first run that backfills a
# month of Partner Center utilization, then the next night's run (three days re-read, one new).
#
#   scripts/bench-etl.sh [RECORDS_PER_SUBSCRIPTION_PER_DAY]     (default 1000: 6 subscriptions)
#
# Builds the release binary if needed; prints wall time, records/s and peak memory of each run.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-1000}
BIN=${WAREHOUSE_BIN:-.build/release/warehouse}
[[ -x $BIN ]] || swift build -c release --product warehouse >&2
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK=$(mktemp -d)
trap 'kill $SANDBOX 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1 SANDBOX_CLIENT_SECRET=sandbox-client-secret-0001
"$BIN" sandbox --port 0 --scale "$SCALE" > sandbox.out 2>&1 &
SANDBOX=$!
for _ in $(seq 100); do grep -q 'listening on' sandbox.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' sandbox.out | head -1)
cat > warehouse.yaml <<YAML
sources:
  - {name: csp, kind: partnercenter, url: $URL/v1, authority_url: $URL, tenant: sandbox.onmicrosoft.com,
     client_id: 00000000-5a4d-4b0c-8000-000000000001, client_secret_env: SANDBOX_CLIENT_SECRET, backfill_from: 2026-10-01}
YAML
run() {
  /usr/bin/time -f "%e %M" -o time.txt "$BIN" etl --db w.db --config warehouse.yaml --now "$1"
  read -r wall kb < time.txt
  records=$("$BIN" sql --db w.db --format csv "SELECT records FROM etl_runs ORDER BY run_id DESC LIMIT 1" | tail -1 | tr -d '\r')
  printf "%-34s %8s records %7ss %9.0f records/s %6d MiB peak\n" "$2" "$records" "$wall" "$(echo "$records / $wall" | bc -l)" $((kb / 1024))
}
echo "sandbox: $SCALE records per subscription per day, 6 subscriptions; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
run 2026-11-01T03:00:00Z "backfill 2026-10 (31 days)"
run 2026-11-02T03:00:00Z "next night (3 days re-read, 1 new)"
echo "file: $(du -h w.db | cut -f1); rerun: scripts/bench-etl.sh $SCALE"
