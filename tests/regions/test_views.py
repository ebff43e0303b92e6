import pytest
from django.urls import reverse

from news.models import Post
from tests.factories import (
    DistrictFactory,
    KimFactory,
    PostFactory,
    RegencyFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_regencies():
    """Musi Banyuasin (the default area) and its neighbour Banyuasin, in the same province."""
    muba = RegencyFactory()
    banyuasin = RegencyFactory(code="16.07", name="Kabupaten Banyuasin", province=muba.province)
    sekayu = DistrictFactory(regency=muba, name="Sekayu")
    VillageFactory.create_batch(3, district=sekayu)
    pangkalan = DistrictFactory(regency=banyuasin, name="Pangkalan Balai")
    VillageFactory(district=pangkalan)
    return sekayu, pangkalan


def test_home_and_district_list_show_only_the_areas_districts(client, two_regencies):
    for url in ["/", reverse("regions:region-list")]:
        html = client.get(url).content.decode()
        assert "Sekayu" in html
        assert "Pangkalan Balai" not in html


def test_a_district_outside_the_area_is_not_found(client, two_regencies):
    sekayu, pangkalan = two_regencies

    assert client.get(sekayu.get_absolute_url()).status_code == 200
    assert client.get(pangkalan.get_absolute_url()).status_code == 404


def test_a_province_area_lists_its_regencies_then_their_districts(client, settings, two_regencies):
    settings.PORTAL_AREA_CODE = "16"
    sekayu, pangkalan = two_regencies

    area = client.get(reverse("regions:region-list")).content.decode()
    banyuasin = client.get(pangkalan.regency.get_absolute_url()).content.decode()

    assert "Kabupaten Musi Banyuasin" in area and "Kabupaten Banyuasin" in area
    assert "Pangkalan Balai" in banyuasin and sekayu.get_absolute_url() not in banyuasin
    assert client.get(pangkalan.get_absolute_url()).status_code == 200


def test_the_whole_country_as_area(client, settings, two_regencies):
    settings.PORTAL_AREA_CODE = ""
    other = DistrictFactory(
        regency=RegencyFactory(
            code="11.01",
            name="Kabupaten Aceh Selatan",
            province__code="11",
            province__name="Aceh",
        ),
        name="Bakongan",
    )

    html = client.get(reverse("regions:region-list")).content.decode()

    assert "Sumatera Selatan" in html and "Aceh" in html
    assert "Bakongan" in client.get(other.regency.get_absolute_url()).content.decode()
    assert client.get(other.get_absolute_url()).status_code == 200


def test_district_page_lists_its_villages_with_their_kind(client, two_regencies):
    sekayu, _ = two_regencies
    VillageFactory(district=sekayu, name="Kayu Ara", kind="kelurahan")

    html = client.get(sekayu.get_absolute_url()).content.decode()

    assert "Kayu Ara" in html and "Kelurahan" in html
    assert "4 desa/kelurahan" in html
    assert 'id="desa-' in html
    # Each village card leads to the village's page.
    for village in sekayu.villages.all():
        assert f'href="{village.get_absolute_url()}"' in html


def test_village_page_shows_its_kims_news_and_ways_to_take_part(client, two_regencies):
    sekayu, _ = two_regencies
    village = VillageFactory(district=sekayu, name="Bailangu")
    kim = KimFactory(name="KIM Bailangu Maju", village=village, district=sekayu)
    PostFactory(title="Posyandu Bailangu buka setiap Selasa", kim=kim)
    PostFactory(title="Panen di desa lain", kim=KimFactory(district=sekayu))
    PostFactory(title="Draf Bailangu", kim=kim, status=Post.Status.DRAFT)

    response = client.get(village.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Desa Bailangu</h1>" in html
    assert "KIM Bailangu Maju" in html and "Posyandu Bailangu buka setiap Selasa" in html
    assert "Panen di desa lain" not in html and "Draf Bailangu" not in html
    assert f"/aspirasi/kirim/?desa={village.code}" in html
    assert f"/berita/?wilayah={village.code}" in html


def test_village_page_uses_a_constant_number_of_queries(
    client, two_regencies, django_assert_max_num_queries
):
    sekayu, _ = two_regencies
    village = VillageFactory(district=sekayu)
    kim = KimFactory(village=village, district=sekayu)
    PostFactory(kim=kim)
    with django_assert_max_num_queries(10) as small:
        client.get(village.get_absolute_url())

    for _kim in range(3):
        PostFactory.create_batch(2, kim=KimFactory(village=village, district=sekayu))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(village.get_absolute_url())


@pytest.mark.parametrize("url_name", ["home", "regions:region-list"])
def test_district_lists_use_a_constant_number_of_queries(
    client, django_assert_max_num_queries, url_name
):
    regency = RegencyFactory()
    for _district in range(2):
        VillageFactory(district=DistrictFactory(regency=regency))
    # The home page also lists the upcoming trainings (one query).
    with django_assert_max_num_queries(4 if url_name == "home" else 3) as small:
        client.get(reverse(url_name))

    for _district in range(12):
        VillageFactory.create_batch(3, district=DistrictFactory(regency=regency))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(url_name))


def test_district_page_uses_a_constant_number_of_queries(client, django_assert_max_num_queries):
    district = DistrictFactory()
    VillageFactory(district=district)
    with django_assert_max_num_queries(3) as small:
        client.get(district.get_absolute_url())

    VillageFactory.create_batch(20, district=district)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(district.get_absolute_url())


def test_a_name_corrected_by_staff_shows_on_the_home_page_at_once(client, client_as, staff_user):
    district = DistrictFactory(name="Lawan Wetan")
    assert "Lawan Wetan" in client.get("/").content.decode()  # now cached

    client_as(staff_user).post(
        reverse("admin:regions_district_change", args=[district.pk]), {"name": "Lawang Wetan"}
    )

    assert "Lawang Wetan" in client.get("/").content.decode()
