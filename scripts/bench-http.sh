#!/bin/sh
# Pulls 100,000 Partner Center utilization records from the loopback sandbox (50 ms latency a page)
# through the libcurl client: once sequentially, once with 4 subscriptions in parallel.
# Prints pages/s, records/s and peak RSS for each. Usage: scripts/bench-http.sh [debug|release]
set -eu
cd "$(dirname "$0")/.."
config="${1:-release}"
swift build -c "$config" --product bench-http
bin="$(swift build -c "$config" --show-bin-path)/bench-http"
"$bin" sequential
"$bin" concurrent 4
echo "rerun: scripts/bench-http.sh $config"
