#!/usr/bin/env bash
# Bulk import benchmark (issues 9 and 15), one command from a clean clone:
#   scripts/bench-bulk.sh                 # 1,000 pages = 1 million utilization records
#   PAGES=10000 scripts/bench-bulk.sh     # 10 million
#   PAGES=100 scripts/bench-bulk.sh       # a quick run
# On the same generated pages (`warehouse sandbox generate`), it measures:
#   1. `warehouse import` into an empty warehouse, pricing included: records/s, peak RSS, file size;
#   2. the same import again (idempotent): records/s, and that no row of any table changed
#      (a checksum of every fact, charge and rollup table before and after must match);
#   3. the Python way: orjson (else json) + sqlite3 executemany upserts into the warehouse's own
#      compact schema (a file made by `warehouse init`: the same tables, keys and indexes);
#   4. sqlite3's own `.import` of the same rows, flattened to CSV, into that same usage table;
# then bytes per usage row (facts, charges, rollup and every index; raw pages apart), and prints a
# table, the ratios against the issue's targets and the command to rerun; then the decoders alone
# on 100 pages (bench-decode). Builds the release binaries itself.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${PAGES:-1000}
WORK=${WORK:-/tmp/warehouse-bench-bulk}
SEED=${SEED:-42}

for tool in sqlite3 python3 /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "bench-bulk: $tool is missing; run scripts/install-deps.sh (or: sudo apt-get install -y sqlite3 python3 time)" >&2
    exit 1
  }
done
# BIN=path measures a binary built elsewhere (another commit's, say) and builds nothing.
if [ -z "${BIN:-}" ]; then
  echo "bench-bulk: building the release binary (several minutes the first time) ..." >&2
  for product in warehouse bench-decode; do
    swift build -c release --product "$product" >/dev/null 2>&1 || { echo "bench-bulk: release build failed (run: swift build -c release --product $product)" >&2; exit 1; }
  done
  BIN=.build/release/warehouse
fi
DECODE_BIN=$(dirname "$BIN")/bench-decode

rm -rf "$WORK"
mkdir -p "$WORK/pages"
"$BIN" sandbox generate --pages "$PAGES" --out "$WORK/pages" --seed "$SEED" >&2
RECORDS=$((PAGES * 1000))
PAGE_FILES=("$WORK"/pages/utilization-*.json)
# The import is given the quoted pattern, which it expands itself: the argument parser reads 10,000
# arguments in time that grows with the square of their number. A build before that gets the list.
if "$BIN" import --help 2>/dev/null | grep "is expanded here" >/dev/null; then
  IMPORT_FILES=("$WORK/pages/utilization-*.json")
else
  IMPORT_FILES=("${PAGE_FILES[@]}")
fi
JSON_MB=$(du -sm "$WORK/pages" | cut -f1)

# run NAME CMD...: wall seconds and peak RSS (KiB) of one command, into $NAME.time.
run() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || {
    echo "bench-bulk: $name failed:" >&2
    tail -5 "$WORK/$name.err" >&2
    exit 1
  }
}
seconds() { cut -d' ' -f1 "$WORK/$1.time"; }
rss_mb() { echo "scale=1; $(cut -d' ' -f2 "$WORK/$1.time") / 1024" | bc; }
# CPU seconds (user + system, both threads): what a shared machine's load does not stretch.
cpu() { echo "$(cut -d' ' -f3 "$WORK/$1.time") + $(cut -d' ' -f4 "$WORK/$1.time")" | bc; }
rate() { echo "$RECORDS / $(seconds "$1")" | bc; }
size_mb() { echo "scale=1; $(stat -c %s "$1") / 1048576" | bc; }
# Every table an import writes but the run log (etl_runs grows by design), row by row.
checksum() {
  for table in usage meters resources customers subscriptions raw_pages charges charge_scopes cost_centers invoice_rollup; do
    sqlite3 "$1" "SELECT * FROM $table ORDER BY 1, 2"
  done | sha256sum | cut -c1-16
}

DB="$WORK/warehouse.db"
"$BIN" init --db "$DB" >/dev/null
echo "bench-bulk: 1. warehouse import of $RECORDS records ($JSON_MB MB of JSON) into an empty warehouse ..." >&2
run fresh "$BIN" import "${IMPORT_FILES[@]}" --kind pc-utilization --db "$DB"
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM usage")
[ "$ROWS" = "$RECORDS" ] || { echo "bench-bulk: expected $RECORDS usage rows, found $ROWS" >&2; exit 1; }
BEFORE=$(checksum "$DB")
DB_MB=$(size_mb "$DB")

echo "bench-bulk: 2. the same import again ..." >&2
run again "$BIN" import "${IMPORT_FILES[@]}" --kind pc-utilization --db "$DB"
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
AFTER=$(checksum "$DB")
[ "$BEFORE" = "$AFTER" ] || { echo "bench-bulk: the re-import changed rows (checksum $BEFORE, then $AFTER)" >&2; exit 1; }

echo "bench-bulk: 3. the Python way, into the same schema ..." >&2
PYDB="$WORK/python.db"
"$BIN" init --db "$PYDB" >/dev/null
run python python3 scripts/bench_bulk_baseline.py upsert "$PYDB" "${PAGE_FILES[@]}"
PARSER=$(sed -n 's/.*parser //p' "$WORK/python.out")
sqlite3 "$PYDB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
PYROWS=$(sqlite3 "$PYDB" "SELECT count(*) FROM usage_facts")
[ "$PYROWS" = "$ROWS" ] || { echo "bench-bulk: the Python baseline wrote $PYROWS rows, the warehouse $ROWS" >&2; exit 1; }

echo "bench-bulk: 4. sqlite3 .import of the rows as CSV into the same usage table ..." >&2
CSVDB="$WORK/import.db"
"$BIN" init --db "$CSVDB" >/dev/null
python3 scripts/bench_bulk_baseline.py csv "$WORK/rows.csv" "$CSVDB" "${PAGE_FILES[@]}"
# The CSV has no NULL: cost, cost_currency and page_id come in as '' (the same size on disk), which
# their CHECK would refuse; sqlite3's shell leaves foreign keys off.
printf 'PRAGMA ignore_check_constraints = ON;\n.mode csv\nBEGIN;\n.import %s usage_facts\nCOMMIT;\n' "$WORK/rows.csv" >"$WORK/import.sql"
run csv sqlite3 "$CSVDB" ".read $WORK/import.sql"

# Bytes per usage row of everything that grows with usage (raw pages apart).
FACT_TABLES="'usage_facts', 'sqlite_autoindex_usage_facts_1', 'usage_facts_by_window', 'charge_facts', 'charge_totals',
  'invoice_rollup', 'invoice_rollup_by_scope', 'charge_scopes', 'sqlite_autoindex_charge_scopes_1', 'account_keys', 'resource_keys',
  'meter_keys', 'usage_details', 'usage_details_by_value', 'sqlite_autoindex_account_keys_1', 'sqlite_autoindex_resource_keys_1',
  'sqlite_autoindex_meter_keys_1', 'cost_center_names', 'sqlite_autoindex_cost_center_names_1', 'pending_scopes',
  'charge_kinds', 'sqlite_autoindex_charge_kinds_1', 'charge_terms', 'charge_terms_by_value'"
per_row() { sqlite3 "$1" "SELECT round(sum(pgsize) * 1.0 / $ROWS, 1) FROM dbstat WHERE name IN ($2)"; }
BYTES=$(per_row "$DB" "$FACT_TABLES")
USAGE_BYTES=$(per_row "$DB" "'usage_facts', 'sqlite_autoindex_usage_facts_1', 'usage_facts_by_window'")
RAW_BYTES=$(per_row "$DB" "'raw_pages', 'sqlite_autoindex_raw_pages_1'")
BREAKDOWN=$(sqlite3 "$DB" "SELECT name || ' ' || round(sum(pgsize) * 1.0 / $ROWS, 1) FROM dbstat WHERE name IN ($FACT_TABLES) GROUP BY name HAVING sum(pgsize) > 8192 ORDER BY sum(pgsize) DESC" | paste -sd, | sed 's/,/, /g')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
printf '\n%-44s %10s %8s %10s %12s %10s\n' "on $RECORDS records, $JSON_MB MB of JSON" "seconds" "CPU s" "records/s" "peak RSS MB" "file MB"
printf '%-44s %10s %8s %10s %12s %10s\n' "1. warehouse import, empty warehouse" "$(seconds fresh)" "$(cpu fresh)" "$(rate fresh)" "$(rss_mb fresh)" "$DB_MB"
printf '%-44s %10s %8s %10s %12s %10s\n' "2. warehouse import again (no row changed)" "$(seconds again)" "$(cpu again)" "$(rate again)" "$(rss_mb again)" "$(size_mb "$DB")"
printf '%-44s %10s %8s %10s %12s %10s\n' "3. Python: $PARSER + sqlite3 executemany" "$(seconds python)" "$(cpu python)" "$(rate python)" "$(rss_mb python)" "$(size_mb "$PYDB")"
printf '%-44s %10s %8s %10s %12s %10s\n' "4. sqlite3 .import of the rows as CSV" "$(seconds csv)" "$(cpu csv)" "$(rate csv)" "$(rss_mb csv)" "$(size_mb "$CSVDB")"
echo
ratio() { echo "scale=2; $(seconds "$1") / $(seconds "$2")" | bc; }
echo "warehouse / Python on the same schema: $(ratio python fresh)x the speed (target >= 3x)"
echo "warehouse / sqlite3 .import:           $(ratio csv fresh)x the speed (target >= 0.8x)"
cpu_ratio() { echo "scale=2; $(cpu "$1") / $(cpu "$2")" | bc; }
echo "the same by CPU seconds (user + system): $(cpu_ratio python fresh)x Python, $(cpu_ratio csv fresh)x .import"
echo "identical re-import:                   $(rate again) records/s (target >= 1,000,000)"
echo "bytes per usage row: $BYTES (target <= 150): usage facts and their indexes $USAGE_BYTES; raw pages (zlib) $RAW_BYTES apart"
echo "  by table and index: $BREAKDOWN"
echo "peak RSS: fresh $(rss_mb fresh) MB, again $(rss_mb again) MB (target <= 150 MB)"
echo "load average during the run: $LOAD (2 cores)"
echo
if [ -x "$DECODE_BIN" ]; then "$DECODE_BIN" 100; echo; fi
echo "rerun: PAGES=$PAGES scripts/bench-bulk.sh"
