#!/usr/bin/env python3
"""Independent check of `warehouse report anomalies` (issue 18): standard library only.

Reads the warehouse SQLite file directly (the public view `invoice_lines`), recomputes every
series and the documented baseline (Sources/Query/AnomalyBaseline.swift, AnomalyDetector.swift),
and prints the flagged days as JSON lines (`flags`), or measures recall and precision against the
incidents the sandbox planted (`measure`: every incident must be flagged in its own series; any
other flagged day counts against precision unless it holds usage of an incident's subscription or
user on one of the incident's days).

    scripts/check_anomalies.py flags   DB --period 2026-09-01..2026-11-30 --group subscription
    scripts/check_anomalies.py measure DB --period 2026-09-01..2026-11-30 --incidents-from demo.out

The method, in integers (micro-units of the currency, or micro-credits for ArcGIS credits):
  value(series, day)  = sum of the day's amount_micros (credits: exact decimal quantities summed,
                        rounded half away from zero to 6 places)
  window(day)         = the 28 days before `day` from the series' start on (at least 14; see the Swift)
  m_w                 = median of the window's values on weekday w (same-weekday median)
  expected(day)       = m_(weekday of day)
  residuals           = value_j - m_(weekday j) over the window
  sigma               = max(1.4826 * median |residual|, P90 |residual| / 1.6449,
                        max |residual| / 3 when more than half the window's values are 0, 1 micro-unit),
                        each floored to a micro-unit; P90 is the element at (9 * (n - 1)) // 10
  flagged             = |value - expected| * 100 > K100 * sigma and |value - expected| >= minimum,
                        a drop only before the last 3 days of the measure's data (late usage)
Medians of an even count are the floor of the mean of the two middle values.
"""
import argparse
import datetime as dt
import json
import re
import sqlite3
import sys
from decimal import Decimal, ROUND_HALF_UP, getcontext

getcontext().prec = 60
WINDOW, MIN_HISTORY, QUIET_DAYS, SETTLING_DAYS = 28, 14, 14, 3
GROUPS = {
    "costCenter": "COALESCE(cost_center, '')",
    "user": "lower(COALESCE(user_name, ''))",
    "customer": "lower(COALESCE(customer_id, ''))",
    "subscription": "lower(COALESCE(subscription_id, ''))",
    "meter": "lower(COALESCE(meter_id, ''))",
}


def day_number(text):
    return dt.date.fromisoformat(text).toordinal()


def day_text(number):
    return dt.date.fromordinal(number).isoformat()


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    if n % 2:
        return ordered[n // 2]
    return (ordered[n // 2 - 1] + ordered[n // 2]) // 2


def series_values(db, group, first, last):
    """{(measure, key): {day: micros}} over [first, last] (days as ISO text)."""
    sql = f"""
        SELECT CASE WHEN unit = 'credits' THEN 'credits' ELSE currency END, {GROUPS[group]},
               substr(usage_start, 1, 10), unit = 'credits', amount_micros, quantity
        FROM invoice_lines
        WHERE usage_start >= ? AND usage_start < ? AND (unit = 'credits' OR amount_micros IS NOT NULL)"""
    end = day_text(day_number(last) + 1)
    exact = {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for measure, key, day, is_credits, micros, quantity in con.execute(sql, (first, end)):
        k = (measure, key)
        cell = exact.setdefault(k, {})
        value = Decimal(quantity) * 1_000_000 if is_credits else Decimal(micros)
        cell[day] = cell.get(day, Decimal(0)) + value
    con.close()
    return {k: {d: int(v.quantize(Decimal(1), rounding=ROUND_HALF_UP)) for d, v in days.items()} for k, days in exact.items()}


def measure_span(values):
    """Per measure: the first and last day (numbers) any series of it has a row."""
    span = {}
    for (measure, _), days in values.items():
        for d in days:
            n = day_number(d)
            lo, hi = span.get(measure, (n, n))
            span[measure] = (min(lo, n), max(hi, n))
    return span


def baseline(history, day):
    """(expected, sigma) from history: {day number: micros} of the window before `day`."""
    by_weekday = {}
    for d, v in history.items():
        by_weekday.setdefault(d % 7, []).append(v)
    medians = {w: median(vs) for w, vs in by_weekday.items()}
    residuals = sorted(abs(v - medians[d % 7]) for d, v in history.items())
    mad, p90 = median(residuals), residuals[9 * (len(residuals) - 1) // 10]
    sporadic = 2 * sum(1 for v in history.values() if v == 0) > len(history)
    largest = residuals[-1] if sporadic else 0
    return medians.get(day % 7, 0), max(mad * 14826 // 10000, p90 * 10000 // 16449, largest // 3, 1)


def detect(db, period_first, period_last, group, k100=500, minimum=None):
    """Flags of the days in [period_first, period_last] (ISO days), new and vanished series."""
    load_from = day_text(day_number(period_first) - WINDOW)
    values = series_values(db, group, load_from, period_last)
    span = measure_span(values)
    flags, new, vanished, series_days = [], [], [], 0
    p0, p1 = day_number(period_first), day_number(period_last)
    for (measure, key), days in sorted(values.items()):
        data_first, data_last = span[measure]
        v = {day_number(d): x for d, x in days.items()}
        active = [d for d, x in v.items() if x != 0]
        if not active:
            continue
        first, last = min(active), max(active)
        is_new, is_vanished = first >= data_first + WINDOW, last <= data_last - QUIET_DAYS
        start = first if is_new else data_first
        if is_new and p0 <= first <= p1:
            new.append({"measure": measure, "series": key, "day": day_text(first)})
        if is_vanished and p0 <= last + 1 <= p1:
            vanished.append({"measure": measure, "series": key, "day": day_text(last + 1)})
        floor = (minimum or {}).get(measure, 0)
        for d in range(max(p0, start + MIN_HISTORY), min(p1, last if is_vanished else data_last) + 1):
            history = {j: v.get(j, 0) for j in range(max(start, d - WINDOW), d)}
            expected, sigma = baseline(history, d)
            actual = v.get(d, 0)
            deviation = actual - expected
            series_days += 1
            settled = deviation > 0 or d < data_last - SETTLING_DAYS
            if abs(deviation) >= floor and abs(deviation) * 100 > k100 * sigma and settled:
                flags.append({"measure": measure, "series": key, "day": day_text(d), "expected": expected,
                              "actual": actual, "deviation": deviation, "sigma": sigma})
    return {"flags": flags, "new": new, "vanished": vanished, "series_days": series_days}


def incidents_from(path):
    """The incidents a `warehouse demo --incidents` or `sandbox --incidents` banner lists."""
    out = []
    for line in open(path, encoding="utf-8"):
        match = re.match(r"incident: (\S+) in (\S+), (?:from )?(\d{4}-\d\d-\d\d)(?:\.\.(\d{4}-\d\d-\d\d))?", line.strip())
        if match:
            kind, subject, first, last = match.groups()
            if last is None and "from" not in line:
                last = first
            out.append({"kind": kind, "subject": subject.lower(), "first": first, "last": last})
    return out


def measure(db, first, last, incidents, k100, minimum):
    """Recall (each incident flagged in its own series) and the other flags per 100 series-days."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    result = {"groups": {}, "incidents": []}
    other_total = days_total = 0
    found = {i["kind"]: False for i in incidents}
    for group in ("costCenter", "user", "customer", "subscription", "meter"):
        r = detect(db, first, last, group, k100, {"*": minimum})
        other = []
        for flag in r["flags"]:
            explained = False
            for i in incidents:
                end = i["last"] or last
                if not i["first"] <= flag["day"] <= end:
                    continue
                hit = con.execute(
                    f"SELECT count(*) FROM invoice_lines WHERE {GROUPS[group]} = ? AND substr(usage_start, 1, 10) = ? "
                    "AND (lower(subscription_id) = ? OR lower(user_name) = ?)",
                    (flag["series"], flag["day"], i["subject"], i["subject"])).fetchone()[0]
                if hit:
                    explained = True
                    if flag["series"] == i["subject"]:
                        found[i["kind"]] = True
            if not explained:
                other.append(flag)
        result["groups"][group] = {"flags": len(r["flags"]), "other": len(other), "series_days": r["series_days"],
                                   "other_days": [f"{f['series']} {f['day']}" for f in other]}
        other_total += len(other)
        days_total += r["series_days"]
    result["incidents"] = [dict(i, reported=found[i["kind"]]) for i in incidents]
    result["recall_percent"] = 100 * sum(found.values()) // max(len(found), 1)
    result["other_per_100_series_days"] = f"{100 * other_total / max(days_total, 1):.2f}"
    result["other_flags"], result["series_days"] = other_total, days_total
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["flags", "measure"])
    parser.add_argument("--incidents-from", help="measure: a file with the banner of warehouse demo --incidents")
    parser.add_argument("--min-amount-micros", type=int, default=0)
    parser.add_argument("db")
    parser.add_argument("--period", required=True, help="YYYY-MM-DD..YYYY-MM-DD")
    parser.add_argument("--group", default="subscription", choices=sorted(GROUPS))
    parser.add_argument("--k100", type=int, default=500)
    args = parser.parse_args()
    first, _, last = args.period.partition("..")
    if args.command == "measure":
        incidents = incidents_from(args.incidents_from) if args.incidents_from else []
        print(json.dumps(measure(args.db, first, last or first, incidents, args.k100, args.min_amount_micros), indent=1, sort_keys=True))
        return 0
    result = detect(args.db, first, last or first, args.group, args.k100, {"*": args.min_amount_micros})
    if args.command == "flags":
        for flag in result["flags"]:
            print(json.dumps(flag, sort_keys=True))
        for kind in ("new", "vanished"):
            for item in result[kind]:
                print(json.dumps(dict(item, kind=kind), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
