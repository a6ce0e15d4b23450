"""Reading the administrative-division data set (see data/README.md). No database here."""

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

COUNTRY_CODE = "100000"
COUNTRY_NAME = "中华人民共和国"

# Official English names of the provincial-level divisions; lower levels keep Chinese.
PROVINCE_NAMES_EN = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
    "14": "Shanxi",
    "15": "Inner Mongolia",
    "21": "Liaoning",
    "22": "Jilin",
    "23": "Heilongjiang",
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "35": "Fujian",
    "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan",
    "42": "Hubei",
    "43": "Hunan",
    "44": "Guangdong",
    "45": "Guangxi",
    "46": "Hainan",
    "50": "Chongqing",
    "51": "Sichuan",
    "52": "Guizhou",
    "53": "Yunnan",
    "54": "Tibet",
    "61": "Shaanxi",
    "62": "Gansu",
    "63": "Qinghai",
    "64": "Ningxia",
    "65": "Xinjiang",
    "71": "Taiwan",
    "81": "Hong Kong",
    "82": "Macao",
}
EXTRA_PROVINCES = [("710000", "台湾省"), ("810000", "香港特别行政区"), ("820000", "澳门特别行政区")]


class RegionDataError(ValueError):
    pass


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent_code: str | None
    name_en: str = ""


def _pad(code: str) -> str:
    return code.ljust(6, "0")


def read_rows(path: Path | None = None) -> list[RegionRow]:
    """Rows parents-first: the country, provinces, prefectures, counties."""
    if path is None:
        raw = resources.files("cyberweek.geo.data").joinpath("pca-code.json").read_text("utf-8")
    else:
        raw = Path(path).read_text("utf-8")
    try:
        tree = json.loads(raw)
    except json.JSONDecodeError as error:
        raise RegionDataError(f"not JSON: {error}") from error
    if not isinstance(tree, list) or not tree:
        raise RegionDataError("expected a non-empty list of provinces")

    rows = [RegionRow(COUNTRY_CODE, COUNTRY_NAME, "country", None, "China")]
    levels = ["province", "prefecture", "county"]

    def walk(nodes, depth, parent_code):
        for node in nodes:
            try:
                code, name = str(node["code"]), str(node["name"]).strip()
            except (KeyError, TypeError) as error:
                raise RegionDataError(f"a division without code or name: {node!r:.80}") from error
            if depth == 2 and len(code) == 9:
                # Cities without counties (Dongguan, Zhongshan, Danzhou, Jiayuguan) list their
                # townships here; the city itself is the lowest level we keep.
                continue
            if not code.isdigit() or len(code) != 2 * (depth + 1) or not name:
                raise RegionDataError(f"bad code {code!r} for {name!r} at level {levels[depth]}")
            full = _pad(code)
            name_en = PROVINCE_NAMES_EN.get(code, "") if depth == 0 else ""
            rows.append(RegionRow(full, name, levels[depth], parent_code, name_en))
            if depth < 2:
                walk(node.get("children") or [], depth + 1, full)

    walk(tree, 0, COUNTRY_CODE)
    known = {row.code for row in rows}
    for code, name in EXTRA_PROVINCES:
        if code not in known:
            rows.insert(
                1, RegionRow(code, name, "province", COUNTRY_CODE, PROVINCE_NAMES_EN[code[:2]])
            )
    return rows
