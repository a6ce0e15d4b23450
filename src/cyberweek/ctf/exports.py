"""The board as files (CSV and XLSX). Team names are written through
`core.formula_guard.safe_cell`, so a name a spreadsheet would run as a formula is text."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from cyberweek.core.formula_guard import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header() -> list[str]:
    return [_("Rank"), _("Team"), _("Points")]


def board_csv(rows) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the team names as UTF-8
    writer = csv.writer(out)
    writer.writerow(_header())
    for row in rows:
        writer.writerow([row.rank, safe_cell(row.name), row.score])
    return out.getvalue()


def board_xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Scoreboard")[:31])
    sheet.append(_header())
    for row in rows:
        sheet.append([row.rank, safe_cell(row.name), row.score])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
