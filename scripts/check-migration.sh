#!/usr/bin/env bash
# Invoices across a schema migration (issue 15), against a build of an older release:
#   scripts/check-migration.sh OLD_WAREHOUSE_BINARY [NEW_WAREHOUSE_BINARY]
# e.g. build the commit before schema version 5 into /tmp/old (git worktree add /tmp/old 3cd4c27 &&
# (cd /tmp/old && swift build -c release --product warehouse)), then
#   scripts/check-migration.sh /tmp/old/.build/release/warehouse
# The old binary makes the demo warehouse and one warehouse per contract sample, in its own schema;
# this build migrates a copy of each (`warehouse init`), and every invoice (each period, each
# grouping, JSON and CSV) must come out byte for byte as the old binary printed it. Then the new
# build makes the same warehouses itself, from nothing, and they must print the same invoices too.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$(realpath "${1:?usage: check-migration.sh OLD_BINARY [NEW_BINARY]}")
NEW=$(realpath "${2:-.build/release/warehouse}")
SAMPLES=${SAMPLES:-../shared/contracts/samples}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
compared=0

# invoices BIN DB OUT: every invoice of every period with charges, by every grouping, JSON and CSV.
invoices() {
  local bin=$1 db=$2 out=$3
  mkdir -p "$out"
  for period in $(sqlite3 "$db" "SELECT DISTINCT period FROM charges ORDER BY 1"); do
    for group in costCenter user customer subscription meter; do
      for format in json csv; do
        "$bin" invoice --db "$db" --period "$period" --group "$group" --format "$format" >"$out/$period.$group.$format" 2>/dev/null || true
      done
    done
  done
}

# same NAME A B [LOOSE]: the two folders of invoices are identical (with LOOSE, but for the
# `last_refreshed` time, which says when the charges were priced: a warehouse made anew is priced
# at another second).
same() {
  local name=$1 a=$2 b=$3 n
  n=$(find "$a" -type f | wc -l)
  if [ -n "${4:-}" ]; then
    find "$a" "$b" -type f -exec sed -i '/"last_refreshed"/d' {} +
  fi
  if diff -r "$a" "$b" >/dev/null; then
    echo "check-migration: $name: $n invoices identical"
    compared=$((compared + n))
  else
    echo "check-migration: $name: invoices differ:" >&2
    diff -rq "$a" "$b" >&2 || true
    failures=$((failures + 1))
  fi
}

# check NAME SETUP...: SETUP (a command with BIN and DB placeholders) run by the old binary, then
# migrated by the new one; and run by the new binary from nothing.
check() {
  local name=$1
  shift
  local dir="$WORK/$name"
  mkdir -p "$dir"
  "$@" "$OLD" "$dir/old.db" >/dev/null 2>&1
  cp "$dir/old.db" "$dir/migrated.db"
  "$NEW" init --db "$dir/migrated.db" >/dev/null
  invoices "$OLD" "$dir/old.db" "$dir/old"
  invoices "$NEW" "$dir/migrated.db" "$dir/migrated"
  same "$name (migrated)" "$dir/old" "$dir/migrated"
  "$@" "$NEW" "$dir/new.db" >/dev/null 2>&1
  invoices "$NEW" "$dir/new.db" "$dir/new"
  same "$name (made anew)" "$dir/old" "$dir/new" loose
}

demo() { "$1" demo --db "$2"; }
# sample KIND FILE [KIND FILE]... BIN DB: the files imported in order into a new warehouse. A KIND
# may carry the options its file needs, after a colon ("azure-usage:--reported-day=2015-03-02").
sample() {
  local args=("$@") n=$#
  local bin=${args[n - 2]} db=${args[n - 1]} i kind options
  "$bin" init --db "$db"
  for ((i = 0; i < n - 2; i += 2)); do
    kind=${args[i]%%:*}
    options=()
    [ "$kind" != "${args[i]}" ] && read -r -a options <<<"${args[i]#*:}"
    "$bin" import "${args[i + 1]}" --kind "$kind" "${options[@]}" --db "$db"
  done
}

check demo demo
PC=$SAMPLES/partnercenter
for file in "$PC"/GetAzureUtilization.json "$PC"/GetUtilizationRecords.json; do
  check "pc-$(basename "$file" .json)" sample pc-ratecard "$PC/GetAzureRateCard.json" pc-utilization "$file"
done
check azure-UsageAggregates sample azure-ratecard "$SAMPLES/azure/RateCard-spec-example.json" \
  "azure-usage:--reported-day=2015-03-02" "$SAMPLES/azure/UsageAggregates-spec-example.json"
check agol-usage sample "agol-usage:--org=org1" "$SAMPLES/agol/usage-docstring-example.json"
echo "check-migration: $compared invoices compared, $failures warehouses differ"
[ "$failures" -eq 0 ]
