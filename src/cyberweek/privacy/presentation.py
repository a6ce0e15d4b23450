"""The privacy centre page shows the same records as the JSON download, for a person.

The download keeps machine forms (ISO 8601 in UTC, stable codes) so that it can be read by
a program; the page turns them into the reader's words: local time to the minute, yes/no,
labels for audit and permission codes. Structured details stay as they were recorded,
shown as code, because their keys are the record's own.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.template.defaultfilters import yesno
from django.utils import formats, timezone

from cyberweek.core.action_labels import describe

ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


@dataclass(frozen=True)
class Shown:
    text: str
    code: bool = False


def readable(value) -> Shown:
    if isinstance(value, bool):
        return Shown(yesno(value))
    if isinstance(value, dict | list):
        if not value:
            return Shown("")
        return Shown(json.dumps(value, ensure_ascii=False), code=True)
    if isinstance(value, str) and ISO_DATETIME.match(value):
        moment = datetime.fromisoformat(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return Shown(formats.date_format(moment, "Y-m-d H:i"))
    if isinstance(value, str) and CODE.match(value):
        return Shown(describe(value))
    return Shown("" if value is None else str(value))


def readable_sources(data: dict) -> list[dict]:
    """`export_personal_data`'s sources with every record's values made readable."""
    return [
        {
            **source,
            "records": [
                [(key, readable(value)) for key, value in record.items()]
                for record in source["records"]
            ],
        }
        for source in data["sources"]
    ]
