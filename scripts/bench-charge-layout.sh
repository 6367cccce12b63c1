#!/usr/bin/env bash
# Where a usage row's charge should live (issue 15's open decision), measured on real rows:
#   scripts/bench-charge-layout.sh                  # 300 generated pages, 300,000 usage rows
#   DB=w.db scripts/bench-charge-layout.sh          # a warehouse you already have (copied, never changed)
#   PAGES=1000 RUNS=5 scripts/bench-charge-layout.sh
# From a warehouse made by `warehouse import` (so every usage row has its charge), each layout is
# given the same charges on a fresh copy of the file, in one transaction, foreign keys on, and the
# fastest of RUNS runs is kept:
#   0. for scale, the usage rows themselves written again into an empty `usage_facts` through the
#      loader's upsert (`UsageFactStore.upsertSQL`) in one INSERT … SELECT: with 1., the floor of
#      the SQLite work a fresh import must do, on one writing thread with nothing else to do;
#   1. today's: a row of `charge_facts` per usage row, through the writer's own upsert, its
#      `charge_totals` triggers firing (what `ChargeWriter` does);
#   2. the same without the triggers (what keeping `charge_totals` costs);
#   3. the alternative: the charge as three columns of `usage_facts` (name_key, amount_micros,
#      currency), set by an UPDATE of each usage row once it is priced, with one trigger keeping
#      `charge_totals` as today.
# It prints seconds, microseconds per charge, the ratio to layout 1 and bytes per usage row of the
# tables each layout keeps (usage and charges, every index), then the command to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${PAGES:-300}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/warehouse-bench-charge-layout}

command -v sqlite3 >/dev/null 2>&1 || { echo "bench-charge-layout: sqlite3 is missing (sudo apt-get install -y sqlite3)" >&2; exit 1; }
GIVEN=${DB:+DB=$DB }
rm -rf "$WORK"
mkdir -p "$WORK"
if [ -z "${DB:-}" ]; then
  if [ -z "${BIN:-}" ]; then
    echo "bench-charge-layout: building the release binary ..." >&2
    swift build -c release --product warehouse >/dev/null 2>&1 || { echo "bench-charge-layout: release build failed (run: swift build -c release --product warehouse)" >&2; exit 1; }
    BIN=.build/release/warehouse
  fi
  "$BIN" sandbox generate --pages "$PAGES" --out "$WORK/pages" --seed 42 >&2
  DB="$WORK/source.db"
  "$BIN" init --db "$DB" >/dev/null
  "$BIN" import "$WORK/pages/utilization-*.json" --kind pc-utilization --db "$DB" >/dev/null
fi
[ -f "$DB" ] || { echo "bench-charge-layout: $DB: no such file" >&2; exit 1; }
ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM charge_facts")
[ "$ROWS" -gt 0 ] || { echo "bench-charge-layout: $DB has no charges to measure" >&2; exit 1; }

# prepare N SQL: a fresh copy of the warehouse, its charges set aside in `saved` and removed, then
# SQL (the layout's own schema change), checkpointed so each run starts from the same file.
prepare() {
  rm -f "$WORK/$1.db" "$WORK/$1.db-wal" "$WORK/$1.db-shm"
  sqlite3 "$DB" ".backup '$WORK/$1.db'"
  sqlite3 "$WORK/$1.db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
CREATE TABLE saved AS SELECT * FROM charge_facts ORDER BY usage_id;
DELETE FROM charge_facts;
DELETE FROM charge_totals;
$2
VACUUM;
SQL
}

# measure N SQL: the fastest of RUNS runs of SQL (the charges written) on fresh copies, in seconds.
measure() {
  local best=""
  for _ in $(seq "$RUNS"); do
    prepare "$1" "$SETUP"
    local t
    t=$(sqlite3 "$WORK/$1.db" <<SQL | awk '/^Run Time/ {print $4}'
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
.timer on
BEGIN; $2 COMMIT;
SQL
)
    if [ -z "$best" ] || awk "BEGIN {exit !($t < $best)}"; then best=$t; fi
  done
  # The charges arrived whole: the totals kept by the triggers match the charges.
  local totals
  totals=$(sqlite3 "$WORK/$1.db" "SELECT coalesce(sum(records), 0) FROM charge_totals")
  echo "$best $totals"
}

bytes() { sqlite3 "$WORK/$1.db" "SELECT round(sum(pgsize) * 1.0 / $ROWS, 1) FROM dbstat WHERE name IN ($2)"; }

SETUP="CREATE TABLE saved_usage AS SELECT * FROM usage_facts ORDER BY usage_id; DELETE FROM usage_facts;"
read -r ZERO _ < <(measure usage "INSERT INTO usage_facts (usage_id, account_key, meter_key, usage_start, resource_key, usage_end,
    reported_start, reported_end, detail_key, quantity, cost, cost_currency, page_id, charge_key, terms_key)
  SELECT usage_id, account_key, meter_key, usage_start, resource_key, usage_end, reported_start, reported_end, detail_key,
    quantity, cost, cost_currency, page_id, charge_key, terms_key FROM saved_usage WHERE true
  ON CONFLICT (account_key, meter_key, usage_start, resource_key, usage_end, reported_start, reported_end, charge_key)
  DO UPDATE SET detail_key = excluded.detail_key, quantity = excluded.quantity, cost = excluded.cost,
    cost_currency = excluded.cost_currency, terms_key = excluded.terms_key, page_id = excluded.page_id
  WHERE usage_facts.detail_key IS NOT excluded.detail_key OR usage_facts.quantity IS NOT excluded.quantity
    OR usage_facts.cost IS NOT excluded.cost OR usage_facts.cost_currency IS NOT excluded.cost_currency
    OR usage_facts.terms_key IS NOT excluded.terms_key OR usage_facts.page_id IS NOT excluded.page_id;")
# The charges written back as `ChargeWriter.upsertCharges` writes them, in one statement.
CHARGES="INSERT INTO charge_facts (usage_id, period, name_key, amount_micros, currency)
  SELECT usage_id, period, name_key, amount_micros, currency FROM saved WHERE true
  ON CONFLICT (usage_id) DO UPDATE SET period = excluded.period, name_key = excluded.name_key,
    amount_micros = excluded.amount_micros, currency = excluded.currency;"
SETUP=""
read -r ONE ONE_N < <(measure rows "$CHARGES")
SETUP="DROP TRIGGER charge_facts_counted; DROP TRIGGER charge_facts_uncounted; DROP TRIGGER charge_facts_recounted;"
read -r TWO _ < <(measure bare "$CHARGES")
SETUP="DROP TABLE charge_facts;
ALTER TABLE usage_facts ADD COLUMN name_key INTEGER REFERENCES cost_center_names (name_key);
ALTER TABLE usage_facts ADD COLUMN amount_micros INTEGER;
ALTER TABLE usage_facts ADD COLUMN currency TEXT;
CREATE TRIGGER usage_charge_counted AFTER UPDATE OF name_key, amount_micros ON usage_facts
WHEN OLD.name_key IS NULL AND NEW.name_key IS NOT NULL
BEGIN
  INSERT INTO charge_totals (period, records, priced, amount_micros)
  VALUES (strftime('%Y-%m', NEW.usage_start, 'unixepoch'), 1, NEW.amount_micros IS NOT NULL, coalesce(NEW.amount_micros, 0))
  ON CONFLICT (period) DO UPDATE SET records = records + 1, priced = priced + (NEW.amount_micros IS NOT NULL),
    amount_micros = amount_micros + coalesce(NEW.amount_micros, 0);
END;"
read -r THREE THREE_N < <(measure columns "UPDATE usage_facts SET name_key = s.name_key, amount_micros = s.amount_micros,
  currency = s.currency FROM saved AS s WHERE s.usage_id = usage_facts.usage_id;")
[ "$ONE_N" = "$ROWS" ] && [ "$THREE_N" = "$ROWS" ] || {
  echo "bench-charge-layout: the totals count $ONE_N and $THREE_N charges, not $ROWS" >&2
  exit 1
}

USAGE="'usage_facts', 'sqlite_autoindex_usage_facts_1', 'usage_facts_by_window'"
per() { awk "BEGIN {printf \"%.2f\", $1 * 1000000 / $ROWS}"; }
ratio() { awk "BEGIN {printf \"%.2fx\", $1 / $ONE}"; }
printf '\n%-58s %8s %10s %9s %12s\n' "$ROWS charges, fastest of $RUNS" "seconds" "us/charge" "vs 1." "bytes/row"
printf '%-58s %8s %10s %9s %12s\n' "0. the usage rows through the loader's upsert" "$ZERO" "$(per "$ZERO")" "" "$(bytes usage "$USAGE")"
printf '%-58s %8s %10s %9s %12s\n' "1. a charge_facts row per usage row (today)" "$ONE" "$(per "$ONE")" "1.00x" "$(bytes rows "$USAGE, 'charge_facts'")"
printf '%-58s %8s %10s %9s %12s\n' "2. the same without the charge_totals triggers" "$TWO" "$(per "$TWO")" "$(ratio "$TWO")" "$(bytes bare "$USAGE, 'charge_facts'")"
printf '%-58s %8s %10s %9s %12s\n' "3. the charge as columns of usage_facts (UPDATE)" "$THREE" "$(per "$THREE")" "$(ratio "$THREE")" "$(bytes columns "$USAGE")"
echo
echo "The floor of a fresh import's SQLite writes (0. + 1.): $(per "$(awk "BEGIN {print $ZERO + $ONE}")") us a record."
echo "Rerun: ${GIVEN}PAGES=$PAGES RUNS=$RUNS scripts/bench-charge-layout.sh"
