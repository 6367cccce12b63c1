#!/usr/bin/env bash
# make deb: builds .build/warehouse_VERSION_ARCH.deb with dpkg-deb from what `make dist` made:
# the static release binary, its man page and completions, the systemd units and the example
# configuration; postinst creates the `warehouse` system user and /var/lib/warehouse.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(.build/release/warehouse --version | cut -d' ' -f1)
ARCH=$(dpkg --print-architecture)
STAGE=.build/deb/warehouse_${VERSION}_${ARCH}
OUT=.build/warehouse_${VERSION}_${ARCH}.deb
rm -rf "$STAGE"
make --no-print-directory install DESTDIR="$PWD/$STAGE" PREFIX=/usr >/dev/null
# Debian's places: units under /lib/systemd/system, man pages compressed.
mkdir -p "$STAGE/lib/systemd"
mv "$STAGE/usr/lib/systemd/system" "$STAGE/lib/systemd/system"
rmdir -p "$STAGE/usr/lib/systemd" 2>/dev/null || true
gzip -9n "$STAGE/usr/share/man/man1/warehouse.1"
mkdir -p "$STAGE/DEBIAN"
# The three C libraries the binary links; everything Swift is inside it.
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: warehouse
Version: ${VERSION}
Architecture: ${ARCH}
Maintainer: warehouse developers <warehouse@localhost>
Depends: libsqlite3-0, libcurl4 | libcurl4t64, zlib1g
Section: admin
Priority: optional
Installed-Size: $(du -sk "$STAGE" | cut -f1)
Description: usage warehouse for ArcGIS Online credits and Azure consumption
 Pulls ArcGIS Online credit usage and Azure utilization every night, prices it
 (graduated tiers, credits at your price), splits it by cost center, user,
 customer or subscription, and prints invoices; one SQLite file open to SQL.
CONTROL
cat > "$STAGE/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if ! getent passwd warehouse >/dev/null; then
    adduser --system --group --home /var/lib/warehouse --no-create-home --quiet warehouse 2>/dev/null \
      || useradd --system --user-group --home-dir /var/lib/warehouse --shell /usr/sbin/nologin warehouse
  fi
  install -d -m 0750 -o warehouse -g warehouse /var/lib/warehouse
  install -d -m 0750 -o root -g warehouse /etc/warehouse
fi
exit 0
POSTINST
cat > "$STAGE/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
# The warehouse's data stays in /var/lib/warehouse even on purge: it is somebody's billing history.
if [ "$1" = purge ] && getent passwd warehouse >/dev/null; then
  deluser --quiet --system warehouse 2>/dev/null || userdel warehouse 2>/dev/null || true
fi
exit 0
POSTRM
chmod 0755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$STAGE" "$OUT" >/dev/null
echo "$OUT"
