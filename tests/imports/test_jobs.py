"""Spreadsheet imports run on the task worker: a 300-row KIM sheet through the admin and a
300-row participant list through the training's staff page, as staff would send them."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.models import Kim, KimStatusChange, Membership
from groups.resources import COLUMNS
from imports.models import ImportJob
from imports.services import ProgressWriter, import_job_run
from regions.models import Village
from tests.factories import DistrictFactory, KimFactory, MembershipFactory, VillageFactory
from tests.trainings.factories import TrainingFactory

pytestmark = pytest.mark.django_db

ROWS = 300
BAD_CODE = "16.06.01.9999"


@pytest.fixture
def villages(db):
    sekayu = DistrictFactory(code="16.06.01", name="Sekayu")
    return [
        VillageFactory(district=sekayu, code=f"16.06.01.{2001 + i}", name=f"Desa {i}")
        for i in range(30)
    ]


def kim_sheet(villages, *, bad_rows=()) -> bytes:
    """One KIM a row, ten to a village, each with a chair named in the sheet."""
    lines = [",".join(COLUMNS)]
    for number in range(1, ROWS + 1):
        code = BAD_CODE if number in bad_rows else villages[number % len(villages)].code
        lines.append(f"KIM Maju {number},desa,{code},,,aktif,,,,,,Ketua {number},")
    return ("\n".join(lines) + "\n").encode()


def send_kim_sheet(client, content: bytes, capture):
    """Staff send the sheet on the admin's import page; the job's task runs on commit."""
    upload = SimpleUploadedFile("kim-300.csv", content, content_type="text/csv")
    with capture(execute=True):
        return client.post(
            reverse("admin:groups_kim_import"),
            {"format": "0", "resource": "0", "import_file": upload},
        )


def confirm(client, job, capture):
    with capture(execute=True):
        return client.post(reverse("imports:job-confirm", args=[job.pk]))


def test_a_300_row_sheet_is_checked_then_imported_on_confirmation(
    client_as, staff_user, villages, django_capture_on_commit_callbacks
):
    client = client_as(staff_user)

    sent = send_kim_sheet(client, kim_sheet(villages), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert sent.status_code == 302 and sent.url == job.get_absolute_url()
    assert (job.kind, job.status, job.dry_run) == ("kim", "ready", True)
    assert (job.rows_done, job.rows_total) == (ROWS, ROWS)
    assert len(job.result["preview"]) == ROWS
    assert Kim.objects.count() == 0  # the check saved nothing
    preview = client.get(job.get_absolute_url()).content.decode()
    assert "300 baru, 0 diperbarui, 0 tidak berubah." in preview
    assert "KIM Maju 17" in preview
    assert f'action="{reverse("imports:job-confirm", args=[job.pk])}"' in preview
    assert "csrfmiddlewaretoken" in preview

    confirmed = confirm(client, job, django_capture_on_commit_callbacks)

    assert confirmed.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.dry_run, job.rows_done, bytes(job.file_data)) == (
        "done",
        False,
        ROWS,
        b"",
    )
    assert Kim.objects.count() == ROWS
    assert Membership.objects.filter(role="ketua", person_name="Ketua 17").count() == 1
    assert KimStatusChange.objects.filter(changed_by=staff_user).count() == ROWS
    assert LogEntry.objects.filter(user=staff_user).count() == ROWS  # the admin's history
    result = client.get(job.get_absolute_url()).content.decode()
    assert "Impor selesai: 300 baru, 0 diperbarui" in result


def test_bad_rows_are_named_and_nothing_is_saved(
    client_as, staff_user, villages, django_capture_on_commit_callbacks
):
    client = client_as(staff_user)

    send_kim_sheet(
        client, kim_sheet(villages, bad_rows=(17, 250)), django_capture_on_commit_callbacks
    )

    job = ImportJob.objects.get()
    assert (job.status, bytes(job.file_data)) == ("failed", b"")
    page = client.get(job.get_absolute_url()).content.decode()
    for row in (17, 250):
        assert f"Baris {row}: kode_wilayah: Tidak ada desa berkode “{BAD_CODE}”" in page
    assert "Tidak ada yang diimpor" in page
    assert reverse("imports:job-confirm", args=[job.pk]) not in page
    assert Kim.objects.count() == 0


def test_a_row_gone_bad_after_the_check_stops_the_confirmed_import(
    client_as, staff_user, villages, django_capture_on_commit_callbacks
):
    client = client_as(staff_user)
    send_kim_sheet(client, kim_sheet(villages), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    Village.objects.filter(pk=villages[5].pk).delete()  # a region correction meanwhile

    confirm(client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == "failed"
    assert [error["row"] for error in job.result["errors"]] == list(range(5, ROWS + 1, 30))
    assert Kim.objects.count() == 0


def test_a_cancelled_check_drops_the_file_and_cannot_be_confirmed(
    client_as, staff_user, villages, django_capture_on_commit_callbacks
):
    client = client_as(staff_user)
    send_kim_sheet(client, kim_sheet(villages), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert client.get(reverse("imports:job-confirm", args=[job.pk])).status_code == 405

    client.post(reverse("imports:job-cancel", args=[job.pk]))
    confirm(client, job, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, bytes(job.file_data)) == ("cancelled", b"")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Impor ini tidak dapat dikonfirmasi lagi." in page
    assert "Impor ini dibatalkan; tidak ada yang disimpan." in page
    assert Kim.objects.count() == 0


def running_job(**fields) -> ImportJob:
    defaults = {
        "kind": "kim",
        "file_name": "kim-20000.xlsx",
        "file_format": "xlsx",
        "status": "running",
        "dry_run": True,
        "rows_total": ROWS,
        "rows_done": 150,
    }
    return ImportJob.objects.create(**{**defaults, **fields})


def test_the_job_page_shows_a_progress_bar_while_the_worker_runs(client_as, staff_user):
    job = running_job()

    page = client_as(staff_user).get(job.get_absolute_url()).content.decode()

    assert '<progress class="import-progress" max="300" value="150"' in page
    assert "Memeriksa berkas…" in page and "150 dari 300 baris" in page
    assert f'data-status-url="{reverse("imports:job-status", args=[job.pk])}"' in page
    assert re.search(r'<script src="[^"]*js/import-progress\.js" defer></script>', page)
    # Without JavaScript the page refreshes itself; no inline script or handler anywhere.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)


def test_a_queued_job_says_the_worker_must_run(client_as, staff_user):
    job = running_job(status="queued", rows_done=0, rows_total=0)

    page = client_as(staff_user).get(job.get_absolute_url()).content.decode()

    assert "Menunggu pekerja latar belakang…" in page
    assert "manage.py task_worker" in page


def test_the_status_url_answers_json_in_few_queries(
    client_as, staff_user, django_assert_max_num_queries
):
    job = running_job()
    client = client_as(staff_user)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("imports:job-status", args=[job.pk]))

    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "status": "running",
        "active": True,
        "phase": "Memeriksa berkas…",
        "rows_done": 150,
        "rows_total": 300,
        "percent": 50,
        "rows_text": "150 dari 300 baris",
    }


def test_the_job_page_query_count_does_not_grow_with_the_errors(
    client_as, staff_user, django_assert_max_num_queries
):
    errors = [{"row": n, "messages": ["kode_wilayah: salah"]} for n in range(1, 501)]
    job = running_job(status="failed", result={"errors": errors, "bad_rows": 900})
    client = client_as(staff_user)

    with django_assert_max_num_queries(6):
        page = client.get(job.get_absolute_url()).content.decode()

    assert "Baris 500: kode_wilayah: salah" in page
    assert "500 dari 900 baris yang salah ditampilkan." in page


def test_other_roles_get_404_and_change_nothing(client, client_as, resident, staff_user):
    job = running_job(status="ready")
    manager = MembershipFactory(kim=KimFactory(), role=Membership.Role.CHAIR).user
    urls = [
        job.get_absolute_url(),
        reverse("imports:job-status", args=[job.pk]),
    ]
    actions = [
        reverse("imports:job-confirm", args=[job.pk]),
        reverse("imports:job-cancel", args=[job.pk]),
    ]

    for user in (resident, manager):
        other = client_as(user)
        assert [other.get(url).status_code for url in urls] == [404, 404]
        assert [other.post(url).status_code for url in actions] == [404, 404]
    assert client.get(urls[0]).status_code == 302  # anonymous: log in first
    job.refresh_from_db()
    assert job.status == "ready"


def test_a_job_that_is_not_queued_is_not_run_again(staff_user):
    job = running_job(status="done", created_by=staff_user)

    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.rows_done) == ("done", 150)


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_in_batches_that_others_see_during_the_import():
    job = running_job(rows_done=0)
    writer = ProgressWriter(job)
    seen = set()

    try:
        with transaction.atomic():  # the import's own transaction, still open
            for done in range(1, ROWS + 1):
                writer(done)
                seen.add(ImportJob.objects.values_list("rows_done", flat=True).get(pk=job.pk))
    finally:
        writer.close()

    assert seen == {0, 100, 200, 300}


# --- Participants of a training ----------------------------------------------------------------


def participant_sheet(*, bad_rows=()) -> bytes:
    lines = ["nama,kategori,instansi"]
    for number in range(1, ROWS + 1):
        category = "astronot" if number in bad_rows else "opd"
        lines.append(f"Peserta {number},{category},Dinas {number}")
    return ("\n".join(lines) + "\n").encode()


def send_participants(client, training, content, capture):
    upload = SimpleUploadedFile("peserta.csv", content, content_type="text/csv")
    with capture(execute=True):
        return client.post(
            reverse("trainings:participant-import", args=[training.slug]), {"file": upload}
        )


def test_300_participants_are_imported_in_the_background(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    training = TrainingFactory(capacity=40)
    client = client_as(staff_user)

    sent = send_participants(
        client, training, participant_sheet(), django_capture_on_commit_callbacks
    )

    job = ImportJob.objects.get()
    assert sent.url == job.get_absolute_url()
    assert (job.kind, job.training, job.status, job.rows_done) == (
        "peserta",
        training,
        "done",
        ROWS,
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert "300 peserta diimpor (260 di daftar tunggu)." in page
    assert training.get_manage_url() in page
    assert training.registrations.count() == ROWS


def test_participant_lines_in_error_are_named_and_nothing_is_saved(
    client_as, staff_user, django_capture_on_commit_callbacks
):
    training = TrainingFactory()
    client = client_as(staff_user)

    send_participants(
        client, training, participant_sheet(bad_rows=(42, 299)), django_capture_on_commit_callbacks
    )

    job = ImportJob.objects.get()
    assert job.status == "failed"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Baris 43: kategori “astronot” tidak dikenal" in page  # line 1 holds the headers
    assert "Baris 300: kategori “astronot” tidak dikenal" in page
    assert not training.registrations.exists()


def test_the_admin_lists_jobs_without_loading_their_files(admin_client):
    job = running_job(status="done", file_data=b"nama_kim\nKIM Rahasia\n")

    listing = admin_client.get(reverse("admin:imports_importjob_changelist"))
    detail = admin_client.get(reverse("admin:imports_importjob_change", args=[job.pk]))

    assert listing.status_code == detail.status_code == 200
    assert "kim-20000.xlsx" in listing.content.decode()
    assert "KIM Rahasia" not in detail.content.decode()


def test_a_check_nobody_confirmed_is_dropped_with_its_file_when_the_next_import_starts(
    client_as, staff_user, villages, django_capture_on_commit_callbacks
):
    stale = running_job(status="ready", file_data=b"nama_kim,hp_ketua\nKIM Lama,0812\n")
    ImportJob.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=3))
    fresh = running_job(status="ready", file_data=b"nama_kim\nKIM Baru\n")

    send_kim_sheet(client_as(staff_user), kim_sheet(villages), django_capture_on_commit_callbacks)

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, bytes(stale.file_data)) == ("cancelled", b"")
    assert (fresh.status, bytes(fresh.file_data)) == ("ready", b"nama_kim\nKIM Baru\n")
