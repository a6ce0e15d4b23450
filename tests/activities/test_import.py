"""Bulk import from the XLSX template: all rows or none, every error with its row."""

import io
import zipfile
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cyberweek.activities import services, spreadsheets
from cyberweek.activities.models import Activity
from cyberweek.core.errors import FileLimitExceeded, UnreadableFile
from cyberweek.core.models import AuditEvent
from tests.core import file_bombs as bombs

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "网络安全进社区",
    "title_en": "Community talk",
    "description": "讲座",
    "sector": "社区",
    "themed_day": "2019-09-17",
    "region_code": "120101",
    "format": "offline",
    "venue_address": "和平区示例社区",
    "latitude": 39.117,
    "longitude": 117.2,
    "online_url": "",
    "audience": "居民",
    "starts_at": datetime(2019, 9, 17, 9, 0),
    "ends_at": "2019-09-17 11:00",
    "expected_reach": 120,
    "public_registration": "是",
    "capacity": 80,
    "contact_name": "张老师",
    "contact_phone": "022-23456789",
}


def workbook(rows, *, header=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "activities"
    keys = header or spreadsheets.KEYS
    sheet.append(keys)
    for row in rows:
        sheet.append([row.get(k) for k in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="activities.xlsx"):
    return client.post(
        reverse("organiser:activities_import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_the_template_has_the_columns_and_drop_downs(client, heping, edition):
    client.force_login(heping)
    response = client.get(reverse("organiser:activities_template"))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["activities"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Title (title)"
    assert [spreadsheets._header_key(h) for h in header] == spreadsheets.KEYS
    assert len(sheet.data_validations.dataValidation) == 3
    assert "Instructions" in book.sheetnames


def test_a_filled_in_template_imports_drafts(client, heping, edition):
    client.force_login(heping)
    second = {
        **GOOD,
        "title": "网站专题",
        "sector": "website",
        "format": "Online",
        "online_url": "https://example.org",
        "venue_address": "",
        "latitude": None,
        "longitude": None,
        "public_registration": "",
        "capacity": None,
    }
    response = upload(client, workbook([GOOD, {}, second]))
    assert response.status_code == 302
    activities = Activity.objects.order_by("pk")
    assert [a.title for a in activities] == ["网络安全进社区", "网站专题"]
    first = activities[0]
    assert first.status == Activity.Status.DRAFT
    assert first.sector == "community"
    assert first.capacity == 80
    assert first.themed_day.date.isoformat() == "2019-09-17"
    assert first.contact_phone == "+862223456789"
    assert [s.action for s in first.steps.all()] == ["imported"]


def test_the_template_itself_round_trips(heping, edition):
    content = spreadsheets.template_workbook()
    book = load_workbook(io.BytesIO(content))
    sheet = book["activities"]
    sheet.append([GOOD[k] for k in spreadsheets.KEYS])
    buffer = io.BytesIO()
    book.save(buffer)
    rows, errors = spreadsheets.read_activities(buffer.getvalue(), edition=edition)
    assert errors == []
    assert len(rows) == 1


def test_every_error_is_listed_with_its_row_and_nothing_is_written(client, heping, edition):
    client.force_login(heping)
    bad_rows = [
        GOOD,
        {**GOOD, "starts_at": "17/09/2019", "region_code": "999999"},
        {**GOOD, "sector": "pets", "expected_reach": "many"},
        {**GOOD, "ends_at": "2019-09-17 08:00"},
        {**GOOD, "region_code": "120103"},
    ]
    response = upload(client, workbook(bad_rows))
    assert response.status_code == 400
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert errors == {
        (3, "starts_at"),
        (3, "region_code"),
        (4, "sector"),
        (4, "expected_reach"),
        (5, "ends_at"),
        (6, "region_code"),
    }
    page = response.content.decode()
    assert "Nothing was imported: 6 errors" in page
    assert "Unknown region code “999999”." in page
    assert not Activity.objects.exists()
    assert AuditEvent.objects.filter(
        action="activities.create", outcome="denied", region_code="120103"
    ).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title,sector\nx,y\n", "This is not an XLSX file."),
        (b"PK\x03\x04 not really a zip", "The file is damaged and cannot be read."),
        (b"", "The submitted file is empty."),
    ],
)
def test_files_that_are_not_xlsx_are_refused(client, heping, edition, content, message):
    client.force_login(heping)
    response = upload(client, content, name="activities.xlsx")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_a_zip_without_a_workbook_is_refused(heping, edition):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableFile, match=r"not a \.xlsx file"):
        spreadsheets.read_activities(buffer.getvalue(), edition=edition)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(heping, edition):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    assert len(buffer.getvalue()) < spreadsheets.MAX_FILE_BYTES
    with pytest.raises(FileLimitExceeded, match="unpacks to more than 16 MB"):
        spreadsheets.read_activities(buffer.getvalue(), edition=edition)


def test_a_file_over_5_mb_is_refused(client, heping, edition):
    client.force_login(heping)
    response = upload(client, b"PK\x03\x04" + b"0" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_too_many_rows_are_refused(heping, edition):
    content = workbook([GOOD] * (spreadsheets.MAX_ROWS + 1))
    with pytest.raises(spreadsheets.SpreadsheetError, match="more than 2000 rows"):
        spreadsheets.read_activities(content, edition=edition)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (spreadsheets.KEYS[:-1], "missing columns: contact_phone"),
        ([*spreadsheets.KEYS, "password"], "unknown columns: password"),
        (["标题", "类别"], "missing columns"),
    ],
)
def test_a_wrong_header_is_refused(heping, edition, header, message):
    with pytest.raises(spreadsheets.SpreadsheetError, match=message):
        spreadsheets.read_activities(workbook([GOOD], header=header), edition=edition)


def test_a_sheet_with_only_a_header_is_refused(heping, edition):
    with pytest.raises(spreadsheets.SpreadsheetError, match="no activities"):
        spreadsheets.read_activities(workbook([]), edition=edition)


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"starts_at": "2019-09-17"}, "starts_at"),
        ({"ends_at": "tomorrow"}, "ends_at"),
        ({"themed_day": "2019-09-30"}, "themed_day"),
        ({"latitude": "north"}, "latitude"),
        ({"expected_reach": -5}, "expected_reach"),
        ({"expected_reach": 1.5}, "expected_reach"),
        ({"public_registration": "maybe"}, "public_registration"),
        ({"title": "x" * 201}, "title"),
        ({"contact_name": ""}, "contact_name"),
        ({"format": "carrier pigeon"}, "format"),
        ({"contact_phone": "123"}, "contact_phone"),
    ],
)
def test_each_bad_cell_is_named(heping, edition, change, column):
    rows, errors = spreadsheets.read_activities(workbook([{**GOOD, **change}]), edition=edition)
    result = services.import_activities(actor=heping, rows=rows, edition=edition, errors=errors)
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert not Activity.objects.exists()


def test_import_is_refused_for_organisers_who_cannot_register(tianjin, edition):
    from cyberweek.core.errors import PermissionDenied

    rows, _errors = spreadsheets.read_activities(workbook([GOOD]), edition=edition)
    with pytest.raises(PermissionDenied):
        services.import_activities(actor=tianjin, rows=rows, edition=edition)


ACTIVITY_BOMBS = {
    "unpacking to 64 MB": lambda: bombs.inflating(workbook([GOOD])),
    "lying about its size": lambda: bombs.lying(workbook([GOOD])),
    "3,000 parts": lambda: bombs.many_members(workbook([GOOD])),
    "2 million tags": lambda: bombs.many_tags(workbook([GOOD])),
    "a million declared rows": lambda: bombs.far_cell(workbook([GOOD]), spreadsheets.KEYS),
    "entity expansion": lambda: bombs._rezip(
        workbook([GOOD]),
        replace={"xl/worksheets/sheet1.xml": bombs.LAUGHS.encode() + b"<worksheet/>"},
    ),
}


@pytest.mark.parametrize("bomb", ACTIVITY_BOMBS)
def test_the_import_refuses_a_file_bomb_clearly_and_writes_nothing(client, heping, edition, bomb):
    client.force_login(heping)
    content = ACTIVITY_BOMBS[bomb]()
    response = None

    def post():
        nonlocal response
        response = upload(client, content)

    raised, peak = bombs.measure(post)
    assert raised is None
    assert response.status_code == 400
    page = response.content.decode()
    assert any(
        reason in page for reason in ("more than", "damaged", "XML entities", "unpacks to")
    ), page
    assert peak < 40, f"{peak:.0f} MB"
    assert not Activity.objects.exists()
