import dataclasses

import pytest

from cyberweek.pii import EXPLANATIONS, LABELS, TYPES, Finding, scan


def test_type_names_are_the_public_contract_in_order():
    assert TYPES == (
        "CN_ID",
        "CN_MOBILE",
        "CN_LANDLINE",
        "INTL_PHONE",
        "BANK_CARD",
        "USCC",
        "CN_PASSPORT",
        "TRAVEL_PERMIT",
        "LICENSE_PLATE",
        "EMAIL",
        "IP_ADDRESS",
        "MAC_ADDRESS",
        "IMEI",
        "DATE_OF_BIRTH",
        "SECRET",
        "PERSON",
        "ADDRESS",
        # Added later, at the end, so that the earlier order stays the same.
        "QQ",
        "WECHAT_ID",
    )


def test_every_type_has_a_label_and_an_explanation_in_chinese_and_english():
    for table in (LABELS, EXPLANATIONS):
        assert set(table) == set(TYPES)
        for entry in table.values():
            assert entry["zh-hans"].strip()
            assert entry["en"].strip()


def test_finding_is_frozen_and_serialises_its_six_fields():
    f = scan("手机13812345678")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.start = 0  # type: ignore[misc]
    assert f.to_dict() == {
        "type": "CN_MOBILE",
        "start": 2,
        "end": 13,
        "text": "13812345678",
        "confidence": f.confidence,
        "reason": f.reason,
    }
    assert isinstance(f, Finding)
    assert 0 < f.confidence <= 1
    assert f.reason


def test_scan_refuses_bytes_with_a_clear_error():
    with pytest.raises(TypeError, match="str"):
        scan(b"13812345678")  # type: ignore[arg-type]


def test_empty_text_has_no_findings():
    assert scan("") == []
