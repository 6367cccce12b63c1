#!/usr/bin/env bash
# The vendors' own SDKs against `warehouse sandbox` over HTTPS: Microsoft's azure-mgmt-commerce
# (Tests/SDK/test_azure_commerce.py) and Esri's arcgis (Tests/SDK/test_arcgis.py), unchanged, no
# proxy, trusting the sandbox's CA through REQUESTS_CA_BUNDLE. Their figures are compared with
# what `warehouse etl` loads from the same sandbox (over plain HTTP). `make test` runs it; the
# SDKs come from scripts/sdk-requirements.txt, in .build/sdk-venv (scripts/install-deps.sh --test).
#   scripts/test-sdks.sh [azure|arcgis|all]     (default all; WAREHOUSE_BIN=path to the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
bin=${WAREHOUSE_BIN:-.build/debug/warehouse}
python=${SDK_PYTHON:-.build/sdk-venv/bin/python}
[ -x "$bin" ] || { echo "test-sdks: $bin is not built (swift build)" >&2; exit 1; }
[ -x "$python" ] || { echo "test-sdks: no $python; run scripts/install-deps.sh --test" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP_SDK_WORK:-}" ]; then echo "test-sdks: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# start NAME ARGS...: a sandbox on free ports; sets NAME_http, NAME_https.
start() {
  local name=$1; shift
  "$bin" sandbox --port 0 --tls-port 0 --ca-file "$work/ca-$name.pem" "$@" >"$work/$name.banner" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 100); do
    grep -q 'https://' "$work/$name.banner" 2>/dev/null && grep -q 'Stop with Ctrl-C' "$work/$name.banner" && break
    sleep 0.1
  done
  local http https
  http=$(sed -n 's|^warehouse sandbox listening on \(http://[0-9.:]*\).*|\1|p' "$work/$name.banner")
  https=$(sed -n 's|^ *and on \(https://[0-9.:]*\) .*|\1|p' "$work/$name.banner")
  [ -n "$http" ] && [ -n "$https" ] || { echo "test-sdks: sandbox $name did not start" >&2; cat "$work/$name.err" >&2; exit 1; }
  printf -v "${name}_http" '%s' "$http"
  printf -v "${name}_https" '%s' "$https"
}

start clean --seed 42
start faulty --seed 42 --faults throttle,server-error,truncated --fault-rate 40
start notready --seed 42 --faults not-ready --fault-rate 100
# Every sandbox signs with its own CA: one bundle trusts them all.
cat "$work"/ca-*.pem >"$work/ca-bundle.pem"

subscriptions=$(awk '/^Direct subscriptions/ {on=1; next} on && /^  [0-9A-Fa-f-]+$/ {print $1; next} on {exit}' "$work/clean.banner" | paste -sd, -)
until_day=$(date -u +%Y-%m-%d)
since_day=$(date -u -d "$(date -u +%Y-%m-01) -3 months" +%Y-%m-%d)

cat >"$work/secrets" <<SECRETS
SANDBOX_CLIENT_SECRET=sandbox-client-secret-0001
SANDBOX_AGOL_PASSWORD=sandbox-arcgis-password-0001
SECRETS
chmod 600 "$work/secrets"
cat >"$work/warehouse.yaml" <<YAML
currency: USD
pricing:
  credit_price: "0.10"
cost_centers:
  rules:
    - {user_tag: costCenter, cost_center: "\$value"}
secrets_file: $work/secrets
sources:
  - name: sandbox-azure
    kind: azure
    url: $clean_http
    authority_url: $clean_http
    tenant: sandbox.onmicrosoft.com
    client_id: 00000000-5a4d-4b0c-8000-000000000001
    client_secret_env: SANDBOX_CLIENT_SECRET
    subscriptions: [$subscriptions]
  - name: sandbox-agol
    kind: arcgis
    url: $clean_http/sharing/rest
    username: sandbox_admin
    password_env: SANDBOX_AGOL_PASSWORD
YAML
"$bin" init --db "$work/warehouse.db" >/dev/null
NO_PROXY=127.0.0.1,localhost "$bin" etl --config "$work/warehouse.yaml" --db "$work/warehouse.db" --since "$since_day" >"$work/etl.out" 2>&1 \
  || { echo "test-sdks: warehouse etl failed" >&2; cat "$work/etl.out" >&2; exit 1; }

export REQUESTS_CA_BUNDLE="$work/ca-bundle.pem" SSL_CERT_FILE="$work/ca-bundle.pem" NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
export SANDBOX_HTTPS=$clean_https SANDBOX_FAULTY_HTTPS=$faulty_https SANDBOX_NOTREADY_HTTPS=$notready_https
export SANDBOX_SUBSCRIPTIONS=$subscriptions SANDBOX_DB="$work/warehouse.db" SANDBOX_SINCE=$since_day SANDBOX_UNTIL=$until_day
export SANDBOX_WAREHOUSE_BIN=$bin SANDBOX_CONFIG="$work/warehouse.yaml"
status=0
if [ "$which" = all ] || [ "$which" = azure ]; then "$python" Tests/SDK/test_azure_commerce.py || status=1; fi
if [ "$which" = all ] || [ "$which" = arcgis ]; then
  "$python" Tests/SDK/test_arcgis.py || status=1
  # The seed notebook's workflow, last: it allocates credits, which changes the budgets.
  if "$python" examples/credit_budgets.py --allocate 200; then echo "examples/credit_budgets.py: 1 passed, 0 failed"
  else echo "examples/credit_budgets.py: 0 passed, 1 failed"; status=1; fi
fi
exit $status
