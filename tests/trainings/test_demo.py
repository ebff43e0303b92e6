from accounts.demo import demo_accounts_seed
from accounts.models import User
from groups.models import Membership
from tests.factories import KimFactory, MembershipFactory
from trainings.demo import FINISHED_SLUG, UPCOMING_SLUG, demo_trainings_seed
from trainings.models import Attendance, Registration, Training


def test_demo_trainings_tell_the_sekayu_story_and_seed_once(db):
    demo_accounts_seed()
    staff, chair, resident = (
        User.objects.get(email=email)
        for email in ("staf@demo.test", "ketua@demo.test", "warga@demo.test")
    )
    MembershipFactory(kim=KimFactory(name="KIM Sekayu"), user=chair, role=Membership.Role.CHAIR)

    demo_trainings_seed(staff=staff, chair=chair, resident=resident)
    counts = (Training.objects.count(), Registration.objects.count(), Attendance.objects.count())
    demo_trainings_seed(staff=staff, chair=chair, resident=resident)

    assert (
        Training.objects.count(),
        Registration.objects.count(),
        Attendance.objects.count(),
    ) == counts
    finished = Training.objects.get(slug=FINISHED_SLUG)
    assert finished.title == "Pelatihan Jurnalistik dan Kehumasan"
    assert finished.status == Training.Status.FINISHED and len(finished.days) == 2
    assert finished.sessions.values("date").distinct().count() == 2
    categories = set(finished.registrations.values_list("category", flat=True))
    assert {"opd", "bagian", "kecamatan", "tp_pkk", "dharma_wanita", "pers", "kim"} <= categories
    assert finished.registrations.exclude(certificate_code=None).count() >= 20
    assert finished.registrations.get(user=chair).certificate_code
    upcoming = Training.objects.get(slug=UPCOMING_SLUG)
    assert upcoming.status == Training.Status.PUBLISHED and not upcoming.is_past
    assert upcoming.registrations.filter(user=resident).exists()
