#!/usr/bin/env bash
# PostgreSQL load benchmark (issue 16), one command from a clean clone:
#   scripts/bench-postgres.sh               # 100 pages = 100,000 utilization records
#   PAGES=1000 scripts/bench-postgres.sh    # the issue's 1 million (long: see the README's figures)
# On the same generated pages (`warehouse sandbox generate`), split into 4 sources of equal size:
#   1. SQLite: `warehouse import` of the 4 sources one after another into a file;
#   2. PostgreSQL, one worker: the same 4 imports one after another into a database;
#   3. PostgreSQL, 4 workers: the 4 imports at once, one process per source, into another database;
# then a month's invoice from each, checks that the three invoices are the same, and prints
# records/s, the ratios against SQLite and the command to rerun. The PostgreSQL server is a
# throwaway cluster (scripts/pg-cluster.sh). BIN=path measures a binary built elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
PAGES=${PAGES:-100}
WORK=${WORK:-/tmp/warehouse-bench-postgres}
SCRIPTS=$PWD/scripts
for tool in psql python3 /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench-postgres: $tool is missing; run scripts/install-deps.sh --test" >&2; exit 1; }
done
if [ -z "${BIN:-}" ]; then
  echo "bench-postgres: building the release binary (several minutes the first time) ..." >&2
  swift build -c release --product warehouse >/dev/null 2>&1 || { echo "bench-postgres: release build failed" >&2; exit 1; }
  BIN=.build/release/warehouse
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

rm -rf "$WORK"
mkdir -p "$WORK/pages"
trap '"$SCRIPTS/pg-cluster.sh" stop "$WORK/pg" >/dev/null 2>&1 || true' EXIT
"$BIN" sandbox generate --pages "$PAGES" --out "$WORK/pages" --seed 42 >&2
for w in 1 2 3 4; do mkdir -p "$WORK/w$w"; done
i=0
for page in "$WORK"/pages/utilization-*.json; do mv "$page" "$WORK/w$((i % 4 + 1))/"; i=$((i + 1)); done
RECORDS=$((PAGES * 1000))
BASE=$("$SCRIPTS/pg-cluster.sh" start "$WORK/pg" | tail -1)
export PGPASSFILE=$WORK/pg/pgpass
PORT=${BASE##*:}; PORT=${PORT%%/*}
database() { psql -qh 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE $1" >/dev/null; echo "${BASE%/*}/$1"; }
ONE=$(database one)
FOUR=$(database four)

load() { "$BIN" import "$WORK/w$2/utilization-*.json" --kind pc-utilization --source "w$2" --db "$1" >/dev/null; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
now() { date +%s.%N; }

echo "bench-postgres: $RECORDS records in 4 sources; 1. SQLite ..." >&2
"$BIN" init --db "$WORK/w.db" >/dev/null
t0=$(now); for w in 1 2 3 4; do load "$WORK/w.db" $w; done; t1=$(now)
echo "bench-postgres: 2. PostgreSQL, one worker ..." >&2
"$BIN" init --db "$ONE" >/dev/null
t2=$(now); for w in 1 2 3 4; do load "$ONE" $w; done; t3=$(now)
echo "bench-postgres: 3. PostgreSQL, four workers at once ..." >&2
"$BIN" init --db "$FOUR" >/dev/null
t4=$(now); for w in 1 2 3 4; do load "$FOUR" $w & done; wait; t5=$(now)

PERIOD=$("$BIN" sql --db "$WORK/w.db" --format csv "SELECT max(period) FROM charge_scopes" | tail -1 | tr -d '\r')
invoice() {
  local start
  start=$(now)
  "$BIN" invoice --db "$1" --period "$PERIOD" --group customer --format json | sed 's/"last_refreshed": *"[^"]*"//' > "$WORK/$2.json"
  seconds "$start" "$(now)"
}
I1=$(invoice "$WORK/w.db" sqlite); I2=$(invoice "$ONE" one); I3=$(invoice "$FOUR" four)
cmp -s "$WORK/sqlite.json" "$WORK/one.json" && cmp -s "$WORK/sqlite.json" "$WORK/four.json" \
  || { echo "bench-postgres: the invoices differ (see $WORK/*.json)" >&2; exit 1; }

S=$(seconds "$t0" "$t1"); P1=$(seconds "$t2" "$t3"); P4=$(seconds "$t4" "$t5")
rate() { python3 -c "import sys; print(int($RECORDS / float(sys.argv[1])))" "$1"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[2]) / float(sys.argv[1]):.2f}')" "$1" "$2"; }
echo
printf '%-36s %10s %12s %14s %14s\n' "load of $RECORDS records" "seconds" "records/s" "vs SQLite" "invoice $PERIOD s"
printf '%-36s %10s %12s %14s %14s\n' "SQLite file, 1 process" "$S" "$(rate "$S")" "1.00x" "$I1"
printf '%-36s %10s %12s %14s %14s\n' "PostgreSQL, 1 worker" "$P1" "$(rate "$P1")" "$(ratio "$P1" "$S")x" "$I2"
printf '%-36s %10s %12s %14s %14s\n' "PostgreSQL, 4 workers at once" "$P4" "$(rate "$P4")" "$(ratio "$P4" "$S")x" "$I3"
echo "4 workers / 1 worker: $(ratio "$P4" "$P1")x; the three invoices are identical"
echo "rerun: PAGES=$PAGES scripts/bench-postgres.sh"
