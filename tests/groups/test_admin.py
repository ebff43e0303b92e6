from datetime import timedelta

import pytest
from django.contrib import messages
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.admin import AreaDistrictFilter
from groups.models import DevelopmentLevel, FocusArea, Kim, KimStatusChange, Membership
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    RegencyFactory,
    UserFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db

Role = Membership.Role


def add_members(kim, count, **kwargs):
    """People listed by name (no account), active plain members unless told otherwise."""
    return MembershipFactory.create_batch(
        count, kim=kim, user=None, person_name="Anggota", **kwargs
    )


def listed(response) -> set[str]:
    return {kim.name for kim in response.context["cl"].result_list}


def form_data(response) -> dict:
    """The POST data of an admin add or change page as it was rendered, inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def changelist_url():
    return reverse("admin:groups_kim_changelist")


@pytest.fixture
def kims_for_filters():
    """Four KIMs whose place in each custom filter is known."""
    today = timezone.localdate()
    two = KimFactory(name="KIM Dua Orang")
    add_members(two, 2)
    add_members(two, 1, status=Membership.Status.LEFT)
    crowded = KimFactory(name="KIM Ramai")
    add_members(crowded, 31)
    chaired = KimFactory(name="KIM Berketua")
    add_members(chaired, 3)
    add_members(chaired, 1, term_end=today - timedelta(days=30))  # a plain member: no office
    add_members(chaired, 1, role=Role.CHAIR, term_end=today + timedelta(days=365))
    add_members(chaired, 1, role=Role.TREASURER, status=Membership.Status.LEFT, term_end=today)
    expired = KimFactory(name="KIM Masa Habis")
    add_members(expired, 2)
    add_members(expired, 1, role=Role.SECRETARY, term_end=today - timedelta(days=1))
    return {"two": two, "crowded": crowded, "chaired": chaired, "expired": expired}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"KIM Dua Orang", "KIM Ramai", "KIM Berketua", "KIM Masa Habis"}),
        ("chair=none", {"KIM Dua Orang", "KIM Ramai", "KIM Masa Habis"}),
        ("chair=present", {"KIM Berketua"}),
        ("members=outside", {"KIM Dua Orang", "KIM Ramai"}),
        ("members=few", {"KIM Dua Orang"}),
        ("members=many", {"KIM Ramai"}),
        ("term=expired", {"KIM Masa Habis"}),
        ("chair=none&members=outside", {"KIM Dua Orang", "KIM Ramai"}),
    ],
)
def test_kim_changelist_custom_filters(client_as, staff_user, kims_for_filters, query, expected):
    response = client_as(staff_user).get(f"{changelist_url()}?{query}")

    assert response.status_code == 200
    assert listed(response) == expected


def test_kim_changelist_shows_active_member_counts_and_chair(
    client_as, staff_user, kims_for_filters
):
    response = client_as(staff_user).get(changelist_url())

    rows = {
        kim.name: (kim.active_member_count, kim.has_chair)
        for kim in response.context["cl"].result_list
    }
    assert rows == {
        "KIM Dua Orang": (2, False),
        "KIM Ramai": (31, False),
        "KIM Berketua": (5, True),
        "KIM Masa Habis": (3, False),
    }


def test_member_count_is_not_multiplied_by_a_focus_area_filter(client_as, staff_user):
    kim = KimFactory(name="KIM Fokus")
    kim.focus_areas.set(FocusArea.objects.all()[:3])
    add_members(kim, 2)
    focus = kim.focus_areas.first()

    response = client_as(staff_user).get(
        f"{changelist_url()}?focus_areas__id__exact={focus.pk}&members=few"
    )

    assert [k.active_member_count for k in response.context["cl"].result_list] == [2]


def test_district_filter_offers_only_districts_of_the_portal_area(client_as, staff_user):
    inside = DistrictFactory(name="Sekayu")
    DistrictFactory(name="Lais")
    outside = DistrictFactory(
        name="Kecamatan Luar", regency=RegencyFactory(code="16.07", name="Kabupaten Lain")
    )
    KimFactory(village=VillageFactory(district=inside))

    response = client_as(staff_user).get(changelist_url())

    district_filter = next(
        spec for spec in response.context["cl"].filter_specs if isinstance(spec, AreaDistrictFilter)
    )
    offered = {label for _pk, label in district_filter.lookup_choices}
    assert inside.name in offered
    assert outside.name not in offered


def test_kim_changelist_search_reaches_village_district_and_sk(client_as, staff_user):
    district = DistrictFactory(name="Sungai Lilin")
    KimFactory(name="KIM Cahaya", village=VillageFactory(district=district, name="Bumi Kencana"))
    KimFactory(name="KIM Lain", sk_number="141/07/SK/2024")
    client = client_as(staff_user)

    assert listed(client.get(changelist_url(), {"q": "Bumi Kencana"})) == {"KIM Cahaya"}
    assert listed(client.get(changelist_url(), {"q": "Sungai Lilin"})) == {"KIM Cahaya"}
    assert listed(client.get(changelist_url(), {"q": "141/07"})) == {"KIM Lain"}


def make_busy_kim():
    kim = KimFactory(development_level=DevelopmentLevel.objects.first())
    kim.focus_areas.set(FocusArea.objects.all()[:2])
    add_members(kim, 3)
    add_members(kim, 1, role=Role.CHAIR)
    return kim


def test_kim_changelist_queries_do_not_grow_with_rows(
    client_as, staff_user, django_assert_max_num_queries
):
    client = client_as(staff_user)
    make_busy_kim()
    client.get(changelist_url())  # warms the session and content type caches
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(changelist_url()).status_code == 200
    for _ in range(9):
        make_busy_kim()

    with django_assert_max_num_queries(len(one_row)):
        response = client.get(changelist_url())

    assert len(response.context["cl"].result_list) == 10


def test_status_action_asks_for_a_reason_then_records_history(client_as, staff_user):
    first = KimFactory(name="KIM Satu", status=Kim.Status.ACTIVE)
    second = KimFactory(name="KIM Dua", status=Kim.Status.FORMED)
    client = client_as(staff_user)
    selected = {"action": "change_status", "_selected_action": [first.pk, second.pk]}

    page = client.post(changelist_url(), selected)

    assert page.status_code == 200
    assert "admin/groups/kim/change_status.html" in [t.name for t in page.templates]
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert not KimStatusChange.objects.exists()

    response = client.post(
        changelist_url(),
        {**selected, "apply": "1", "to_status": "tidak_aktif", "reason": "Tidak ada kegiatan."},
        follow=True,
    )

    assert [m.level for m in response.context["messages"]] == [messages.SUCCESS]
    for kim, from_status in [(first, Kim.Status.ACTIVE), (second, Kim.Status.FORMED)]:
        kim.refresh_from_db()
        assert kim.status == Kim.Status.INACTIVE
        change = kim.status_changes.get()
        assert (change.from_status, change.to_status) == (from_status, Kim.Status.INACTIVE)
        assert (change.reason, change.changed_by) == ("Tidak ada kegiatan.", staff_user)


def test_status_action_reports_a_refused_transition_per_kim(client_as, staff_user):
    dissolved = KimFactory(name="KIM Bubar", status=Kim.Status.DISSOLVED)
    resting = KimFactory(name="KIM Istirahat", status=Kim.Status.INACTIVE)

    response = client_as(staff_user).post(
        changelist_url(),
        {
            "action": "change_status",
            "_selected_action": [dissolved.pk, resting.pk],
            "apply": "1",
            "to_status": "aktif",
            "reason": "Aktif kembali.",
        },
        follow=True,
    )

    sent = {m.level: str(m) for m in response.context["messages"]}
    assert set(sent) == {messages.ERROR, messages.SUCCESS}
    assert "KIM Bubar" in sent[messages.ERROR]
    dissolved.refresh_from_db()
    resting.refresh_from_db()
    assert dissolved.status == Kim.Status.DISSOLVED
    assert not dissolved.status_changes.exists()
    assert resting.status == Kim.Status.ACTIVE


def test_status_action_without_a_reason_changes_nothing(client_as, staff_user):
    kim = KimFactory(status=Kim.Status.ACTIVE)

    response = client_as(staff_user).post(
        changelist_url(),
        {
            "action": "change_status",
            "_selected_action": [kim.pk],
            "apply": "1",
            "to_status": "tidak_aktif",
            "reason": " ",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    kim.refresh_from_db()
    assert kim.status == Kim.Status.ACTIVE


def test_status_cannot_be_changed_by_posting_the_change_form(client_as, staff_user):
    kim = KimFactory(status=Kim.Status.ACTIVE)
    add_members(kim, 1, role=Role.CHAIR)
    client = client_as(staff_user)
    url = reverse("admin:groups_kim_change", args=[kim.pk])
    data = form_data(client.get(url))
    assert "status" not in data

    response = client.post(url, {**data, "status": "dibubarkan", "sk_number": "141/01/2025"})

    assert response.status_code == 302
    kim.refresh_from_db()
    assert kim.sk_number == "141/01/2025"
    assert kim.status == Kim.Status.ACTIVE
    assert not kim.status_changes.exists()


def test_change_page_shows_the_status_history_read_only(client_as, staff_user):
    kim = KimFactory(name="KIM Sejarah")
    KimStatusChange.objects.create(
        kim=kim,
        from_status="terbentuk",
        to_status="aktif",
        reason="Rapat rutin.",
        changed_by=staff_user,
    )

    response = client_as(staff_user).get(reverse("admin:groups_kim_change", args=[kim.pk]))

    history = next(
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is KimStatusChange
    )
    assert not (history.has_add_permission or history.has_change_permission)
    assert not history.has_delete_permission
    assert "Rapat rutin." in response.content.decode()


def test_admin_add_of_a_village_kim_derives_district_and_slug(client_as, staff_user):
    village = VillageFactory(name="Sukarami", district=DistrictFactory(name="Sekayu"))
    focus = list(FocusArea.objects.order_by("pk").values_list("pk", flat=True)[:2])
    client = client_as(staff_user)
    url = reverse("admin:groups_kim_add")
    data = form_data(client.get(url))

    response = client.post(
        url,
        {
            **data,
            "name": "KIM Maju Bersama",
            "level": "desa",
            "village": village.pk,
            "status": "terbentuk",
            "focus_areas": focus,
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-person_name": "Budi Santoso",
            "memberships-0-person_phone": "0812 3456 7890",
            "memberships-0-role": "ketua",
            "memberships-0-status": "active",
        },
    )

    assert response.status_code == 302
    kim = Kim.objects.get(name="KIM Maju Bersama")
    assert kim.district == village.district
    assert kim.slug == "kim-maju-bersama"
    assert sorted(kim.focus_areas.values_list("pk", flat=True)) == focus
    chair = kim.memberships.get()
    assert (chair.role, chair.person_phone) == (Role.CHAIR, "+6281234567890")
    change = kim.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        "terbentuk",
        staff_user,
    )


def test_admin_add_of_a_district_kim(client_as, staff_user):
    district = DistrictFactory(name="Lais")
    client = client_as(staff_user)
    url = reverse("admin:groups_kim_add")
    data = form_data(client.get(url))

    response = client.post(
        url, {**data, "name": "KIM Lais", "level": "kecamatan", "district": district.pk}
    )

    assert response.status_code == 302
    kim = Kim.objects.get(name="KIM Lais")
    assert (kim.district, kim.village, kim.status) == (district, None, Kim.Status.PROPOSED)


def test_admin_add_refuses_a_village_kim_without_a_village(client_as, staff_user):
    client = client_as(staff_user)
    url = reverse("admin:groups_kim_add")
    data = form_data(client.get(url))

    response = client.post(url, {**data, "name": "KIM Tanpa Desa", "level": "desa"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["village"]
    assert not Kim.objects.exists()


def test_inline_refuses_two_active_chairs(client_as, staff_user):
    kim = KimFactory()
    client = client_as(staff_user)
    url = reverse("admin:groups_kim_change", args=[kim.pk])
    data = form_data(client.get(url))
    chair = {"role": "ketua", "status": "active"}
    for index, name in enumerate(["Ketua Satu", "Ketua Dua"]):
        data.update({f"memberships-{index}-{key}": value for key, value in chair.items()})
        data[f"memberships-{index}-person_name"] = name

    response = client.post(url, {**data, "memberships-TOTAL_FORMS": "2"})

    assert response.status_code == 200
    assert not kim.memberships.exists()


def test_region_picker_offers_the_portal_area_only_with_codes(client_as, staff_user):
    inside = VillageFactory(name="Sukarami", district=DistrictFactory(name="Sekayu"))
    far_district = DistrictFactory(regency=RegencyFactory(code="18.01", name="Lampung Barat"))
    VillageFactory(name="Sukarami", district=far_district)

    response = client_as(staff_user).get(
        reverse("admin:groups_kim_region_autocomplete"),
        {"term": "Sukarami", "app_label": "groups", "model_name": "kim", "field_name": "village"},
    )

    assert response.json()["results"] == [
        {"id": str(inside.pk), "text": f"Sukarami, Sekayu ({inside.code})"}
    ]


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:groups_kim_changelist",
        "admin:groups_kim_add",
        "admin:groups_kim_import",
        "admin:groups_kim_export",
        "admin:groups_kim_region_autocomplete",
        "admin:groups_membership_changelist",
        "admin:groups_kimstatuschange_changelist",
        "admin:groups_focusarea_changelist",
    ],
)
def test_a_resident_cannot_reach_the_kim_admin(client_as, resident, url_name):
    response = client_as(resident).get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:groups_focusarea_changelist",
        "admin:groups_focusarea_add",
        "admin:groups_developmentlevel_changelist",
        "admin:groups_kimstatuschange_changelist",
        "admin:groups_membership_changelist",
        "admin:groups_membership_add",
        "admin:groups_kim_import",
        "admin:groups_kim_export",
    ],
)
def test_staff_open_the_other_registry_pages(client_as, staff_user, url_name):
    MembershipFactory()

    assert client_as(staff_user).get(reverse(url_name)).status_code == 200


def test_only_a_superuser_may_delete_a_kim(client_as, staff_user):
    kim = KimFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:groups_kim_delete", args=[kim.pk])

    assert client_as(staff_user).get(url).status_code == 403
    assert client_as(superuser).get(url).status_code == 200


def test_status_history_cannot_be_added_changed_or_deleted(client_as, staff_user):
    change = KimStatusChange.objects.create(
        kim=KimFactory(), to_status="aktif", reason="Didaftarkan.", changed_by=staff_user
    )
    client = client_as(staff_user)
    url = reverse("admin:groups_kimstatuschange_change", args=[change.pk])

    assert client.get(reverse("admin:groups_kimstatuschange_add")).status_code == 403
    assert client.get(url).status_code == 200  # view only
    assert client.post(url, {"reason": "Diubah."}).status_code == 403
    change.refresh_from_db()
    assert change.reason == "Didaftarkan."


def test_membership_changelist_filters_by_kim_district_and_finds_people(client_as, staff_user):
    district = DistrictFactory(name="Babat Toman")
    kim = KimFactory(village=VillageFactory(district=district))
    MembershipFactory(kim=kim, user=None, person_name="Rahmat Hidayat", role=Role.CHAIR)
    MembershipFactory(user__email="lain@contoh.test")
    client = client_as(staff_user)
    url = reverse("admin:groups_membership_changelist")

    by_district = client.get(url, {"kim__district__id__exact": district.pk})
    by_email = client.get(url, {"q": "lain@contoh"})

    assert [m.person_name for m in by_district.context["cl"].result_list] == ["Rahmat Hidayat"]
    assert [m.user.email for m in by_email.context["cl"].result_list] == ["lain@contoh.test"]


def test_focus_area_list_filters_by_use(client_as, staff_user):
    used = FocusArea.objects.order_by("pk").first()
    KimFactory().focus_areas.add(used)

    response = client_as(staff_user).get(
        reverse("admin:groups_focusarea_changelist"), {"in_use": "yes"}
    )

    assert [area.pk for area in response.context["cl"].result_list] == [used.pk]


def test_staff_mark_a_kim_trusted_in_the_admin(client_as, staff_user):
    kim = KimFactory(is_trusted=False)
    client = client_as(staff_user)
    url = reverse("admin:groups_kim_change", args=[kim.pk])

    response = client.post(url, {**form_data(client.get(url)), "is_trusted": "on"})

    assert response.status_code == 302
    kim.refresh_from_db()
    assert kim.is_trusted
    trusted = client.get(changelist_url(), {"is_trusted__exact": "1"})
    assert kim.name in listed(trusted)
