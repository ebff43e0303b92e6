import io
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from aspirations.models import Category, Submission
from aspirations.services import submission_create
from groups.models import Membership
from tests.factories import DistrictFactory, KimFactory, MembershipFactory, VillageFactory


def indonesian(msgid: str) -> str:
    """A message as the (Indonesian) site shows it."""
    with translation.override("id"):
        return gettext(msgid)


def jpeg(size=(1800, 1200), *, gps=False, name="jalan.jpg") -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[0x8825] = {1: "S", 2: (2.0, 57.0, 48.0), 3: "E", 4: (103.0, 51.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, "brown").save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def village(db):
    return VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))


@pytest.fixture
def other_village(db):
    return VillageFactory(name="Sungai Lilin", district=DistrictFactory(name="Sungai Lilin"))


@pytest.fixture
def kim(village):
    return KimFactory(name="KIM Bailangu", village=village)


@pytest.fixture
def manager(kim):
    return MembershipFactory(kim=kim, role=Membership.Role.CHAIR).user


@pytest.fixture
def member(kim):
    return MembershipFactory(kim=kim).user


@pytest.fixture
def other_manager(other_village):
    other_kim = KimFactory(name="KIM Sungai Lilin", village=other_village)
    return MembershipFactory(kim=other_kim, role=Membership.Role.SECRETARY).user


@pytest.fixture
def category(db):
    return Category.objects.get(slug="infrastruktur")


def aspiration_data(village, category, /, **overrides) -> dict:
    """The POST data of the aspiration form as a villager fills it in."""
    data = {
        "category": category.pk,
        "title": "Jalan menuju sekolah rusak",
        "text": "Jalan tanah dari dusun 3 ke SD berlubang dan licin saat hujan.",
        "village": village.code,
        "submitter_name": "Rudi Hartono",
        "submitter_phone": "0812 3456 7890",
        "submitter_email": "rudi@warga.test",
        "accept_privacy": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def send(client, village, category, /, **overrides):
    return client.post(
        reverse("aspirations:submit"), aspiration_data(village, category, **overrides)
    )


_numbers = itertools.count(1)


def make_submission(village, category=None, *, kind=Submission.Kind.ASPIRATION, **overrides):
    """A submission made through the service, as the form would."""
    data = {
        "category": category or Category.objects.get(slug="infrastruktur"),
        "title": "Lampu jalan mati",
        "text": overrides.pop(
            "text", f"Lampu jalan di simpang pasar mati sejak sebulan (laporan {next(_numbers)})."
        ),
        "village": village,
        "submitter_name": "Sari Wulandari",
        "submitter_phone": "081298765432",
        "submitter_email": "sari@warga.test",
        "circulated_on": "Grup WhatsApp" if kind == Submission.Kind.HOAX else "",
    }
    data.update(overrides)
    return submission_create(kind=kind, data=data)
