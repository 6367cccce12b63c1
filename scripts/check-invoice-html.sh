#!/usr/bin/env bash
# Renders an HTML invoice with headless Chromium, as a screenshot and printed to PDF, and checks
# both: the page loads with no network request, the screenshot is not blank, the PDF has pages and
# (when pdftotext is installed) holds every group and total. Leaves invoice.html, invoice.png and
# invoice.pdf in OUT (default /tmp/warehouse-invoice-html) to look at.
#   scripts/check-invoice-html.sh            (as root it installs chromium if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/warehouse-invoice-html}
mkdir -p "$OUT"
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
  if [ "$(id -u)" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; CHROME=$(command -v chromium)
  else echo "check-invoice-html: chromium is missing (apt-get install -y chromium)" >&2; exit 1; fi
fi
swift build --product warehouse >/dev/null
BIN=$(swift build --show-bin-path)/warehouse
DB="$OUT/invoice.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" init --db "$DB" >/dev/null
sqlite3 "$DB" <<'SQL'
INSERT INTO cost_centers VALUES ('planning', 'Planning'), ('operations', 'Operations'), ('gis & mapping', 'GIS & Mapping <HQ>'),
  ('research', 'Research'), ('unassigned', 'Unassigned');
INSERT INTO meters (source, meter_id, name, unit) VALUES
  ('csp', 'vm', 'D2 v3 VM', 'Hours'), ('csp', 'lrs', 'LRS Data Stored', 'GB'), ('csp', 'odd', 'Mystery meter', 'Units'),
  ('agol', 'geocode.svcusg', 'Geocoding', 'credits');
INSERT INTO raw_pages (page_id, source, stream, kind, request, fetched_at, content_sha256, byte_count, body) VALUES
  (1, 'csp', 'utilization', 'json', 'x', '2026-11-01T02:00:00Z', '0000000000000000000000000000000000000000000000000000000000000000', 2, x'7b7d');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO usage (usage_id, source, account_id, resource_id, meter_id, usage_start, usage_end, quantity)
SELECT i, CASE WHEN i % 4 = 3 THEN 'agol' ELSE 'csp' END, 'sub-' || (i % 2), 'r' || i,
       CASE i % 4 WHEN 0 THEN 'vm' WHEN 1 THEN 'lrs' WHEN 2 THEN 'odd' ELSE 'geocode.svcusg' END,
       printf('2026-10-%02dT00:00:00Z', i % 28 + 1), printf('2026-10-%02dT23:59:59Z', i % 28 + 1), printf('%d.5', i)
FROM n;
INSERT INTO charges (usage_id, period, cost_center_key, amount_micros, currency) SELECT usage_id, '2026-10',
  CASE usage_id % 5 WHEN 0 THEN 'planning' WHEN 1 THEN 'operations' WHEN 2 THEN 'gis & mapping' WHEN 3 THEN 'research' ELSE 'unassigned' END,
  CASE WHEN meter_id = 'odd' THEN NULL ELSE usage_id * 123457 END,
  CASE WHEN meter_id = 'odd' THEN NULL WHEN source = 'agol' THEN 'EUR' ELSE 'USD' END
FROM usage;
SQL
"$BIN" invoice --db "$DB" --period 2026-10 --format html --tiers --output "$OUT/invoice.html" 2>/dev/null
"$BIN" invoice --db "$DB" --period 2026-10 --format json > "$OUT/invoice.json" 2>/dev/null

# No network: refuse every host, and log what the page would have fetched.
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --host-resolver-rules="MAP * ~NOTFOUND"
       --no-first-run --disable-extensions --run-all-compositor-stages-before-draw)
"$CHROME" "${flags[@]}" --window-size=1200,1600 --screenshot="$OUT/invoice.png" "file://$OUT/invoice.html" >/dev/null 2>&1
"$CHROME" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$OUT/invoice.pdf" "file://$OUT/invoice.html" >/dev/null 2>&1

fail() { echo "check-invoice-html: $*" >&2; exit 1; }
[ -s "$OUT/invoice.png" ] || fail "no screenshot"
[ -s "$OUT/invoice.pdf" ] || fail "no PDF"
head -c 5 "$OUT/invoice.pdf" | grep -q '%PDF-' || fail "the PDF is not a PDF"
grep -Eqi 'https?:|@import|src=|<link|<script' "$OUT/invoice.html" && fail "the page references something external"
# A blank page compresses to almost nothing; an invoice with a chart and tables does not.
[ "$(stat -c %s "$OUT/invoice.png")" -gt 20000 ] || fail "the screenshot looks blank"
python3 - "$OUT/invoice.png" <<'PY' || fail "the screenshot has almost no dark pixels (blank page?)"
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
# Decode the PNG's IDAT stream (8-bit RGB/RGBA, no interlace) and count non-white bytes.
pos, chunks, width = 8, b'', 0
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    if kind == b'IHDR': width, height, depth, color = struct.unpack('>IIBB', data[pos + 8:pos + 18])
    if kind == b'IDAT': chunks += data[pos + 8:pos + 8 + length]
    pos += 12 + length
raw = zlib.decompress(chunks)
dark = sum(1 for b in raw[::7] if b < 128)
sys.exit(0 if dark > 1000 else 1)
PY
if command -v pdftotext >/dev/null; then
  pdftotext -layout "$OUT/invoice.pdf" "$OUT/invoice.txt"
  python3 - "$OUT/invoice.json" "$OUT/invoice.txt" <<'PY' || fail "the PDF lacks a group or a total"
import json, sys
doc, text = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
for inv in doc["invoices"]:
    assert inv["total"] in text, inv["total"]
    for g in inv["groups"]:
        assert g["subtotal"] in text, g["subtotal"]
PY
fi
pages=$(command -v pdfinfo >/dev/null && pdfinfo "$OUT/invoice.pdf" | awk '/^Pages:/ {print $2}' || echo "?")
command -v pdftoppm >/dev/null && pdftoppm -png -r 60 -f 1 -l 1 "$OUT/invoice.pdf" "$OUT/invoice-pdf-page"
echo "check-invoice-html: ok ($OUT/invoice.png, $OUT/invoice.pdf, $pages page(s))"
