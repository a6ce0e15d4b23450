"""Keeping the region tree in step with the published data set."""

from dataclasses import dataclass, field

from django.db import transaction

from .models import Region
from .regions_data import RegionDataError, RegionRow


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.renamed or self.retired or self.reactivated)


def plan_region_sync(rows: list[RegionRow]) -> SyncReport:
    """What `sync_regions` would change, without changing anything."""
    existing = {r.code: r for r in Region.objects.all()}
    report = SyncReport()
    codes = set()
    for row in rows:
        codes.add(row.code)
        current = existing.get(row.code)
        if current is None:
            report.added.append(row.code)
            continue
        if current.name != row.name:
            report.renamed.append((row.code, current.name, row.name))
        elif not current.is_active:
            report.reactivated.append(row.code)
        else:
            report.unchanged += 1
    report.retired = sorted(
        code for code, r in existing.items() if code not in codes and r.is_active
    )
    return report


@transaction.atomic
def sync_regions(rows: list[RegionRow]) -> SyncReport:
    """Add new divisions, rename changed ones, retire the ones no longer published.

    Retired divisions are kept (inactive) because activities and roles may point at them.
    """
    report = plan_region_sync(rows)
    by_code = {r.code: r for r in Region.objects.select_for_update()}
    for row in rows:
        parent = by_code.get(row.parent_code) if row.parent_code else None
        if row.parent_code and parent is None:
            raise RegionDataError(f"{row.code} names unknown parent {row.parent_code}")
        path = "/" if parent is None else f"{parent.path}{row.code}/"
        region = by_code.get(row.code)
        if region is None:
            region = Region.objects.create(
                code=row.code,
                name=row.name,
                name_en=row.name_en,
                level=row.level,
                parent=parent,
                path=path,
            )
            by_code[row.code] = region
            continue
        wanted = {
            "name": row.name,
            "level": row.level,
            "parent": parent,
            "path": path,
            "is_active": True,
            "name_en": row.name_en or region.name_en,
        }
        changed = [k for k, v in wanted.items() if getattr(region, k) != v]
        if changed:
            for key in changed:
                setattr(region, key, wanted[key])
            region.save(update_fields=changed)
    if report.retired:
        Region.objects.filter(code__in=report.retired).update(is_active=False)
    return report
