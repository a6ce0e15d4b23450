import json
import re
from importlib import resources

import pytest
from django.core.management import CommandError, call_command

from cyberweek.geo.models import Region

pytestmark = pytest.mark.django_db


def test_the_bundled_data_set_gives_every_province_prefecture_and_county():
    assert Region.objects.filter(level="country").count() == 1
    # 31 mainland provinces plus Hong Kong, Macao and Taiwan.
    assert Region.objects.filter(level="province").count() == 34
    assert Region.objects.filter(level="prefecture").count() == 342
    assert Region.objects.filter(level="county").count() > 2800


def test_codes_are_six_digit_gb_t_2260_codes_and_paths_nest():
    heping = Region.objects.get(code="120101")
    assert heping.name == "和平区"
    assert heping.parent.code == "120100"
    assert heping.parent.parent.code == "120000"
    assert heping.path == "/120000/120100/120101/"
    assert all(len(code) == 6 for code in Region.objects.values_list("code", flat=True))


def test_cities_without_counties_have_no_township_rows():
    dongguan = Region.objects.get(code="441900")
    assert dongguan.children.count() == 0


def test_province_names_have_english_and_municipal_districts_read_well(settings):
    from django.utils import translation

    with translation.override("en"):
        assert str(Region.objects.get(code="440000")) == "Guangdong"
    with translation.override("zh-hans"):
        assert str(Region.objects.get(code="110100")) == "北京市市辖区"


def test_english_pages_name_every_division_without_chinese_characters():
    """The data set names only provinces in English; the rest read in pinyin with the
    suffix translated, so an English page never shows "Tianjin市辖区 和平区"."""
    from django.utils import translation

    with translation.override("en"):
        assert str(Region.objects.get(code="120101")) == "Heping District"
        assert str(Region.objects.get(code="120100")) == "Tianjin (city districts)"
        assert str(Region.objects.get(code="130100")) == "Shijiazhuang"
        assert str(Region.objects.get(code="610100")) == "Xi'an"
        assert str(Region.objects.get(code="110105")) == "Chaoyang District"
        names = [str(r) for r in Region.objects.select_related("parent")]
    assert not [name for name in names if re.search(r"[\u3400-\u9fff]", name)]
    with translation.override("zh-hans"):
        assert str(Region.objects.get(code="120101")) == "和平区"


def test_loading_twice_changes_nothing(capsys):
    call_command("geo", "load-regions")
    assert "0 added, 0 renamed, 0 retired" in capsys.readouterr().out


def _tianjin_only(tmp_path, rename_to=None, extra_county=None):
    bundled = resources.files("cyberweek.geo.data").joinpath("pca-code.json")
    tree = json.loads(bundled.read_text("utf-8"))
    for province in tree:
        if province["code"] == "12":
            districts = province["children"][0]["children"]
            if rename_to:
                districts[0]["name"] = rename_to
            if extra_county:
                districts.append({"code": extra_county, "name": "新设区"})
    path = tmp_path / "pca-code.json"
    path.write_text(json.dumps(tree, ensure_ascii=False), "utf-8")
    return path


def test_an_update_adds_renames_and_reports_changes(tmp_path, capsys):
    path = _tianjin_only(tmp_path, rename_to="和平新区", extra_county="120199")
    call_command("geo", "update-regions", "--file", str(path))
    out = capsys.readouterr().out
    assert "1 added, 1 renamed" in out
    assert Region.objects.get(code="120101").name == "和平新区"
    assert Region.objects.get(code="120199").path == "/120000/120100/120199/"


def test_a_dry_run_changes_nothing(tmp_path, capsys):
    path = _tianjin_only(tmp_path, rename_to="和平新区")
    call_command("geo", "update-regions", "--file", str(path), "--dry-run")
    assert "would change: 0 added, 1 renamed" in capsys.readouterr().out
    assert Region.objects.get(code="120101").name == "和平区"


def test_divisions_missing_from_an_update_are_retired_not_deleted(tmp_path, capsys):
    tree = [
        {
            "code": "12",
            "name": "天津市",
            "children": [
                {
                    "code": "1201",
                    "name": "市辖区",
                    "children": [{"code": "120101", "name": "和平区"}],
                }
            ],
        }
    ]
    path = tmp_path / "small.json"
    path.write_text(json.dumps(tree, ensure_ascii=False), "utf-8")
    call_command("geo", "update-regions", "--file", str(path))
    beijing = Region.objects.get(code="110000")
    assert beijing.is_active is False
    assert Region.objects.get(code="120101").is_active is True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not JSON"),
        ("{}", "non-empty list"),
        ('[{"code": "1", "name": "x"}]', "bad code"),
        ('[{"name": "no code"}]', "without code"),
    ],
)
def test_a_malformed_data_file_is_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("geo", "update-regions", "--file", str(path))
    assert Region.objects.filter(is_active=False).count() == 0


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("geo", "update-regions", "--file", str(tmp_path / "missing.json"))


def test_binary_data_is_refused(tmp_path):
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError):
        call_command("geo", "update-regions", "--file", str(path))
