#!/usr/bin/env python3
"""The Python way, for scripts/bench-bulk.sh (issues 9 and 15): read Partner Center utilization
pages with orjson (the standard json module when orjson is not installed), flatten each record to
a usage row of the warehouse's own compact schema (version 5: integer keys from account_keys,
meter_keys, resource_keys and usage_details, cached in dicts; times as seconds since 1970; exact
quantity text), and upsert it with sqlite3's executemany into `usage_facts` by its natural key,
foreign keys on, one transaction. The database is made by `warehouse init`, so the tables,
indexes and constraints are the warehouse's, not an easier copy.

    bench_bulk_baseline.py upsert DB PAGE...         # the baseline; prints "records N parser NAME"
    bench_bulk_baseline.py csv OUT.csv DB PAGE...    # the same rows as CSV for sqlite3 .import into
                                                     # DB's usage_facts (DB's key tables filled here)

Quantities become text as Python writes the float the parser gives (orjson and json both read
JSON numbers as float); the warehouse keeps them exact. Pages are read one at a time.
"""
import csv
import sqlite3
import sys
from datetime import datetime

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

SOURCE = "partnercenter"
def upsert_sql(db):
    """The warehouse's own upsert by natural key: since schema version 7 the key ends with the
    charge kind (`charge_key`, 0 for usage like these), which a new row takes by default."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(usage_facts)")}
    key = "account_key, meter_key, usage_start, resource_key, usage_end, reported_start, reported_end"
    if "charge_key" in columns:
        key += ", charge_key"
    return (
        "INSERT INTO usage_facts (account_key, meter_key, usage_start, resource_key, usage_end, reported_start, reported_end, "
        "detail_key, quantity, cost, cost_currency, page_id) VALUES (?,?,?,?,?,?,?,?,?,NULL,NULL,NULL) "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        "detail_key = excluded.detail_key, quantity = excluded.quantity "
        "WHERE usage_facts.detail_key IS NOT excluded.detail_key OR usage_facts.quantity IS NOT excluded.quantity")


class Keys:
    """Dimension keys, looked up or inserted once and cached, as the warehouse does."""

    def __init__(self, db):
        self.db = db
        self.cache = {}
        self.seconds = {}

    def key(self, kind, ident):
        k = (kind, ident)
        found = self.cache.get(k)
        if found is None:
            canonical = ident.lower()
            row = self.db.execute(f"SELECT {kind}_key FROM {kind}_keys WHERE source = ? AND {kind}_id = ?",
                                  (SOURCE, canonical)).fetchone()
            if row is None:
                found = self.db.execute(f"INSERT INTO {kind}_keys (source, {kind}_id, spelling) VALUES (?, ?, ?)",
                                        (SOURCE, canonical, ident)).lastrowid
            else:
                found = row[0]
            self.cache[k] = found
        return found

    def detail(self, values):
        found = self.cache.get(values)
        if found is None:
            found = self.db.execute(
                "INSERT INTO usage_details (unit, customer_id, subscription_id, resource_group, user_name, location, tags) "
                "VALUES (?, ?, ?, ?, NULL, ?, ?)", values).lastrowid
            self.cache[values] = found
        return found

    def time(self, text):
        found = self.seconds.get(text)
        if found is None:
            found = int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
            self.seconds[text] = found
        return found


def rows(path, keys):
    with open(path, "rb") as f:
        page = load(f.read())
    uri = page["links"]["self"]["uri"]
    path_part, _, query = uri.partition("?")
    parts = path_part.split("/")
    customer, account = parts[1].lower(), parts[3].lower()
    params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
    window = (keys.time(params["start_time"]), keys.time(params["end_time"])) if "start_time" in params else (0, 0)
    account_key = keys.key("account", account)
    for item in page["items"]:
        inst = item.get("instanceData") or {}
        resource_uri = inst.get("resourceUri") or ""
        segments = resource_uri.split("/")
        group = segments[4] if len(segments) > 4 else None
        sub = segments[2].lower() if len(segments) > 2 else account
        detail = keys.detail((item.get("unit"), customer, sub, group, inst.get("location"), dump(inst.get("tags") or {})))
        yield (account_key, keys.key("meter", item["resource"]["id"]), keys.time(item["usageStartTime"]),
               keys.key("resource", resource_uri), keys.time(item["usageEndTime"]), window[0], window[1], detail,
               repr(item["quantity"]))


def connect(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def main():
    mode = sys.argv[1]
    if mode == "upsert":
        db = connect(sys.argv[2])
        keys = Keys(db)
        upsert = upsert_sql(db)
        db.execute("BEGIN")
        n = 0
        for path in sys.argv[3:]:
            batch = list(rows(path, keys))
            db.executemany(upsert, batch)
            n += len(batch)
        db.execute("COMMIT")
        print(f"records {n} parser {PARSER}")
    elif mode == "csv":
        db = connect(sys.argv[3])
        keys = Keys(db)
        # Schema version 7 adds charge_key (0: plain usage) and terms_key (NULL, written '' as the rest).
        extra = ("0", "") if "charge_key" in {row[1] for row in db.execute("PRAGMA table_info(usage_facts)")} else ()
        db.execute("BEGIN")
        usage_id = 0
        with open(sys.argv[2], "w", newline="") as out:
            w = csv.writer(out)
            for path in sys.argv[4:]:
                for row in rows(path, keys):
                    usage_id += 1
                    # usage_id, the key and values; cost, cost_currency and page_id empty.
                    w.writerow((usage_id,) + row + ("", "", "") + extra)
        db.execute("COMMIT")
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
