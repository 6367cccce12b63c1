#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests (issue 16): `start DIR` runs initdb in DIR/data, starts
# the server on 127.0.0.1 on a free port and prints its URL (no password in it) on stdout; the
# password is in DIR/pgpass, owner-only, in libpq's format (PGPASSFILE=DIR/pgpass finds it).
# `stop DIR` stops it and removes DIR. The server refuses to run as root, so as root DIR is given
# to the `postgres` user and initdb/pg_ctl run through runuser.
# `start DIR ssl` also turns TLS on (ssl=on): a CA of its own in DIR/ca.crt signs the server's
# certificate (CN and SAN DNS:localhost, not the address, so sslmode=verify-full passes for
# `localhost` and fails for 127.0.0.1), DIR/other-ca.crt signed nothing, and the pass file has a
# localhost line too. `start DIR ssl-only` is that with every `host` line of pg_hba.conf made
# `hostssl`, so a connection without TLS is refused. Without a third argument nothing changes.
# https://www.postgresql.org/docs/15/app-initdb.html, https://www.postgresql.org/docs/15/app-pg-ctl.html,
# https://www.postgresql.org/docs/15/ssl-tcp.html, https://www.postgresql.org/docs/15/auth-pg-hba-conf.html
set -euo pipefail

usage() { echo "usage: scripts/pg-cluster.sh start DIR [ssl|ssl-only] | stop DIR" >&2; exit 64; }
[ $# -eq 2 ] || { [ $# -eq 3 ] && [ "$1" = start ] && { [ "$3" = ssl ] || [ "$3" = ssl-only ]; }; } || usage
action=$1
dir=$2
ssl=${3:-}

# Debian's server binaries (initdb and pg_ctl on PATH may be wrappers); PG_BIN overrides.
bin=${PG_BIN:-}
if [ -z "$bin" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$bin" ] || bin=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")
fi
if [ ! -x "$bin/pg_ctl" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg-cluster: no PostgreSQL server binaries (initdb, pg_ctl) found; run scripts/install-deps.sh --test" >&2
  exit 1
fi

as_server() { # runs a command as the user the server runs as
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# DIR/ca.crt (and the unused DIR/other-ca.crt), the server's key and certificate in its data
# directory (owner-only, as the server requires), a localhost line in the pass file, and with
# ssl-only, pg_hba.conf's `host` lines made `hostssl`. Everything runs as the server's user.
make_certificates() {
  local dir=$1 port=$2 password=$3
  local new=(req -x509 -nodes -newkey rsa:2048 -days 7)
  {
    as_server openssl "${new[@]}" -subj "/CN=warehouse test CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" &&
    as_server openssl "${new[@]}" -subj "/CN=warehouse other CA" -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" &&
    as_server openssl "${new[@]}" -subj "/CN=localhost" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
      -addext "subjectAltName=DNS:localhost" -addext "basicConstraints=critical,CA:FALSE" \
      -addext "extendedKeyUsage=serverAuth" -keyout "$dir/data/server.key" -out "$dir/data/server.crt"
  } 2> "$dir/openssl.log" || { echo "pg-cluster: openssl failed:" >&2; tail -5 "$dir/openssl.log" >&2; exit 1; }
  as_server chmod 600 "$dir/data/server.key"
  printf 'localhost:%s:*:postgres:%s\n' "$port" "$password" >> "$dir/pgpass"
  if [ "$ssl" = ssl-only ]; then
    as_server sed -i -E 's/^host([[:space:]])/hostssl\1/' "$dir/data/pg_hba.conf"
  fi
}

case "$action" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ ! -e "$dir/data" ] || { echo "pg-cluster: $dir/data exists; stop it first" >&2; exit 1; }
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  umask 077
  printf '%s\n' "$password" > "$dir/pwfile"
  printf '127.0.0.1:%s:*:postgres:%s\n' "$port" "$password" > "$dir/pgpass"
  chmod 600 "$dir/pgpass"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir" "$dir/pwfile"; chmod 700 "$dir"
    # The server user must reach DIR: a private parent (mktemp -d is 0700) gets o+x, search only.
    parent=$(dirname "$dir")
    runuser -u postgres -- test -x "$parent" || chmod o+x "$parent"
    runuser -u postgres -- test -x "$dir" || { echo "pg-cluster: the postgres user cannot reach $dir" >&2; exit 1; }
  fi
  as_server "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 --no-sync > "$dir/initdb.log" 2>&1 \
    || { echo "pg-cluster: initdb failed:" >&2; tail -5 "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  server_options=""
  if [ -n "$ssl" ]; then
    make_certificates "$dir" "$port" "$password"
    server_options=" -c ssl=on"
  fi
  # The server must not inherit a descriptor of whoever started us (a test runner's pipe would
  # then stay open, and its reader wait, as long as the server runs): keep only 0, 1 and 2 (and
  # 255, bash's own copy of this script, which it marks close-on-exec).
  for fd in $(ls /proc/$$/fd); do
    if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  # fsync off: the cluster lives for one test run, and it is thrown away if the machine stops.
  as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off$server_options" start \
    < /dev/null > "$dir/pg_ctl.log" 2>&1 \
    || { echo "pg-cluster: the server did not start:" >&2; tail -5 "$dir/server.log" >&2 2>/dev/null; exit 1; }
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  ;;
stop)
  [ -d "$dir" ] || exit 0
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) usage ;;
esac
