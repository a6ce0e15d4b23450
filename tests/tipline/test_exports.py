import csv
import io
import json

import pytest
import stix2
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_string

from cyberweek.tipline import exports
from cyberweek.tipline.models import Cluster
from cyberweek.tipline.services.intake import file_report
from cyberweek.tipline.services.triage import (
    claim_report,
    confirm_report,
    escalate_report,
    mark_taken_down,
)

from .factories import escalated, volunteer

pytestmark = pytest.mark.django_db


def confirmed_phone():
    filed = file_report(
        kind="fraud_phone", region_code="110101", phone="+86 138 0013 8000", qq="12345678"
    )
    first, second = volunteer(), volunteer()
    claim_report(actor=first, report_id=filed.report.pk)
    confirm_report(actor=first, report_id=filed.report.pk)
    escalate_report(actor=second, report_id=filed.report.pk)


def test_stix_bundle_has_indicator_observed_data_and_sighting_by_the_week():
    escalated(link="http://icbc-secure.example.net/login")
    escalated(link="HTTP://ICBC-SECURE.EXAMPLE.NET/login#again")  # same cluster, 2 reports
    confirmed_phone()
    text = exports.stix_bundle(exports.threats())
    bundle = stix2.parse(text, allow_custom=False)
    assert validate_string(text, ValidationOptions(version="2.1")).is_valid
    by_type = {}
    for obj in bundle.objects:
        by_type.setdefault(obj.type, []).append(obj)
    [identity] = by_type["identity"]
    assert identity.identity_class == "organization"
    assert len(by_type["indicator"]) == 3  # the link, the phone number, the QQ number
    url_sighting = next(
        s
        for s in by_type["sighting"]
        if "url" in next(i for i in by_type["indicator"] if i.id == s.sighting_of_ref).pattern
    )
    assert url_sighting.count == 2
    assert all(o.created_by_ref == identity.id for o in by_type["indicator"])
    assert {a.account_type for a in by_type["user-account"]} == {"phone-number", "qq"}
    # Ids are stable: the same threats export to the same objects.
    assert (
        json.loads(exports.stix_bundle(exports.threats()))["objects"][1:]
        == json.loads(text)["objects"][1:]
    )


def test_stix_validation_catches_a_broken_bundle():
    with pytest.raises(exports.ExportInvalid):
        exports.validate_stix('{"type": "bundle", "id": "bundle--nope", "objects": [{}]}')


def test_misp_event_has_phishing_and_phone_number_objects():
    escalated()
    confirmed_phone()
    text = exports.misp_event(exports.threats())
    event = MISPEvent()
    event.load(text)
    names = sorted(o.name for o in event.objects)
    assert names == ["phishing", "phone-number", "user-account"]
    phishing = next(o for o in event.objects if o.name == "phishing")
    assert phishing.get_attributes_by_relation("url")[0].value == (
        "http://icbc-secure.example.net/login"
    )
    assert phishing.get_attributes_by_relation("online")[0].value == "Yes"


def test_benign_indicators_never_reach_an_export(settings):
    escalated(link="http://login-alipay.example.org/")
    settings.TIPLINE_BENIGN_DOMAINS = ["example.org"]  # a warning list that grew later
    assert exports.threats() == []


def test_phishing_feed_shows_online_status_and_takedown_time():
    escalated()
    cluster = Cluster.objects.get(kind="url")
    mark_taken_down(actor=volunteer(), cluster_id=cluster.pk)
    rows = list(csv.DictReader(io.StringIO(exports.phishing_feed_csv(exports.threats()))))
    assert rows[0]["url"] == "http://icbc-secure.example.net/login"
    assert rows[0]["online"] == "no"
    assert rows[0]["takedown_time"].endswith("Z")
    [entry] = json.loads(exports.phishing_feed_json(exports.threats()))
    assert entry["reports"] == 1


def test_every_shape_the_stix_bundle_takes_passes_stix2_and_the_oasis_validator():
    """The bundle is written as plain JSON and not checked on each download: this is the
    check, over every shape (masked and plain link, taken down, phone, QQ, WeChat)."""
    escalated(link="http://icbc-secure.example.net/login")
    escalated(link="http://icbc-verify.example.net/u?phone=13812345678&token=abc")
    escalated(link="http://etc-refund.example.net/apply")
    mark_taken_down(
        actor=volunteer(),
        cluster_id=Cluster.objects.get(value="http://etc-refund.example.net/apply").pk,
    )
    confirmed_phone()
    filed = file_report(kind="fraud_phone", region_code="110101", wechat="wx: Refund_88a")
    first, second = volunteer(), volunteer()
    claim_report(actor=first, report_id=filed.report.pk)
    confirm_report(actor=first, report_id=filed.report.pk)
    escalate_report(actor=second, report_id=filed.report.pk)
    text = exports.stix_bundle(exports.threats())
    exports.validate_stix(text)  # raises ExportInvalid on any error
    bundle = stix2.parse(text, allow_custom=False)
    patterns = [o.pattern for o in bundle.objects if o.type == "indicator"]
    assert any(" LIKE " in p for p in patterns)
    assert {a.account_type for a in bundle.objects if a.type == "user-account"} == {
        "phone-number",
        "qq",
        "wechat",
    }
    assert any("valid_until" in o for o in bundle.objects if o.type == "indicator")
    # Cyber observables carry the ids stix2 itself derives from their properties.
    for obj in bundle.objects:
        if obj.type == "url":
            assert obj.id == stix2.URL(value=obj.value).id
        elif obj.type == "user-account":
            assert (
                obj.id == stix2.UserAccount(user_id=obj.user_id, account_type=obj.account_type).id
            )
