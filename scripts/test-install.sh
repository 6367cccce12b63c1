#!/usr/bin/env bash
# The install test of `make test` (README, "Installing on a server"): builds the static release
# binary, installs it into a temporary DESTDIR and checks, printing one line per check and
# "install: N passed, N failed" at the end (exit 1 on any failure):
#   - every file `make install` promises is there, and `make uninstall` removes them;
#   - the binary needs no library from the Swift toolchain (ldd), and runs `--version` and the whole
#     `warehouse demo` with the toolchain's directory hidden (a mount namespace, as root);
#   - `man -l` renders the page; the bash and zsh completions parse and complete subcommands;
#   - `systemd-analyze verify` accepts the units (skipped where systemd is absent);
#   - `make deb` builds a package whose info and contents are right; `dpkg -i` puts a working
#     `warehouse` on the PATH and `dpkg -r` removes it (as root, where dpkg is).
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0 failed=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >/tmp/warehouse-install-check.log 2>&1; then
    echo "ok    $name"; passed=$((passed + 1))
  else
    echo "FAIL  $name"; sed 's/^/      /' /tmp/warehouse-install-check.log | tail -20; failed=$((failed + 1))
  fi
}
skip() { echo "skip  $1 ($2)"; }

ROOT=$(mktemp -d /tmp/warehouse-install.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
DEST=$ROOT/dest
echo "install: building the release binary and installing into $DEST (several minutes the first time) ..."
if ! make --no-print-directory install DESTDIR="$DEST" PREFIX=/usr/local >"$ROOT/make.log" 2>&1; then
  tail -30 "$ROOT/make.log"; echo "install: 0 passed, 1 failed"; exit 1
fi
BIN=$DEST/usr/local/bin/warehouse
TOOLCHAIN=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")

files_present() {
  for f in bin/warehouse share/man/man1/warehouse.1 share/bash-completion/completions/warehouse share/zsh/site-functions/_warehouse \
    share/fish/vendor_completions.d/warehouse.fish lib/systemd/system/warehouse-etl.service lib/systemd/system/warehouse-etl.timer \
    share/doc/warehouse/examples/warehouse.yaml; do
    [ -s "$DEST/usr/local/$f" ] || { echo "missing $f"; return 1; }
  done
}
check "make install puts the binary, man page, completions, units and example in place" files_present
check "the binary is executable" test -x "$BIN"
no_toolchain_libraries() { ! ldd "$BIN" | grep -F "$TOOLCHAIN"; ! ldd "$BIN" | grep -E 'libswift|libFoundation|libdispatch'; }
check "ldd shows no library from the Swift toolchain ($TOOLCHAIN)" no_toolchain_libraries
version_names_commit() { "$BIN" --version | grep -E "^[0-9]+\.[0-9]+\.[0-9]+ \(commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)\)$"; }
check "--version says the release and the commit it was built from" version_names_commit

hidden() { # runs "$@" with the toolchain's directory replaced by an empty one
  unshare --mount sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$ROOT/empty" "$TOOLCHAIN" "$@"
}
mkdir -p "$ROOT/empty" "$ROOT/demo"
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && hidden true 2>/dev/null; then
  check "with the toolchain hidden: swift is gone" hidden sh -c "test ! -e '$TOOLCHAIN/bin/swift'"
  check "with the toolchain hidden: --version runs" hidden "$BIN" --version
  demo_hidden() {
    (cd "$ROOT/demo" && hidden env -i PATH=/usr/bin:/bin HOME="$ROOT" "$BIN" demo --db "$ROOT/demo/demo.db") >"$ROOT/demo.out" || return 1
    grep "Invoice for" "$ROOT/demo.out"
  }
  check "with the toolchain hidden: warehouse demo completes and prints an invoice" demo_hidden
else
  skip "runs with the toolchain hidden" "needs root and unshare"
  demo_plain() {
    (cd "$ROOT/demo" && env -i PATH=/usr/bin:/bin HOME="$ROOT" "$BIN" demo --db "$ROOT/demo/demo.db") >"$ROOT/demo.out" || return 1
    grep "Invoice for" "$ROOT/demo.out"
  }
  check "warehouse demo completes with an empty environment" demo_plain
fi
etl_check() { # the example, with its secrets file in a temporary place: valid as shipped
  local secrets=$ROOT/secrets
  printf 'PC_CLIENT_SECRET=example\nAGOL_PASSWORD=example\n' >"$secrets" && chmod 600 "$secrets"
  sed "s|/etc/warehouse/secrets|$secrets|" "$DEST/usr/local/share/doc/warehouse/examples/warehouse.yaml" >"$ROOT/warehouse.yaml"
  "$BIN" etl --check --config "$ROOT/warehouse.yaml" --db "$ROOT/none.db" | grep "ok; 3 source(s) would run" || return 1
  [ ! -e "$ROOT/none.db" ] && rm "$secrets" && ! "$BIN" etl --check --config "$ROOT/warehouse.yaml" --db "$ROOT/none.db"
}
check "etl --check accepts the example configuration with its secrets, refuses it without, touches nothing" etl_check

man_renders() { MANWIDTH=80 man -l "$DEST/usr/local/share/man/man1/warehouse.1" | grep "warehouse etl"; }
if command -v man >/dev/null; then check "man -l renders the page" man_renders; else skip "man -l" "no man"; fi
check "bash completion parses" bash -n "$DEST/usr/local/share/bash-completion/completions/warehouse"
bash_completes() {
  bash -c 'source "$1"; COMP_WORDS=(warehouse e); COMP_CWORD=1; COMP_LINE="warehouse e"; COMP_POINT=${#COMP_LINE}; _warehouse warehouse e warehouse; printf "%s\n" "${COMPREPLY[@]}"' \
    sh "$DEST/usr/local/share/bash-completion/completions/warehouse" | grep -x etl
}
check "bash completion completes 'warehouse e' to etl" bash_completes
if command -v zsh >/dev/null; then
  check "zsh completion parses" zsh -n "$DEST/usr/local/share/zsh/site-functions/_warehouse"
  zsh_lists() { grep "'etl:" "$DEST/usr/local/share/zsh/site-functions/_warehouse"; }
  check "zsh completion lists the subcommands" zsh_lists
else
  skip "zsh completion" "no zsh"
fi
if command -v fish >/dev/null; then check "fish completion parses" fish -n "$DEST/usr/local/share/fish/vendor_completions.d/warehouse.fish"; fi

units_verify() {
  systemd-analyze verify --root="$DEST" "$DEST/usr/local/lib/systemd/system/warehouse-etl.service" "$DEST/usr/local/lib/systemd/system/warehouse-etl.timer" 2>&1 \
    | grep -v -e "is not a valid user" -e "No such file or directory" -e "Failed to determine user" -e "^$" | tee /dev/stderr | grep . && return 1
  return 0
}
if command -v systemd-analyze >/dev/null; then check "systemd-analyze verify accepts the units" units_verify; else skip "systemd-analyze verify" "no systemd"; fi

uninstalled() { make --no-print-directory uninstall DESTDIR="$DEST" PREFIX=/usr/local >/dev/null && [ -z "$(find "$DEST" -type f)" ]; }
check "make uninstall removes every installed file" uninstalled

if command -v dpkg-deb >/dev/null; then
  DEB=$(make --no-print-directory deb 2>"$ROOT/deb.log" | tail -1)
  deb_info() { dpkg-deb --info "$DEB" | grep "Depends: libsqlite3-0, libcurl4 | libcurl4t64, zlib1g"; }
  check "make deb builds a package declaring its three libraries" deb_info
  deb_contents() {
    local listing; listing=$(dpkg-deb --contents "$DEB")
    for f in ./usr/bin/warehouse ./usr/share/man/man1/warehouse.1.gz ./usr/share/bash-completion/completions/warehouse \
      ./usr/share/zsh/site-functions/_warehouse ./lib/systemd/system/warehouse-etl.service ./lib/systemd/system/warehouse-etl.timer \
      ./usr/share/doc/warehouse/examples/warehouse.yaml; do
      grep " $f\$" <<<"$listing" || { echo "not in the package: $f"; return 1; }
    done
  }
  check "the package holds the binary, man page, completions, units and example" deb_contents
  if [ "$(id -u)" -eq 0 ] && ! dpkg-query -W -f='${Status}' warehouse 2>/dev/null | grep "ok installed" >/dev/null; then
    deb_installs() { dpkg -i "$DEB" && /usr/bin/warehouse --version && getent passwd warehouse && [ -d /var/lib/warehouse ]; }
    check "dpkg -i puts warehouse on the PATH and creates its user" deb_installs
    deb_removes() { dpkg -r warehouse && [ ! -e /usr/bin/warehouse ] && dpkg --purge warehouse && ! getent passwd warehouse; }
    check "dpkg -r removes it (and --purge its user; the data directory stays)" deb_removes
  else
    skip "dpkg -i / dpkg -r" "needs root, and no warehouse package installed already"
  fi
else
  skip "make deb" "no dpkg-deb"
fi

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
