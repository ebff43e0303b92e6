"""The rules of the KIM spreadsheet (``groups.resources.KimResource``): where a row's KIM is,
what its chair cells change, and how a row updates a KIM already registered. The resource
only wires them into django-import-export's steps."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import cell_text
from core.validators import normalize_whatsapp_number, validate_whatsapp_number
from groups.models import Kim, Membership
from groups.services import kim_status_change, public_changed
from regions.models import District, Village

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


def active_chair(kim: Kim) -> Membership | None:
    """The KIM's active chair, from the ``active_chairs`` prefetch of an export if present."""
    if kim.pk is None:
        return None
    if hasattr(kim, "active_chairs"):
        chairs = kim.active_chairs
    else:
        chairs = kim.memberships.active().filter(role=Membership.Role.CHAIR).select_related("user")
    return next(iter(chairs), None)


# --- the place -------------------------------------------------------------------------------


def kim_place_find(
    *, level: str, code: str, village_name: str, district_name: str, regions_by_code=None
) -> tuple[str, Village | None, District]:
    """The (level, village, district) of a row: by ``code`` (a village or district code, found
    in ``regions_by_code`` when the file's regions were read at once), else by the names. A
    place that is not one region of the area is a ``ValidationError`` naming its column."""
    level = level.lower()
    if level and level not in Kim.Level.values:
        raise ValidationError(
            {"tingkat": _("Unknown level “%(value)s”; use desa or kecamatan.") % {"value": level}}
        )
    if code:
        return _place_by_code(level, code, regions_by_code)
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


def _place_by_code(level: str, code: str, regions_by_code) -> tuple[str, Village | None, District]:
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
        if regions_by_code is not None:
            village = regions_by_code.get(code)
        else:
            village = Village.objects.in_area().select_related("district").filter(code=code).first()
        if village is None:
            raise ValidationError(
                {
                    "kode_wilayah": _("No village has the code “%(code)s” in the area.")
                    % {"code": code}
                }
            )
        return code_level, village, village.district
    if regions_by_code is not None:
        district = regions_by_code.get(code)
    else:
        district = District.objects.in_area().filter(code=code).first()
    if district is None:
        raise ValidationError(
            {"kode_wilayah": _("No district has the code “%(code)s” in the area.") % {"code": code}}
        )
    return code_level, None, district


# --- a KIM already registered ----------------------------------------------------------------


def kim_sheet_update(*, kim: Kim, actor) -> None:
    """Save what a row changed of a registered KIM; a new status goes through the service,
    into the history."""
    attnames = {field: Kim._meta.get_field(field).attname for field in COLUMN_OF_FIELD}
    stored = Kim.objects.values(*attnames.values()).get(pk=kim.pk)
    changed = [
        field
        for field, attname in attnames.items()
        if field != "status" and getattr(kim, attname) != stored[attname]
    ]
    to_status, kim.status = kim.status, stored["status"]
    if changed:
        kim.save(update_fields=[*changed, "updated_at"])
        public_changed()
    if to_status != kim.status:
        try:
            kim_status_change(
                kim=kim, to_status=to_status, reason=_("Imported from spreadsheet."), actor=actor
            )
        except ValidationError as err:
            raise ValidationError({"status": err.messages}) from err
        kim.status = to_status


# --- the chair -------------------------------------------------------------------------------


def chair_cells_clean(*, name, phone) -> tuple[str, str]:
    """The chair's name and WhatsApp number from their cells (a number cell that lost the
    leading zero of 08... gets it back); a bad number is an error of ``hp_ketua``."""
    name = cell_text(name)
    phone = cell_text(phone).replace(" ", "")
    if phone.startswith("8"):
        phone = "0" + phone
    if phone:
        try:
            validate_whatsapp_number(phone)
        except ValidationError as err:
            raise ValidationError({"hp_ketua": err.messages}) from err
        phone = normalize_whatsapp_number(phone)
    return name, phone


def chair_update_for(*, kim: Kim, name: str, phone: str) -> dict | None:
    """What the chair cells change: the fields of a chair to add or update, or None. A KIM
    without an active chair gets one listed by name; a chair with an account is theirs to
    change; empty cells change nothing."""
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


def chair_save(*, kim: Kim, update: dict, actor) -> None:
    """Add the KIM's chair, or update the one listed by name, with ``chair_update_for``'s
    fields."""
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
    public_changed()
    if hasattr(kim, "active_chairs"):
        kim.active_chairs = [chair]
