#!/usr/bin/env bash
# Installs what building and testing warehouse needs and the machine lacks: the C libraries'
# development packages (Debian/Ubuntu names) and, with --test, the Python tools some tests drive
# and Debian's PostgreSQL server (for the tests that start a cluster of their own).
# As root it installs them; otherwise it prints the exact command to run and exits 1.
set -euo pipefail

want_test_tools=0
[ "${1:-}" = "--test" ] && want_test_tools=1

packages=()
need() { # need PKGCONFIG_NAME DEBIAN_PACKAGE
  if ! pkg-config --exists "$1" 2>/dev/null; then packages+=("$2"); fi
}
command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
need sqlite3 libsqlite3-dev
need libcurl libcurl4-openssl-dev
need zlib zlib1g-dev
command -v sqlite3 >/dev/null 2>&1 || packages+=(sqlite3)
# The install test (scripts/test-install.sh) loads the zsh completion and builds a .deb.
if [ "$want_test_tools" -eq 1 ]; then
  command -v zsh >/dev/null 2>&1 || packages+=(zsh)
  command -v dpkg-deb >/dev/null 2>&1 || packages+=(dpkg)
  # The vendors' SDKs get a virtualenv of their own (scripts/sdk-requirements.txt).
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || packages+=(python3-venv)
  # The PostgreSQL tests (scripts/pg-cluster.sh) start a throwaway cluster of Debian's server.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
fi

if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "install-deps: installing ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "install-deps: missing system packages; run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "install-deps: no swift on PATH; install Swift 6.1 or later from swift.org first" >&2
  exit 1
fi

if [ "$want_test_tools" -eq 1 ] && [ -f scripts/test-requirements.txt ] && grep -qv '^\s*#' scripts/test-requirements.txt; then
  python3 -m pip install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
fi

# Esri's and Microsoft's SDKs for scripts/test-sdks.sh, in .build/sdk-venv (their pins clash with
# the test tools above). About 30 s on a clean machine; nothing when already installed.
if [ "$want_test_tools" -eq 1 ] && [ -f scripts/sdk-requirements.txt ]; then
  if [ ! -x .build/sdk-venv/bin/python ]; then python3 -m venv .build/sdk-venv; fi
  .build/sdk-venv/bin/python -m pip install --quiet --disable-pip-version-check -r scripts/sdk-requirements.txt
fi
