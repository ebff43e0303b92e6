"""The spreadsheet of KIMs that Dinkominfo keeps, imported and exported in the admin (CSV, XLSX).

Columns carry the sheet's own headers (``COLUMNS``). A row is the KIM with the same name
(ignoring case and extra spaces) in the same place: the village of a village KIM, the district of
a district KIM. Re-importing a sheet therefore updates KIMs instead of adding them again; a KIM
renamed in the sheet is a new KIM (rename it in the admin first). Slugs are not used to match:
they are derived once and staff may change them.

The place is ``kode_wilayah`` (a village code for a village KIM, a district code for a district
KIM) or, when that cell is empty, ``nama_desa`` and ``nama_kecamatan``.

The chair columns look after one active chair per KIM. With no active chair, one is listed by
name and phone (no account). A chair listed that way gets the sheet's name, and its phone when
the cell has one. A chair with an account is kept as is: their name and number are theirs to
change, so the sheet's chair columns are ignored for that KIM. Empty chair cells change nothing.

A file goes in whole or not at all: any bad row rolls the import back, and status changes are
recorded in the KIM's history like any other.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field

from core.spreadsheets import cell_text
from core.validators import normalize_whatsapp_number, validate_whatsapp_number
from groups import permissions
from groups.models import Kim, Membership
from groups.services import kim_register, kim_status_change
from regions.models import District, Village

COLUMNS = [
    "nama_kim",
    "tingkat",
    "kode_wilayah",
    "nama_desa",
    "nama_kecamatan",
    "status",
    "nomor_sk",
    "tanggal_sk",
    "penerbit_sk",
    "tanggal_berdiri",
    "nomor_registrasi",
    "nama_ketua",
    "hp_ketua",
]
# The model fields a row writes, and the column that holds each (for error messages).
COLUMN_OF_FIELD = {
    "name": "nama_kim",
    "level": "tingkat",
    "village": "kode_wilayah",
    "district": "kode_wilayah",
    "status": "status",
    "sk_number": "nomor_sk",
    "sk_date": "tanggal_sk",
    "sk_issuer": "penerbit_sk",
    "founded_on": "tanggal_berdiri",
    "registration_number": "nomor_registrasi",
}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def active_chair(kim: Kim) -> Membership | None:
    """The KIM's active chair, from the ``active_chairs`` prefetch of an export if present."""
    if kim.pk is None:
        return None
    if hasattr(kim, "active_chairs"):
        chairs = kim.active_chairs
    else:
        chairs = kim.memberships.active().filter(role=Membership.Role.CHAIR).select_related("user")
    return next(iter(chairs), None)


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class ChoiceWidget(widgets.Widget):
    """One of a TextChoices' values, written in any case, with spaces for underscores."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lower().replace(" ", "_")
        if not text:
            return None
        if text not in self.choices.values:
            raise ValueError(
                _("Unknown value “%(value)s”; use one of: %(choices)s.")
                % {"value": cell_text(value), "choices": ", ".join(self.choices.values)}
            )
        return text


class SheetDateWidget(widgets.Widget):
    """Dates as YYYY-MM-DD or DD/MM/YYYY, or a spreadsheet's own date cells."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for date_format in DATE_FORMATS:
            try:
                return datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        # XLSX gets a real date cell; CSV gets the ISO form, which reads back the same.
        return value if kwargs.get("force_native_type") else value.isoformat()


class RegionCodeField(Field):
    """``kode_wilayah``: read by ``KimResource`` together with the level and the names."""

    def get_value(self, instance):
        if instance.village_id:
            return instance.village.code
        if instance.district_id:
            return instance.district.code
        return None


class ChairField(Field):
    """``nama_ketua`` / ``hp_ketua``: the active chair's; written by ``KimResource``."""

    def __init__(self, part: str, **kwargs):
        super().__init__(widget=TextWidget(), **kwargs)
        self.part = part

    def get_value(self, instance):
        chair = active_chair(instance)
        if chair is None:
            return None
        if self.part == "name":
            return chair.display_name
        return chair.person_phone or (chair.user.phone if chair.user_id else "")


class KimResource(resources.ModelResource):
    nama_kim = Field(attribute="name", widget=TextWidget())
    tingkat = Field(attribute="level", readonly=True)
    kode_wilayah = RegionCodeField()
    nama_desa = Field(attribute="village__name", readonly=True)
    nama_kecamatan = Field(attribute="district__name", readonly=True)
    status = Field(attribute="status", widget=ChoiceWidget(Kim.Status), saves_null_values=False)
    nomor_sk = Field(attribute="sk_number", widget=TextWidget())
    tanggal_sk = Field(attribute="sk_date", widget=SheetDateWidget())
    penerbit_sk = Field(attribute="sk_issuer", widget=TextWidget())
    tanggal_berdiri = Field(attribute="founded_on", widget=SheetDateWidget())
    nomor_registrasi = Field(attribute="registration_number", widget=TextWidget())
    nama_ketua = ChairField("name")
    hp_ketua = ChairField("phone")

    class Meta:
        model = Kim
        fields = COLUMNS
        skip_unchanged = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._places = {}
        # Filled by before_import() for the whole file, so rows need no lookups of their own.
        self._regions_by_code = None
        self._kims_by_key = None

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """All or nothing: one bad row rolls back the whole file, dry run or not."""
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def before_import(self, dataset, **kwargs):
        user = kwargs.get("user")
        if user is None or not permissions.can_edit_kim_registry(user):
            raise PermissionDenied
        # "Nama KIM" and "nama_kim" are the same column.
        dataset.headers = [cell_text(h).lower().replace(" ", "_") for h in dataset.headers]
        self._preload(dataset)

    def _preload(self, dataset) -> None:
        """Read the regions the file names by code, and the KIMs already in its places, in a
        few queries for the whole file (a province's sheet has thousands of rows)."""
        rows = [dict(zip(dataset.headers, values, strict=False)) for values in dataset]
        codes = {cell_text(row.get("kode_wilayah")) for row in rows} - {""}
        self._regions_by_code = {}
        for model, parts in ((Village, 4), (District, 3)):
            wanted = [code for code in codes if len(code.split(".")) == parts]
            found = model.objects.in_area().filter(code__in=wanted)
            if model is Village:
                found = found.select_related("district")
            self._regions_by_code.update((region.code, region) for region in found)
        village_ids, district_ids = set(), set()
        for row in rows:
            try:
                _level, village, district = self._place(row)
            except ValidationError:
                continue
            if village is None:
                district_ids.add(district.pk)
            else:
                village_ids.add(village.pk)
        chairs = Membership.objects.active().filter(role=Membership.Role.CHAIR)
        in_places = Q(village_id__in=village_ids) | Q(
            village__isnull=True, district_id__in=district_ids
        )
        kims = (
            Kim.objects.filter(in_places)
            .select_related("village", "district")
            .prefetch_related(
                Prefetch("memberships", chairs.select_related("user"), to_attr="active_chairs")
            )
            .order_by("pk")
        )
        self._kims_by_key = {}
        for kim in kims:
            self._remember(kim)

    def _remember(self, kim: Kim) -> None:
        key = (kim.name.upper(), kim.village_id, kim.district_id)
        self._kims_by_key.setdefault(key, []).append(kim)

    def get_instance(self, instance_loader, row):
        name = cell_text(row.get("nama_kim"))
        try:
            _level, village, district = self._place(row)
        except ValidationError:
            return None  # reported with the row's other errors by import_instance()
        if not name:
            return None
        if self._kims_by_key is not None:
            key = (name.upper(), village.pk if village else None, district.pk)
            kims = self._kims_by_key.get(key, [])[:2]
        else:
            kims = list(
                Kim.objects.filter(name__iexact=name, village=village, district=district)
                .select_related("village", "district")
                .order_by("pk")[:2]
            )
        if len(kims) > 1:
            raise ValidationError(
                _("Several KIMs are called “%(name)s” in this place; rename one in the admin.")
                % {"name": name}
            )
        return kims[0] if kims else None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as err:
            errors = err.update_error_dict(errors)
        try:
            instance.level, instance.village, instance.district = self._place(row)
        except ValidationError as err:
            errors = err.update_error_dict(errors)
        try:
            self._chair_cells(row)
        except ValidationError as err:
            errors = err.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        # Only the sheet's fields: the slug of a new KIM is made when it is registered.
        exclude = {f.name for f in Kim._meta.fields if f.name not in COLUMN_OF_FIELD} | set(errors)
        # The place was said once already as its own error, or _place() found it in the area
        # (the regions exist and fit the level): checking it again costs queries per row.
        exclude |= {"level", "village", "district"}
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as err:
            errors = err.update_error_dict(errors)
        if errors:
            raise self._by_column(ValidationError(errors))

    def after_import_row(self, row, row_result, **kwargs):
        # An import job passes ``progress`` to count the rows done (imports.services).
        if progress := kwargs.get("progress"):
            progress(kwargs["row_number"])

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return super().skip_row(
            instance, original, row, import_validation_errors
        ) and not self._chair_update(instance, row)

    def save_instance(self, instance, is_create, row, **kwargs):
        actor = kwargs.get("user")
        try:
            if is_create:
                self._register(instance, actor)
            else:
                self._update(instance, actor)
            self._save_chair(instance, row, actor)
        except ValidationError as err:
            raise self._by_column(err) from err

    def filter_export(self, queryset, **kwargs):
        chairs = Membership.objects.active().filter(role=Membership.Role.CHAIR)
        return queryset.select_related("village", "district").prefetch_related(
            Prefetch("memberships", queryset=chairs.select_related("user"), to_attr="active_chairs")
        )

    # --- the place -----------------------------------------------------------------------

    def _place(self, row) -> tuple[str, Village | None, District]:
        """The row's (level, village, district), looked up once per distinct place in a file."""
        key = tuple(
            cell_text(row.get(column))
            for column in ("tingkat", "kode_wilayah", "nama_desa", "nama_kecamatan")
        )
        if key not in self._places:
            try:
                self._places[key] = self._find_place(*key)
            except ValidationError as err:
                self._places[key] = err
        place = self._places[key]
        if isinstance(place, ValidationError):
            raise place
        return place

    def _find_place(self, level, code, village_name, district_name):
        level = level.lower()
        if level and level not in Kim.Level.values:
            raise ValidationError(
                {
                    "tingkat": _("Unknown level “%(value)s”; use desa or kecamatan.")
                    % {"value": level}
                }
            )
        if code:
            return self._place_by_code(level, code)
        if not district_name:
            raise ValidationError(
                {"kode_wilayah": _("Give the region code, or the village and district names.")}
            )
        districts = list(District.objects.in_area().filter(name__iexact=district_name)[:2])
        if len(districts) != 1:
            raise ValidationError(
                {
                    "nama_kecamatan": _("No single district called “%(name)s” in the area.")
                    % {"name": district_name}
                }
            )
        level = level or (Kim.Level.VILLAGE if village_name else Kim.Level.DISTRICT)
        if level == Kim.Level.DISTRICT:
            return level, None, districts[0]
        villages = list(
            Village.objects.filter(district=districts[0], name__iexact=village_name)
            .select_related("district")
            .order_by("code")[:2]
        )
        if len(villages) != 1:
            raise ValidationError(
                {
                    "nama_desa": _(
                        "No single village called “%(name)s” in %(district)s; give its code."
                    )
                    % {"name": village_name, "district": districts[0].name}
                }
            )
        return level, villages[0], villages[0].district

    def _place_by_code(self, level, code):
        code_level = {4: Kim.Level.VILLAGE, 3: Kim.Level.DISTRICT}.get(len(code.split(".")))
        if code_level is None or (level and level != code_level):
            expected = {
                Kim.Level.VILLAGE: _("a village KIM needs a village code such as 16.06.01.2001"),
                Kim.Level.DISTRICT: _("a district KIM needs a district code such as 16.06.01"),
            }
            raise ValidationError(
                {
                    "kode_wilayah": _("“%(code)s” does not fit: %(expected)s.")
                    % {"code": code, "expected": expected[level or Kim.Level.VILLAGE]}
                }
            )
        if code_level == Kim.Level.VILLAGE:
            if self._regions_by_code is not None:
                village = self._regions_by_code.get(code)
            else:
                village = (
                    Village.objects.in_area().select_related("district").filter(code=code).first()
                )
            if village is None:
                raise ValidationError(
                    {
                        "kode_wilayah": _("No village has the code “%(code)s” in the area.")
                        % {"code": code}
                    }
                )
            return code_level, village, village.district
        if self._regions_by_code is not None:
            district = self._regions_by_code.get(code)
        else:
            district = District.objects.in_area().filter(code=code).first()
        if district is None:
            raise ValidationError(
                {
                    "kode_wilayah": _("No district has the code “%(code)s” in the area.")
                    % {"code": code}
                }
            )
        return code_level, None, district

    # --- writing -------------------------------------------------------------------------

    def _register(self, instance: Kim, actor) -> None:
        kim = kim_register(
            actor=actor,
            status_reason=_("Imported from spreadsheet."),
            **{field: getattr(instance, field) for field in COLUMN_OF_FIELD},
        )
        # The row result and the admin's log point at the instance import-export made.
        for field in Kim._meta.concrete_fields:
            setattr(instance, field.attname, getattr(kim, field.attname))
        instance._state.adding = False
        instance.active_chairs = []  # a new KIM has none yet
        if self._kims_by_key is not None:
            self._remember(instance)  # a later row with its name and place updates it

    def _update(self, instance: Kim, actor) -> None:
        """Save what the row changed; a new status goes through the service, into the history."""
        attnames = {field: Kim._meta.get_field(field).attname for field in COLUMN_OF_FIELD}
        stored = Kim.objects.values(*attnames.values()).get(pk=instance.pk)
        changed = [
            field
            for field, attname in attnames.items()
            if field != "status" and getattr(instance, attname) != stored[attname]
        ]
        to_status, instance.status = instance.status, stored["status"]
        if changed:
            instance.save(update_fields=[*changed, "updated_at"])
        if to_status != instance.status:
            try:
                kim_status_change(
                    kim=instance,
                    to_status=to_status,
                    reason=_("Imported from spreadsheet."),
                    actor=actor,
                )
            except ValidationError as err:
                raise ValidationError({"status": err.messages}) from err
            instance.status = to_status

    # --- the chair -----------------------------------------------------------------------

    def _chair_cells(self, row) -> tuple[str, str]:
        name = cell_text(row.get("nama_ketua"))
        phone = cell_text(row.get("hp_ketua")).replace(" ", "")
        if phone.startswith("8"):  # a number cell lost the leading zero of 08...
            phone = "0" + phone
        if phone:
            try:
                validate_whatsapp_number(phone)
            except ValidationError as err:
                raise ValidationError({"hp_ketua": err.messages}) from err
            phone = normalize_whatsapp_number(phone)
        return name, phone

    def _chair_update(self, kim: Kim, row) -> dict | None:
        """What the chair cells change: the fields of a chair to add or update, or None."""
        name, phone = self._chair_cells(row)
        if not name:
            return None
        chair = active_chair(kim)
        if chair is None:
            return {"person_name": name, "person_phone": phone}
        if chair.user_id:
            return None
        update = {"person_name": name, "person_phone": phone or chair.person_phone}
        if update == {"person_name": chair.person_name, "person_phone": chair.person_phone}:
            return None
        return update

    def _save_chair(self, kim: Kim, row, actor) -> None:
        update = self._chair_update(kim, row)
        if update is None:
            return
        chair = active_chair(kim) or Membership(
            kim=kim,
            role=Membership.Role.CHAIR,
            status=Membership.Status.ACTIVE,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        for field, value in update.items():
            setattr(chair, field, value)
        # The fields are checked; the constraints (one active chair, a name or an account) hold
        # by construction: a chair is added only to a KIM without one, always with a name. The
        # database still enforces them, and skipping their queries halves a big file's time.
        chair.full_clean(exclude=["kim", "decided_by"], validate_constraints=False)
        chair.save()
        if hasattr(kim, "active_chairs"):
            kim.active_chairs = [chair]

    def _by_column(self, err: ValidationError) -> ValidationError:
        """Errors named by the sheet's columns rather than the model's fields."""
        if not hasattr(err, "error_dict"):
            return err
        by_column = {}
        for field, errors in err.error_dict.items():
            by_column.setdefault(COLUMN_OF_FIELD.get(field, field), []).extend(errors)
        return ValidationError(by_column)
