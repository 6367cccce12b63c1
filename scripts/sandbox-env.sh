# Sourced by scripts/crash-test.sh and scripts/soak.sh, in their work directory, with BIN set.
#   start_sandbox OPTION...          `warehouse sandbox --port 0 OPTION...` in the background:
#                                    sets SANDBOX (its pid) and URL, exports its credentials
#   write_config BACKFILL LOCK_WAIT  warehouse.yaml: its Partner Center and ArcGIS Online sources
#                                    from day BACKFILL, credit price 0.10, cost centers by tag
start_sandbox() {
  export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
  "$BIN" sandbox --port 0 "$@" > sandbox.out 2>&1 &
  SANDBOX=$!
  for _ in $(seq 100); do grep -q 'listening on' sandbox.out 2>/dev/null && break; sleep 0.1; done
  URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' sandbox.out | head -1)
  [[ -n $URL ]] || { echo "the sandbox did not start: $(cat sandbox.out)" >&2; exit 1; }
  export SANDBOX_CLIENT_SECRET=sandbox-client-secret-0001 SANDBOX_AGOL_PASSWORD=sandbox-arcgis-password-0001
}

write_config() {
  cat > warehouse.yaml <<YAML
pricing: {credit_price: "0.10"}
cost_centers:
  rules: [{user_tag: costCenter, cost_center: "\$value"}]
lock_wait_seconds: $2
sources:
  - {name: sandbox-csp, kind: partnercenter, url: $URL/v1, authority_url: $URL, tenant: sandbox.onmicrosoft.com,
     client_id: 00000000-5a4d-4b0c-8000-000000000001, client_secret_env: SANDBOX_CLIENT_SECRET, backfill_from: $1}
  - {name: sandbox-agol, kind: arcgis, url: $URL/sharing/rest, username: sandbox_admin, password_env: SANDBOX_AGOL_PASSWORD,
     backfill_from: $1}
YAML
}
