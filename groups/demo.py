"""Demo KIMs for ``seed_demo``: a district KIM in every district of the area and village KIMs
in a realistic share of villages (some with two), with officers, members, requests to join and
a few inactive, proposed and dissolved ones, so that the coverage page tells a real story."""

import functools
import random
from datetime import date, timedelta

from django.db import transaction

from accounts.models import User
from core.services import status_change_log
from groups.models import DevelopmentLevel, FocusArea, Kim, Membership
from groups.services import kim_register, kim_slug_for
from regions.models import District, Village

FIRST_NAMES = [
    "Ahmad",
    "Siti",
    "Budi",
    "Dewi",
    "Rudi",
    "Sri",
    "Hendra",
    "Nur",
    "Agus",
    "Rina",
    "Yusuf",
    "Fitri",
    "Joko",
    "Lestari",
    "Imam",
    "Wati",
    "Bambang",
    "Maya",
    "Rahmat",
    "Yuni",
    "Dedi",
    "Ani",
    "Hasan",
    "Eka",
    "Firman",
    "Ratna",
    "Syahrul",
    "Indah",
    "Zainal",
    "Nurhayati",
]
LAST_NAMES = [
    "Saputra",
    "Hidayat",
    "Lestari",
    "Pratama",
    "Wijaya",
    "Rahman",
    "Kurniawan",
    "Susanti",
    "Setiawan",
    "Anggraini",
    "Syahputra",
    "Wulandari",
    "Nugroho",
    "Marlina",
    "Effendi",
]
NAME_SUFFIXES = ["Informatif", "Maju", "Bersinar", "Cerdas", "Mandiri", "Berkah", "Sejahtera"]
OFFICER_ROLES = [
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.SECRETARY,
    Membership.Role.TREASURER,
]
# Share of villages with a KIM, and the mix of statuses of village KIMs.
VILLAGE_SHARE = 0.45
STATUS_MIX = (
    [Kim.Status.ACTIVE] * 14
    + [Kim.Status.FORMED] * 3
    + [Kim.Status.INACTIVE] * 2
    + [Kim.Status.PROPOSED]
)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _phone(rng: random.Random) -> str:
    return "+628" + "".join(str(rng.randint(0, 9)) for _ in range(10))


@transaction.atomic
def demo_kims_seed(*, staff: User, chair: User, resident: User) -> int:
    """Create the demo KIMs once (nothing happens when KIMs exist); return how many exist."""
    if Kim.objects.exists():
        return Kim.objects.count()
    rng = random.Random(2026)
    focus_areas = list(FocusArea.objects.all())
    levels = list(DevelopmentLevel.objects.all())
    today = date.today()
    new_kim = functools.partial(_kim, staff, rng, focus_areas, levels)
    kims: list[Kim] = []
    for district in District.objects.in_area().order_by("code"):
        kims.append(
            new_kim(
                name=f"KIM Kecamatan {district.name}",
                district=district,
                village=None,
                status=Kim.Status.ACTIVE,
            )
        )
    villages = list(Village.objects.in_area().select_related("district").order_by("code"))
    for village in villages:
        if rng.random() > VILLAGE_SHARE:
            continue
        count = 2 if rng.random() < 0.12 else 1
        for _ in range(count):
            name = f"KIM {village.name} {rng.choice(NAME_SUFFIXES)}"
            kims.append(
                new_kim(
                    name=name,
                    district=village.district,
                    village=village,
                    status=rng.choice(STATUS_MIX),
                )
            )
    dissolved = kims[-1]
    dissolved.status = Kim.Status.DISSOLVED
    dissolved.save(update_fields=["status"])
    status_change_log(
        record=dissolved,
        from_status=Kim.Status.ACTIVE,
        actor=staff,
        note="Pengurus pindah domisili; dibubarkan lewat musyawarah desa.",
    )

    memberships = []
    for kim in kims:
        if kim.status == Kim.Status.PROPOSED:
            continue
        term_start = kim.founded_on or today - timedelta(days=700)
        # One KIM in twelve has officers whose term has run out.
        term_end = (
            today - timedelta(days=30) if rng.random() < 1 / 12 else today + timedelta(days=900)
        )
        for role in OFFICER_ROLES:
            memberships.append(
                Membership(
                    kim=kim,
                    person_name=_person(rng),
                    person_phone=_phone(rng),
                    role=role,
                    status=Membership.Status.ACTIVE,
                    term_start=term_start,
                    term_end=term_end,
                )
            )
        # Most KIMs have 3–30 members; a few are too small or too large, as in real life.
        size = rng.choice([2, 6, 8, 10, 12, 15, 18, 25, 34]) - len(OFFICER_ROLES)
        for _ in range(max(size, 0)):
            memberships.append(
                Membership(
                    kim=kim,
                    person_name=_person(rng),
                    role=Membership.Role.MEMBER,
                    status=Membership.Status.ACTIVE,
                    term_start=term_start,
                )
            )
    Membership.objects.bulk_create(memberships)

    # The demo chair account leads the district KIM of the first district, which has requests
    # waiting; the demo resident is a member there and has asked to join another KIM.
    home = kims[0]
    home.memberships.filter(role=Membership.Role.CHAIR).update(
        user=chair, person_name="", person_phone=""
    )
    Membership.objects.create(
        kim=home,
        user=resident,
        role=Membership.Role.MEMBER,
        status=Membership.Status.ACTIVE,
        term_start=today,
    )
    for number in range(1, 4):
        # People who signed up and asked to join (no password: they are not demo logins).
        applicant = User.objects.create_user(
            email=f"pemohon{number}@demo.test", name=_person(rng), password=None
        )
        Membership.objects.create(
            kim=home, user=applicant, request_message="Saya ingin ikut menyebarkan informasi desa."
        )
    Membership.objects.create(
        kim=kims[15], user=resident, request_message="Saya warga di sini dan ingin bergabung."
    )
    return len(kims)


def _kim(staff, rng, focus_areas, levels, *, name, district, village, status) -> Kim:
    founded = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2200))
    kim = kim_register(
        actor=staff,
        status_reason="Data awal dari rekap Dinkominfo.",
        name=name,
        slug=kim_slug_for(name=name, place=(village or district).name),
        level=Kim.Level.VILLAGE if village else Kim.Level.DISTRICT,
        district=district,
        village=village,
        status=status,
        sk_number=f"{rng.randint(1, 40):02d}/SK/{'DS' if village else 'KEC'}/{founded.year}",
        sk_date=founded,
        sk_issuer=f"Kepala Desa {village.name}" if village else f"Camat {district.name}",
        founded_on=founded,
        development_level=rng.choice(levels),
        is_verified=status == Kim.Status.ACTIVE and rng.random() < 0.7,
        description=(
            f"{name} adalah Kelompok Informasi Masyarakat di "
            f"{'Desa ' + village.name if village else 'Kecamatan ' + district.name}. "
            "Kami menyebarkan informasi pembangunan, menangkal hoaks, dan menampung aspirasi "
            "warga untuk diteruskan kepada pemerintah."
        ),
        contact_whatsapp=_phone(rng) if rng.random() < 0.5 else "",
        focus_areas=rng.sample(focus_areas, k=rng.randint(1, 3)),
    )
    return kim
