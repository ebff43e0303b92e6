"""Time a big KIM sheet import as the worker runs it: the check (dry run), then the import.

Works in its own database on the embedded PostgreSQL (``PORTAL_TEST_DATABASE``, by default
``bench_imports``), never in the developer's: the first run creates and migrates it and imports
the 83,762 villages of data/regions/regions_indonesia.csv.gz. Each run deletes the KIMs, writes
a sheet of ``--rows`` KIMs (default 20,000), one per village picked at random across Indonesia
(``PORTAL_AREA_CODE=""``), each with a chair, SK and dates, and runs the import job's task
body (``imports.services.import_job_run``) twice, as the worker does before and after staff
confirm.

    DJANGO_SETTINGS_MODULE=kim_portal.settings_test \\
        .venv/bin/python scripts/bench_import.py [--rows 20000] [--format xlsx|csv]
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kim_portal.settings_test")
os.environ.setdefault("PORTAL_TEST_DATABASE", "bench_imports")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings, setup_databases
from openpyxl import Workbook

from accounts.models import User
from accounts.services import user_make_staff
from groups.models import Kim
from groups.resources import COLUMNS
from imports.models import ImportJob
from imports.services import import_job_confirm, import_job_create, import_job_run
from regions.models import Village

REGIONS_FILE = BASE_DIR / "data" / "regions" / "regions_indonesia.csv.gz"
NATIONAL_VILLAGES = 83_762


def bench_database(name: str) -> None:
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    setup_databases(verbosity=1, interactive=False, keepdb=True, serialized_aliases=[])
    if connection.settings_dict["NAME"] != name:
        raise SystemExit(f"Refusing to run: connected to {connection.settings_dict['NAME']!r}.")
    if Village.objects.count() < NATIONAL_VILLAGES:
        call_command("import_regions", str(REGIONS_FILE))


def sheet(rows: int, file_format: str, seed: int = 2025) -> bytes:
    codes = random.Random(seed).sample(list(Village.objects.values_list("code", flat=True)), rows)
    table = [COLUMNS] + [
        [
            f"KIM Desa Maju {number}",
            "desa",
            code,
            "",
            "",
            "aktif",
            f"{number}/SK/2024",
            "2024-01-15",
            "Kepala Desa",
            "2023-12-01",
            f"KIM.ID-{number:05d}",
            f"Ketua KIM {number}",
            f"0812{number:08d}",
        ]
        for number, code in enumerate(codes, start=1)
    ]
    if file_format == "csv":
        return "\n".join(",".join(row) for row in table).encode()
    workbook = Workbook()
    for row in table:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(job: ImportJob, label: str) -> ImportJob:
    started, cpu = time.perf_counter(), time.process_time()
    job = import_job_run(job_id=job.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = job.rows_total / seconds if seconds else 0
    print(
        f"{label}: {job.status}, {job.rows_done:,} of {job.rows_total:,} rows in "
        f"{seconds:.1f} s ({rate:,.0f} rows/s; {cpu:.1f} s of CPU in this process)"
    )
    return job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()
    bench_database(os.environ["PORTAL_TEST_DATABASE"])
    Kim.objects.all().delete()
    staff = User.objects.filter(email="bench-import@contoh.test").first()
    if staff is None:
        staff = User.objects.create_user(email="bench-import@contoh.test", name="Bench Import")
        staff = user_make_staff(user=staff)
    data = sheet(args.rows, args.format)
    print(f"Sheet: {args.rows:,} rows, {len(data) / 1e6:.1f} MB {args.format.upper()}")
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(PORTAL_AREA_CODE="", TASKS=dummy):
        job = import_job_create(
            kind="kim",
            actor=staff,
            file_name=f"kim.{args.format}",
            file_format=args.format,
            data=data,
        )
        job = run(job, "Check (dry run)")
        if job.status != ImportJob.Status.READY:
            raise SystemExit(f"The check failed: {job.result.get('errors', [])[:3]}")
        job = run(import_job_confirm(job=job, actor=staff), "Import")
    print(f"KIMs in the database: {Kim.objects.count():,}; result: {job.result['totals']}")


if __name__ == "__main__":
    main()
