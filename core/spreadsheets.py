"""Spreadsheets the portal hands out (CSV and XLSX), read by Excel and LibreOffice as data.

People type names, institutions and KIM details; a cell such as ``=HYPERLINK("http://…","klik")``
must reach the staff member's spreadsheet as that text, never as a live formula (CSV injection).
Every export goes through these helpers: the trainings' participant and attendance lists, the
KIM coverage table, and the admin's django-import-export exports (``EXPORT_FORMATS`` and
``IMPORT_FORMATS`` in the settings name the two formats below).

- CSV has no cell types, so a cell starting with a character a spreadsheet reads as the start
  of a formula gets a leading apostrophe, which marks it as text (OWASP's advice).
- XLSX has typed cells: text that openpyxl would store as a formula is stored as text, so the
  value stays exactly what was typed.

django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is not used: it deletes
the leading ``=`` (the value changes), leaves ``+``, ``-``, ``@``, tab and CR alone in CSV, and
turns every cell, dates and numbers included, into text.

Uploaded sheets are read the other way round by ``spreadsheet_read`` (a CSV in whatever encoding
and separator Excel wrote, or an XLSX) and ``spreadsheet_records`` (the rows under a header of
known columns); ``cell_text`` turns one cell into text.
"""

import codecs
import csv
import datetime
import io

import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

# A cell starting with one of these is run as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula gets a leading
    apostrophe, which marks it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(rows) -> list[list]:
    return [[csv_cell(cell) for cell in row] for row in rows]


def xlsx_append(sheet, row) -> None:
    """Append ``row`` to an openpyxl sheet; text that looks like a formula stays text."""
    sheet.append([_xlsx_value(value) for value in row])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _xlsx_value(value):
    # Excel has no time zones: an aware time is written as the portal's local time.
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def xlsx_readable(sheet) -> None:
    """Bold header kept in view while scrolling, columns as wide as their text (up to 50)."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(width + 2, 50)


def xlsx_bytes(rows, *, title: str = "") -> bytes:
    """A one-sheet workbook of ``rows`` (the first is the header)."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.title = title
    for row in rows:
        xlsx_append(sheet, row)
    if sheet.max_row:
        xlsx_readable(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_cell_value(value):
    """The reverse of ``csv_cell``, for a sheet the portal exported and staff import again."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def cell_text(value, *, keep_spacing: bool = False) -> str:
    """A cell as one line of text without NUL characters (the database refuses them): every
    run of whitespace becomes one space, or with ``keep_spacing`` only the ends are stripped."""
    if value is None:
        return ""
    # Spreadsheets store a typed number such as a phone number as 81234567890.0.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\x00", "")
    return text.strip() if keep_spacing else " ".join(text.split())


def spreadsheet_read(upload) -> list[list]:
    """The cells of an uploaded XLSX (its first sheet) or CSV, row by row. A CSV may come as
    UTF-8, Excel's "Unicode Text" (UTF-16) or Windows-1252, separated by commas, semicolons or
    tabs."""
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


def spreadsheet_records(
    upload, *, columns: dict[str, str], required: tuple[str, ...], max_rows: int
) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded sheet whose first row names its columns, each as its line number
    and ``{field: text}`` for the known ``columns`` (header -> field); blank rows are left out.
    A ``ValidationError`` says when the file is empty, lacks a ``required`` column or has more
    than ``max_rows`` rows."""
    table = spreadsheet_read(upload)
    if not table:
        raise ValidationError(_("The file is empty."))
    header = [str(cell or "").strip().lower() for cell in table[0]]
    missing = [column for column in required if column not in header]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if len(table) - 1 > max_rows:
        raise ValidationError(_("At most %(max)d rows at once.") % {"max": max_rows})
    records = []
    for line, cells in enumerate(table[1:], start=2):
        values = {
            columns[column]: cell_text(cells[i] if i < len(cells) else None, keep_spacing=True)
            for i, column in enumerate(header)
            if column in columns
        }
        if any(values.values()):
            records.append((line, values))
    return records


class CSV(base_formats.CSV):
    """django-import-export's CSV with formula-looking text marked as text on export, and that
    mark taken off again on import (a phone number "+62..." round-trips)."""

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        plain = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            plain.append([csv_cell_value(cell) for cell in row])
        return plain

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(title=dataset.title)
        if dataset.headers:
            safe.headers = [csv_cell(header) for header in dataset.headers]
        for row in dataset:
            safe.append([csv_cell(cell) for cell in row])
        return super().export_data(safe, **kwargs)


class XLSX(base_formats.XLSX):
    """django-import-export's XLSX with formula-looking text stored as text."""

    def export_data(self, dataset, **kwargs):
        rows = [dataset.headers, *dataset] if dataset.headers else list(dataset)
        return xlsx_bytes(rows)


# django-import-export passes dates and numbers as themselves (not as text) only to the formats
# it lists as binary, and it compares the exact class.
if XLSX not in base_formats.BINARY_FORMATS:
    base_formats.BINARY_FORMATS.append(XLSX)
