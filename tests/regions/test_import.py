from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from regions.models import District, Province, Regency, Village

DATA = Path(settings.BASE_DIR) / "data" / "regions"
MUBA = DATA / "regions_musi_banyuasin.csv"
INDONESIA = DATA / "regions_indonesia.csv.gz"
HEADER = "code,name,level,parent_code,kind\n"

pytestmark = pytest.mark.django_db


def import_regions(*args):
    call_command("import_regions", *[str(arg) for arg in args], stdout=open("/dev/null", "w"))


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("code", "name", "official_name"))
        for model in (Province, Regency, District, Village)
    }


def test_import_musi_banyuasin_loads_15_districts_and_242_villages():
    import_regions(MUBA)

    regency = Regency.objects.get(code="16.06")
    assert regency.name == "Kabupaten Musi Banyuasin"
    assert regency.kind == Regency.Kind.KABUPATEN
    assert regency.province.name == "Sumatera Selatan"
    assert District.objects.filter(regency=regency).count() == 15
    assert Village.objects.filter(district__regency=regency).count() == 242
    assert Village.objects.filter(kind=Village.Kind.KELURAHAN).count() == 13
    assert Village.objects.get(code="16.06.01.1009").district.name == "Sekayu"


def test_import_twice_changes_nothing(capsys):
    import_regions(MUBA)
    before = snapshot()
    updated_at = dict(Village.objects.values_list("code", "updated_at"))

    call_command("import_regions", str(MUBA))

    assert snapshot() == before
    assert dict(Village.objects.values_list("code", "updated_at")) == updated_at
    assert "desa/kelurahan: 0 baru, 0 diperbarui, 242 tidak berubah" in capsys.readouterr().out


def test_import_reports_the_line_of_a_malformed_row_and_writes_nothing(tmp_path):
    import_regions(MUBA)
    before = snapshot()
    lines = MUBA.read_text(encoding="utf-8").splitlines(keepends=True)
    # A new district that would be inserted, a renamed one, and then a broken village row.
    lines.insert(17, "16.06.99,Kecamatan Baru,district,16.06,\n")
    lines[3] = lines[3].replace("Sekayu", "Sekayu Baru")
    lines.append("16.06.01.20XX,Desa Rusak,village,16.06.01,desa\n")
    broken = tmp_path / "broken.csv"
    broken.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(CommandError) as error:
        import_regions(broken)

    assert f"Baris {len(lines)}" in str(error.value)
    assert "16.06.01.20XX" in str(error.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("16.06.01.2999,Desa Tanpa Jenis,village,16.06.01,\n", "jenis"),
        ("16.06.01.2999,Desa Salah Induk,village,16.06.02,desa\n", "kode induk"),
        ("16.06.01.2999,,village,16.06.01,desa\n", "nama kosong"),
        ("16.06.01.2999,Desa,kampung,16.06.01,desa\n", "tidak dikenal"),
        ("16.06.01.2999,Desa Kurang Kolom,village\n", "seharusnya 5 kolom"),
        ("16.06.77.2001,Desa Yatim,village,16.06.77,desa\n", "harus muncul sebelum"),
        ("16.06.01.1009,Kayu Ara Lagi,village,16.06.01,kelurahan\n", "sudah muncul di baris"),
    ],
)
def test_import_refuses_each_kind_of_bad_row(tmp_path, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(MUBA.read_text(encoding="utf-8") + row, encoding="utf-8")

    with pytest.raises(CommandError) as error:
        import_regions(path)

    assert message in str(error.value)
    assert f"Baris {MUBA.read_text().count(chr(10)) + 1}" in str(error.value)
    assert not Village.objects.exists()


def test_import_refuses_a_file_with_the_wrong_header(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("kode,nama\n16,Sumatera Selatan\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Baris 1:"):
        import_regions(path)


def test_import_keeps_a_name_corrected_by_staff(capsys, tmp_path):
    import_regions(MUBA)
    District.objects.filter(code="16.06.13").update(name="Lawang Wetan")

    import_regions(MUBA)
    assert District.objects.get(code="16.06.13").name == "Lawang Wetan"

    renamed = tmp_path / "renamed.csv"
    renamed.write_text(
        MUBA.read_text(encoding="utf-8").replace(",Lawan Wetan,", ",Lawan Wetan Raya,"),
        encoding="utf-8",
    )
    call_command("import_regions", str(renamed))

    district = District.objects.get(code="16.06.13")
    assert (district.name, district.official_name) == ("Lawang Wetan", "Lawan Wetan Raya")
    assert "16.06.13" in capsys.readouterr().out


def test_import_regency_option_takes_one_regency_from_the_national_file():
    import_regions(INDONESIA, "--regency", "16.06")

    assert list(Province.objects.values_list("code", flat=True)) == ["16"]
    assert list(Regency.objects.values_list("code", flat=True)) == ["16.06"]
    assert District.objects.count() == 15
    assert Village.objects.count() == 242


def test_import_the_whole_country():
    import_regions(INDONESIA)
    counts = [model.objects.count() for model in (Province, Regency, District, Village)]
    assert counts == [38, 514, 7285, 83762]
    assert Regency.objects.filter(kind=Regency.Kind.KOTA).count() == 98

    import_regions(INDONESIA)
    assert [model.objects.count() for model in (Province, Regency, District, Village)] == counts


def test_import_unknown_regency_is_an_error():
    with pytest.raises(CommandError, match="99.99"):
        import_regions(MUBA, "--regency", "99.99")
