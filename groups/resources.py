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
from django.utils.translation import gettext as _
from import_export import resources, widgets
from import_export.fields import Field

from core.spreadsheets import cell_text
from groups import permissions
from groups.importing import (
    COLUMN_OF_FIELD,
    active_chair,
    chair_cells_clean,
    chair_save,
    chair_update_for,
    kim_place_find,
    kim_sheet_update,
)
from groups.models import Kim, Membership
from groups.services import kim_register
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
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


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
                kim_sheet_update(kim=instance, actor=actor)
            if (update := self._chair_update(instance, row)) is not None:
                chair_save(kim=instance, update=update, actor=actor)
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
            level, code, village_name, district_name = key
            try:
                self._places[key] = kim_place_find(
                    level=level,
                    code=code,
                    village_name=village_name,
                    district_name=district_name,
                    regions_by_code=self._regions_by_code,
                )
            except ValidationError as err:
                self._places[key] = err
        place = self._places[key]
        if isinstance(place, ValidationError):
            raise place
        return place

    # --- writing -------------------------------------------------------------------------

    def _register(self, instance: Kim, actor) -> None:
        # The instance import-export made is the one saved: the row result and the admin's
        # log point at it.
        kim_register(actor=actor, status_reason=_("Imported from spreadsheet."), kim=instance)
        instance.active_chairs = []  # a new KIM has none yet
        if self._kims_by_key is not None:
            self._remember(instance)  # a later row with its name and place updates it

    # --- the chair -----------------------------------------------------------------------

    def _chair_cells(self, row) -> tuple[str, str]:
        return chair_cells_clean(name=row.get("nama_ketua"), phone=row.get("hp_ketua"))

    def _chair_update(self, kim: Kim, row) -> dict | None:
        name, phone = self._chair_cells(row)
        return chair_update_for(kim=kim, name=name, phone=phone)

    def _by_column(self, err: ValidationError) -> ValidationError:
        """Errors named by the sheet's columns rather than the model's fields."""
        if not hasattr(err, "error_dict"):
            return err
        by_column = {}
        for field, errors in err.error_dict.items():
            by_column.setdefault(COLUMN_OF_FIELD.get(field, field), []).extend(errors)
        return ValidationError(by_column)
