"""Importing the Kemendagri region table (the CSV format of ``shared/data/regions``)."""

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.cache import version_bump_on_commit
from regions.models import District, Province, Regency, Village, code_ancestors
from regions.selectors import region_area_cache_clear

COLUMNS = ["code", "name", "level", "parent_code", "kind"]
LEVELS = {
    # level: (model, code pattern, parent foreign key, allowed kinds)
    "province": (Province, re.compile(r"^\d{2}$"), None, {""}),
    "regency": (Regency, re.compile(r"^\d{2}\.\d{2}$"), "province", {""}),
    "district": (District, re.compile(r"^\d{2}\.\d{2}\.\d{2}$"), "regency", {""}),
    "village": (
        Village,
        re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
        "district",
        set(Village.Kind),
    ),
}
NAME_MAX_LENGTH = 100
BATCH_SIZE = 2000
# The version (core.cache) of the region names and parts public pages show; cached public
# pages carry it (core.page_cache).
NAMESPACE = "regions"


@dataclass(frozen=True)
class RegionRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str
    kind: str


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    corrected_names_kept: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())
        )


def _row_error(line: int, message: str) -> ValidationError:
    return ValidationError(
        _("Line %(line)d: %(message)s") % {"line": line, "message": message},
        code="invalid_row",
    )


def _regency_kind(name: str) -> str:
    return Regency.Kind.KOTA if name.startswith("Kota ") else Regency.Kind.KABUPATEN


def region_rows_read(path: Path, *, within: str = "") -> list[RegionRow]:
    """Read and check every row of a region CSV (plain or .gz); raise on the first bad line.

    With ``within`` (a region code), keep only that region, what lies below it and its
    ancestors. Rows must come parents first, as in the shipped files.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None or [column.strip() for column in header] != COLUMNS:
            raise _row_error(
                1, _("the header must be %(columns)s") % {"columns": ",".join(COLUMNS)}
            )
        keep_ancestors = set(code_ancestors(within)) if within else set()
        rows: list[RegionRow] = []
        seen: dict[str, int] = {}
        for values in reader:
            line = reader.line_num
            if not values:
                continue
            row = _region_row_check(line, values)
            if row.code in seen:
                raise _row_error(
                    line,
                    _("code %(code)s already appeared on line %(first)d")
                    % {"code": row.code, "first": seen[row.code]},
                )
            seen[row.code] = line
            if row.level != "province" and row.parent_code not in seen:
                raise _row_error(
                    line,
                    _("parent %(parent)s must come before %(code)s")
                    % {"parent": row.parent_code, "code": row.code},
                )
            if within and not (
                row.code == within
                or row.code.startswith(within + ".")
                or row.code in keep_ancestors
            ):
                continue
            rows.append(row)
    return rows


def _region_row_check(line: int, values: list[str]) -> RegionRow:
    if len(values) != len(COLUMNS):
        raise _row_error(
            line,
            _("expected %(expected)d columns, found %(found)d")
            % {"expected": len(COLUMNS), "found": len(values)},
        )
    code, name, level, parent_code, kind = (value.strip() for value in values)
    if level not in LEVELS:
        raise _row_error(line, _("unknown level “%(level)s”") % {"level": level})
    _model, pattern, _parent_field, kinds = LEVELS[level]
    if not pattern.match(code):
        raise _row_error(
            line,
            _("code “%(code)s” is not a valid %(level)s code") % {"code": code, "level": level},
        )
    expected_parent = code.rsplit(".", 1)[0] if "." in code else ""
    if parent_code != expected_parent:
        raise _row_error(
            line,
            _("parent code of %(code)s must be “%(expected)s”, not “%(parent)s”")
            % {"code": code, "expected": expected_parent, "parent": parent_code},
        )
    if not name:
        raise _row_error(line, _("name is empty"))
    if len(name) > NAME_MAX_LENGTH:
        raise _row_error(
            line, _("name is longer than %(max)d characters") % {"max": NAME_MAX_LENGTH}
        )
    if kind not in kinds:
        raise _row_error(line, _("kind “%(kind)s” is not valid here") % {"kind": kind})
    return RegionRow(line, code, name, level, parent_code, kind)


@transaction.atomic
def regions_import(*, rows: list[RegionRow]) -> ImportResult:
    """Upsert regions by code in one transaction; rows already up to date are not written.

    A name that staff corrected (``name`` differs from ``official_name``) is kept; its code is
    listed in the result so the operator is told.
    """
    result = ImportResult()
    now = timezone.now()
    ids_by_code: dict[str, int] = {}
    for level, (model, _pattern, parent_field, _kinds) in LEVELS.items():
        level_rows = [row for row in rows if row.level == level]
        if not level_rows:
            continue
        if parent_field:
            parent_model = LEVELS[_parent_level(level)][0]
            missing = {row.parent_code for row in level_rows} - ids_by_code.keys()
            ids_by_code.update(
                parent_model.objects.filter(code__in=missing).values_list("code", "id")
            )
        existing = {
            region.code: region
            for region in model.objects.filter(code__in=[row.code for row in level_rows])
        }
        to_create, to_update = [], []
        update_fields: set[str] = set()
        for row in level_rows:
            values = {"official_name": row.name}
            if parent_field:
                if row.parent_code not in ids_by_code:
                    raise _row_error(
                        row.line, _("parent %(parent)s is unknown") % {"parent": row.parent_code}
                    )
                values[f"{parent_field}_id"] = ids_by_code[row.parent_code]
            if level == "village":
                values["kind"] = row.kind
            elif level == "regency":
                values["kind"] = _regency_kind(row.name)
            region = existing.get(row.code)
            if region is None:
                to_create.append(model(code=row.code, name=row.name, **values))
                continue
            if region.name_is_corrected:
                if region.official_name != row.name:
                    result.corrected_names_kept.append(row.code)
            else:
                values["name"] = row.name
            changed = [name for name, value in values.items() if getattr(region, name) != value]
            if changed:
                for name in changed:
                    setattr(region, name, values[name])
                region.updated_at = now
                update_fields.update(changed)
                to_update.append(region)
            else:
                result.unchanged[level] += 1
        created = model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        if to_update:
            model.objects.bulk_update(
                to_update, [*update_fields, "updated_at"], batch_size=BATCH_SIZE
            )
        result.created[level] = len(created)
        result.updated[level] = len(to_update)
        ids_by_code.update((region.code, region.id) for region in created)
        ids_by_code.update((code, region.id) for code, region in existing.items())
    transaction.on_commit(region_area_cache_clear)
    version_bump_on_commit(NAMESPACE)
    return result


def _parent_level(level: str) -> str:
    levels = list(LEVELS)
    return levels[levels.index(level) - 1]
