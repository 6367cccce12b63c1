#!/usr/bin/env bash
# Benchmark: one month's invoice over a generated warehouse of ROWS usage rows (default 10 million)
# spread over the 12 months of 2026, every row priced, 50 cost centers, 200 meters, 20 subscriptions.
#   scripts/bench-invoice.sh                  # build the warehouse (once) and time the invoice
#   ROWS=1000000 DB=/tmp/small.db scripts/bench-invoice.sh
#   PG=1 scripts/bench-invoice.sh             # also on PostgreSQL: the warehouse copied there
#                                             # (`warehouse copy`, into a throwaway cluster), the
#                                             # same invoice timed, and checked equal to the file's
# The warehouse is generated with SQL (recursive CTEs) straight into the compact facts (schema
# version 5: usage_facts, charge_facts and their dimension keys), charge_scopes, cost_centers and
# invoice_rollup, as the importers and the Repricer would leave them; it is kept for reruns (one
# made before version 5 is made again). The rollup is summed in SQL, exactly: every generated quantity has 3 decimals,
# so thousandths add up as integers, written in ExactDecimal's canonical form.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
DB=${DB:-/tmp/warehouse-bench-$ROWS.db}
PERIOD=${PERIOD:-2026-06}
RUNS=${RUNS:-5}

swift build -c release --product warehouse >/dev/null 2>&1 || { echo "bench: release build failed (run: swift build -c release --product warehouse)" >&2; exit 1; }
BIN=.build/release/warehouse

if [ ! -s "$DB" ] || [ "$(sqlite3 "$DB" 'SELECT count(*) FROM charge_facts' 2>/dev/null || echo 0)" != "$ROWS" ]; then
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$BIN" init --db "$DB" >/dev/null
  echo "bench: generating $ROWS usage rows in $DB ..." >&2
  start=$(date +%s)
  # Straight into the compact facts (schema version 5): 20 accounts, 200 meters, a resource per
  # 1,400 rows (so no two rows share a key), 30 resource groups; keys are 1.. in insertion order.
  sqlite3 "$DB" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -512000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49)
INSERT INTO cost_centers SELECT 'cc' || i, 'Cost center ' || i FROM n;
INSERT INTO cost_centers VALUES ('unassigned', 'Unassigned');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49)
INSERT INTO cost_center_names (name_key, cost_center_key, spelling) SELECT i + 1, 'cc' || i, 'Cost center ' || i FROM n;
INSERT INTO cost_center_names (name_key, cost_center_key, spelling) VALUES (51, 'unassigned', 'Unassigned');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)
INSERT INTO meters (source, meter_id, name, unit) SELECT 'bench', 'meter-' || i, 'Meter number ' || i, 'Hours' FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)
INSERT INTO meter_keys (meter_key, source, meter_id, spelling) SELECT i + 1, 'bench', 'meter-' || i, 'meter-' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19)
INSERT INTO account_keys (account_key, source, account_id, spelling) SELECT i + 1, 'bench', 'sub-' || i, 'sub-' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS / 1400)
INSERT INTO resource_keys (resource_key, source, resource_id, spelling) SELECT i + 1, 'bench', 'res-' || i, 'res-' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 29)
INSERT INTO usage_details (detail_key, unit, resource_group) SELECT i + 1, 'Hours', 'rg-' || i FROM n;
-- Rows in time order (as nightly loads append them): row i falls in month i * 12 / ROWS.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS - 1)
INSERT INTO usage_facts (usage_id, account_key, meter_key, usage_start, resource_key, usage_end, detail_key, quantity)
SELECT i + 1, i % 20 + 1, i % 200 + 1, unixepoch(printf('2026-%02d-%02dT00:00:00Z', i * 12 / $ROWS + 1, i % 28 + 1)), i / 1400 + 1,
       unixepoch(printf('2026-%02d-%02dT23:59:59Z', i * 12 / $ROWS + 1, i % 28 + 1)), i % 30 + 1, printf('%d.%03d', i % 97, i % 1000)
FROM n;
INSERT INTO charge_facts (usage_id, period, name_key, amount_micros, currency)
SELECT usage_id, strftime('%Y-%m', usage_start, 'unixepoch'), CASE WHEN usage_id % 51 = 0 THEN 51 ELSE usage_id % 50 + 1 END,
       (usage_id * 7919) % 5000000, 'USD'
FROM usage_facts;
INSERT INTO charge_scopes (source, account_id, meter_id, period, total_quantity, currency, cost_micros, bands, priced_at)
SELECT 'bench', a.account_id, m.meter_id, strftime('%Y-%m', f.usage_start, 'unixepoch'), '0', 'USD', 0, '[]', '2027-01-01T00:00:00Z'
FROM usage_facts f JOIN account_keys a ON a.account_key = f.account_key JOIN meter_keys m ON m.meter_key = f.meter_key
GROUP BY f.account_key, f.meter_key, strftime('%Y-%m', f.usage_start, 'unixepoch');
COMMIT;
PRAGMA journal_mode = WAL;
ANALYZE;
SQL
  echo "bench: generated in $(( $(date +%s) - start )) s, $(du -h "$DB" | cut -f1)" >&2
fi

# invoice_rollup as the Repricer writes it (see schema.sql), from the generated charges and usage.
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'invoice_rollup'")" = 0 ]; then
  sed -n '/^CREATE TABLE invoice_rollup (/,/^);/p; /^CREATE INDEX invoice_rollup_/p' schema.sql | sqlite3 "$DB"
fi
if [ "$(sqlite3 "$DB" 'SELECT count(*) FROM invoice_rollup')" = 0 ]; then
  echo "bench: summing the invoice rollup ..." >&2
  start=$(date +%s)
  sqlite3 "$DB" >/dev/null <<SQL
PRAGMA cache_size = -512000;
BEGIN;
INSERT INTO invoice_rollup (period, source, account_id, meter_id, unit, currency, cost_center_key, user_name,
                            customer_id, subscription_id, resource_group, quantity, amount_micros, records)
SELECT period, source, account_id, meter_id, unit, currency, cost_center_key, user_name, customer_id, subscription_id,
       resource_group,
       (thousandths / 1000) || CASE WHEN thousandths % 1000 = 0 THEN '' ELSE rtrim(printf('.%03d', thousandths % 1000), '0') END,
       amount_micros, records
FROM (SELECT c.period AS period, a.source AS source, a.spelling AS account_id, m.spelling AS meter_id, d.unit AS unit,
             c.currency AS currency, n.cost_center_key AS cost_center_key, d.user_name AS user_name,
             d.customer_id AS customer_id, d.subscription_id AS subscription_id, d.resource_group AS resource_group,
             sum(CAST(replace(f.quantity, '.', '') AS INTEGER)) AS thousandths, sum(c.amount_micros) AS amount_micros,
             count(*) AS records
      FROM charge_facts c JOIN usage_facts f ON f.usage_id = c.usage_id
      JOIN account_keys a ON a.account_key = f.account_key JOIN meter_keys m ON m.meter_key = f.meter_key
      JOIN usage_details d ON d.detail_key = f.detail_key JOIN cost_center_names n ON n.name_key = c.name_key
      -- Integer keys (the generated details differ in their resource group only, so a detail key is
      -- one combination of the rollup's dimensions).
      GROUP BY c.period, f.account_key, f.meter_key, f.detail_key, c.currency, n.cost_center_key);
COMMIT;
ANALYZE invoice_rollup;
SQL
  echo "bench: rollup of $(sqlite3 "$DB" 'SELECT count(*) FROM invoice_rollup') rows in $(( $(date +%s) - start )) s" >&2
fi

rows_in_period=$(sqlite3 "$DB" "SELECT records FROM charge_totals WHERE period = '$PERIOD'")
# The month's invoice from warehouse $1, RUNS times, each run's time printed after $2; the best in `best`.
best_of() {
  best=""
  for run in $(seq 1 "$RUNS"); do
    t0=$(date +%s.%N)
    "$BIN" invoice --db "$1" --period "$PERIOD" --format json >/dev/null
    t1=$(date +%s.%N)
    elapsed=$(echo "$t1 - $t0" | bc)
    echo "$2run $run: ${elapsed} s"
    if [ -z "$best" ] || [ "$(echo "$elapsed < $best" | bc)" = 1 ]; then best=$elapsed; fi
  done
}
best_of "$DB" ""
echo "invoice $PERIOD over $ROWS usage rows ($rows_in_period in the period): best ${best} s of $RUNS runs"
/usr/bin/time -f "one more run: %e s elapsed, %U s user, %S s system CPU" "$BIN" invoice --db "$DB" --period "$PERIOD" --format json >/dev/null
echo "rerun: $BIN invoice --db $DB --period $PERIOD --format json"

# PostgreSQL (issue 16): the same warehouse copied into a throwaway cluster, the same invoice.
[ "${PG:-0}" = 1 ] || exit 0
PGWORK=${PGWORK:-/tmp/warehouse-bench-invoice-pg}
rm -rf "$PGWORK"
trap 'scripts/pg-cluster.sh stop "$PGWORK" >/dev/null 2>&1 || true' EXIT
URL=$(scripts/pg-cluster.sh start "$PGWORK" | tail -1)
export PGPASSFILE=$PGWORK/pgpass
echo "bench: copying the warehouse into PostgreSQL ..." >&2
/usr/bin/time -f "copy: %e s elapsed, peak RSS %M KB" "$BIN" copy --from "$DB" --to "$URL" >/dev/null
best_of "$URL" "PostgreSQL "
same() { "$BIN" invoice --db "$1" --period "$PERIOD" --format json | sed 's/"last_refreshed": *"[^"]*"//'; }
cmp -s <(same "$DB") <(same "$URL") || { echo "bench: the PostgreSQL invoice differs from the file's" >&2; exit 1; }
echo "PostgreSQL: invoice $PERIOD over $ROWS usage rows: best ${best} s of $RUNS runs; the same invoice as the file's"
echo "rerun: PG=1 ROWS=$ROWS scripts/bench-invoice.sh"
