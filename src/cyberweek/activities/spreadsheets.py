"""Activities in spreadsheets: the import template, reading a filled-in template, and the
CSV and XLSX exports of a list.

Reading never trusts the file: its size and that it is a real XLSX here; how far it would
expand, its parts, rows and characters in `core.bounded_files` (a small file can unpack to
gigabytes); then the header, the row count and every cell of every row, each error with its
row number.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from cyberweek.core.bounded_files import FileLimits, spreadsheet_rows
from cyberweek.core.errors import ValidationFailed
from cyberweek.core.formula_guard import safe_cell
from cyberweek.geo.models import Region, Sector

from .models import Activity
from .services import RowError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
SHEET = "activities"
YES = {"yes", "y", "true", "1", "是", "√"}
NO = {"no", "n", "false", "0", "否", ""}

# (key, label, required): the template's columns in order. The header cell reads
# "<label> (<key>)"; a header of just the key is accepted too.
COLUMNS = [
    ("title", gettext_lazy("Title"), True),
    ("title_en", gettext_lazy("Title (English)"), False),
    ("description", gettext_lazy("Description"), False),
    ("sector", gettext_lazy("Sector"), True),
    ("themed_day", gettext_lazy("Themed day (date)"), False),
    ("region_code", gettext_lazy("Region code"), True),
    ("format", gettext_lazy("Format"), True),
    ("venue_address", gettext_lazy("Venue address"), False),
    ("latitude", gettext_lazy("Latitude"), False),
    ("longitude", gettext_lazy("Longitude"), False),
    ("online_url", gettext_lazy("Online link"), False),
    ("audience", gettext_lazy("Audience"), True),
    ("starts_at", gettext_lazy("Starts (YYYY-MM-DD HH:MM)"), True),
    ("ends_at", gettext_lazy("Ends (YYYY-MM-DD HH:MM)"), True),
    ("expected_reach", gettext_lazy("Expected reach"), True),
    ("public_registration", gettext_lazy("Public can register (yes/no)"), False),
    ("capacity", gettext_lazy("Capacity"), False),
    ("contact_name", gettext_lazy("Contact name"), True),
    ("contact_phone", gettext_lazy("Contact phone"), True),
]
KEYS = [key for key, _label, _required in COLUMNS]
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M")


class SpreadsheetError(ValidationFailed):
    """The file as a whole cannot be read; nothing in it is looked at further."""

    def __init__(self, message):
        super().__init__(message, field="file")


def _choice_lookup(choices) -> dict[str, str]:
    """Accept a choice by its key or by its label in either language."""
    from django.utils.translation import override

    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        for language in ("zh-hans", "en"):
            with override(language):
                lookup[str(label).lower()] = value
    return lookup


# --- The template ------------------------------------------------------------------------
def template_workbook() -> bytes:
    """An empty template: the header, a sample row to replace, drop-down lists for sector,
    format and yes/no, and a sheet that explains each column."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([f"{label} ({key})" for key, label, _required in COLUMNS])
    sheet.freeze_panes = "A2"
    for index, (_key, label, _required) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            14, len(str(label)) + 6
        )
    lists = {
        "sector": [str(label) for _value, label in Sector.choices],
        "format": [str(label) for _value, label in Activity.Format.choices],
        "public_registration": [str(_("yes")), str(_("no"))],
    }
    for key, values in lists.items():
        letter = sheet.cell(1, KEYS.index(key) + 1).column_letter
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=key == "public_registration",
            showErrorMessage=True,
            error=_("Choose a value from the list."),
        )
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    help_sheet = book.create_sheet(_("Instructions"))
    help_sheet.append([_("Column"), _("Required"), _("What to enter")])
    notes = {
        "sector": ", ".join(lists["sector"]),
        "format": ", ".join(lists["format"]),
        "themed_day": _("The date of one of the edition's themed days, or empty."),
        "region_code": _("The six-digit code of a county, or of a city without counties."),
        "starts_at": "2019-09-17 09:00",
        "ends_at": "2019-09-17 11:30",
        "contact_phone": _("Kept encrypted; never shown to the public."),
        "contact_name": _("Kept encrypted; never shown to the public."),
        "venue_address": _("Required for offline and hybrid activities."),
        "online_url": _("Required for online and hybrid activities (https://…)."),
    }
    for key, label, required in COLUMNS:
        help_sheet.append(
            [f"{label} ({key})", _("yes") if required else _("no"), notes.get(key, "")]
        )
    help_sheet.append([])
    help_sheet.append(
        [_("If any row has an error, nothing is imported; every error is listed with its row.")]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- Reading -------------------------------------------------------------------------------
def _rows(content: bytes):
    """The template sheet's rows, through the platform's bounded reader (its limits on what
    the file unpacks to, its parts, rows and characters)."""
    if len(content) > MAX_FILE_BYTES:
        raise SpreadsheetError(_("The file is larger than 5 MB."))
    if not content.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            _("This is not an XLSX file. Download the template and save it as .xlsx.")
        )
    return spreadsheet_rows(
        content, FileLimits.from_settings(file_bytes=MAX_FILE_BYTES), sheet=SHEET
    )


def _header_key(cell) -> str:
    text = str(cell or "").strip()
    if text.endswith(")") and "(" in text:
        text = text.rsplit("(", 1)[1][:-1]
    return text.strip().lower()


def _text(value, *, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > limit:
        raise ValueError(_("At most %d characters.") % limit)
    return text


def _integer(value, *, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            raise ValueError(_("A number is required."))
        return None
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number."))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("Enter a whole number."))
        value = int(value)
    try:
        number = int(str(value).strip().replace(",", ""))
    except ValueError as error:
        raise ValueError(_("Enter a whole number.")) from error
    if number < 0:
        raise ValueError(_("Enter a number of 0 or more."))
    return number


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip()).quantize(Decimal("0.00001"))
    except InvalidOperation as error:
        raise ValueError(_("Enter a number such as 39.11700.")) from error


def _datetime(value) -> datetime:
    if value is None or value == "":
        raise ValueError(_("A date and time is required."))
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        raise ValueError(_("Give the time as well as the date (YYYY-MM-DD HH:MM)."))
    else:
        text = str(value).strip()
        for pattern in DATETIME_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(_("Not a date and time: write it as YYYY-MM-DD HH:MM."))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%Y-%m-%d").date()
    except ValueError as error:
        raise ValueError(_("Not a date: write it as YYYY-MM-DD.")) from error


def read_activities(content: bytes, *, edition) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Parse a filled-in template into (row number, fields) pairs for
    `services.import_activities`, and every error found, each with its row and column."""
    lines = _rows(content)
    try:
        header = next(lines, None)
        if header is None:
            raise SpreadsheetError(_("The spreadsheet is empty."))
        keys = [_header_key(cell) for cell in header]
        while keys and not keys[-1]:
            keys.pop()
        missing = [k for k in KEYS if k not in keys]
        unknown = [k for k in keys if k not in KEYS]
        if missing or unknown or len(set(keys)) != len(keys):
            parts = []
            if missing:
                parts.append(_("missing columns: %s") % ", ".join(missing))
            if unknown:
                parts.append(_("unknown columns: %s") % ", ".join(k or "?" for k in unknown))
            if len(set(keys)) != len(keys):
                parts.append(_("a column appears twice"))
            raise SpreadsheetError(
                _("The header row does not match the template (%s).") % "; ".join(parts)
            )
        raw_rows = []
        for number, values in enumerate(lines, start=2):
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(raw_rows) >= MAX_ROWS:
                raise SpreadsheetError(
                    _("The spreadsheet has more than %d rows; split it into several files.")
                    % MAX_ROWS
                )
            raw_rows.append((number, dict(zip(keys, values, strict=False))))
    finally:
        lines.close()
    if not raw_rows:
        raise SpreadsheetError(_("The spreadsheet has no activities below the header."))
    return _parse_rows(raw_rows, edition=edition)


def _parse_rows(raw_rows, *, edition):
    codes = {str(_text(raw.get("region_code"), limit=12)) for _n, raw in raw_rows}
    regions = {
        r.code: r
        for r in Region.objects.filter(code__in=codes, is_active=True).select_related("parent")
    }
    themed_days = {d.date: d for d in edition.themed_days.all()}
    sectors = _choice_lookup(Sector.choices)
    formats = _choice_lookup(Activity.Format.choices)
    limits = {
        "title": 200,
        "title_en": 200,
        "description": 5000,
        "venue_address": 200,
        "online_url": 300,
        "audience": 120,
        "contact_name": 60,
        "contact_phone": 30,
    }
    rows, errors = [], []
    for number, raw in raw_rows:
        data, row_errors = {}, []

        def cell(key, parse, number=number, raw=raw, row_errors=row_errors):
            try:
                return parse(raw.get(key))
            except ValueError as error:
                row_errors.append(RowError(number, key, str(error)))
                return None

        for key, limit in limits.items():
            data[key] = cell(key, lambda v, limit=limit: _text(v, limit=limit)) or ""
        named = {e.column for e in row_errors}
        for key, _label, required in COLUMNS:
            if required and key in limits and not data[key] and key not in named:
                row_errors.append(RowError(number, key, _("This column is required.")))
        sector = _text(raw.get("sector"), limit=40).lower()
        if sector not in sectors:
            row_errors.append(RowError(number, "sector", _("Unknown sector “%s”.") % sector))
        data["sector"] = sectors.get(sector, "")
        fmt = _text(raw.get("format"), limit=40).lower()
        if fmt not in formats:
            row_errors.append(RowError(number, "format", _("Unknown format “%s”.") % fmt))
        data["format"] = formats.get(fmt, "")
        code = _text(raw.get("region_code"), limit=12)
        data["region"] = regions.get(code)
        if data["region"] is None:
            row_errors.append(
                RowError(number, "region_code", _("Unknown region code “%s”.") % code)
            )
        day = cell("themed_day", _date)
        data["themed_day"] = themed_days.get(day) if day else None
        if day and data["themed_day"] is None:
            row_errors.append(
                RowError(number, "themed_day", _("No themed day on %s in this edition.") % day)
            )
        data["latitude"] = cell("latitude", _decimal)
        data["longitude"] = cell("longitude", _decimal)
        data["starts_at"] = cell("starts_at", _datetime)
        data["ends_at"] = cell("ends_at", _datetime)
        data["expected_reach"] = cell("expected_reach", lambda v: _integer(v, required=True))
        data["capacity"] = cell("capacity", lambda v: _integer(v, required=False))
        registration = _text(raw.get("public_registration"), limit=10).lower()
        if registration not in YES | NO | {str(_("yes")).lower(), str(_("no")).lower()}:
            row_errors.append(RowError(number, "public_registration", _("Write yes or no.")))
        data["public_registration"] = registration in YES or registration == str(_("yes"))
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append((number, data))
    return rows, errors


# --- Export --------------------------------------------------------------------------------
EXPORT_COLUMNS = [
    ("id", gettext_lazy("ID")),
    ("title", gettext_lazy("Title")),
    ("title_en", gettext_lazy("Title (English)")),
    ("sector", gettext_lazy("Sector")),
    ("region_code", gettext_lazy("Region code")),
    ("region", gettext_lazy("Region")),
    ("format", gettext_lazy("Format")),
    ("status", gettext_lazy("Status")),
    ("themed_day", gettext_lazy("Themed day")),
    ("starts_at", gettext_lazy("Starts")),
    ("ends_at", gettext_lazy("Ends")),
    ("venue_address", gettext_lazy("Venue address")),
    ("online_url", gettext_lazy("Online link")),
    ("expected_reach", gettext_lazy("Expected reach")),
    ("participants", gettext_lazy("Participants on site")),
    ("online_reach", gettext_lazy("Online reach")),
]


def _export_row(activity: Activity) -> list:
    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    return [
        safe_cell(v)
        for v in (
            activity.pk,
            activity.title,
            activity.title_en,
            activity.get_sector_display(),
            activity.region.code,
            str(activity.region),
            activity.get_format_display(),
            activity.get_status_display(),
            str(activity.themed_day.date) if activity.themed_day_id else "",
            when(activity.starts_at),
            when(activity.ends_at),
            activity.venue_address,
            activity.online_url,
            activity.expected_reach,
            activity.participants if activity.participants is not None else "",
            activity.online_reach if activity.online_reach is not None else "",
        )
    ]


def export_csv(activities: QuerySet[Activity]):
    """Lines of a CSV file (UTF-8 with a byte-order mark, so Excel reads the Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for _key, label in EXPORT_COLUMNS])
    yield "\ufeff" + buffer.getvalue()
    for activity in activities.iterator(chunk_size=2000):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(_export_row(activity))
        yield buffer.getvalue()


def export_xlsx(activities: QuerySet[Activity]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append([str(label) for _key, label in EXPORT_COLUMNS])
    for activity in activities.iterator(chunk_size=2000):
        sheet.append(_export_row(activity))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
