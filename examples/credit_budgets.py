"""The seed notebook's credit workflow ("ArcGIS API for Python credits"), twice: with Esri's
`arcgis` client against ArcGIS Online (here `warehouse sandbox`), and with the warehouse's SQL
over what `warehouse etl` loaded from it. Both must name the same users.

  1. list the users with a credit budget (assigned and available credits);
  2. those with less than 10% of their credits left, and those with 10% to under 50% left
     (the notebook's `liste_10` and `liste_50`);
  3. allocate: give each user under 10% a new budget (`gis.admin.credits.allocate`).

Run it against the sandbox (scripts/test-sdks.sh does, in `make test`):

  warehouse sandbox &                                   # HTTP on 8765, HTTPS on 8766, CA file named in the banner
  warehouse etl --config warehouse.yaml --db w.db       # a source of kind arcgis with url http://127.0.0.1:8765/sharing/rest
  SSL_CERT_FILE=/tmp/warehouse-sandbox-ca-8766.pem \\
    python3 examples/credit_budgets.py --url https://127.0.0.1:8766 --db w.db [--allocate 200]

Against a real org, pass its URL and an administrator; the client signs in with
`use_gen_token=True` (generateToken), which works for built-in accounts of ArcGIS Online.
"""

import argparse
import json
import os
import subprocess
import sys
from decimal import Decimal

from arcgis.gis import GIS

# The latest budget snapshot of each user, and the notebook's two thresholds, in SQL.
BUDGETS_SQL = """
SELECT user_name, assigned_credits, available_credits,
       CASE WHEN CAST(available_credits AS REAL) < 0.10 * CAST(assigned_credits AS REAL) THEN 'under_10'
            WHEN CAST(available_credits AS REAL) < 0.50 * CAST(assigned_credits AS REAL) THEN 'under_50' END AS list
FROM credit_budgets b
WHERE source = :source AND assigned_credits IS NOT NULL
  AND snapshot_date = (SELECT max(snapshot_date) FROM credit_budgets WHERE source = b.source)
ORDER BY user_name
"""


def with_the_client(gis):
    """The notebook's loop: every user, their assigned and available credits, two lists."""
    under_10, under_50 = [], []
    for user in gis.users.search(max_users=1000):
        assigned, available = user.assignedCredits, user.availableCredits
        if assigned is None or available is None:  # budgeting off for this user
            continue
        if available < 0.10 * assigned:
            under_10.append(user.username)
        elif available < 0.5 * assigned:
            under_50.append(user.username)
    return sorted(under_10), sorted(under_50)


def with_the_warehouse(warehouse, db, source):
    """The same lists from the warehouse file, through `warehouse sql`."""
    out = subprocess.run([warehouse, "sql", "--db", db, "--format", "json", "-p", "source", source, BUDGETS_SQL],
                         check=True, capture_output=True, text=True).stdout
    rows = json.loads(out)
    return (sorted(r["user_name"] for r in rows if r["list"] == "under_10"),
            sorted(r["user_name"] for r in rows if r["list"] == "under_50"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("SANDBOX_HTTPS", "https://127.0.0.1:8766"))
    parser.add_argument("--username", default="sandbox_admin")
    parser.add_argument("--password-env", default="ARCGIS_PASSWORD", help="variable holding the password (default: the sandbox's)")
    parser.add_argument("--db", default=os.environ.get("SANDBOX_DB", "warehouse.db"))
    parser.add_argument("--source", default="sandbox-agol", help="the warehouse source of the org")
    parser.add_argument("--warehouse", default=os.environ.get("SANDBOX_WAREHOUSE_BIN", "warehouse"))
    parser.add_argument("--allocate", type=Decimal, help="give every user under 10%% this many credits")
    args = parser.parse_args()

    password = os.environ.get(args.password_env, "sandbox-arcgis-password-0001")
    gis = GIS(args.url, args.username, password, use_gen_token=True)
    print(f"signed in to {gis.properties.name} as {gis.users.me.username}; budgeting "
          f"{'enabled' if gis.admin.credits.is_enabled else 'disabled'}, {gis.admin.credits.credits} credits left in the org")

    client_10, client_50 = with_the_client(gis)
    sql_10, sql_50 = with_the_warehouse(args.warehouse, args.db, args.source)
    print(f"under 10% left: {len(client_10)} users (arcgis), {len(sql_10)} (warehouse SQL): {', '.join(client_10)}")
    print(f"10% to under 50% left: {len(client_50)} users (arcgis), {len(sql_50)} (warehouse SQL)")
    if (client_10, client_50) != (sql_10, sql_50):
        print("the lists differ: the warehouse does not hold what the org says", file=sys.stderr)
        return 1

    if args.allocate is not None:
        for username in client_10:
            if not gis.admin.credits.allocate(username, float(args.allocate)):
                print(f"could not allocate to {username}", file=sys.stderr)
                return 1
        after_10, _ = with_the_client(gis)
        print(f"allocated {args.allocate} credits to {len(client_10)} users; now under 10%: {len(after_10)}")
        unchanged = [u for u in client_10 if Decimal(repr(gis.users.get(u).assignedCredits)) != args.allocate]
        if unchanged:
            print(f"allocation did not change the budgets of {', '.join(unchanged)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
