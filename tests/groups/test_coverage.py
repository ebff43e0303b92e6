import csv
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from groups.coverage import coverage_for_region, coverage_percent
from groups.models import Kim
from tests.factories import (
    DistrictFactory,
    KimFactory,
    ProvinceFactory,
    RegencyFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db

ACTIVE, FORMED, INACTIVE = Kim.Status.ACTIVE, Kim.Status.FORMED, Kim.Status.INACTIVE
PROPOSED, DISSOLVED = Kim.Status.PROPOSED, Kim.Status.DISSOLVED


class _TableRows(HTMLParser):
    """The cell texts of each ``<tr data-code>`` in the page's ``#coverage-table``, by code."""

    def __init__(self, html):
        super().__init__()
        self.rows, self._in_table, self._code, self._cell = {}, False, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "coverage-table":
            self._in_table = True
        elif self._in_table and tag == "tr" and "data-code" in attrs:
            self._code = attrs["data-code"]
            self.rows[self._code] = []
        elif self._code is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "tr":
            self._code = None
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[self._code].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def url(name, *args, language="id"):
    """``reverse`` in a given language: a request to /en/ leaves English active in the thread."""
    with translation.override(language):
        return reverse(name, args=args)


def page_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return _TableRows(response.content.decode()).rows


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def muba():
    """Musi Banyuasin with hand-counted KIMs, and a neighbour regency that must not count.

    Sekayu: 4 villages, 1 covered (25.0 %); KIMs: 3 active (1 district-level), 1 formed,
    1 inactive, 1 proposed, 1 dissolved. Lais: 3 villages, 2 covered (66.7 %), 2 active KIMs.
    Lalan: no villages, 1 proposed district-level KIM. Total: 7 villages, 3 covered (42.9 %).
    """
    regency = RegencyFactory()
    sekayu = DistrictFactory(regency=regency, code="16.06.01", name="Sekayu")
    kayu_ara = VillageFactory(district=sekayu, code="16.06.01.1001", name="Kayu Ara")
    bailangu = VillageFactory(district=sekayu, code="16.06.01.2001", name="Bailangu")
    lumpatan = VillageFactory(district=sekayu, code="16.06.01.2002", name="Lumpatan")
    VillageFactory(district=sekayu, code="16.06.01.2003", name="Rimba Ukur")
    KimFactory(village=kayu_ara, name="KIM Kayu Ara Maju")
    KimFactory(village=kayu_ara, name="KIM Kayu Ara Muda")
    KimFactory(village=bailangu, name="KIM Bailangu Tidur", status=INACTIVE)
    KimFactory(village=bailangu, name="KIM Bailangu Usulan", status=PROPOSED)
    KimFactory(village=lumpatan, name="KIM Lumpatan Bubar", status=DISSOLVED)
    KimFactory(village=lumpatan, name="KIM Lumpatan Baru", status=FORMED)
    KimFactory(village=None, district=sekayu, name="KIM Kecamatan Sekayu")

    lais = DistrictFactory(regency=regency, code="16.06.02", name="Lais")
    for code, with_kim in [("2001", True), ("2002", True), ("2003", False)]:
        village = VillageFactory(district=lais, code=f"16.06.02.{code}")
        if with_kim:
            KimFactory(village=village)

    lalan = DistrictFactory(regency=regency, code="16.06.03", name="Lalan")
    KimFactory(village=None, district=lalan, status=PROPOSED)

    banyuasin = RegencyFactory(code="16.07", name="Kabupaten Banyuasin", province=regency.province)
    pangkalan = DistrictFactory(regency=banyuasin, code="16.07.01", name="Pangkalan Balai")
    KimFactory(village=VillageFactory(district=pangkalan, code="16.07.01.2001"))
    return regency


def test_percentages_round_half_up_and_never_claim_full_or_no_coverage():
    assert coverage_percent(covered=1, villages=3) == Decimal("33.3")
    assert coverage_percent(covered=2, villages=3) == Decimal("66.7")
    assert coverage_percent(covered=1, villages=16) == Decimal("6.3")
    assert coverage_percent(covered=5, villages=5) == Decimal("100.0")
    assert coverage_percent(covered=0, villages=5) == Decimal("0.0")
    assert coverage_percent(covered=1999, villages=2000) == Decimal("99.9")
    assert coverage_percent(covered=1, villages=2001) == Decimal("0.1")
    assert coverage_percent(covered=0, villages=0) is None


def test_regency_coverage_counts_active_village_kims_and_every_kim_by_status(muba):
    coverage = coverage_for_region(region=muba)

    rows = {row.name: row for row in coverage.rows}
    assert list(rows) == ["Lais", "Lalan", "Sekayu"]
    sekayu, lais, lalan = rows["Sekayu"], rows["Lais"], rows["Lalan"]
    assert (sekayu.villages, sekayu.covered, sekayu.percent) == (4, 1, Decimal("25.0"))
    assert sekayu.kims_by_status == {
        ACTIVE: 3,
        FORMED: 1,
        INACTIVE: 1,
        PROPOSED: 1,
        DISSOLVED: 1,
    }
    assert (sekayu.district_kims, sekayu.kim_total) == (1, 7)
    assert (lais.villages, lais.covered, lais.percent) == (3, 2, Decimal("66.7"))
    assert (lalan.villages, lalan.covered, lalan.percent) == (0, 0, None)
    assert (lalan.kims_by_status, lalan.district_kims) == ({PROPOSED: 1}, 1)
    total = coverage.total
    assert (total.code, total.villages, total.covered) == ("16.06", 7, 3)
    assert total.percent == Decimal("42.9")
    assert total.status_counts == [2, 1, 5, 1, 1]  # proposed, formed, active, inactive, dissolved
    assert (total.district_kims, total.kim_total) == (2, 10)


def test_district_coverage_lists_villages_with_their_public_kims(muba):
    coverage = coverage_for_region(region=muba.districts.get(name="Sekayu"))

    villages = {village.name: village for village in coverage.villages}
    assert [village.name for village in coverage.villages] == [
        "Bailangu",
        "Kayu Ara",
        "Lumpatan",
        "Rimba Ukur",
    ]
    assert villages["Kayu Ara"].active_kims == 2 and villages["Kayu Ara"].covered
    assert [kim.name for kim in villages["Bailangu"].kims] == ["KIM Bailangu Tidur"]
    assert not villages["Bailangu"].covered and not villages["Lumpatan"].covered
    assert villages["Rimba Ukur"].kims == []
    assert [kim.name for kim in coverage.district_kims] == ["KIM Kecamatan Sekayu"]
    assert (coverage.total.villages, coverage.total.covered) == (4, 1)
    assert coverage.total.kim_total == 7


def test_coverage_page_shows_the_numbers(client, muba):
    html = client.get("/en/kim/cakupan/").content.decode()

    assert "KIM coverage in Kabupaten Musi Banyuasin" in html
    assert "3 of 7 villages have an active KIM (42.9%)." in html
    assert "Kabupaten Banyuasin" not in html
    rows = page_rows(client, "/en/kim/cakupan/")
    assert rows["16.06.01"] == ["Sekayu", "4", "1", "25.0%", "1", "1", "3", "1", "1", "1", "7"]
    assert rows["16.06.03"][1:4] == ["0", "0", "—"]
    assert rows["16.06"] == ["Total", "7", "3", "42.9%", "2", "1", "5", "1", "1", "2", "10"]


def test_indonesian_page_writes_decimals_with_a_comma(client, muba):
    html = client.get(url("groups:coverage")).content.decode()

    assert '<html lang="id">' in html
    assert "42,9%" in html


def test_district_page_marks_villages_with_their_kims_or_none(client, muba):
    response = client.get("/en/kim/cakupan/16.06.01/")
    html = response.content.decode()

    assert "1 of 4 villages have an active KIM (25.0%)." in html
    assert html.count("no KIM yet") == 1
    kim = Kim.objects.get(name="KIM Kayu Ara Maju")
    assert f'href="{kim.get_absolute_url()}"' in html
    assert "KIM Bailangu Tidur" in html and "KIM Kecamatan Sekayu" in html
    assert "KIM Bailangu Usulan" not in html
    rows = page_rows(client, "/en/kim/cakupan/16.06.01/")
    assert rows["16.06.01.1001"][0] == "Kayu Ara Village (desa)"
    assert rows["16.06.01.1001"][2] == "2"
    assert rows["16.06.01.2003"][2:] == ["0", "no KIM yet"]


def test_regency_row_and_district_page_agree(client, muba):
    regency_row = page_rows(client, "/en/kim/cakupan/")["16.06.01"]
    html = client.get("/en/kim/cakupan/16.06.01/").content.decode()

    villages, covered, percent = regency_row[1:4]
    assert f"{covered} of {villages} villages have an active KIM ({percent})." in html


@pytest.mark.parametrize("code", [None, "16.06.01", "16.06.03"])
def test_csv_has_the_numbers_of_the_page(client, muba, code):
    if code:
        page = url("groups:coverage-region", code, language="en")
        download = url("groups:coverage-region-csv", code, language="en")
    else:
        page, download = "/en/kim/cakupan/", "/en/kim/cakupan/unduh.csv"

    shown = page_rows(client, page)
    header, *rows = csv_rows(client, download)

    assert header[0] == "Code"
    assert [row[0] for row in rows] == list(shown)
    for row in rows:
        cells = shown[row[0]]
        if code is None:
            numbers = [cell.rstrip("%").replace("—", "") for cell in cells[1:]]
            assert row[2:] == numbers
            assert row[1] == cells[0] or cells[0] == "Total"
        else:
            assert row[1] in cells[0] and row[2] in cells[0]
            assert row[3] == cells[2]
            assert all(name.split(" (")[0] in cells[3] for name in row[4].split("; ") if name)


def test_csv_is_an_excel_friendly_attachment(client, muba):
    response = client.get(url("groups:coverage-csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cakupan-kim-16.06.csv"'
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert len(header) == len(rows[0]) == 12
    assert rows[-1][:5] == ["16.06", "Kabupaten Musi Banyuasin", "7", "3", "42.9"]

    district = client.get(url("groups:coverage-region-csv", "16.06.01"))
    assert 'filename="cakupan-kim-16.06.01.csv"' in district["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(district.content.decode("utf-8-sig"))))
    assert lines[1] == [
        "16.06.01.2001",
        "Bailangu",
        "Desa",
        "0",
        "KIM Bailangu Tidur (Tidak aktif)",
    ]
    assert lines[2] == [
        "16.06.01.1001",
        "Kayu Ara",
        "Desa",
        "2",
        "KIM Kayu Ara Maju; KIM Kayu Ara Muda",
    ]


@pytest.fixture
def two_provinces(muba):
    """Aceh next to Sumatera Selatan (which holds Musi Banyuasin), with one covered village."""
    aceh = ProvinceFactory(code="11", name="Aceh")
    bakongan = DistrictFactory(
        regency=RegencyFactory(code="11.01", name="Kabupaten Aceh Selatan", province=aceh),
        code="11.01.01",
        name="Bakongan",
    )
    KimFactory(village=VillageFactory(district=bakongan, code="11.01.01.2001", name="Keude"))
    return aceh


def test_country_area_drills_down_province_regency_district_village(
    client, settings, two_provinces
):
    settings.PORTAL_AREA_CODE = ""

    country = page_rows(client, "/en/kim/cakupan/")
    assert country["16"][:4] == ["Sumatera Selatan", "8", "4", "50.0%"]
    assert country["11"][:4] == ["Aceh", "1", "1", "100.0%"]
    assert country[""][:4] == ["Total", "9", "5", "55.6%"]
    province = page_rows(client, "/en/kim/cakupan/16/")
    assert province["16.06"][:4] == ["Kabupaten Musi Banyuasin", "7", "3", "42.9%"]
    assert province["16.07"][:4] == ["Kabupaten Banyuasin", "1", "1", "100.0%"]
    regency = page_rows(client, "/en/kim/cakupan/16.06/")
    assert regency["16.06.01"][:4] == ["Sekayu", "4", "1", "25.0%"]
    district = client.get("/en/kim/cakupan/16.06.01/").content.decode()
    assert "Kayu Ara" in district
    for crumb in ["/en/kim/cakupan/", "/en/kim/cakupan/16/", "/en/kim/cakupan/16.06/"]:
        assert f'href="{crumb}"' in district
    village = client.get("/en/kim/cakupan/16.06.01.1001/")
    assert village.url == "/en/kim/cakupan/16.06.01/#desa-16.06.01.1001"
    assert 'filename="cakupan-kim-indonesia.csv"' in client.get(url("groups:coverage-csv")).get(
        "Content-Disposition"
    )


def test_province_area_lists_its_regencies_only(client, settings, two_provinces):
    settings.PORTAL_AREA_CODE = "16"

    rows = page_rows(client, "/en/kim/cakupan/")
    assert set(rows) == {"16.06", "16.07", "16"}
    assert rows["16"][:4] == ["Total", "8", "4", "50.0%"]
    district = client.get("/en/kim/cakupan/16.07.01/").content.decode()
    assert 'href="/en/kim/cakupan/"' in district and 'href="/en/kim/cakupan/16.07/"' in district
    assert client.get("/en/kim/cakupan/16/").url == "/en/kim/cakupan/"
    for outside in ["11", "11.01", "11.01.01", "11.01.01.2001"]:
        assert client.get(url("groups:coverage-region", outside)).status_code == 404


def test_district_area_shows_its_villages_at_the_root(client, settings, muba):
    settings.PORTAL_AREA_CODE = "16.06.01"

    rows = page_rows(client, url("groups:coverage", language="en"))
    assert set(rows) == {"16.06.01.1001", "16.06.01.2001", "16.06.01.2002", "16.06.01.2003"}
    village = client.get(url("groups:coverage-region", "16.06.01.1001"))
    assert village.url == url("groups:coverage") + "#desa-16.06.01.1001"
    assert client.get(url("groups:coverage-region", "16.06.02")).status_code == 404


@pytest.mark.parametrize(
    "code", ["16", "16.07", "16.07.01", "16.07.01.2001", "99.99", "abc", "16.06.01.9999"]
)
def test_regions_outside_the_area_are_not_found(client, muba, code):
    assert client.get(url("groups:coverage-region", code)).status_code == 404
    assert client.get(url("groups:coverage-region-csv", code)).status_code == 404


def test_english_page_works(client, muba):
    response = client.get("/en/kim/cakupan/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert 'href="/en/kim/cakupan/unduh.csv"' in response.content.decode()


def test_page_without_imported_regions(client):
    response = client.get(url("groups:coverage"))

    assert response.status_code == 200
    assert client.get(url("groups:coverage-csv")).status_code == 404


def _grow(regency, districts, villages_per_district, kims_per_village):
    for _district in range(districts):
        district = DistrictFactory(regency=regency)
        KimFactory(village=None, district=district, status=INACTIVE)
        for village in VillageFactory.create_batch(villages_per_district, district=district):
            KimFactory.create_batch(kims_per_village, village=village)
            KimFactory(village=village, status=PROPOSED)


@pytest.mark.parametrize(
    "url_name", ["groups:coverage", "groups:coverage-csv", "district", "district-csv"]
)
def test_coverage_pages_use_a_constant_number_of_queries(
    client, django_assert_max_num_queries, url_name
):
    regency = RegencyFactory()
    _grow(regency, districts=1, villages_per_district=1, kims_per_village=1)
    district = regency.districts.get()
    if url_name.startswith("district"):
        name = (
            "groups:coverage-region-csv" if url_name.endswith("csv") else "groups:coverage-region"
        )
        address = url(name, district.code)
    else:
        address = url(url_name)
    with django_assert_max_num_queries(4) as small:
        assert client.get(address).status_code == 200

    _grow(regency, districts=6, villages_per_district=4, kims_per_village=2)
    VillageFactory.create_batch(10, district=district)
    KimFactory.create_batch(5, village=VillageFactory(district=district))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(address).status_code == 200


def test_xlsx_opens_in_any_locale_with_numbers_as_numbers(client, muba):
    from openpyxl import load_workbook

    page = client.get(url("groups:coverage")).content.decode()
    assert 'href="/kim/cakupan/unduh.xlsx"' in page and 'href="/kim/cakupan/unduh.csv"' in page

    response = client.get(url("groups:coverage-xlsx"))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="cakupan-kim-16.06.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == 12 and rows[0][4] == "Cakupan (%)"
    # Numbers are cells of type number, so Excel in Indonesian shows "42,9" and can sum them.
    assert rows[-1][:5] == ("16.06", "Kabupaten Musi Banyuasin", 7, 3, 42.9)

    district = client.get(url("groups:coverage-region-xlsx", "16.06.01"))
    assert 'filename="cakupan-kim-16.06.01.xlsx"' in district["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(district.content)).active.iter_rows(values_only=True))
    assert rows[2] == (
        "16.06.01.1001",
        "Kayu Ara",
        "Desa",
        2,
        "KIM Kayu Ara Maju; KIM Kayu Ara Muda",
    )
