"""The public pages: answered, non-private submissions; never a sender's phone or email."""

import pytest
from django.urls import reverse

from aspirations.models import Submission
from aspirations.services import submission_answer, submission_reject
from news.models import Post
from tests.aspirations.conftest import make_submission
from tests.factories import KimFactory, PostFactory

pytestmark = pytest.mark.django_db


def answered(village, staff_user, answer="Sudah ditindaklanjuti.", **kwargs):
    submission = make_submission(village, **kwargs)
    submission_answer(submission=submission, actor=staff_user, answer=answer)
    return submission


def test_the_list_shows_only_answered_public_submissions(client, village, staff_user):
    shown = answered(village, staff_user, title="Lampu jalan Bailangu")
    make_submission(village, title="Belum dijawab")
    answered(village, staff_user, title="Rahasia warga", is_private=True)
    rejected = make_submission(village, title="Spam ditolak")
    submission_reject(submission=rejected, actor=staff_user, reason="Spam")

    html = client.get(reverse("aspirations:public-list")).content.decode()

    assert "Lampu jalan Bailangu" in html and "Sudah ditindaklanjuti." in html
    assert "Belum dijawab" not in html and "Rahasia warga" not in html
    assert "Spam ditolak" not in html
    assert shown.get_absolute_url() in html


def test_no_public_page_shows_the_senders_contact(client, village, staff_user):
    submission = answered(village, staff_user, submitter_name="Sari Wulandari")
    anonymous = answered(village, staff_user, is_anonymous=True, submitter_name="Budi Rahasia")

    pages = [
        client.get(reverse("aspirations:public-list")).content.decode(),
        client.get(submission.get_absolute_url()).content.decode(),
        client.get(anonymous.get_absolute_url()).content.decode(),
    ]

    for html in pages:
        assert "081298765432" not in html and "+6281298765432" not in html
        assert "sari@warga.test" not in html
        assert "Budi Rahasia" not in html
    assert "Sari Wulandari" in pages[1] and "Anonim" in pages[2]


def test_unanswered_private_or_rejected_submissions_have_no_public_page(
    client, village, staff_user
):
    open_one = make_submission(village)
    private = answered(village, staff_user, is_private=True)

    assert client.get(open_one.get_absolute_url()).status_code == 404
    assert client.get(private.get_absolute_url()).status_code == 404


def test_the_list_filters_by_district_kind_category_and_words(
    client, village, other_village, staff_user
):
    from aspirations.models import Category

    answered(village, staff_user, title="Jalan rusak di Bailangu")
    answered(
        other_village,
        staff_user,
        title="Puskesmas tutup",
        category=Category.objects.get(slug="kesehatan"),
    )
    report = make_submission(village, kind="hoaks", text="Pesan berantai vaksin berbahaya")
    submission_answer(submission=report, actor=staff_user, answer="Pesan itu hoaks.")
    url = reverse("aspirations:public-list")

    def headings(**params):
        return [s.heading for s in client.get(url, params).context["submissions"]]

    assert len(headings()) == 3
    assert headings(kecamatan=other_village.district.code) == ["Puskesmas tutup"]
    assert headings(jenis="hoaks") == [report.heading]
    assert headings(kategori="kesehatan") == ["Puskesmas tutup"]
    assert headings(q="jalan BAILANGU") == ["Jalan rusak di Bailangu"]
    assert headings(q="hoaks") == [report.heading]


def test_a_hoax_screenshot_and_link_are_never_public(client, village, staff_user):
    from tests.aspirations.conftest import jpeg

    report = make_submission(
        village, kind="hoaks", link="https://penipu.example/x", text="Kabar bantuan palsu"
    )
    from aspirations.services import _photo_attach

    _photo_attach(report, jpeg())
    report.save()
    submission_answer(submission=report, actor=staff_user, answer="Hoaks.")

    html = client.get(report.get_absolute_url()).content.decode()

    assert "Kabar bantuan palsu" in html
    assert report.photo.url not in html and "penipu.example" not in html


@pytest.mark.parametrize("count", [1, 10])
def test_the_public_list_costs_the_same_queries_for_1_or_10(
    client, village, staff_user, django_assert_num_queries, count
):
    fact_check = PostFactory(kind=Post.Kind.FACT_CHECK, claim="Klaim", verdict="hoaks")
    for number in range(count):
        report = make_submission(village, kind="hoaks", text=f"Kabar bohong nomor {number}")
        submission_answer(
            submission=report, actor=staff_user, answer="Hoaks", fact_check=fact_check
        )
        answered(village, staff_user, title=f"Usulan {number}")
    client.get(reverse("aspirations:public-list"))

    # categories (filter), count, page; the districts of the filter come from the cache.
    with django_assert_num_queries(3):
        response = client.get(reverse("aspirations:public-list"))

    assert len(response.context["submissions"]) == 2 * count


def test_the_buttons_are_on_home_kim_profiles_and_fact_checks(client, village):
    kim = KimFactory(village=village)
    fact_check = PostFactory(kind=Post.Kind.FACT_CHECK, claim="Klaim", verdict="hoaks")
    news = PostFactory()
    submit = reverse("aspirations:submit")
    report = reverse("aspirations:report-hoax")

    home = client.get(reverse("home")).content.decode()
    profile = client.get(kim.get_absolute_url()).content.decode()
    check = client.get(fact_check.get_absolute_url()).content.decode()
    plain = client.get(news.get_absolute_url()).content.decode()

    assert "Sampaikan aspirasi" in home and "Laporkan hoaks" in home
    assert f'href="{submit}"' in home and f'href="{report}"' in home
    assert f'href="{submit}?desa={village.code}"' in profile
    assert f'href="{report}?desa={village.code}"' in profile
    assert "Laporkan hoaks" in check and f'href="{report}' in check
    assert f'href="{report}' not in plain


def test_the_answer_says_who_gave_it(client, village, kim, manager, staff_user):
    by_kim = make_submission(village)
    submission_answer(submission=by_kim, actor=manager, answer="Sudah dibahas di musyawarah.")
    by_office = answered(village, staff_user)

    kim_page = client.get(by_kim.get_absolute_url()).content.decode()
    office_page = client.get(by_office.get_absolute_url()).content.decode()

    assert by_kim.answered_by_kim == kim
    assert "Tanggapan dari KIM Bailangu" in kim_page
    assert "Tanggapan dari Dinkominfo" in office_page


@pytest.mark.parametrize("count", [1, 10])
def test_the_public_detail_costs_the_same_queries_however_long_the_record(
    client, village, staff_user, django_assert_num_queries, count
):
    submission = make_submission(village)
    for number in range(count):
        submission_answer(submission=submission, actor=staff_user, answer=f"Jawaban {number}")

    with django_assert_num_queries(1):
        response = client.get(submission.get_absolute_url())

    assert response.status_code == 200


def test_a_search_without_results_says_nothing_matches_not_that_nothing_exists(
    client, village, staff_user
):
    submission_answer(
        submission=make_submission(village, title="Lampu jalan mati"),
        actor=staff_user,
        answer="Sudah diperbaiki.",
    )

    html = client.get(reverse("aspirations:public-list"), {"q": "posyandu"}).content.decode()

    assert (
        html.count("Tidak ada aspirasi bertanggapan yang cocok dengan kata atau saringan ini.") == 1
    )
    assert "Belum ada aspirasi yang ditanggapi di sini." not in html


def test_the_public_list_filters_by_district_kind_and_category_and_an_unknown_value_lists_nothing(
    client, village, other_village, staff_user
):
    answered(village, staff_user, title="Jalan desa berlubang")
    answered(other_village, staff_user, title="Posyandu tanpa timbangan")
    hoax = make_submission(village, kind=Submission.Kind.HOAX, title="Kabar bantuan palsu")
    submission_answer(submission=hoax, actor=staff_user, answer="Itu tidak benar.")

    def headings(**params):
        response = client.get(reverse("aspirations:public-list"), params)
        assert response.status_code == 200
        return sorted(s.heading for s in response.context["submissions"])

    assert headings(kecamatan=other_village.district.code) == ["Posyandu tanpa timbangan"]
    assert headings(jenis="hoaks") == [hoax.heading]
    assert headings(kategori="infrastruktur", jenis="aspirasi") == sorted(
        ["Jalan desa berlubang", "Posyandu tanpa timbangan"]
    )
    assert headings(q="posyandu timbangan") == ["Posyandu tanpa timbangan"]
    # An old link naming a district, kind or category the portal does not know lists nothing
    # rather than everything, and the page still offers the filters.
    assert headings(kecamatan="99.99") == []
    assert headings(jenis="bukan-jenis") == []
    page = client.get(reverse("aspirations:public-list"), {"kategori": "tidak-ada"})
    assert 'name="kecamatan"' in page.content.decode()
