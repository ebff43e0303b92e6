import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from groups.models import FocusArea, Kim, Membership
from news.models import Category, Post
from news.richtext import body_to_html
from regions.models import District, Province, Regency, Village


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"orang{n}@contoh.test")
    name = factory.Faker("name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "Rahasia-Sekali-123")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = "16"
    name = "Sumatera Selatan"
    official_name = factory.SelfAttribute("name")


class RegencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regency
        django_get_or_create = ["code"]

    province = factory.SubFactory(ProvinceFactory)
    code = "16.06"
    name = "Kabupaten Musi Banyuasin"
    official_name = factory.SelfAttribute("name")
    kind = Regency.Kind.KABUPATEN


class DistrictFactory(factory.django.DjangoModelFactory):
    """A district of the regency given (Musi Banyuasin by default), with a real-shaped code."""

    class Meta:
        model = District

    regency = factory.SubFactory(RegencyFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.regency.code}.{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Kecamatan Contoh {n}")
    official_name = factory.SelfAttribute("name")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    district = factory.SubFactory(DistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.district.code}.{2001 + n % 7999:04d}")
    name = factory.Sequence(lambda n: f"Desa Contoh {n}")
    official_name = factory.SelfAttribute("name")
    kind = Village.Kind.DESA


class KimFactory(factory.django.DjangoModelFactory):
    """An active village KIM without members (``village=None``: a district KIM)."""

    class Meta:
        model = Kim

    village = factory.SubFactory(VillageFactory)
    district = factory.LazyAttribute(
        lambda o: o.village.district if o.village else DistrictFactory()
    )
    level = factory.LazyAttribute(lambda o: Kim.Level.VILLAGE if o.village else Kim.Level.DISTRICT)
    name = factory.Sequence(lambda n: f"KIM Contoh {n}")
    slug = factory.Sequence(lambda n: f"kim-contoh-{n}")
    status = Kim.Status.ACTIVE


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active plain member with an account."""

    class Meta:
        model = Membership

    kim = factory.SubFactory(KimFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.ACTIVE


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    name = factory.Sequence(lambda n: f"Fokus {n}")
    slug = factory.Sequence(lambda n: f"fokus-{n}")


class PostFactory(factory.django.DjangoModelFactory):
    """A published news post of an active KIM, written by one of its members."""

    class Meta:
        model = Post

    kim = factory.SubFactory(KimFactory)
    author = factory.LazyAttribute(
        lambda o: MembershipFactory(kim=o.kim).user if o.kim else UserFactory()
    )
    district = factory.LazyAttribute(lambda o: o.kim.district if o.kim else None)
    village = factory.LazyAttribute(lambda o: o.kim.village if o.kim else None)
    title = factory.Sequence(lambda n: f"Warga gotong royong membersihkan saluran air {n}")
    slug = factory.Sequence(lambda n: f"berita-contoh-{n}")
    lead = "Warga desa bergotong royong membersihkan saluran air menjelang musim hujan."
    body = "Kegiatan dimulai pukul tujuh pagi.\n\nSebanyak **40 warga** ikut serta."
    body_html = factory.LazyAttribute(lambda o: body_to_html(o.body))
    category = factory.LazyFunction(lambda: Category.objects.order_by("position").first())
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
