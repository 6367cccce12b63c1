#!/usr/bin/env python3
"""The Python way, for scripts/bench-bulk.sh (issue 9): read Partner Center utilization pages
with orjson (the standard json module when orjson is not installed), flatten each record to a
usage row, and upsert it with sqlite3's executemany into a table equivalent to the warehouse's
`usage` (same columns, natural key, NOCASE collations and indexes; the implicit rowid stands for
usage_id), one transaction.

    bench_bulk_baseline.py upsert DB PAGE...   # the baseline; prints "records N parser NAME"
    bench_bulk_baseline.py csv OUT.csv PAGE... # the same rows flattened to CSV, for sqlite3 .import
    bench_bulk_baseline.py schema              # the equivalent table's DDL (for the .import ceiling)

Quantities become text as Python writes the float the parser gives (orjson and json both read
JSON numbers as float); the warehouse keeps them exact. Pages are read one at a time.
"""
import csv
import sys

try:
    import orjson

    PARSER = "orjson"

    def load(raw):
        return orjson.loads(raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw)

    def dump(obj):
        return orjson.dumps(obj).decode()
except ImportError:
    import json

    PARSER = "json"

    def load(raw):
        return json.loads(raw.decode("utf-8-sig"))

    def dump(obj):
        return json.dumps(obj, separators=(",", ":"))

SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    source          TEXT NOT NULL,
    account_id      TEXT NOT NULL COLLATE NOCASE,
    resource_id     TEXT NOT NULL COLLATE NOCASE,
    meter_id        TEXT NOT NULL COLLATE NOCASE,
    usage_start     TEXT NOT NULL,
    usage_end       TEXT NOT NULL,
    quantity        TEXT NOT NULL,
    unit            TEXT,
    customer_id     TEXT COLLATE NOCASE,
    subscription_id TEXT COLLATE NOCASE,
    resource_group  TEXT COLLATE NOCASE,
    location        TEXT,
    tags            TEXT NOT NULL DEFAULT '{}',
    UNIQUE (source, account_id, resource_id, meter_id, usage_start, usage_end)
);
CREATE INDEX IF NOT EXISTS usage_by_scope ON usage (source, account_id, meter_id, usage_start);
CREATE INDEX IF NOT EXISTS usage_by_start ON usage (usage_start);
"""
COLUMNS = ("source, account_id, resource_id, meter_id, usage_start, usage_end, quantity, unit, customer_id, "
           "subscription_id, resource_group, location, tags")
UPSERT = (f"INSERT INTO usage ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
          "ON CONFLICT (source, account_id, resource_id, meter_id, usage_start, usage_end) DO UPDATE SET "
          "quantity = excluded.quantity, unit = excluded.unit, customer_id = excluded.customer_id, "
          "subscription_id = excluded.subscription_id, resource_group = excluded.resource_group, "
          "location = excluded.location, tags = excluded.tags "
          "WHERE usage.quantity IS NOT excluded.quantity OR usage.tags IS NOT excluded.tags")


def utc(text):
    """'2025-01-01T00:00:00+00:00' as the warehouse writes it."""
    return text[:19] + "Z" if text.endswith("+00:00") else text


def rows(path):
    with open(path, "rb") as f:
        page = load(f.read())
    uri = page["links"]["self"]["uri"].split("?")[0].split("/")
    customer, account = uri[1].lower(), uri[3].lower()
    for item in page["items"]:
        inst = item.get("instanceData") or {}
        resource_uri = inst.get("resourceUri") or ""
        parts = resource_uri.split("/")
        group = parts[4] if len(parts) > 4 else None
        sub = parts[2].lower() if len(parts) > 2 else account
        yield ("pc", account, resource_uri, item["resource"]["id"].lower(), utc(item["usageStartTime"]),
               utc(item["usageEndTime"]), repr(item["quantity"]), item.get("unit"), customer, sub, group,
               inst.get("location"), dump(inst.get("tags") or {}))


def main():
    mode = sys.argv[1]
    if mode == "schema":
        print(SCHEMA)
    elif mode == "upsert":
        import sqlite3
        db = sqlite3.connect(sys.argv[2], isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript(SCHEMA)
        db.execute("BEGIN")
        n = 0
        for path in sys.argv[3:]:
            batch = list(rows(path))
            db.executemany(UPSERT, batch)
            n += len(batch)
        db.execute("COMMIT")
        print(f"records {n} parser {PARSER}")
    elif mode == "csv":
        with open(sys.argv[2], "w", newline="") as out:
            w = csv.writer(out)
            for path in sys.argv[3:]:
                w.writerows(rows(path))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
