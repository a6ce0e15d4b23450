from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from pypinyin import lazy_pinyin

from .models import Region


def provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE, is_active=True)


def children_of(region: Region) -> QuerySet[Region]:
    return region.children.filter(is_active=True)


def country() -> Region:
    return Region.objects.get(level=Region.Level.COUNTRY)


# --- The region picker ---------------------------------------------------------------------
PICKER_CACHE_SECONDS = 3600


def _pinyin(text: str) -> str:
    # pypinyin: the maintained Chinese-to-pinyin converter; tone marks left out, as typed.
    return "".join(lazy_pinyin(text))


def _full_name(region: Region, by_pk: dict[int, Region]) -> str:
    """The Chinese name with its province's (天津市 和平区), so that namesakes differ."""
    names, current = [], region
    while current is not None and current.level != Region.Level.COUNTRY:
        if current.name not in {"市辖区", "县"}:
            names.append(current.name)
        current = by_pk.get(current.parent_id)
    return " ".join(reversed(names))


def region_options(around: Region | None = None) -> list[tuple[str, str]]:
    """What the region picker offers, as (code, label): every province and prefecture, and
    the counties under `around`. The label holds the Chinese name with its parents', the
    English name and the pinyin, so a browser's datalist finds it by any of them."""
    language = get_language() or ""
    key = f"geo:picker:{language}:{around.pk if around else 0}"
    options = cache.get(key)
    if options is not None:
        return options
    levels = [Region.Level.PROVINCE, Region.Level.PREFECTURE]
    rows = list(Region.objects.filter(is_active=True).exclude(level=Region.Level.COUNTY))
    by_pk = {r.pk: r for r in rows}
    chosen = [r for r in rows if r.level in levels]
    if around is not None and around.level != Region.Level.COUNTRY:
        chosen += [
            r
            for r in Region.objects.filter(
                is_active=True, level=Region.Level.COUNTY, path__startswith=around.path
            )
        ]
    options = []
    for region in sorted(chosen, key=lambda r: r.code):
        chinese = _full_name(region, by_pk)
        # English names are known for provinces only; the pinyin serves the rest.
        pinyin = " ".join(_pinyin(part) for part in chinese.split())
        # English pages lead with the English (or romanised) name; the rest stays searchable.
        english = language.startswith("en")
        parts = (
            [region.display_name, chinese, pinyin] if english else [chinese, region.name_en, pinyin]
        )
        options.append((region.code, " · ".join(p for p in parts if p)))
    cache.set(key, options, PICKER_CACHE_SECONDS)
    return options


def find_region(text: str) -> Region | None:
    """The current region a person typed into the picker: its code, or a name (Chinese or
    English) that only one current region has."""
    text = (text or "").strip()
    if not text:
        return None
    regions = Region.objects.filter(is_active=True).select_related("parent")
    if text.isdigit():
        return regions.filter(code=text).first()
    matches = list(regions.filter(Q(name=text) | Q(name_en__iexact=text))[:2])
    return matches[0] if len(matches) == 1 else None
