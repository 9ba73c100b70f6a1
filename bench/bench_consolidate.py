"""Benchmark: event consolidation cost as the number of reports grows (issue 7).

Synthetic reports that look like a conflict feed: six countries, each happening told by 1-6
documents (outlets and reposts) with jittered dates and places. A corpus grows by covering more
time, not by packing more reports into a day, so the reports per day stay the same at every
size (``--per-day``, default 275: a busy multi-war news feed) and the period grows with the
number of reports. The same ``sitrep.link.consolidate.consolidate`` the store runs, in
memory, timed for each size; the per-report time should stay about flat (only reports of the
same days and area are compared).

    python bench/bench_consolidate.py [--sizes 1000 10000 100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from datetime import date, timedelta

from sitrep.link.compatibility import ReportView
from sitrep.link.consolidate import consolidate

COUNTRIES = {"ML": (14.0, -3.0), "SD": (13.5, 26.0), "SY": (35.0, 38.0), "UA": (48.5, 34.0),
             "CD": (-1.5, 29.0), "SO": (3.0, 45.0)}
TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest")]
START = date(2024, 1, 1)


def synthetic(n: int, per_day: int = 275, seed: int = 7) -> list[ReportView]:
    rng = random.Random(seed)
    period = max(7, n // per_day)
    out: list[ReportView] = []
    k = 0
    while len(out) < n:
        country = rng.choice(sorted(COUNTRIES))
        lat0, lon0 = COUNTRIES[country]
        lat, lon = lat0 + rng.uniform(-3, 3), lon0 + rng.uniform(-3, 3)
        day = START + timedelta(days=rng.randrange(period))
        event_type, sub = rng.choice(TYPES)
        toll = rng.choice([None, rng.randrange(1, 60)])
        tellers = rng.choice([1, 1, 1, 2, 3, 4, 6])
        for t in range(tellers):
            k += 1
            doc = f"d{k:08d}"
            precise = rng.random() < 0.7
            start = day if precise else day - timedelta(days=rng.randrange(7))
            jitter = 0.0 if precise else rng.uniform(-0.2, 0.2)
            out.append(ReportView(
                id=f"{doc}:1", document_id=doc, origin=doc if t < 3 else f"d{k - t:08d}",
                published=(day + timedelta(days=1 + t % 3)).isoformat(),
                event_type=event_type, sub_event_type=sub,
                actors=frozenset({f"a{rng.randrange(40)}"}), country=country,
                admin1=f"{country}.{int(lat) % 5}", latitude=lat + jitter,
                longitude=lon + jitter, geo_precision=1 if precise else 2,
                date_start=start.isoformat(), date_end=day.isoformat(),
                figures=(toll,) if toll and rng.random() < 0.6 else (), happened=True,
                row={"modality": "reported", "figures": []}))
    return out[:n]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--per-day", type=int, default=275, help="reports per day")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows = []
    for n in args.sizes:
        reports = synthetic(n, args.per_day)
        t = time.perf_counter()
        clusters, decisions = consolidate(reports)
        seconds = time.perf_counter() - t
        rows.append({"reports": n, "events": len(clusters), "decisions": len(decisions),
                     "seconds": round(seconds, 2),
                     "us_per_report": round(seconds / n * 1e6, 1),
                     "peak_rss_mb": round(peak_mb(), 1)})
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        print()
    else:
        print(f"{'reports':>9} {'events':>8} {'decisions':>10} {'seconds':>8} "
              f"{'µs/report':>10} {'peak MB':>8}")
        for r in rows:
            print(f"{r['reports']:>9} {r['events']:>8} {r['decisions']:>10} {r['seconds']:>8} "
                  f"{r['us_per_report']:>10} {r['peak_rss_mb']:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
