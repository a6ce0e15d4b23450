"""The self-check says what an ID number gives away (region, birth date, sex), on the page,
without keeping it; and a deployment's own recognisers show up with their type as label."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from cyberweek import pii
from cyberweek.core.pii_setup import configure_from_settings
from cyberweek.core.screening import explain, screen_text
from cyberweek.privacy.self_check import check_text, id_reveals

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"  # Chaoyang, Beijing; 31 December 1949; 17th digit 2: a woman


def test_an_id_number_reveals_region_birth_date_and_sex_in_chinese():
    with translation.override("zh-hans"):
        said = id_reveals(ID)
    assert "北京市" in said
    assert "朝阳区" in said
    assert "1949" in said
    assert "女" in said


def _id(body: str) -> str:
    from cyberweek.pii.checksums import id_check_char

    return body + id_check_char(body)


def test_an_id_number_reveals_the_same_in_english():
    with translation.override("en"):
        said = id_reveals(_id("11010519491231003"))  # 17th digit 3: a man
    assert "朝阳区" in said
    assert "1949" in said
    assert "male" in said
    assert "female" not in said


def test_a_county_code_that_does_not_exist_names_only_what_is_known():
    with translation.override("en"):
        said = id_reveals(_id("11019919900101001"))
    assert "北京市" in said
    assert "市辖区" not in said
    assert "1990" in said


def test_a_province_code_outside_the_data_is_called_unknown():
    # 71 (Taiwan) has no subdivisions in the data set; 719999 is not a county of it either.
    with translation.override("en"):
        said = id_reveals(_id("71999919900101001"))
    assert said.startswith("Anyone")
    assert "台湾" in said or "unknown" in said


def test_a_value_that_is_not_an_id_reveals_nothing():
    assert id_reveals("12345") == ""


def test_check_text_attaches_what_the_id_reveals_to_its_segment_only():
    with translation.override("en"):
        result = check_text(f"身份证 {ID}，手机 13812345678")
    by_type = {s.type: s for s in result.segments if s.type}
    assert "1949" in by_type["CN_ID"].reveals
    assert by_type["CN_MOBILE"].reveals == ""


def test_the_page_shows_it_and_stores_nothing(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = client.post(reverse("privacy:self_check"), {"text": f"证件号 {ID}"}).content
    assert "朝阳区".encode() in page
    assert b"pii-reveals" in page


@override_settings(
    PII_ALLOW_LIST=["李明"],
    PII_DENY_LISTS={"CODENAME": ["蓝鲸行动"]},
    PII_PATTERNS=[{"type": "EMPLOYEE_ID", "regex": r"CW[0-9]{6}", "context": ["工号"]}],
)
def test_deployment_settings_reach_every_caller():
    configure_from_settings()
    try:
        screened = screen_text("联系人：李明，工号：CW123456，参与蓝鲸行动")
        assert "李明" in screened.public_text
        assert set(screened.found_types) == {"EMPLOYEE_ID", "CODENAME"}
        assert "CW123456" not in screened.public_text
        assert "蓝鲸行动" not in screened.public_text
        labels = {r["type"]: r["label"] for r in explain(screened.found_types)}
        assert labels == {"EMPLOYEE_ID": "EMPLOYEE_ID", "CODENAME": "CODENAME"}
        assert [s.type for s in check_text("工号：CW123456").segments if s.type] == ["EMPLOYEE_ID"]
    finally:
        pii.configure()
    assert screen_text("联系人：李明").found_types == ("PERSON",)


@override_settings(PII_PATTERNS=[{"type": "bad type", "regex": "x"}])
def test_a_bad_deployment_setting_is_refused_with_its_name():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="PII_PATTERNS"):
        configure_from_settings()
