from datetime import time, timedelta

import factory
from django.utils import timezone

from tests.factories import UserFactory
from trainings.models import ParticipantCategory, Registration, Session, Training


class TrainingFactory(factory.django.DjangoModelFactory):
    """A published two-day training next week, open to everyone, with 30 seats."""

    class Meta:
        model = Training

    title = factory.Sequence(lambda n: f"Pelatihan Jurnalistik dan Kehumasan {n}")
    slug = factory.Sequence(lambda n: f"pelatihan-jurnalistik-{n}")
    description = "Menulis berita dan mengelola kehumasan untuk KIM."
    venue_name = "Aula Pusat Belajar Guru"
    venue_address = "Jl. Kolonel Wahid Udin, Sekayu"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=1))
    status = Training.Status.PUBLISHED
    capacity = 30


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    training = factory.SubFactory(TrainingFactory)
    date = factory.LazyAttribute(lambda o: o.training.start_date)
    start_time = time(8, 30)
    end_time = time(10, 0)
    topic = "Dasar-dasar menulis berita"
    speaker_name = "Amrullah"
    speaker_position = "Kabid Pengelolaan Informasi Publik"
    speaker_institution = "Dinas Kominfo Provinsi Sumatera Selatan"


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration of a person with an account."""

    class Meta:
        model = Registration

    training = factory.SubFactory(TrainingFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.name if o.user else "Peserta Undangan")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "")
    category = ParticipantCategory.PUBLIC
    institution = "Kecamatan Sekayu"
    status = Registration.Status.CONFIRMED
