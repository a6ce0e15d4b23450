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

Each export is parsed back with its library before it is handed out (and a sample of the
STIX bundle goes through the OASIS validator), so a malformed one is an error here and not
at the receiver. Indicators on a warning list (official sites
and hotlines) are left out even when confirmed before the list named them.
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


def week_identity() -> stix2.Identity:
    return stix2.Identity(
        id=f"identity--{uuid.uuid5(STIX_NAMESPACE, 'the-week')}",
        created="2026-01-01T00:00:00Z",
        modified="2026-01-01T00:00:00Z",
        name=WEEK_NAME,
        identity_class="organization",
        sectors=["government"],
    )


def _observable_and_pattern(cluster: PublicThreat):
    if cluster.kind == Cluster.Kind.URL:
        if cluster.masked:
            # The masked link still matches the real one: each masked run is a wildcard.
            pattern = f"[url:value LIKE '{_escape(cluster.mask_pattern)}']"
        else:
            pattern = f"[url:value = '{_escape(cluster.value)}']"
        return stix2.URL(value=cluster.value), pattern
    account_type = ACCOUNT_TYPES[cluster.kind]
    observable = stix2.UserAccount(user_id=cluster.value, account_type=account_type)
    pattern = (
        f"[user-account:account_type = '{account_type}' AND "
        f"user-account:user_id = '{_escape(cluster.value)}']"
    )
    return observable, pattern


def stix_bundle(clusters: list[PublicThreat]) -> str:
    identity = week_identity()
    objects = [identity]
    for cluster in clusters:
        observable, pattern = _observable_and_pattern(cluster)
        common = {"created_by_ref": identity.id, "created": cluster.confirmed_at}
        indicator = stix2.Indicator(
            id=_stix_id("indicator", cluster),
            name=f"{cluster.kind_label}: {cluster.display}",
            indicator_types=["malicious-activity"],
            pattern=pattern,
            pattern_type="stix",
            valid_from=cluster.confirmed_at,
            modified=cluster.taken_down_at or cluster.confirmed_at,
            **({"valid_until": cluster.taken_down_at} if cluster.taken_down_at else {}),
            **common,
        )
        observed = stix2.ObservedData(
            id=_stix_id("observed-data", cluster),
            first_observed=cluster.first_seen,
            last_observed=max(cluster.last_seen, cluster.first_seen),
            number_observed=max(1, cluster.report_count),
            object_refs=[observable.id],
            modified=cluster.confirmed_at,
            **common,
        )
        sighting = stix2.Sighting(
            id=_stix_id("sighting", cluster),
            sighting_of_ref=indicator.id,
            observed_data_refs=[observed.id],
            where_sighted_refs=[identity.id],
            count=max(1, cluster.report_count),
            first_seen=cluster.first_seen,
            last_seen=max(cluster.last_seen, cluster.first_seen),
            modified=cluster.confirmed_at,
            **common,
        )
        objects += [observable, indicator, observed, sighting]
    bundle = stix2.Bundle(objects=objects)
    text = bundle.serialize(pretty=False)
    validate_stix(text)
    return text


def validate_stix(text: str) -> None:
    """Parse the whole bundle back with stix2 (strict: no custom content; it checks every
    object's properties and every pattern), and run the OASIS validator's checks on the
    identity and one threat of each kind. Every threat comes out of the same code with
    other values, and the validator takes about 30 ms an object (`bench/tipline.py`): a
    day's thousand threats would take minutes."""
    from stix2validator import ValidationOptions, validate_string

    try:
        bundle = json.loads(text)
        stix2.parse(text, allow_custom=False)
    except Exception as error:  # stix2 raises many kinds; any of them is a bad bundle
        raise ExportInvalid(f"stix2 does not read the bundle back: {error}") from error
    sample, seen = [], set()
    objects = bundle.get("objects", [])
    for index, obj in enumerate(objects):
        if obj.get("type") == "identity":
            sample.append(obj)
        elif obj.get("type") in ("url", "user-account"):
            kind = (obj["type"], obj.get("account_type"))
            if kind not in seen:
                seen.add(kind)
                sample.extend(
                    objects[index : index + 4]
                )  # observable, indicator, observed, sighting
    sampled = json.dumps({**bundle, "objects": sample})
    # Warnings (open vocabularies such as our account types) are not errors.
    results = validate_string(sampled, ValidationOptions(version="2.1", strict=False))
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
