from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.forms import PhotoField
from core.uploads import MB, ImageValidator
from core.validators import validate_whatsapp_number
from groups.models import Kim
from regions.models import District
from trainings.models import TRAINING_EDITABLE_FIELDS, ParticipantCategory, Training


class RegistrationForm(forms.Form):
    """One step: the person's own name and email come from their account."""

    category = forms.ChoiceField(label=_("I take part as"))
    kim = forms.ModelChoiceField(
        label=_("My KIM"), queryset=Kim.objects.none(), required=False, empty_label=None
    )
    institution = forms.CharField(
        label=_("Institution"),
        max_length=200,
        required=False,
        help_text=_("e.g. Kecamatan Sekayu, TP PKK Desa Bailangu, a newspaper"),
    )
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        help_text=_("Where you work or live, for the committee's count by district."),
    )
    phone = forms.CharField(
        label=_("Phone / WhatsApp"),
        max_length=20,
        required=False,
        validators=[validate_whatsapp_number],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("For the committee only; never shown publicly."),
    )

    def __init__(self, *args, categories, kims, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories
        self.fields["district"].queryset = District.objects.in_area().order_by("name")
        if kims:
            self.fields["kim"].queryset = Kim.objects.filter(pk__in=[kim.pk for kim in kims])
        else:
            del self.fields["kim"]


class ParticipantForm(forms.Form):
    """Staff add an invited participant."""

    name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(
        label=_("Phone / WhatsApp"),
        max_length=20,
        required=False,
        validators=[validate_whatsapp_number],
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=ParticipantCategory.choices)
    institution = forms.CharField(label=_("Institution"), max_length=200, required=False)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.in_area().order_by("name")


class ParticipantImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_(
            "First row: nama, email, telepon, kategori, instansi, jabatan, kecamatan, kim. "
            "Only nama and kategori are required."
        ),
    )

    def clean_file(self):
        """Only the size here: the rows are read and checked by the import job, on the worker."""
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than %(max)d MB.") % {"max": 5})
        return upload


def categories_field(*, label) -> forms.MultipleChoiceField:
    """Who may register (the staff page's and the admin's field): no box ticked is everyone."""
    return forms.MultipleChoiceField(
        label=label,
        choices=ParticipantCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: everyone."),
    )


class TrainingForm(forms.ModelForm):
    """A training as staff create and edit it on the staff pages (the admin has the same
    fields); saved through ``trainings.services.training_save``."""

    categories = categories_field(label=_("Who may register"))
    cover_upload = PhotoField(
        label=_("Cover image"),
        required=False,
        validator=ImageValidator(max_bytes=8 * MB),
    )

    class Meta:
        model = Training
        fields = TRAINING_EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "registration_closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover_upload"].explain()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first."))
        return data


class SessionForm(forms.Form):
    """One agenda item; the day is one of the training's, the speaker may be one typed before."""

    date = forms.TypedChoiceField(label=_("Day"), coerce=lambda value: value)
    start_time = forms.TimeField(
        label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    speaker_name = forms.CharField(
        label=_("Speaker"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"list": "speakers", "autocomplete": "off"}),
        help_text=_("A speaker of an earlier session keeps their position and institution."),
    )
    speaker_position = forms.CharField(
        label=_("Speaker's position"), max_length=200, required=False
    )
    speaker_institution = forms.CharField(
        label=_("Speaker's institution"), max_length=200, required=False
    )

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].choices = [
            (day.isoformat(), date_format(day, "l, j F Y")) for day in training.days
        ]

    def clean_date(self):
        from datetime import date

        return date.fromisoformat(self.cleaned_data["date"])


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF or slides, at most 25 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.ppt,.pptx,.odp,.doc,.docx,.odt,.xlsx"}
        ),
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        help_text=_("Off: only registered participants download it."),
    )
