import io

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image

from groups.models import FocusArea, Kim, Membership
from tests.factories import (
    DistrictFactory,
    FocusAreaFactory,
    KimFactory,
    MembershipFactory,
    RegencyFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db


def test_directory_searches_by_name_or_village_and_filters(client):
    sekayu = DistrictFactory(name="Sekayu")
    lalan = DistrictFactory(name="Lalan")
    umkm = FocusArea.objects.get(slug="umkm")
    bailangu = KimFactory(name="KIM Bailangu Maju", village=VillageFactory(district=sekayu))
    bailangu.focus_areas.add(umkm)
    KimFactory(name="KIM Sinar", village=VillageFactory(name="Bailangu Timur", district=sekayu))
    KimFactory(
        name="KIM Lalan Cerdas", village=VillageFactory(district=lalan), status="tidak_aktif"
    )
    KimFactory(name="KIM Usulan", village=VillageFactory(district=lalan), status="diusulkan")

    def names(**params):
        response = client.get(reverse("groups:kim-list"), params)
        return sorted(kim.name for kim in response.context["kims"])

    assert names() == ["KIM Bailangu Maju", "KIM Lalan Cerdas", "KIM Sinar"]
    assert names(q="bailangu") == ["KIM Bailangu Maju", "KIM Sinar"]
    assert names(wilayah=lalan.code) == ["KIM Lalan Cerdas"]
    assert names(wilayah="16.06") == ["KIM Bailangu Maju", "KIM Lalan Cerdas", "KIM Sinar"]
    assert names(wilayah=bailangu.village.code) == ["KIM Bailangu Maju"]
    assert names(status="tidak_aktif") == ["KIM Lalan Cerdas"]
    assert names(focus=umkm.pk) == ["KIM Bailangu Maju"]


def test_directory_counts_by_status_and_paginates(client):
    KimFactory.create_batch(21, status="aktif")
    KimFactory.create_batch(2, status="terbentuk")

    first = client.get(reverse("groups:kim-list"))
    second = client.get(reverse("groups:kim-list"), {"page": 2})

    html = first.content.decode()
    assert "23 KIM ditemukan" in html
    assert "Aktif 21" in html and "Terbentuk 2" in html
    assert len(first.context["kims"]) == 20 and len(second.context["kims"]) == 3


def test_directory_lists_only_kims_of_the_area(client):
    KimFactory(name="KIM Muba")
    outside = RegencyFactory(code="16.07", name="Kabupaten Banyuasin")
    KimFactory(
        name="KIM Banyuasin", village=VillageFactory(district=DistrictFactory(regency=outside))
    )

    html = client.get(reverse("groups:kim-list")).content.decode()

    assert "KIM Muba" in html and "KIM Banyuasin" not in html


def test_profile_shows_officers_by_name_only(client, kim):
    chair = MembershipFactory(
        kim=kim, role=Membership.Role.CHAIR, user=UserFactory(name="Rudi", phone="+6281200001111")
    )
    MembershipFactory(
        kim=kim, user=None, person_name="Wati", person_phone="+6281377778888", role="sekretaris"
    )
    MembershipFactory.create_batch(2, kim=kim)
    MembershipFactory(kim=kim, status=Membership.Status.PENDING, user=UserFactory(name="Penanya"))

    html = client.get(kim.get_absolute_url()).content.decode()

    assert "Rudi" in html and "Ketua" in html and "Wati" in html and "Sekretaris" in html
    assert "4 anggota aktif" in html
    for private in ["+6281200001111", "81200001111", "+6281377778888", chair.user.email, "Penanya"]:
        assert private not in html


def test_profile_shows_the_contact_the_kim_published(client, kim):
    kim.contact_whatsapp = "+6281234567890"
    kim.facebook_url = "https://facebook.com/kimbailangu"
    kim.save()

    html = client.get(kim.get_absolute_url()).content.decode()

    assert "https://wa.me/6281234567890" in html and "facebook.com/kimbailangu" in html


@pytest.mark.parametrize("status", ["diusulkan"])
def test_proposed_kims_are_not_public(client, status):
    kim = KimFactory(status=status)

    assert client.get(kim.get_absolute_url()).status_code == 404


def test_join_button_leads_anonymous_villagers_to_login(client, kim):
    html = client.get(kim.get_absolute_url()).content.decode()

    assert f"/akun/login/?next=/kim/{kim.slug}/gabung/" in html


def test_resident_asks_to_join_and_the_chair_is_emailed(
    client_as, kim, chair, resident, django_capture_on_commit_callbacks
):
    client = client_as(resident)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("groups:membership-request", args=[kim.slug]),
            {"message": "Saya warga Bailangu."},
        )

    assert response.status_code == 302
    membership = kim.memberships.get(user=resident)
    assert membership.status == Membership.Status.PENDING
    assert membership.request_message == "Saya warga Bailangu."
    assert [message.to for message in mail.outbox] == [[chair.email]]
    assert "Anda sudah meminta bergabung" in client.get(kim.get_absolute_url()).content.decode()
    assert "Menunggu jawaban pengurus" in client.get(reverse("accounts:dashboard")).content.decode()


def test_chair_accepts_and_makes_the_resident_secretary(client_as, kim, chair, resident):
    membership = MembershipFactory(kim=kim, user=resident, status=Membership.Status.PENDING)
    client = client_as(chair)

    manage = client.get(reverse("groups:kim-manage", args=[kim.slug]))
    assert "Siti Rahmawati" in manage.content.decode()
    client.post(reverse("groups:membership-decide", args=[kim.slug, membership.pk, "terima"]))
    client.post(
        reverse("groups:membership-decide", args=[kim.slug, membership.pk, "peran"]),
        {"role": "sekretaris"},
    )

    membership.refresh_from_db()
    assert (membership.status, membership.role) == ("active", "sekretaris")


def test_a_second_chair_is_refused_with_a_message(client_as, kim, chair, member):
    membership = kim.memberships.get(user=member)

    response = client_as(chair).post(
        reverse("groups:membership-decide", args=[kim.slug, membership.pk, "peran"]),
        {"role": "ketua"},
        follow=True,
    )

    assert "sudah memiliki ketua aktif" in response.content.decode()
    assert kim.memberships.get(user=member).role == "anggota"


def test_a_membership_of_another_kim_is_not_found(client_as, kim, chair):
    other = MembershipFactory(kim=KimFactory(), status=Membership.Status.PENDING)

    response = client_as(chair).post(
        reverse("groups:membership-decide", args=[kim.slug, other.pk, "terima"])
    )

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Membership.Status.PENDING


def test_decisions_are_post_only(client_as, kim, chair, resident):
    membership = MembershipFactory(kim=kim, user=resident, status=Membership.Status.PENDING)

    response = client_as(chair).get(
        reverse("groups:membership-decide", args=[kim.slug, membership.pk, "terima"])
    )

    assert response.status_code == 405


def png_upload(size=(1200, 800)):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: must not survive
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("logo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_manager_edits_the_profile_with_a_logo(client_as, kim, chair):
    response = client_as(chair).post(
        reverse("groups:kim-profile-update", args=[kim.slug]),
        {
            "description": "KIM Bailangu menyebarkan informasi desa.",
            "contact_whatsapp": "0812-3456-7890",
            "logo": png_upload(),
        },
    )

    assert response.status_code == 302
    kim.refresh_from_db()
    assert kim.description == "KIM Bailangu menyebarkan informasi desa."
    assert kim.contact_whatsapp == "+6281234567890"
    with Image.open(kim.logo.path) as logo:
        assert logo.format == "WEBP" and max(logo.size) == 400
        assert not logo.getexif()


def test_profile_edit_refuses_a_fake_image_and_keeps_the_text(client_as, kim, chair):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("logo.png", b"<html>not an image</html>", content_type="image/png")

    response = client_as(chair).post(
        reverse("groups:kim-profile-update", args=[kim.slug]),
        {"description": "Teks baru yang panjang.", "logo": fake},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Unggah gambar yang valid." in html
    assert "Teks baru yang panjang." in html
    kim.refresh_from_db()
    assert kim.description == "" and not kim.logo


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_profile_edit_refuses_a_decompression_bomb(client_as, kim, chair):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, format="PNG")  # 144 MP, tiny file
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")

    response = client_as(chair).post(
        reverse("groups:kim-profile-update", args=[kim.slug]), {"logo": bomb}
    )

    assert response.status_code == 200
    assert "megapiksel" in response.content.decode()


def test_staff_change_the_status_with_a_reason(client_as, kim, staff_user):
    response = client_as(staff_user).post(
        reverse("groups:kim-status", args=[kim.slug]),
        {"to_status": "tidak_aktif", "reason": "Tidak ada kegiatan selama setahun."},
        follow=True,
    )

    kim.refresh_from_db()
    assert kim.status == Kim.Status.INACTIVE
    assert "Tidak ada kegiatan selama setahun." in response.content.decode()


def test_status_form_without_reason_keeps_the_choice(client_as, kim, staff_user):
    response = client_as(staff_user).post(
        reverse("groups:kim-status", args=[kim.slug]), {"to_status": "tidak_aktif", "reason": ""}
    )

    assert response.status_code == 200
    assert "Bidang ini tidak boleh kosong." in response.content.decode()
    kim.refresh_from_db()
    assert kim.status == Kim.Status.ACTIVE


@pytest.mark.parametrize("url_name", ["groups:kim-list"])
def test_directory_query_count_is_constant(client, django_assert_max_num_queries, url_name):
    KimFactory()
    with django_assert_max_num_queries(6) as small:
        client.get(reverse(url_name))
    for kim in KimFactory.create_batch(15):
        MembershipFactory.create_batch(3, kim=kim)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(url_name))


def test_profile_query_count_is_constant(client, django_assert_max_num_queries, kim):
    MembershipFactory(kim=kim, role="ketua")
    with django_assert_max_num_queries(6) as small:
        client.get(kim.get_absolute_url())
    for role in ["wakil_ketua", "sekretaris", "bendahara"]:
        MembershipFactory(kim=kim, role=role)
    MembershipFactory.create_batch(20, kim=kim)
    kim.focus_areas.add(*FocusAreaFactory.create_batch(3))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(kim.get_absolute_url())


def test_manage_page_query_count_is_constant(client_as, kim, chair, django_assert_max_num_queries):
    client = client_as(chair)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("groups:kim-manage", args=[kim.slug]))
    MembershipFactory.create_batch(15, kim=kim)
    MembershipFactory.create_batch(5, kim=kim, status=Membership.Status.PENDING)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("groups:kim-manage", args=[kim.slug]))


def test_activity_view_lists_quiet_kims_first_and_filters_them(client_as, staff_user):
    from datetime import timedelta

    from django.utils import timezone

    quiet = KimFactory(name="KIM Sepi")
    Kim.objects.filter(pk=quiet.pk).update(updated_at=timezone.now() - timedelta(days=200))
    busy = KimFactory(name="KIM Ramai")
    MembershipFactory(kim=busy)
    client = client_as(staff_user)

    everything = client.get(reverse("groups:kim-activity"))
    only_quiet = client.get(reverse("groups:kim-activity"), {"sepi": "1"})

    assert [kim.name for kim in everything.context["kims"]] == ["KIM Sepi", "KIM Ramai"]
    assert [kim.name for kim in only_quiet.context["kims"]] == ["KIM Sepi"]


def test_member_leaves_from_the_dashboard_after_confirming(client_as, kim, member):
    client = client_as(member)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Ya, keluar dari KIM Bailangu Informatif" in dashboard

    response = client.post(reverse("groups:membership-leave", args=[kim.slug]))

    assert response.status_code == 302
    assert kim.memberships.get(user=member).status == Membership.Status.LEFT
    assert client.post(reverse("groups:membership-leave", args=[kim.slug])).status_code == 404


def test_activity_view_counts_published_news(client_as, staff_user):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import PostFactory

    kim = KimFactory(name="KIM Berita")
    Kim.objects.filter(pk=kim.pk).update(updated_at=timezone.now() - timedelta(days=200))
    for days in (5, 30, 120):
        PostFactory(kim=kim, published_at=timezone.now() - timedelta(days=days))
    Kim.objects.filter(pk=kim.pk).update(updated_at=timezone.now() - timedelta(days=200))
    kim.memberships.update(updated_at=timezone.now() - timedelta(days=200))

    response = client_as(staff_user).get(reverse("groups:kim-activity"), {"sepi": "1"})
    everything = client_as(staff_user).get(reverse("groups:kim-activity"))

    assert "KIM Berita" not in [k.name for k in response.context["kims"]]
    row = next(k for k in everything.context["kims"] if k.name == "KIM Berita")
    assert row.recent_post_count == 2


def test_manage_page_links_the_kim_documents_through_the_checked_view(
    client_as, kim, chair, django_assert_max_num_queries
):
    from django.core.files.base import ContentFile

    kim.sk_document.save("sk.pdf", ContentFile(b"%PDF-1.4 sk"), save=False)
    kim.bylaws_document.save("adart.pdf", ContentFile(b"%PDF-1.4 adart"), save=True)
    client = client_as(chair)

    with django_assert_max_num_queries(12):
        html = client.get(reverse("groups:kim-manage", args=[kim.slug])).content.decode()

    assert f'href="{kim.sk_document.url}"' in html and "Dokumen:" in html
    assert f'href="{kim.bylaws_document.url}"' in html and "/media/" not in html
    assert client.get(kim.bylaws_document.url).getvalue() == b"%PDF-1.4 adart"


def test_a_pending_request_is_withdrawn_not_left(client_as, kim, resident):
    from groups.services import membership_request

    membership_request(kim=kim, user=resident)
    client = client_as(resident)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert (
        "Ya, batalkan permintaan saya untuk bergabung dengan KIM Bailangu Informatif" in dashboard
    )
    assert "Ya, keluar dari" not in dashboard

    client.post(reverse("groups:membership-leave", args=[kim.slug]))
    assert kim.memberships.get(user=resident).status == Membership.Status.LEFT
