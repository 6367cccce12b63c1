#!/usr/bin/env python3
"""Independent check of a warehouse's Azure usage against the API's reported windows.

Written from the documented contract (docs/contracts/reported-windows.md), not from the
warehouse's decoders: Partner Center's utilization API and Azure Commerce's UsageAggregates
answer by *reported* time, and every record reported in any window is usage that adds up
(late usage and negative adjustments included). So the usage of a (subscription, meter, usage
day) is the sum of the quantities of every record the API reports, over every reported day.

This script asks the API about each reported UTC day of [--from, --to) once per subscription
(following every continuation), sums the quantities per (subscription, meter, usage day), and
compares the sums with the warehouse's `usage` rows reported in the same days. Within one
day's answer a record repeated identically in every field counts once (the documented rule).
Standard library only. Retries throttling, server errors, "not ready", expired tokens and
broken bodies, as a careful client must.

Exit status: 0 when every sum equals the warehouse's exactly, 1 on any mismatch, 2 on error.

Example:
  check_reported_windows.py --url http://127.0.0.1:8080 --tenant T --client-id C \
      --client-secret S --from 2026-10-01 --to 2026-12-01 --db warehouse.db \
      [--azure-subscription ID ...] [--no-partner-center]
"""

import argparse
import datetime as dt
import http.client
import json
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

PARTNER_CENTER_RESOURCE = "https://api.partnercenter.microsoft.com"
MANAGEMENT_RESOURCE = "https://management.azure.com/"
COMMERCE_API_VERSION = "2015-06-01-preview"


class Client:
    """HTTP with AAD v1 client-credential tokens and patient retries."""

    def __init__(self, args):
        self.args = args
        self.tokens = {}
        self.requests = 0

    def token(self, resource, renew=False):
        if renew or resource not in self.tokens:
            url = f"{self.args.url}/{urllib.parse.quote(self.args.tenant)}/oauth2/token"
            form = urllib.parse.urlencode({
                "grant_type": "client_credentials", "client_id": self.args.client_id,
                "client_secret": self.args.client_secret, "resource": resource,
            }).encode()
            body = self.call(urllib.request.Request(url, data=form, method="POST"), None)
            self.tokens[resource] = body["access_token"]
        return self.tokens[resource]

    def get(self, url, resource, headers=None):
        return self.call(urllib.request.Request(url, headers=dict(headers or {})), resource)

    def call(self, request, resource):
        expired = False
        for attempt in range(60):
            if resource is not None:
                request.add_header("Authorization", "Bearer " + self.token(resource, renew=expired))
            request.add_header("Accept", "application/json")
            expired = False
            self.requests += 1
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status, data, retry = response.status, response.read(), response.headers.get("Retry-After")
            except urllib.error.HTTPError as error:
                status, data, retry = error.code, error.read(), error.headers.get("Retry-After")
            except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException):
                # HTTPException: IncompleteRead, a connection dropped mid-body (the truncated fault).
                status, data, retry = 0, b"", None
            if status == 200:
                try:
                    return json.loads(data.decode("utf-8-sig"), parse_float=Decimal, parse_int=Decimal)
                except ValueError:
                    pass  # cut off or not JSON: ask again
            elif status == 401:
                expired = True
            elif status not in (0, 202, 204, 429, 500, 502, 503, 504):
                raise SystemExit(f"error: {request.full_url}: HTTP {status}: {data[:300]!r}")
            time.sleep(min(2.0, _seconds(retry) if retry else 0.05 * (attempt + 1)))
        raise SystemExit(f"error: {request.full_url}: no answer after 60 tries")


def _seconds(retry_after):
    try:
        return float(retry_after)
    except ValueError:
        return 1.0  # an HTTP date: wait a little


def utc_day(text):
    """The UTC calendar day (YYYY-MM-DD) of an ISO 8601 time with an offset."""
    t = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).date().isoformat()


def iso(day):
    return day.isoformat() + "T00:00:00Z"


def days(start, end):
    day = start
    while day < end:
        yield day
        day += dt.timedelta(days=1)


def add_window(totals, records):
    """Adds one reported window's records: identical records count once, others add up."""
    seen = set()
    for key, quantity, identity in records:
        if identity in seen:
            continue
        seen.add(identity)
        totals[key] = totals.get(key, Decimal(0)) + quantity


def partner_center(client, args, totals):
    base = args.url + "/v1"
    customers, url, headers = [], base + "/customers?size=100", {}
    while url:
        page = client.get(url, PARTNER_CENTER_RESOURCE, headers)
        customers += [c["id"] for c in page.get("items", [])]
        url, headers = follow(base, page)
    subscriptions = []
    for customer in customers:
        page = client.get(f"{base}/customers/{customer}/subscriptions", PARTNER_CENTER_RESOURCE)
        subscriptions += [(customer, s["id"]) for s in page.get("items", []) if str(s.get("billingType", "")).lower() == "usage"]
    for customer, subscription in subscriptions:
        for day in days(args.start, args.end):
            query = urllib.parse.urlencode({
                "start_time": iso(day), "end_time": iso(day + dt.timedelta(days=1)),
                "granularity": "Daily", "show_details": "True", "size": "1000",
            })
            url, headers, records = f"{base}/customers/{customer}/subscriptions/{subscription}/utilizations/azure?{query}", {}, []
            while url:
                page = client.get(url, PARTNER_CENTER_RESOURCE, headers)
                for item in page.get("items", []):
                    key = (subscription.lower(), item["resource"]["id"].lower(), utc_day(item["usageStartTime"]))
                    records.append((key, Decimal(item["quantity"]), json.dumps(item, sort_keys=True, default=str)))
                url, headers = follow(base, page)
            add_window(totals, records)
    return len(subscriptions)


def follow(base, page):
    """Partner Center's `links.next`: GET {base}/{uri} with its headers sent back byte for byte."""
    link = (page.get("links") or {}).get("next")
    if not link:
        return None, {}
    uri = link["uri"].lstrip("/")
    if uri.startswith("v1/"):
        uri = uri[3:]
    return f"{base}/{uri}", {h["key"]: h["value"] for h in link.get("headers", [])}


def azure_commerce(client, args, totals):
    for subscription in args.azure_subscription:
        for day in days(args.start, args.end):
            query = urllib.parse.urlencode({
                "api-version": COMMERCE_API_VERSION, "reportedStartTime": iso(day),
                "reportedEndTime": iso(day + dt.timedelta(days=1)), "aggregationGranularity": "Daily", "showDetails": "true",
            })
            url = f"{args.url}/subscriptions/{subscription}/providers/Microsoft.Commerce/UsageAggregates?{query}"
            records = []
            while url:
                page = client.get(url, MANAGEMENT_RESOURCE)
                for item in page.get("value", []):
                    p = item["properties"]
                    key = (str(p.get("subscriptionId") or subscription).lower(), p["meterId"].lower(), utc_day(p["usageStartTime"]))
                    records.append((key, Decimal(p["quantity"]), json.dumps(item, sort_keys=True, default=str)))
                url = page.get("nextLink") or None
            add_window(totals, records)


def warehouse(args):
    """The warehouse's usage reported in [start, end), summed per (account, meter, usage day)."""
    db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT lower(account_id), lower(meter_id), substr(usage_start, 1, 10), quantity FROM usage"
        " WHERE reported_start >= ? AND reported_start < ?",
        (iso(args.start), iso(args.end)),
    )
    totals = {}
    for account, meter, day, quantity in rows:
        key = (account, meter, day)
        totals[key] = totals.get(key, Decimal(0)) + Decimal(quantity)
    db.close()
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the sandbox (or API) base URL, e.g. http://127.0.0.1:8080")
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--from", dest="start", required=True, type=dt.date.fromisoformat, help="first reported day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, type=dt.date.fromisoformat, help="reported day after the last, YYYY-MM-DD")
    parser.add_argument("--db", required=True, help="the warehouse SQLite file")
    parser.add_argument("--azure-subscription", action="append", default=[], help="a direct (UsageAggregates) subscription")
    parser.add_argument("--no-partner-center", action="store_true", help="do not read Partner Center utilization")
    args = parser.parse_args()
    client = Client(args)
    expected = {}
    subscriptions = 0 if args.no_partner_center else partner_center(client, args, expected)
    azure_commerce(client, args, expected)
    actual = warehouse(args)
    mismatches = 0
    for key in sorted(set(expected) | set(actual)):
        want, have = expected.get(key, Decimal(0)), actual.get(key, Decimal(0))
        if want != have:
            mismatches += 1
            if mismatches <= 20:
                print(f"mismatch {key[0]} meter {key[1]} usage day {key[2]}: API {want}, warehouse {have}")
    total = sum(expected.values(), Decimal(0))
    print(
        f"{len(expected)} (subscription, meter, usage day) sums over reported days {args.start}..{args.end - dt.timedelta(days=1)}"
        f" ({subscriptions} Partner Center and {len(args.azure_subscription)} Azure Commerce subscriptions, {client.requests} requests),"
        f" total {total}: {mismatches} mismatches"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
