"""Microsoft's azure-mgmt-commerce SDK, unchanged, against `warehouse sandbox` over HTTPS.

Run by scripts/test-sdks.sh, which starts the sandboxes, loads a warehouse with `warehouse etl`
from the clean one, and passes (environment):
  SANDBOX_HTTPS           https://127.0.0.1:PORT of the clean sandbox
  SANDBOX_FAULTY_HTTPS    one serving throttle, server-error and truncated faults
  SANDBOX_NOTREADY_HTTPS  one answering every usage request 202 (not ready) on its first tries
  SANDBOX_SUBSCRIPTIONS   the direct (Azure Commerce) subscription ids, comma-separated
  SANDBOX_DB              the warehouse `warehouse etl` loaded from the clean sandbox
  SANDBOX_SINCE, SANDBOX_UNTIL   the reported window the etl read (YYYY-MM-DD, end exclusive)
  REQUESTS_CA_BUNDLE      the sandboxes' CA (written by `warehouse sandbox --ca-file`)
The figures the SDK reads must equal what the warehouse loaded, to the last decimal.
"""

import datetime as dt
import json
import os
import sqlite3
import sys
import time
import unittest
from collections import defaultdict
from decimal import Decimal

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.core.rest import HttpRequest
from azure.identity import ClientSecretCredential
from azure.mgmt.commerce import UsageManagementClient
from azure.mgmt.commerce.models import ErrorObjectResponse, MonetaryCommitment

TENANT = "sandbox.onmicrosoft.com"
CLIENT_ID = "00000000-5a4d-4b0c-8000-000000000001"
CLIENT_SECRET = "sandbox-client-secret-0001"  # a sandbox-only value
FILTER = "OfferDurableId eq 'MS-AZR-0003P' and Currency eq 'USD' and Locale eq 'en-US' and RegionInfo eq 'US'"


def env(name):
    return os.environ[name]


def day(text):
    return dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)


def exact(value):
    # The SDK types quantity as float; repr gives back the decimal text the wire carried.
    return Decimal(repr(value))


def credential(base, secret=CLIENT_SECRET):
    """azure-identity's own credential, with the sandbox as its authority (MSAL reads the tenant's
    OpenID configuration there; there is no instance discovery to do for a host of one's own)."""
    return ClientSecretCredential(TENANT, CLIENT_ID, secret, authority=base, disable_instance_discovery=True)


def client(base, subscription, **kwargs):
    return UsageManagementClient(credential(base), subscription, base_url=base, **kwargs)


def warehouse(sql, *params):
    with sqlite3.connect(f"file:{env('SANDBOX_DB')}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


def warehouse_usage():
    """(subscription, meter, usage day) -> quantity, as `warehouse etl` loaded it."""
    totals = defaultdict(Decimal)
    for sub, meter, start, quantity in warehouse(
            "SELECT subscription_id, meter_id, usage_start, quantity FROM usage WHERE source = 'sandbox-azure'"):
        totals[(sub.lower(), meter.lower(), start[:10])] += Decimal(quantity)
    return totals


def identity(record):
    return (record.subscription_id.lower(), record.meter_id.lower(), record.instance_data, record.usage_start_time,
            record.usage_end_time, exact(record.quantity))


def add(totals, records):
    """Adds one reported window's records to `totals` by (subscription, meter, usage day). A record
    repeated identically within one answer is one record, as the warehouse counts it
    (docs/contracts/reported-windows.md, "Identical records")."""
    for record in {identity(r): r for r in records}.values():
        totals[(record.subscription_id.lower(), record.meter_id.lower(), record.usage_start_time.strftime("%Y-%m-%d"))] += exact(record.quantity)


def sdk_usage(base, sub, start, end, **kwargs):
    """What the SDK reads, reported day by reported day as `warehouse etl` asks, summed by
    (subscription, meter, usage day)."""
    totals = defaultdict(Decimal)
    usage = client(base, sub).usage_aggregates
    while start < end:
        add(totals, usage.list(start, start + dt.timedelta(days=1), **kwargs))
        start += dt.timedelta(days=1)
    return totals


class UsageAggregates(unittest.TestCase):
    maxDiff = None
    subs = env("SANDBOX_SUBSCRIPTIONS").split(",")
    since, until = day(env("SANDBOX_SINCE")), day(env("SANDBOX_UNTIL"))

    def test_three_months_equal_the_warehouse(self):
        self.assertGreaterEqual((self.until - self.since).days, 89)
        expected = warehouse_usage()
        got = defaultdict(Decimal)
        for sub in self.subs:
            for key, value in sdk_usage(env("SANDBOX_HTTPS"), sub, self.since, self.until).items():
                got[key] += value
        self.assertTrue(expected, "the warehouse holds no Azure usage")
        self.assertEqual(dict(got), dict(expected))

    def test_three_months_in_one_window_page_through_every_record_once(self):
        usage = client(env("SANDBOX_HTTPS"), self.subs[0]).usage_aggregates
        pages = [list(page) for page in usage.list(self.since, self.until).by_page()]
        self.assertGreater(len(pages), 1, "nextLink paging")
        paged = sorted(map(identity, (r for page in pages for r in page)))
        daily, start = [], self.since
        while start < self.until:
            daily += map(identity, usage.list(start, start + dt.timedelta(days=1)))
            start += dt.timedelta(days=1)
        self.assertEqual(paged, sorted(daily))

    def test_hourly_granularity_adds_up_to_the_days(self):
        start = self.until - dt.timedelta(days=1)
        usage = client(env("SANDBOX_HTTPS"), self.subs[0]).usage_aggregates
        daily = list(usage.list(start, self.until))
        records = list(usage.list(start, self.until, aggregation_granularity="Hourly"))
        self.assertEqual(len(records), 24 * len(daily))
        self.assertTrue(all((r.usage_end_time - r.usage_start_time) == dt.timedelta(hours=1) for r in records))
        self.assertTrue(all(r.name.startswith("Hourly_BRSDT_") for r in records))
        by_instance = defaultdict(Decimal)
        for r in daily:
            by_instance[(r.meter_id, r.instance_data, r.usage_start_time)] += exact(r.quantity)
        hourly = defaultdict(Decimal)
        for r in records:
            day_start = r.usage_start_time.replace(hour=0)
            hourly[(r.meter_id, r.instance_data, day_start)] += exact(r.quantity)
        self.assertEqual(dict(hourly), dict(by_instance))

    def test_show_details_false_aggregates_instances(self):
        start = self.until - dt.timedelta(days=1)
        detailed = list(client(env("SANDBOX_HTTPS"), self.subs[0]).usage_aggregates.list(start, self.until, show_details=True))
        summed = list(client(env("SANDBOX_HTTPS"), self.subs[0]).usage_aggregates.list(start, self.until, show_details=False))
        keys = [(r.meter_id, r.usage_start_time, r.usage_end_time) for r in summed]
        self.assertEqual(len(keys), len(set(keys)), "one line per meter and bucket")
        self.assertLess(len(summed), len(detailed))
        self.assertTrue(all(r.instance_data is None for r in summed))
        self.assertTrue(all(r.instance_data for r in detailed))
        by_key = defaultdict(Decimal)
        for r in {identity(r): r for r in detailed}.values():  # one reported day: identical records once
            by_key[(r.meter_id, r.usage_start_time, r.usage_end_time)] += exact(r.quantity)
        self.assertEqual({k: exact(r.quantity) for k, r in zip(keys, summed)}, dict(by_key))

    def test_throttling_server_errors_and_dropped_connections_are_survived(self):
        start = self.until - dt.timedelta(days=14)
        clean = sdk_usage(env("SANDBOX_HTTPS"), self.subs[0], start, self.until)
        faulty = sdk_usage(env("SANDBOX_FAULTY_HTTPS"), self.subs[0], start, self.until)
        self.assertEqual(dict(faulty), dict(clean))

    def test_not_ready_is_202_with_the_documented_error_body(self):
        base, sub = env("SANDBOX_NOTREADY_HTTPS"), self.subs[0]
        usage = client(base, sub)
        url = (f"{base}/subscriptions/{sub}/providers/Microsoft.Commerce/UsageAggregates?api-version=2015-06-01-preview"
               f"&reportedStartTime={env('SANDBOX_SINCE')}T00:00:00Z&reportedEndTime={env('SANDBOX_UNTIL')}T00:00:00Z")
        response = usage._send_request(HttpRequest("GET", url))
        self.assertEqual(response.status_code, 202)
        self.assertEqual(response.headers.get("Retry-After"), "1")
        error = ErrorObjectResponse.deserialize(response.json()).error
        self.assertTrue(error.code and error.message)
        # azure-mgmt-commerce 6.0.1 accepts 202 and then reads the error body as a page: it has
        # no `value`, and the SDK fails on it (TypeError) rather than waiting (an SDK limitation).
        with self.assertRaises(TypeError):
            list(usage.usage_aggregates.list(day(env("SANDBOX_SINCE")), day(env("SANDBOX_UNTIL"))))

    def test_errors_map_to_the_sdks_exceptions(self):
        base = env("SANDBOX_HTTPS")
        with self.assertRaises(ResourceNotFoundError) as missing:
            list(client(base, "11111111-2222-3333-4444-555555555555").usage_aggregates.list(self.since, self.until))
        self.assertEqual(missing.exception.error.code, "SubscriptionNotFound")
        with self.assertRaises(HttpResponseError) as bad:
            client(base, self.subs[0]).rate_card.get("OfferDurableId eq 'MS-AZR-0003P' and Currency eq 'USD'")
        self.assertEqual(bad.exception.status_code, 400)
        self.assertEqual(bad.exception.error.code, "InvalidFilterInQueryString")
        with self.assertRaises(ClientAuthenticationError):
            UsageManagementClient(credential(base, secret="not-the-secret"), self.subs[0], base_url=base).rate_card.get(FILTER)


class RateCard(unittest.TestCase):
    def test_offer_terms_and_tiers_equal_the_warehouse(self):
        card = client(env("SANDBOX_HTTPS"), env("SANDBOX_SUBSCRIPTIONS").split(",")[0]).rate_card.get(FILTER)
        self.assertEqual(card.currency, "USD")
        terms = card.offer_terms
        self.assertEqual(len(terms), 1)
        self.assertIsInstance(terms[0], MonetaryCommitment)
        (name, discount, excluded), = warehouse("SELECT name, discount, excluded_meter_ids FROM offer_terms WHERE source = 'sandbox-azure'")
        self.assertEqual(name, terms[0].name)
        lowest = min(terms[0].tiered_discount, key=Decimal)
        self.assertEqual(Decimal(discount), exact(terms[0].tiered_discount[lowest]) / 100)
        self.assertEqual(sorted(json.loads(excluded)), sorted(terms[0].excluded_meter_ids))
        rates = defaultdict(dict)
        for meter, tier, price in warehouse("SELECT meter_id, tier_min, unit_price FROM rates WHERE source = 'sandbox-azure'"):
            rates[meter.lower()][Decimal(tier)] = Decimal(price)
        sdk = {m.meter_id.lower(): {Decimal(k): exact(v) for k, v in m.meter_rates.items()} for m in card.meters}
        self.assertTrue(any(len(tiers) > 1 for tiers in sdk.values()), "some meter is tiered")
        self.assertEqual(sdk, dict(rates))


if __name__ == "__main__":
    started = time.monotonic()
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"azure-mgmt-commerce: {result.testsRun - failed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
    sys.exit(1 if failed else 0)
