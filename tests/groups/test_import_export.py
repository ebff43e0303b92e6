from datetime import date

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import Kim, KimStatusChange, Membership
from groups.resources import COLUMNS, KimResource
from imports.models import ImportJob
from regions.models import Village
from tests.factories import DistrictFactory, KimFactory, MembershipFactory, VillageFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
ROWS = [
    # by village code, with every column filled in
    "KIM Sukarami Maju,desa,16.06.01.2001,,,aktif,141/12/SK/2023,2023-03-14,"
    "Kepala Desa Sukarami,01/02/2023,KIM.ID-1606-001,Budi Santoso,0812-3456-7890",
    # by village and district names, level left to the names
    "KIM Kayu Ara,,,Kayu Ara,Sekayu,terbentuk,,,,,,Siti Aminah,",
    # a district KIM by district code
    "KIM Kecamatan Lais,kecamatan,16.06.02,,,diusulkan,,,,,,,",
]
SHEET = "\n".join([HEADER, *ROWS]) + "\n"
IMPORT_REASON = "Diimpor dari lembar kerja."


@pytest.fixture
def places(db):
    sekayu = DistrictFactory(code="16.06.01", name="Sekayu")
    return {
        "sukarami": VillageFactory(district=sekayu, code="16.06.01.2001", name="Sukarami"),
        "kayu_ara": VillageFactory(district=sekayu, code="16.06.01.1009", name="Kayu Ara"),
        "lais": DistrictFactory(code="16.06.02", name="Lais"),
    }


def load(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text, format="csv")


def import_sheet(dataset, user, dry_run=False):
    return KimResource().import_data(dataset, dry_run=dry_run, user=user)


def counts():
    return (Kim.objects.count(), Membership.objects.count(), KimStatusChange.objects.count())


def test_staff_import_a_csv_through_the_admin(
    client_as, staff_user, places, django_capture_on_commit_callbacks
):
    client = client_as(staff_user)
    upload = SimpleUploadedFile("kim.csv", SHEET.encode(), content_type="text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("admin:groups_kim_import"),
            {"format": "0", "resource": "0", "import_file": upload},
        )

    job = ImportJob.objects.get()
    assert sent.status_code == 302 and sent.url == job.get_absolute_url()
    assert job.status == ImportJob.Status.READY  # the check (a dry run) ran on the worker
    assert [row["type"] for row in job.result["preview"]] == ["new"] * 3
    assert counts() == (0, 0, 0)
    preview = client.get(job.get_absolute_url())
    assert "Konfirmasi impor" in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("imports:job-confirm", args=[job.pk]))

    assert confirmed.status_code == 302 and confirmed.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.result["totals"]["new"], bytes(job.file_data)) == ("done", 3, b"")
    sukarami = Kim.objects.get(name="KIM Sukarami Maju")
    assert (sukarami.village, sukarami.district) == (
        places["sukarami"],
        places["sukarami"].district,
    )
    assert (sukarami.level, sukarami.status, sukarami.slug) == (
        "desa",
        "aktif",
        "kim-sukarami-maju",
    )
    assert (sukarami.sk_number, sukarami.sk_issuer) == ("141/12/SK/2023", "Kepala Desa Sukarami")
    assert (sukarami.sk_date, sukarami.founded_on) == (date(2023, 3, 14), date(2023, 2, 1))
    assert sukarami.registration_number == "KIM.ID-1606-001"
    chair = sukarami.memberships.get()
    assert (chair.role, chair.status, chair.user) == ("ketua", "active", None)
    assert (chair.person_name, chair.person_phone) == ("Budi Santoso", "+6281234567890")
    kayu_ara = Kim.objects.get(name="KIM Kayu Ara")
    assert (kayu_ara.level, kayu_ara.village) == ("desa", places["kayu_ara"])
    assert kayu_ara.memberships.get().person_name == "Siti Aminah"
    lais = Kim.objects.get(name="KIM Kecamatan Lais")
    assert (lais.level, lais.village, lais.district) == ("kecamatan", None, places["lais"])
    assert not lais.memberships.exists()
    history = KimStatusChange.objects.filter(kim__in=[sukarami, kayu_ara, lais])
    assert {(c.kim.name, c.from_status, c.to_status) for c in history} == {
        ("KIM Sukarami Maju", "", "aktif"),
        ("KIM Kayu Ara", "", "terbentuk"),
        ("KIM Kecamatan Lais", "", "diusulkan"),
    }
    assert {(c.reason, c.changed_by) for c in history} == {(IMPORT_REASON, staff_user)}


def test_dry_run_then_real_run_through_the_resource(staff_user, places):
    dry = import_sheet(load(SHEET), staff_user, dry_run=True)

    assert not dry.has_errors() and not dry.has_validation_errors()
    assert counts() == (0, 0, 0)

    real = import_sheet(load(SHEET), staff_user)

    assert real.totals["new"] == 3
    assert counts() == (3, 2, 3)


def test_importing_the_same_sheet_twice_adds_nothing(staff_user, places):
    import_sheet(load(SHEET), staff_user)
    before = counts()

    again = import_sheet(load(SHEET), staff_user)

    assert (again.totals["new"], again.totals["update"], again.totals["skip"]) == (0, 0, 3)
    assert counts() == before


def test_headers_as_people_type_them_are_understood(staff_user, places):
    sheet = SHEET.replace("nama_kim,tingkat,kode_wilayah", "Nama KIM,Tingkat,Kode Wilayah", 1)

    result = import_sheet(load(sheet), staff_user)

    assert result.totals["new"] == 3


def test_reimport_updates_fields_status_and_chair_in_place(staff_user, places):
    import_sheet(load(SHEET), staff_user)
    chair = Membership.objects.get(person_name="Budi Santoso")
    changed = SHEET.replace("aktif,141/12/SK/2023", "tidak_aktif,141/13/SK/2024").replace(
        "Budi Santoso,0812-3456-7890", "Budi Santosa,0813-1111-2222"
    )

    result = import_sheet(load(changed), staff_user)

    assert (result.totals["update"], result.totals["skip"]) == (1, 2)
    kim = Kim.objects.get(name="KIM Sukarami Maju")
    assert (kim.status, kim.sk_number) == ("tidak_aktif", "141/13/SK/2024")
    latest = kim.status_changes.first()
    assert (latest.from_status, latest.to_status, latest.reason) == (
        "aktif",
        "tidak_aktif",
        IMPORT_REASON,
    )
    chair.refresh_from_db()
    assert (chair.person_name, chair.person_phone) == ("Budi Santosa", "+6281311112222")
    assert kim.memberships.count() == 1


def test_a_chair_with_an_account_is_kept(staff_user, places):
    kim = KimFactory(name="KIM Sukarami Maju", village=places["sukarami"])
    chair = MembershipFactory(kim=kim, role=Membership.Role.CHAIR, user__name="Hendra Wijaya")
    sheet = (
        f"{HEADER}\nKIM Sukarami Maju,desa,16.06.01.2001,,,aktif,,,,,,Orang Lain,0812-9999-0000\n"
    )

    result = import_sheet(load(sheet), staff_user)

    assert result.totals["skip"] == 1
    assert list(kim.memberships.all()) == [chair]
    chair.refresh_from_db()
    assert (chair.user.name, chair.person_name, chair.person_phone) == ("Hendra Wijaya", "", "")


def test_a_kim_is_matched_by_name_ignoring_case_and_spaces(staff_user, places):
    kim = KimFactory(name="KIM Sukarami Maju", village=places["sukarami"], status="aktif")
    sheet = f"{HEADER}\n  kim  SUKARAMI maju ,desa,16.06.01.2001,,,aktif,,,,,,,\n"

    result = import_sheet(load(sheet), staff_user)

    assert (result.totals["new"], result.totals["update"]) == (0, 1)
    assert list(Kim.objects.all()) == [kim]
    kim.refresh_from_db()
    assert kim.name == "kim SUKARAMI maju"  # the sheet's spelling wins, spaces tidied


def test_a_sheet_with_one_bad_row_imports_nothing_and_names_the_row(staff_user, places):
    bad = SHEET.replace("kecamatan,16.06.02,", "kecamatan,16.06.99,")

    result = import_sheet(load(bad), staff_user)

    assert result.has_validation_errors()
    [row] = result.invalid_rows
    assert (row.number, row.error_count) == (3, 1)
    assert "16.06.99" in " ".join(row.error_dict["kode_wilayah"])
    assert counts() == (0, 0, 0)


def test_the_admin_shows_the_bad_row_and_offers_no_confirmation(
    client_as, staff_user, places, django_capture_on_commit_callbacks
):
    bad = SHEET.replace("kecamatan,16.06.02,", "kecamatan,16.06.99,")
    upload = SimpleUploadedFile("kim.csv", bad.encode(), content_type="text/csv")
    client = client_as(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:groups_kim_import"),
            {"format": "0", "resource": "0", "import_file": upload},
        )

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert [error["row"] for error in job.result["errors"]] == [3]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Baris 3: kode_wilayah: " in page and "16.06.99" in page
    assert "Konfirmasi impor" not in page
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "good, bad, column",
    [
        ("KIM Kayu Ara,", ",", "nama_kim"),
        (",terbentuk,", ",berjalan,", "status"),
        ("2023-03-14", "14-03-2023x", "tanggal_sk"),
        ("01/02/2023", "31/02/2023", "tanggal_berdiri"),
        (",,,Kayu Ara,Sekayu", ",,,Kayu Ara,Sekayu Lama", "nama_kecamatan"),
        ("desa,16.06.01.2001", "kecamatan,16.06.01.2001", "kode_wilayah"),
        ("Budi Santoso,0812-3456-7890", "Budi Santoso,12345", "hp_ketua"),
    ],
)
def test_bad_values_are_reported_by_column_and_nothing_is_saved(
    staff_user, places, good, bad, column
):
    assert good in SHEET
    result = import_sheet(load(SHEET.replace(good, bad, 1)), staff_user)

    [row] = result.invalid_rows
    assert column in row.error_dict
    assert counts() == (0, 0, 0)


def test_a_refused_status_change_is_a_row_error(staff_user, places):
    KimFactory(
        name="KIM Kecamatan Lais", village=None, district=places["lais"], status="dibubarkan"
    )

    result = import_sheet(load(SHEET), staff_user)

    [row] = result.invalid_rows
    assert (row.number, list(row.error_dict)) == (3, ["status"])
    assert counts() == (1, 0, 0)


def test_a_resident_cannot_import(resident, places):
    result = import_sheet(load(SHEET), resident)

    assert result.has_errors()
    assert Kim.objects.count() == 0


def test_xlsx_export_then_import_changes_nothing(staff_user, places):
    import_sheet(load(SHEET), staff_user)
    snapshot = (
        list(Kim.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        KimStatusChange.objects.count(),
    )
    exported = KimResource().export(Kim.objects.all(), force_native_type=True)
    assert exported.headers == COLUMNS

    workbook = tablib.Dataset().load(exported.export("xlsx"), format="xlsx")
    result = import_sheet(workbook, staff_user)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 3
    assert snapshot == (
        list(Kim.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        KimStatusChange.objects.count(),
    )


@pytest.mark.parametrize("file_format, index", [("csv", "0"), ("xlsx", "1")])
def test_admin_export_gives_the_sheet_columns(client_as, staff_user, places, file_format, index):
    import_sheet(load(SHEET), staff_user)
    field_names = {f"kimresource_{column}": "on" for column in COLUMNS}

    response = client_as(staff_user).post(
        reverse("admin:groups_kim_export"), {"format": index, "resource": "0", **field_names}
    )

    assert response.status_code == 200
    content = response.content
    exported = tablib.Dataset().load(
        content.decode("utf-8-sig") if file_format == "csv" else content, format=file_format
    )
    assert exported.headers == COLUMNS
    row = next(row for row in exported.dict if row["nama_kim"] == "KIM Sukarami Maju")
    assert (row["kode_wilayah"], str(row["tanggal_sk"])[:10], row["nama_ketua"]) == (
        "16.06.01.2001",
        "2023-03-14",
        "Budi Santoso",
    )


def test_a_kim_listed_twice_in_one_sheet_is_registered_once(staff_user, places):
    sheet = (
        f"{HEADER}\n"
        "KIM Dua Kali,desa,16.06.01.2001,,,terbentuk,,,,,,Ani,\n"
        "kim dua kali,desa,16.06.01.2001,,,aktif,,,,,,Ani Lestari,\n"
    )

    result = import_sheet(load(sheet), staff_user)

    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    kim = Kim.objects.get()
    assert (kim.name, kim.status) == ("kim dua kali", "aktif")
    assert [m.person_name for m in kim.memberships.all()] == ["Ani Lestari"]


def test_a_big_sheet_costs_a_few_queries_a_row(staff_user, django_assert_max_num_queries):
    """Regions and KIMs are read once for the whole file; what is left a row is saving it
    (registering a KIM with its history, and its chair, each with its change record)."""
    sekayu = DistrictFactory(code="16.06.01", name="Sekayu")
    codes = [VillageFactory(district=sekayu, code=f"16.06.01.{2001 + i}").code for i in range(60)]
    KimFactory(name="KIM Baris 0", village=Village.objects.get(code=codes[0]), status="aktif")
    rows = [f"KIM Baris {n},desa,{code},,,aktif,,,,,,Ketua {n}," for n, code in enumerate(codes)]

    with django_assert_max_num_queries(17 * len(rows)):  # 40 a row before
        result = import_sheet(load("\n".join([HEADER, *rows]) + "\n"), staff_user)

    assert (result.totals["new"], result.totals["update"]) == (59, 1)
