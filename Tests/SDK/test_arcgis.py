"""Esri's ArcGIS API for Python (`arcgis`), unchanged, against `warehouse sandbox` over HTTPS.

Run by scripts/test-sdks.sh (see test_azure_commerce.py for the environment it passes). The
client signs in with `use_gen_token=True` (generateToken: the sandbox serves no OAuth authorize
page) and trusts the sandbox's CA through SSL_CERT_FILE (arcgis verifies through `truststore`,
which reads the OpenSSL default paths, not REQUESTS_CA_BUNDLE; `GIS(..., ca_bundles=FILE)` works
too). Every figure it reads must equal what `warehouse etl` loaded from the same sandbox.
"""

import datetime as dt
import os
import sqlite3
import sys
import time
import unittest
from collections import defaultdict
from decimal import Decimal

from arcgis.gis import GIS

ADMIN = "sandbox_admin"
PASSWORD = "sandbox-arcgis-password-0001"  # a sandbox-only value


def env(name):
    return os.environ[name]


def warehouse(sql, *params):
    with sqlite3.connect(f"file:{env('SANDBOX_DB')}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchall()


def day(text):
    return dt.datetime.strptime(text, "%Y-%m-%d")


class ArcGISOnline(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.gis = GIS(env("SANDBOX_HTTPS"), ADMIN, PASSWORD, use_gen_token=True)

    def test_signed_in_as_the_admin(self):
        self.assertEqual(self.gis.users.me.username, ADMIN)
        self.assertEqual(self.gis.properties.portalName, "ArcGIS Online")
        self.assertFalse(self.gis.properties.isPortal)

    def test_org_credits_equal_the_warehouse(self):
        (available, enabled), = warehouse(
            "SELECT available_credits, budgeting_enabled FROM org_credits WHERE source = 'sandbox-agol' "
            "ORDER BY snapshot_date DESC LIMIT 1")
        self.assertEqual(Decimal(repr(self.gis.admin.credits.credits)), Decimal(available))
        self.assertEqual(self.gis.admin.credits.is_enabled, bool(enabled))

    def test_users_and_budgets_equal_the_warehouse(self):
        users = self.gis.users.search(max_users=1000)
        names = [u.username for u in users]
        self.assertEqual(len(names), len(set(names)), "each user once")
        latest = warehouse(
            "SELECT user_name, assigned_credits, available_credits FROM credit_budgets b WHERE source = 'sandbox-agol' "
            "AND snapshot_date = (SELECT max(snapshot_date) FROM credit_budgets WHERE source = b.source)")
        expected = {name: (Decimal(a), Decimal(v)) for name, a, v in latest if a is not None}
        got = {u.username: (Decimal(repr(u.assignedCredits)), Decimal(repr(u.availableCredits)))
               for u in users if u.assignedCredits is not None}
        self.assertEqual(len(users), len(latest))
        self.assertEqual(got, expected)

    def test_credit_usage_by_service_equals_the_warehouse(self):
        since, until = day(env("SANDBOX_SINCE")), day(env("SANDBOX_UNTIL"))
        # credit_usage asks portals/self/usage with startTime=end_time, endTime=start_time.
        by_stype = self.gis.admin.credits.credit_usage(start_time=until, end_time=since)
        expected = defaultdict(Decimal)
        for meter, credits in warehouse(
                "SELECT meter_id, quantity FROM usage WHERE source = 'sandbox-agol' AND meter_id NOT LIKE 'stg.%' "
                "AND usage_start >= ? AND usage_start < ?", f"{env('SANDBOX_SINCE')}T00:00:00Z", f"{env('SANDBOX_UNTIL')}T00:00:00Z"):
            expected[meter.split(".", 1)[1]] += Decimal(credits)
        self.assertTrue(expected, "the warehouse holds no ArcGIS usage")
        self.assertEqual(set(by_stype), set(expected))
        for stype, credits in by_stype.items():  # the client adds floats
            self.assertAlmostEqual(credits, float(expected[stype]), places=4, msg=stype)

    def test_content_search_returns_every_item_once_with_its_size(self):
        items = self.gis.content.search("", max_items=1000)
        ids = [i.id for i in items]
        self.assertEqual(len(ids), len(set(ids)), "each item once")
        snapshot = dict(warehouse(
            "SELECT item_id, size_bytes FROM storage_snapshots s WHERE source = 'sandbox-agol' "
            "AND snapshot_date = (SELECT max(snapshot_date) FROM storage_snapshots WHERE source = s.source)"))
        self.assertEqual(set(ids), set(snapshot))
        for item in items:
            size = item.size if item.size >= 0 else self.gis.content.get(item.id).size  # search may say -1
            self.assertEqual(size, snapshot[item.id], item.id)
        hosted = self.gis.content.search("", item_type="Feature Service", max_items=1000)
        self.assertTrue(hosted and all(i.type == "Feature Service" for i in hosted))
        self.assertLess(len(hosted), len(items))
        mine = self.gis.content.search(f"owner:{items[0].owner}", max_items=1000)
        self.assertTrue(mine and all(i.owner == items[0].owner for i in mine))


if __name__ == "__main__":
    started = time.monotonic()
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"arcgis: {result.testsRun - failed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
    sys.exit(1 if failed else 0)
