#!/usr/bin/env bash
# Kills `warehouse etl` with SIGKILL at N random moments and checks the warehouse after each kill.
#
#   scripts/crash-test.sh [N]          (default 50; WAREHOUSE_BIN=path to use another binary)
#   PG=1 scripts/crash-test.sh [N]     the same into PostgreSQL (a throwaway cluster, scripts/pg-cluster.sh)
#
# Runs the sandbox (`warehouse sandbox --port 0`), makes a reference warehouse with one
# uninterrupted run, then in rounds of five kills on a fresh file: after every kill
# `PRAGMA integrity_check` must say ok and every usage row must be charged or queued for
# repricing; after each round a last run must give exactly the reference's invoices. With PG=1
# each warehouse is a fresh database of a throwaway cluster, and the check after a kill is that
# every usage row is charged or queued (PostgreSQL has no integrity_check; its constraints and
# the transaction are the proof).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
BIN=${WAREHOUSE_BIN:-.build/release/warehouse}
if [[ ! -x $BIN ]]; then
  echo "building $BIN (release)…" >&2
  swift build -c release --product warehouse >&2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK=$(mktemp -d)
SCRIPTS=$PWD/scripts
trap 'kill $SANDBOX 2>/dev/null || true; [[ -z ${PG:-} ]] || "$SCRIPTS/pg-cluster.sh" stop "$WORK/pg" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SCRIPTS/sandbox-env.sh"
# warehouse NAME: a file, or with PG=1 a new database of that name on the cluster.
if [[ -n ${PG:-} ]]; then
  BASE=$("$SCRIPTS/pg-cluster.sh" start "$WORK/pg" | tail -1)
  export PGPASSFILE=$WORK/pg/pgpass
  PORT=${BASE##*:}; PORT=${PORT%%/*}
  warehouse() { psql -qh 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE $1" >/dev/null; echo "${BASE%/*}/$1"; }
else
  warehouse() { echo "$1.db"; }
fi

start_sandbox --customers 3
write_config 2026-10-01 30
NOW=2026-11-03T03:00:00Z
etl() { "$BIN" etl --db "$1" --config warehouse.yaml --now $NOW; }
invoices() {
  for p in 2026-10 2026-11; do "$BIN" invoice --db "$1" --period $p --format json; done | sed 's/"last_refreshed": *"[^"]*"//'
}
ms() { date +%s%3N; }

ref=$(warehouse ref)
start=$(ms); etl "$ref"; full=$(( $(ms) - start ))
invoices "$ref" > ref.json
echo "reference run: ${full} ms; $N kills follow" >&2

failures=0 landed=0 db=""
for i in $(seq "$N"); do
  if (( (i - 1) % 5 == 0 )); then db=$(warehouse crash_$i); fi
  "$BIN" etl --db "$db" --config warehouse.yaml --now $NOW >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v r=$RANDOM -v f=$full 'BEGIN { printf "%.3f", (r / 32768) * f / 1000 }')"
  # A run that ended before its kill: aim the next kills earlier.
  if kill -9 $pid 2>/dev/null; then landed=$((landed + 1)); else full=$(( full * 3 / 4 > 200 ? full * 3 / 4 : 200 )); fi
  wait $pid 2>/dev/null || true
  if [[ -n ${PG:-} || -f $db ]] && "$BIN" sql --db "$db" "SELECT count(*) FROM schema_version" >/dev/null 2>&1; then
    if [[ -z ${PG:-} ]]; then
      check=$("$BIN" sql --db "$db" --format csv "PRAGMA integrity_check" | tail -1 | tr -d '\r')
      [[ $check == ok ]] || { echo "kill $i: integrity_check: $check" >&2; failures=$((failures + 1)); }
    fi
    # Queued by month (pending_reprice) or, since schema version 5, by scope (pending_scopes).
    lost=$("$BIN" sql --db "$db" --format csv "
      SELECT count(*) FROM usage u JOIN usage_facts f USING (usage_id) LEFT JOIN charges c USING (usage_id)
      WHERE c.usage_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM pending_scopes p
          WHERE p.account_key = f.account_key AND p.meter_key = f.meter_key AND p.period = substr(u.usage_start, 1, 7))
        AND NOT EXISTS (SELECT 1 FROM pending_reprice q
          WHERE q.source = u.source AND q.period IN (substr(u.usage_start, 1, 7), '*'))" | tail -1 | tr -d '\r')
    [[ $lost == 0 ]] || { echo "kill $i: $lost usage rows neither charged nor queued" >&2; failures=$((failures + 1)); }
  fi
  if (( i % 5 == 0 || i == N )); then
    etl "$db"
    if ! invoices "$db" | cmp -s - ref.json; then echo "round ending at kill $i: invoices differ from the reference" >&2; failures=$((failures + 1)); fi
  fi
done
echo "crash test${PG:+ (PostgreSQL)}: $N kills ($landed inside a run), $failures failures; rerun: ${PG:+PG=1 }scripts/crash-test.sh $N"
(( failures == 0 ))
