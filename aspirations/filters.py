"""The filters of the aspiration lists (see ``core.filters``): the handlers' queue and the
public list of answered ones. A value they do not know lists nothing."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aspirations.models import Category, Submission
from aspirations.services import code_normalise
from core.filters import StrictFilterSet


class QueueFilter(StrictFilterSet):
    """Tracking code, district, status and kind. The districts come as a list (the area's,
    cached, or a manager's own), so the choices cost no query of their own."""

    kode = django_filters.CharFilter(label=_("Tracking code"), max_length=40, method="filter_code")
    kecamatan = django_filters.ChoiceFilter(
        label=_("District"), empty_label=_("All districts"), method="filter_district"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Submission.Status.choices, empty_label=_("All statuses")
    )
    jenis = django_filters.ChoiceFilter(
        label=_("Kind"),
        field_name="kind",
        choices=Submission.Kind.choices,
        empty_label=_("All kinds"),
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {district.code: district for district in districts}
        self.filters["kecamatan"].extra["choices"] = [
            (code, district.name) for code, district in self.districts.items()
        ]
        self.choices_add()
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"
        if "kode" in self.form.fields:
            self.form.fields["kode"].widget.attrs = {
                "class": "form-control text-uppercase",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "search",
            }
        if "q" in self.form.fields:
            self.form.fields["q"].widget.attrs = {"class": "form-control", "enterkeyhint": "search"}

    def choices_add(self):
        """Choices a subclass adds before the form is built."""

    def filter_code(self, submissions, name, value):
        # A caller reads out the code on the phone: case, spaces and dashes do not matter.
        return submissions.filter(code=code_normalise(value))

    def filter_district(self, submissions, name, value):
        return submissions.filter(district_id=self.districts[value].pk)


class PublicFilter(QueueFilter):
    """Words, district, kind and category; no code and no status (all are answered)."""

    kode = None
    status = None
    q = django_filters.CharFilter(label=_("Search words"), max_length=100, method="filter_words")
    kategori = django_filters.ChoiceFilter(
        label=_("Category"), empty_label=_("All categories"), method="filter_category"
    )

    def choices_add(self):
        self.categories = {category.slug: category for category in Category.objects.all()}
        self.filters["kategori"].extra["choices"] = [
            (slug, category.name) for slug, category in self.categories.items()
        ]

    def filter_category(self, submissions, name, value):
        return submissions.filter(category_id=self.categories[value].pk)

    def filter_words(self, submissions, name, value):
        for word in value.split()[:6]:
            submissions = submissions.filter(
                Q(title__icontains=word) | Q(text__icontains=word) | Q(answer__icontains=word)
            )
        return submissions
