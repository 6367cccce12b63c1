#!/usr/bin/env bash
# A soak of the nightly run (issue 17): NIGHTS consecutive `warehouse etl` runs, `--now` one day
# later each night, against one sandbox with every fault at 20% and restated windows
# (`--faults all,restated-window --fault-rate 20`; the sandbox also reports records late). Every
# tenth night the run is killed with SIGKILL at a random moment and run again.
#
#   scripts/soak.sh [NIGHTS]     (default 90; WAREHOUSE_BIN=path to use another binary,
#                                 SOAK_SEED=N for another sandbox seed and kill moments)
#
# The reference after each night is `warehouse rebuild` of a copy of the night's file: the
# sandbox's restated-window fault makes its answers depend on what it already served, so a second
# warehouse pulled from it (or from a fault-free twin) would be told other things than the soaked
# one; a rebuild decodes exactly the pages the soaked warehouse stored, in fetch order, in one
# clean transaction. After each night the soaked file's facts (usage and charges) and invoices must
# equal the rebuilt copy's, integrity_check must be ok, no run may be left 'running', and every
# day up to the night must be loaded. At nights 30, 60 and 90 it prints the bytes per usage row of
# usage_facts, charge_facts and their indexes (sqlite3's dbstat); the run ends with `warehouse
# rebuild` of the soaked file itself giving identical invoices.
set -euo pipefail
cd "$(dirname "$0")/.."
NIGHTS=${1:-90}
SEED=${SOAK_SEED:-17}
BIN=${WAREHOUSE_BIN:-.build/debug/warehouse}
if [[ ! -x $BIN ]]; then
  echo "building $BIN (debug)…" >&2
  swift build --product warehouse >&2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK=$(mktemp -d)
trap 'kill $SANDBOX 2>/dev/null || true; [[ -n ${SOAK_KEEP:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"' EXIT
cd "$WORK"
source "$OLDPWD/scripts/sandbox-env.sh"
RANDOM=$SEED
# Night 1 is 2026-09-02 (it reads 2026-09-01); the last of 90 is 2026-11-30.
FIRST=$(date -u -d 2026-09-02 +%s)

start_sandbox --no-tls --seed "$SEED" --customers 2 --faults all,restated-window --fault-rate 20
write_config 2026-09-01 60

day() { date -u -d "@$(( FIRST + ($1 - 1) * 86400 ))" +%F; }
etl() { "$BIN" etl --db "$1" --config warehouse.yaml --now "$2T03:00:00Z" > "etl-$3.log" 2>&1; }
q() { sqlite3 -batch -noheader "$1" "$2"; }
facts() {
  q "$1" "SELECT u.source, u.account_id, u.resource_id, u.meter_id, u.usage_start, u.usage_end, u.reported_start, u.quantity,
                 u.unit, u.tags, c.amount_micros, c.currency, c.cost_center_key
          FROM usage u LEFT JOIN charges c USING (usage_id) ORDER BY 1, 2, 3, 4, 5, 6, 7"
}
invoices() {
  local p
  for p in $(q "$1" "SELECT DISTINCT substr(usage_start, 1, 7) FROM usage ORDER BY 1"); do
    "$BIN" invoice --db "$1" --period "$p" --format json
  done | sed 's/"last_refreshed": *"[^"]*"//'
}
bytes_per_row() {
  q "$1" "SELECT printf('%d usage rows, %d bytes in usage_facts, charge_facts and their indexes: %.1f bytes per usage row',
            (SELECT count(*) FROM usage_facts), sum(pgsize), sum(pgsize) * 1.0 / (SELECT count(*) FROM usage_facts))
          FROM dbstat WHERE name IN ('usage_facts', 'charge_facts')
             OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('usage_facts', 'charge_facts'))"
}

failures=0 kills=0 full=3000 began=$(date +%s)
fail() { echo "night $1 ($2): $3" >&2; failures=$((failures + 1)); }
for n in $(seq "$NIGHTS"); do
  now=$(day "$n")
  if (( n % 10 == 0 )); then
    "$BIN" etl --db soak.db --config warehouse.yaml --now "${now}T03:00:00Z" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v r=$RANDOM -v f=$full 'BEGIN { printf "%.3f", (0.1 + 0.8 * r / 32768) * f / 1000 }')"
    if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
    wait $pid 2>/dev/null || true
  fi
  start=$(date +%s%3N)
  rc=0; etl soak.db "$now" "$n" || rc=$?
  full=$(( $(date +%s%3N) - start )); (( full > 500 )) || full=500
  (( rc == 0 )) || fail "$n" "$now" "etl exited $rc: $(tail -2 "etl-$n.log" | tr '\n' ' ')"
  check=$(q soak.db "PRAGMA integrity_check")
  [[ $check == ok ]] || fail "$n" "$now" "integrity_check: $check"
  running=$(q soak.db "SELECT count(*) FROM etl_runs WHERE status = 'running'")
  [[ $running == 0 ]] || fail "$n" "$now" "$running runs left 'running'"
  # Every day before the night is loaded: Partner Center's last reported day, ArcGIS's last usage day.
  want=$(date -u -d "$now -1 day" +%F)
  got=$(q soak.db "SELECT max(substr(reported_start, 1, 10)) FROM usage WHERE source = 'sandbox-csp'")
  [[ $got == "$want" ]] || fail "$n" "$now" "sandbox-csp: last reported day $got, want $want"
  got=$(q soak.db "SELECT max(substr(usage_start, 1, 10)) FROM usage WHERE source = 'sandbox-agol' AND meter_id NOT LIKE 'stg.%'")
  [[ $got == "$want" ]] || fail "$n" "$now" "sandbox-agol: last usage day $got, want $want"
  q soak.db ".backup ref.db"
  "$BIN" rebuild --db ref.db --config warehouse.yaml > rebuild.log 2>&1 || fail "$n" "$now" "rebuild: $(tail -1 rebuild.log)"
  diff <(facts soak.db) <(facts ref.db) > facts-$n.diff || fail "$n" "$now" "facts differ from the rebuilt copy"
  cmp -s <(invoices soak.db) <(invoices ref.db) || fail "$n" "$now" "invoices differ from the rebuilt copy"
  if (( n % 30 == 0 || n == NIGHTS )); then
    echo "night $n ($now): $(bytes_per_row soak.db); file $(stat -c %s soak.db) bytes" >&2
  fi
done
invoices soak.db > before.json
"$BIN" rebuild --db soak.db --config warehouse.yaml > rebuild.log 2>&1 || fail end - "rebuild: $(tail -1 rebuild.log)"
invoices soak.db | cmp -s - before.json || fail end - "rebuild of the soaked file changed its invoices"
echo "soak: $NIGHTS nights, $kills kills inside a run, $failures failures, $(( $(date +%s) - began )) s; rerun: scripts/soak.sh $NIGHTS"
(( failures == 0 ))
