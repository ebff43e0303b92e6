"""Participants read from a spreadsheet staff upload (run by the import job on the worker): the
columns, the words staff use for a category, and every line checked before anyone is added."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import spreadsheet_records
from core.validators import validate_whatsapp_number
from groups.models import Kim
from regions.models import District
from trainings.models import ParticipantCategory

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
    records = spreadsheet_records(
        upload, columns=IMPORT_COLUMNS, required=("nama", "kategori"), max_rows=MAX_IMPORT_ROWS
    )
    districts = {d.name.lower(): d for d in District.objects.in_area()}
    kims = {k.name.lower(): k for k in Kim.objects.public().in_area().select_related("district")}
    rows, errors = [], []
    for line, values in records:
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
