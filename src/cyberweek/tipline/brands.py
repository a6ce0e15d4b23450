"""Which brands confirmed threats imitate: the "top targeted brands" of the public
statistics.

The list is bundled with the app (`data/brands.json`, written by hand from the brands'
own domains and names; nothing is fetched). A confirmed report targets a brand when

- its link's host holds one of the brand's registrable domains (`icbc.com.cn.verify.top`,
  `icbc.com.cn-login.top`): the real domain used as a disguise;
- its link's host uses one of the brand's keywords (`icbc-secure.example.net`,
  `my-alipay.top`): a keyword of three characters or fewer must be a whole word of the
  host (`jd-refund.top`, not `jdoe.net`), a longer one may sit anywhere in it;
- its masked description names the brand (`工商银行`, `ETC`), as written: ASCII names as
  whole words, so "etc." in an English sentence is not the toll service.

The brand's own domain is never the threat (warning lists hold those back), so a link on
`icbc.com.cn` itself never reaches here.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BRANDS_FILE = Path(__file__).with_name("data") / "brands.json"
_HOST_WORDS = re.compile(r"[.\-_]+")


@dataclass(frozen=True)
class Brand:
    id: str
    name_zh: str
    name_en: str
    domains: tuple[str, ...]
    keywords: tuple[str, ...]
    names: tuple[str, ...]


@cache
def brands() -> tuple[Brand, ...]:
    data = json.loads(BRANDS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Brand(
            id=row["id"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            domains=tuple(row["domains"]),
            keywords=tuple(k.lower() for k in row["keywords"]),
            names=tuple(row["names"]),
        )
        for row in data["brands"]
    )


@cache
def _name_pattern(brand: Brand) -> re.Pattern:
    alternatives = [
        rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])" if name.isascii() else re.escape(name)
        for name in brand.names
    ]
    return re.compile("|".join(alternatives))


def _host_matches(brand: Brand, host: str) -> bool:
    host = host.lower()
    words = set(_HOST_WORDS.split(host))
    padded = f".{host}."
    if any(f".{domain}." in padded or f".{domain}-" in padded for domain in brand.domains):
        return True
    return any(
        keyword in words if len(keyword) <= 3 else keyword in host for keyword in brand.keywords
    )


def targeted_brands(*, hosts=(), text: str = "") -> set[str]:
    """The ids of the brands a report with links on `hosts` and description `text` imitates."""
    found = set()
    for brand in brands():
        if any(_host_matches(brand, host) for host in hosts) or (
            text and _name_pattern(brand).search(text)
        ):
            found.add(brand.id)
    return found
