import codecs
import csv
import io
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from core.forms import PhotoField
from core.uploads import MB, ImageValidator
from core.validators import validate_whatsapp_number
from groups.models import Kim
from regions.models import District
from trainings.models import TRAINING_EDITABLE_FIELDS, ParticipantCategory, Training

MAX_IMPORT_ROWS = 2000
# Spreadsheet columns (Indonesian headers, as staff type them) and the fields they fill.
IMPORT_COLUMNS = {
    "nama": "name",
    "email": "email",
    "telepon": "phone",
    "kategori": "category",
    "instansi": "institution",
    "jabatan": "position",
    "kecamatan": "district",
    "kim": "kim",
}


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


def _table(upload) -> list[list]:
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as err:
            raise ValidationError(_("The file is not a readable XLSX spreadsheet.")) from err
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # Excel's "Unicode Text"
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    text = text.replace("\x00", "")  # the database refuses NUL characters
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:  # empty, or one column: the header check says what is missing
        dialect = "excel"
    return list(csv.reader(io.StringIO(text), dialect))


def _cell_text(cell) -> str:
    # Spreadsheets store a typed phone number as a number: 81234567890 or 81234567890.0.
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return "" if cell is None else str(cell).replace("\x00", "").strip()


def _phone_value(text: str) -> str:
    """A phone number as typed; one whose leading 0 the spreadsheet dropped gets it back."""
    if text.isdigit() and text.startswith("8"):
        return "0" + text
    return text


# What staff write in the category column besides a category's code and label.
CATEGORY_WORDS = {
    ParticipantCategory.OPD: ["perangkat daerah", "dinas", "badan"],
    ParticipantCategory.BAGIAN: ["setda", "sekretariat daerah"],
    ParticipantCategory.PKK: ["pkk"],
    ParticipantCategory.DHARMA_WANITA: ["dwp", "dharma wanita persatuan"],
    ParticipantCategory.PRESS: ["pers", "jurnalis", "wartawan", "media", "press"],
    ParticipantCategory.PUBLIC: ["masyarakat", "warga", "public"],
}


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _category_value(text: str) -> str | None:
    """The category a cell names: its code, its label (with or without the bracketed part),
    or a word staff use for it; case, spaces and punctuation do not matter."""
    wanted = _plain(text)
    if not wanted:
        return None
    for value, label in ParticipantCategory.choices:
        names = [value, str(label), re.sub(r"\(.*?\)", "", str(label))]
        names += CATEGORY_WORDS.get(value, [])
        if wanted in {_plain(name) for name in names}:
            return value
    return None


def participant_rows_from_file(upload) -> list[dict]:
    """The rows of a participant spreadsheet as dicts with their line number (``_line``);
    a ``ValidationError`` names every bad line."""
    table = _table(upload)
    if not table:
        raise ValidationError(_("The file is empty."))
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [column for column in ("nama", "kategori") if column not in header]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if len(table) - 1 > MAX_IMPORT_ROWS:
        raise ValidationError(_("At most %(max)d rows at once.") % {"max": MAX_IMPORT_ROWS})
    districts = {d.name.lower(): d for d in District.objects.in_area()}
    kims = {k.name.lower(): k for k in Kim.objects.public().in_area().select_related("district")}
    rows, errors = [], []
    for line, cells in enumerate(table[1:], start=2):
        values = {
            IMPORT_COLUMNS[column]: _cell_text(cells[i] if i < len(cells) else None)
            for i, column in enumerate(header)
            if column in IMPORT_COLUMNS
        }
        if not any(values.values()):
            continue
        problems = []
        if not values.get("name"):
            problems.append(gettext("the name is missing"))
        category = _category_value(values.get("category", ""))
        if category is None:
            problems.append(
                gettext("unknown category “%(value)s”") % {"value": values.get("category", "")}
            )
        values["category"] = category or ""
        if values.get("email"):
            try:
                validate_email(values["email"])
            except ValidationError:
                problems.append(gettext("invalid email “%(value)s”") % {"value": values["email"]})
        if values.get("phone"):
            values["phone"] = _phone_value(values["phone"])
            try:
                validate_whatsapp_number(values["phone"])
            except ValidationError:
                problems.append(
                    gettext("invalid phone number “%(value)s”") % {"value": values["phone"]}
                )
        district_name = values.pop("district", "")
        values["district"] = None
        if district_name:
            values["district"] = districts.get(district_name.lower()) or districts.get(
                f"kecamatan {district_name}".lower()
            )
            if values["district"] is None:
                problems.append(gettext("unknown district “%(value)s”") % {"value": district_name})
        kim_name = values.pop("kim", "")
        values["kim"] = None
        if kim_name:
            values["kim"] = kims.get(kim_name.lower())
            if values["kim"] is None:
                problems.append(gettext("unknown KIM “%(value)s”") % {"value": kim_name})
        if problems:
            errors.append(
                gettext("Line %(line)d: %(errors)s") % {"line": line, "errors": "; ".join(problems)}
            )
        values["_line"] = line
        rows.append(values)
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has no participants."))
    return rows


class TrainingForm(forms.ModelForm):
    """A training as staff create and edit it on the staff pages (the admin has the same
    fields); saved through ``trainings.services.training_save``."""

    categories = forms.MultipleChoiceField(
        label=_("Who may register"),
        choices=ParticipantCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: everyone."),
    )
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
