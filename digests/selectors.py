"""What a weekly digest holds, read live from the published rows.

- Posts (news, announcements, activity reports and fact checks) published in the week, as the
  public pages show them (``news.selectors.post_list_public``): of the KIM, placed in the
  district, or all of the area.
- Trainings *held* that week (at least one of their days falls in it), not drafts and not
  cancelled. Trainings belong to the whole area (they have no place); a district's or a KIM's
  digest lists those with a registered participant from that district or KIM.
- Aspirations and hoax reports first answered that week and public: from the KIM's village
  (a district-level KIM: its district), from the district, or from anywhere in the area.

Each list is one query whatever its length, so a page costs the same with 5 posts or 500.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from aspirations.models import Submission
from digests.periods import Area, week_span
from groups.models import Kim
from news.models import Post
from news.selectors import post_list_public
from regions.models import District
from trainings.models import Registration, Training

# The page lists every item; an email or a WhatsApp message lists what fits and links the rest.
TRAINING_STATUSES = (Training.Status.PUBLISHED, Training.Status.CLOSED, Training.Status.FINISHED)


@dataclass
class DigestContent:
    area: Area
    monday: date
    posts: list = field(default_factory=list)
    fact_checks: list = field(default_factory=list)
    trainings: list = field(default_factory=list)
    aspirations: list = field(default_factory=list)

    @property
    def is_quiet(self) -> bool:
        return not (self.posts or self.fact_checks or self.trainings or self.aspirations)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "post_count": len(self.posts),
            "fact_check_count": len(self.fact_checks),
            "training_count": len(self.trainings),
            "aspiration_count": len(self.aspirations),
        }


def digest_posts(*, area: Area, monday: date) -> QuerySet[Post]:
    """The area's posts published in the week (a scheduled one once its time has come),
    in the order they came out."""
    start, end = week_span(monday)
    posts = post_list_public().filter(published_at__gte=start, published_at__lt=end)
    if area.kim is not None:
        posts = posts.filter(kim=area.kim)
    elif area.district is not None:
        posts = posts.filter(district=area.district)
    return posts.order_by("published_at", "id")


def digest_trainings(*, area: Area, monday: date) -> QuerySet[Training]:
    """Trainings held in the week (see the module's docstring), by first day."""
    sunday = monday + timedelta(days=6)
    trainings = Training.objects.filter(
        status__in=TRAINING_STATUSES, start_date__lte=sunday, end_date__gte=monday
    )
    if not area.is_whole:
        participants = Registration.objects.confirmed().filter(training=OuterRef("pk"))
        if area.kim is not None:
            participants = participants.filter(kim=area.kim)
        else:
            participants = participants.filter(district=area.district)
        trainings = trainings.filter(Exists(participants))
    return trainings.order_by("start_date", "pk")


def digest_aspirations(*, area: Area, monday: date) -> QuerySet[Submission]:
    """Public submissions first answered in the week, in that order."""
    start, end = week_span(monday)
    submissions = Submission.objects.public().filter(
        first_answered_at__gte=start, first_answered_at__lt=end
    )
    if area.kim is not None:
        if area.kim.village_id:
            submissions = submissions.filter(village_id=area.kim.village_id)
        else:
            submissions = submissions.filter(district_id=area.kim.district_id)
    elif area.district is not None:
        submissions = submissions.filter(district=area.district)
    else:
        submissions = submissions.filter(district__in=District.objects.in_area())
    return submissions.order_by("first_answered_at", "id")


def digest_content(*, area: Area, monday: date) -> DigestContent:
    """Everything the area's digest of the week shows (three queries)."""
    posts = list(
        digest_posts(area=area, monday=monday)
        .select_related("kim", "village", "district")
        .only(
            "title",
            "slug",
            "lead",
            "kind",
            "verdict",
            "claim",
            "published_at",
            "kim__name",
            "kim__slug",
            "village__name",
            "district__name",
        )
    )
    return DigestContent(
        area=area,
        monday=monday,
        posts=[post for post in posts if post.kind != Post.Kind.FACT_CHECK],
        fact_checks=[post for post in posts if post.kind == Post.Kind.FACT_CHECK],
        trainings=list(
            digest_trainings(area=area, monday=monday).only(
                "title", "slug", "venue_name", "start_date", "end_date", "status"
            )
        ),
        aspirations=list(
            digest_aspirations(area=area, monday=monday)
            .select_related("village", "category")
            .only(
                "title",
                "kind",
                "circulated_on",
                "first_answered_at",
                "village__name",
                "category__name",
            )
        ),
    )


def digest_counts_by_area(*, monday: date) -> dict[tuple, Counter]:
    """How many items of each kind every area had in the week, keyed ``(kim_id,
    district_id)`` (``(None, None)``: the whole area); areas with nothing are left out. A few
    grouped reads however many KIMs and districts the area has."""
    whole = Area()
    counts: dict[tuple, Counter] = {}

    def add(key, name, number=1):
        counts.setdefault(key, Counter())[name] += number

    for kim_id, district_id, kind in digest_posts(area=whole, monday=monday).values_list(
        "kim_id", "district_id", "kind"
    ):
        name = "fact_check_count" if kind == Post.Kind.FACT_CHECK else "post_count"
        add((None, None), name)
        if district_id:
            add((None, district_id), name)
        if kim_id:
            add((kim_id, None), name)

    trainings = list(digest_trainings(area=whole, monday=monday).values_list("pk", flat=True))
    if trainings:
        add((None, None), "training_count", len(trainings))
        per_area: dict[tuple, set] = {}
        for training_id, kim_id, district_id in (
            Registration.objects.confirmed()
            .filter(training_id__in=trainings)
            .values_list("training_id", "kim_id", "district_id")
        ):
            if kim_id:
                per_area.setdefault((kim_id, None), set()).add(training_id)
            if district_id:
                per_area.setdefault((None, district_id), set()).add(training_id)
        for key, held in per_area.items():
            add(key, "training_count", len(held))

    answered = list(
        digest_aspirations(area=whole, monday=monday).values_list("district_id", "village_id")
    )
    if answered:
        add((None, None), "aspiration_count", len(answered))
        by_village = Counter(village_id for _d, village_id in answered)
        by_district = Counter(district_id for district_id, _v in answered)
        for district_id, number in by_district.items():
            add((None, district_id), "aspiration_count", number)
        kims = Kim.objects.public().in_area()
        for kim_id, village_id in kims.filter(village_id__in=by_village).values_list(
            "pk", "village_id"
        ):
            add((kim_id, None), "aspiration_count", by_village[village_id])
        for kim_id, district_id in kims.filter(
            village__isnull=True, district_id__in=by_district
        ).values_list("pk", "district_id"):
            add((kim_id, None), "aspiration_count", by_district[district_id])

    # Posts of a KIM no longer shown publicly stay in its district's and the area's digests.
    kim_ids = [key[0] for key in counts if key[0]]
    public_kims = set(
        Kim.objects.public().in_area().filter(pk__in=kim_ids).values_list("pk", flat=True)
    )
    return {key: value for key, value in counts.items() if not key[0] or key[0] in public_kims}
