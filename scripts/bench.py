"""Time the coverage pages, and a few others, for the whole of Indonesia with 10,000 KIMs.

Works in its own database on the embedded PostgreSQL (``PORTAL_TEST_DATABASE``, by default
``bench_kim_portal``), never in the developer's: the first run creates and migrates it, imports
the 83,762 villages of data/regions/regions_indonesia.csv.gz and adds 10,000 KIMs; later runs
reuse it. ``--drop`` deletes it afterwards, ``--fresh`` rebuilds the KIMs.

    DJANGO_SETTINGS_MODULE=kim_portal.settings_test PORTAL_TEST_DATABASE=bench_kim_portal \\
        .venv/bin/python scripts/bench.py [--runs 7] [--drop]

Pages are fetched with Django's test client (no network, no server), with
``PORTAL_AREA_CODE=""`` so the portal covers the whole country. The table gives the median, the
fastest and the slowest of the timed runs and the number of SQL queries of one request.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kim_portal.settings_test")
os.environ.setdefault("PORTAL_TEST_DATABASE", "bench_kim_portal")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.urls import NoReverseMatch, reverse

from groups.models import Kim
from regions.models import District, Village

REGIONS_FILE = BASE_DIR / "data" / "regions" / "regions_indonesia.csv.gz"
NATIONAL_VILLAGES = 83_762
KIM_COUNT = 10_000
KIM_SLUG_PREFIX = "bench-"
# Share of each status, in the order of Kim.Status: proposed, formed, active, inactive, dissolved.
STATUS_WEIGHTS = [10, 15, 55, 12, 8]
DISTRICT_LEVEL_SHARE = 0.06
# A fifth of the KIMs in Sumatera Selatan, so that its pages show more than a sprinkle.
HOME_PROVINCE, HOME_SHARE = "16", 0.2


def bench_database(name: str):
    """Create (or reuse) and migrate the benchmark database; refuse any other database."""
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    old_config = setup_databases(verbosity=1, interactive=False, keepdb=True, serialized_aliases=[])
    if connection.settings_dict["NAME"] != name:
        raise SystemExit(f"Refusing to run: connected to {connection.settings_dict['NAME']!r}.")
    return old_config


def load_regions() -> None:
    if Village.objects.count() >= NATIONAL_VILLAGES:
        print(f"Regions: already imported ({Village.objects.count():,} villages).")
        return
    started = time.perf_counter()
    call_command("import_regions", str(REGIONS_FILE))
    print(f"Regions imported in {time.perf_counter() - started:.1f} s.")


def load_kims(*, fresh: bool, seed: int = 2025) -> None:
    """10,000 KIMs with mixed statuses over random villages; some at district level."""
    existing = Kim.objects.filter(slug__startswith=KIM_SLUG_PREFIX)
    if not fresh and existing.count() == KIM_COUNT:
        print(f"KIMs: already created ({KIM_COUNT:,}).")
        return
    started = time.perf_counter()
    existing.delete()
    rng = random.Random(seed)
    villages = list(Village.objects.values_list("pk", "district_id", "code"))
    home = [village for village in villages if village[2].startswith(HOME_PROVINCE + ".")]
    district_ids = list(District.objects.values_list("pk", flat=True))
    kims = []
    for number in range(KIM_COUNT):
        status = rng.choices(Kim.Status.values, weights=STATUS_WEIGHTS)[0]
        fields = {"name": f"KIM Bench {number}", "slug": f"{KIM_SLUG_PREFIX}{number}"}
        if rng.random() < DISTRICT_LEVEL_SHARE:
            fields.update(level=Kim.Level.DISTRICT, district_id=rng.choice(district_ids))
        else:
            village_id, district_id, _code = rng.choice(
                home if rng.random() < HOME_SHARE else villages
            )
            fields.update(level=Kim.Level.VILLAGE, district_id=district_id, village_id=village_id)
        kims.append(Kim(status=status, **fields))
    Kim.objects.bulk_create(kims, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"KIMs: created {KIM_COUNT:,} in {time.perf_counter() - started:.1f} s.")


def optional_url(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def pages() -> list[tuple[str, str]]:
    """(label, path) of every page to time; pages of apps not written yet are left out."""
    largest = (
        District.objects.annotate(villages_count=Count("villages"))
        .order_by("-villages_count")
        .first()
    )
    typical = District.objects.get(code="16.06.01")
    regions = [
        ("province 16", "16"),
        ("regency 16.06", "16.06"),
        ("district 16.06.01", typical.code),
    ]
    regions.append(
        (f"largest district {largest.code} ({largest.villages_count} villages)", largest.code)
    )
    found = [
        ("coverage, Indonesia", reverse("groups:coverage")),
        ("coverage CSV, Indonesia", reverse("groups:coverage-csv")),
    ]
    for label, code in regions:
        found.append((f"coverage, {label}", reverse("groups:coverage-region", args=[code])))
        found.append((f"coverage CSV, {label}", reverse("groups:coverage-region-csv", args=[code])))
    found += [("home", reverse("home")), ("districts", reverse("regions:region-list"))]
    if kim_list := optional_url("groups:kim-list"):
        found.append(("KIM directory", kim_list))
    kim = Kim.objects.public().filter(status=Kim.Status.ACTIVE, village__isnull=False).first()
    if kim and (kim_detail := optional_url("groups:kim-detail", slug=kim.slug)):
        found.append(("KIM profile", kim_detail))
    return found


def measure(client: Client, path: str, runs: int) -> dict:
    response = client.get(path)  # warm-up: template and connection caches
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    # Counted now: the log is a window onto the connection's, which the next request clears.
    query_count = len(queries)
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "status": response.status_code,
        "kb": len(response.content) / 1024,
        "queries": query_count,
        "median": statistics.median(timings),
        "min": min(timings),
        "max": max(timings),
    }


def print_table(results: list[tuple[str, str, dict]], runs: int) -> None:
    print(f"\n| page | path | status | KB | queries | median ms | min ms | max ms |  ({runs} runs)")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    for label, path, r in results:
        print(
            f"| {label} | {path} | {r['status']} | {r['kb']:.0f} | {r['queries']} "
            f"| {r['median']:.1f} | {r['min']:.1f} | {r['max']:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page")
    parser.add_argument("--fresh", action="store_true", help="delete and recreate the KIMs")
    parser.add_argument("--drop", action="store_true", help="delete the database at the end")
    args = parser.parse_args()

    old_config = bench_database(os.environ["PORTAL_TEST_DATABASE"])
    try:
        load_regions()
        load_kims(fresh=args.fresh)
        with override_settings(PORTAL_AREA_CODE=""):
            client = Client()
            results = [(label, path, measure(client, path, args.runs)) for label, path in pages()]
        print_table(results, args.runs)
    finally:
        if args.drop:
            teardown_databases(old_config, verbosity=1, keepdb=False)


if __name__ == "__main__":
    main()
