"""Confirmed threats in the formats CERT teams and platforms read.

- STIX 2.1 (`stix2`): per threat an indicator (a STIX pattern), an observed-data object
  with its cyber observable (a `url`, or a `user-account` for a phone number, QQ number or
  WeChat ID, since STIX has no phone-number object), and a sighting whose `count` is the
  number of reports. Everything is created by one identity, the Week, never a person.
  Ids are derived from the cluster, so exporting twice gives the same objects.
- MISP (`pymisp`): one event with a `phishing` object per link (url, hostname, online,
  verification and takedown times) and a `phone-number` object per number; QQ and WeChat
  IDs are `user-account` objects.
- A PhishTank-like feed of confirmed phishing links, CSV and JSON.

All of them are made from `publication.PublicThreat`: a link's victim data (a phone number
or token in its query or path) is masked. A masked link's STIX pattern is a `LIKE` with
each masked run as `%`, so it still matches the real link without saying what was masked.

The MISP event is loaded back with pymisp before it is handed out. The STIX bundle is
written as plain JSON and checked by `stix2` and the OASIS validator in the tests, for
every shape it can take (see `stix_bundle` for the measured reason). Indicators on a
warning list (official sites and hotlines) are left out even when confirmed before the
list named them.
"""

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import stix2
from django.utils import timezone
from pymisp import MISPEvent, MISPObject

from .models import Cluster
from .publication import PublicThreat, published
from .queries import confirmed_threats
from .warninglists import is_benign

WEEK_NAME = "National Cybersecurity Awareness Week tip line"
# A fixed namespace: the same cluster always gets the same STIX ids.
STIX_NAMESPACE = uuid.UUID("6f0b5e4a-3c7e-4f7e-9d8e-2b1a7c0e5d11")
ACCOUNT_TYPES = {
    Cluster.Kind.PHONE: "phone-number",
    Cluster.Kind.QQ: "qq",
    Cluster.Kind.WECHAT: "wechat",
}


class ExportInvalid(Exception):
    """An export that its own library does not read back: a bug, never shown as data."""


def threats(*, since: datetime | None = None) -> list[PublicThreat]:
    """Confirmed threats as they are published (links masked: `publication`), without
    the ones a warning list names."""
    qs = confirmed_threats()
    if since is not None:
        qs = qs.filter(confirmed_at__gte=since)
    return [published(c) for c in qs if not is_benign(c.kind, c.value)]


def _stix_id(kind: str, cluster: PublicThreat) -> str:
    return f"{kind}--{uuid.uuid5(STIX_NAMESPACE, cluster.key)}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


# STIX 2.1 §2.9: a cyber observable's id is a UUIDv5 in this namespace over its
# ID-contributing properties, canonically serialised (what `stix2` computes too).
SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
WEEK_IDENTITY = {
    "type": "identity",
    "spec_version": "2.1",
    "id": f"identity--{uuid.uuid5(STIX_NAMESPACE, 'the-week')}",
    "created": "2026-01-01T00:00:00.000Z",
    "modified": "2026-01-01T00:00:00.000Z",
    "name": WEEK_NAME,
    "identity_class": "organization",
    "sectors": ["government"],
}


def _stix_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _observable(type_: str, **properties) -> dict:
    canonical = json.dumps(properties, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {
        "type": type_,
        "spec_version": "2.1",
        "id": f"{type_}--{uuid.uuid5(SCO_NAMESPACE, canonical)}",
        **properties,
    }


def _observable_and_pattern(cluster: PublicThreat) -> tuple[dict, str]:
    if cluster.kind == Cluster.Kind.URL:
        if cluster.masked:
            # The masked link still matches the real one: each masked run is a wildcard.
            pattern = f"[url:value LIKE '{_escape(cluster.mask_pattern)}']"
        else:
            pattern = f"[url:value = '{_escape(cluster.value)}']"
        return _observable("url", value=cluster.value), pattern
    account_type = ACCOUNT_TYPES[cluster.kind]
    observable = _observable("user-account", user_id=cluster.value, account_type=account_type)
    pattern = (
        f"[user-account:account_type = '{account_type}' AND "
        f"user-account:user_id = '{_escape(cluster.value)}']"
    )
    return observable, pattern


def _stix_objects(cluster: PublicThreat) -> list[dict]:
    observable, pattern = _observable_and_pattern(cluster)
    confirmed = _stix_time(cluster.confirmed_at)
    first, last = cluster.first_seen, max(cluster.last_seen, cluster.first_seen)
    common = {
        "spec_version": "2.1",
        "created_by_ref": WEEK_IDENTITY["id"],
        "created": confirmed,
        "modified": confirmed,
    }
    indicator = {
        "type": "indicator",
        "id": _stix_id("indicator", cluster),
        **common,
        "modified": _stix_time(cluster.taken_down_at or cluster.confirmed_at),
        "name": f"{cluster.kind_label}: {cluster.display}",
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": confirmed,
    }
    if cluster.taken_down_at:
        indicator["valid_until"] = _stix_time(cluster.taken_down_at)
    observed = {
        "type": "observed-data",
        "id": _stix_id("observed-data", cluster),
        **common,
        "first_observed": _stix_time(first),
        "last_observed": _stix_time(last),
        "number_observed": max(1, cluster.report_count),
        "object_refs": [observable["id"]],
    }
    sighting = {
        "type": "sighting",
        "id": _stix_id("sighting", cluster),
        **common,
        "first_seen": _stix_time(first),
        "last_seen": _stix_time(last),
        "count": max(1, cluster.report_count),
        "sighting_of_ref": indicator["id"],
        "observed_data_refs": [observed["id"]],
        "where_sighted_refs": [WEEK_IDENTITY["id"]],
    }
    return [observable, indicator, observed, sighting]


def stix_bundle(clusters: list[PublicThreat]) -> str:
    """A STIX 2.1 bundle of the threats: the Week's identity, then per threat its
    observable, indicator, observed data and sighting.

    Written as plain JSON, not through `stix2`'s objects: building and re-checking them
    took 8 of the 23 s of a 300-threat export, and importing the OASIS validator another
    10 s in each worker (`bench/tipline.py --profile-export`, December 2026), all to check
    again what one function writes the same way every time. `validate_stix` (both
    libraries, strict) checks every shape this function writes, in the tests
    (`tests/tipline/test_exports.py`), not on every download."""
    objects = [WEEK_IDENTITY]
    for cluster in clusters:
        objects += _stix_objects(cluster)
    return json.dumps(
        {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def validate_stix(text: str) -> None:
    """Parse a bundle back with `stix2` (strict: no custom content; it checks every
    object's properties and every pattern) and run the OASIS validator over all of it.
    Raises `ExportInvalid`. Slow (tens of ms an object): the tests run it."""
    from stix2validator import ValidationOptions, validate_string

    try:
        stix2.parse(text, allow_custom=False)
    except Exception as error:  # stix2 raises many kinds; any of them is a bad bundle
        raise ExportInvalid(f"stix2 does not read the bundle back: {error}") from error
    # Warnings (open vocabularies such as our account types) are not errors.
    results = validate_string(text, ValidationOptions(version="2.1", strict=False))
    if not results.is_valid:
        errors = [str(e) for obj in results.object_results for e in obj.errors]
        raise ExportInvalid("STIX validator: " + "; ".join(errors[:5]))


def _when(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def misp_event(clusters: list[PublicThreat], *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    event = MISPEvent()
    event.info = f"{WEEK_NAME}: confirmed threats"
    event.distribution = 3  # all communities: the data names no reporter
    event.threat_level_id = 2
    event.analysis = 2
    event.set_date(now.date())
    event.add_tag("tlp:clear")
    for cluster in clusters:
        if cluster.kind == Cluster.Kind.URL:
            obj = MISPObject("phishing", standalone=False)
            obj.add_attribute("url", value=cluster.value)
            obj.add_attribute("hostname", value=cluster.host)
            obj.add_attribute("verified", value="Yes")
            obj.add_attribute("verification-time", value=cluster.confirmed_at)
            obj.add_attribute("submission-time", value=cluster.first_seen)
            obj.add_attribute("online", value="No" if cluster.taken_down_at else "Yes")
            if cluster.taken_down_at:
                obj.add_attribute("takedown-time", value=cluster.taken_down_at)
        elif cluster.kind == Cluster.Kind.PHONE:
            obj = MISPObject("phone-number", standalone=False)
            obj.add_attribute("phone-number", value=cluster.value)
            if cluster.value.startswith("+86"):
                obj.add_attribute("country-code", value="CN")
        else:
            obj = MISPObject("user-account", standalone=False)
            obj.add_attribute("user-id", value=cluster.value)
            obj.add_attribute("account-type", value=ACCOUNT_TYPES[cluster.kind])
        obj.comment = f"reports: {cluster.report_count}"
        event.add_object(obj)
    text = event.to_json()
    validate_misp(text, expected_objects=len(clusters))
    return text


def validate_misp(text: str, *, expected_objects: int) -> None:
    """Load the event back with pymisp; its object templates check the attributes."""
    loaded = MISPEvent()
    try:
        loaded.load(text)
    except Exception as error:  # pymisp raises several kinds on a bad event
        raise ExportInvalid(f"pymisp does not read the event back: {error}") from error
    if len(loaded.objects) != expected_objects:
        raise ExportInvalid("pymisp read back a different number of objects")


@dataclass(frozen=True)
class FeedRow:
    id: int
    url: str
    submission_time: str
    verification_time: str
    online: str
    takedown_time: str
    reports: int


FEED_FIELDS = [
    "id", "url", "submission_time", "verification_time", "online", "takedown_time", "reports",
]  # fmt: skip


def phishing_feed(clusters: list[PublicThreat]) -> list[FeedRow]:
    return [
        FeedRow(
            id=c.id,
            url=c.value,
            submission_time=_when(c.first_seen),
            verification_time=_when(c.confirmed_at),
            online="no" if c.taken_down_at else "yes",
            takedown_time=_when(c.taken_down_at),
            reports=c.report_count,
        )
        for c in clusters
        if c.kind == Cluster.Kind.URL
    ]


def phishing_feed_csv(clusters: list[PublicThreat]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FEED_FIELDS)
    for row in phishing_feed(clusters):
        # Canonical links start with http(s)://, so no cell can start a spreadsheet formula.
        writer.writerow([getattr(row, name) for name in FEED_FIELDS])
    return out.getvalue()


def phishing_feed_json(clusters: list[PublicThreat]) -> str:
    return json.dumps(
        [{name: getattr(row, name) for name in FEED_FIELDS} for row in phishing_feed(clusters)],
        ensure_ascii=False,
    )
