"""A KIM sheet imported in the admin on a phone: the page shows a progress bar while the
background worker (the real ``task_worker``, on the database task backend) checks the file,
lands on the preview by itself, and after the confirmation on the result."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from groups.models import Kim
from groups.resources import COLUMNS
from imports.models import ImportJob
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import DistrictFactory, VillageFactory

ROWS = 300


def run_the_worker():
    """What `make run` keeps running: here once, until the queue is empty."""
    call_command("task_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def test_staff_follow_a_kim_import_from_the_progress_bar_to_the_result(
    live, phone_page, staff_user, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sekayu = DistrictFactory(code="16.06.01", name="Sekayu")
    villages = [
        VillageFactory(district=sekayu, code=f"16.06.01.{2001 + i}", name=f"Desa {i}")
        for i in range(30)
    ]
    lines = [",".join(COLUMNS)] + [
        f"KIM Maju {n},desa,{villages[n % 30].code},,,aktif,,,,,,Ketua {n}," for n in range(ROWS)
    ]
    page = phone_page
    log_in(page, live, staff_user.email, PASSWORD)

    page.goto(live + "/admin/groups/kim/import/")
    page.set_input_files(
        "input[name=import_file]",
        files=[{"name": "kim.csv", "mimeType": "text/csv", "buffer": "\n".join(lines).encode()}],
    )
    page.select_option("select[name=format]", "0")
    page.get_by_role("button", name="Kirim").click()

    # The worker has not run yet: the bar waits, and follows the job's progress as it moves.
    expect(page.get_by_role("heading", name="Menunggu pekerja latar belakang…")).to_be_visible()
    expect(page.locator("progress.import-progress")).to_be_visible()
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="running", rows_total=ROWS, rows_done=100)
    expect(page.get_by_text("100 dari 300 baris")).to_be_visible()
    expect(page.locator("progress.import-progress")).to_have_attribute("value", "100")
    expect(page.get_by_role("heading", name="Memeriksa berkas…")).to_be_visible()

    run_the_worker()

    # The page notices by itself that the check is done and shows the preview.
    expect(page.get_by_text("300 baru, 0 diperbarui, 0 tidak berubah.")).to_be_visible()
    assert Kim.objects.count() == 0
    page.get_by_role("button", name="Konfirmasi impor").click()
    expect(page.locator("progress.import-progress")).to_be_visible()

    run_the_worker()

    expect(page.get_by_text(re.compile(r"Impor selesai: 300 baru, 0 diperbarui"))).to_be_visible()
    assert Kim.objects.count() == ROWS
