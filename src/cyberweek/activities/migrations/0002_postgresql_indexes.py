"""Indexes only PostgreSQL has, for the subtree filters and the search.

- Subtrees: a region's activities are `region_path LIKE '/440000/%'`. Under a non-C
  collation a plain b-tree cannot serve a LIKE prefix; `varchar_pattern_ops` can, as a
  range scan. The public list (by sector or not, in start order), the coverage table (its
  columns included, so the aggregate reads the index only), the organiser lists and the
  overdue reports each get one.
- Search: Chinese text has no spaces to split words on, so the search is a substring match
  (`LIKE '%…%'` on the lower-cased `search_text`); pg_trgm's GIN index answers it.

SQLite keeps the portable indexes of 0001 and scans for the rest, fine at its scale.
"""

from django.db import migrations

INDEXES = {
    "activity_public_sector_path": (
        "(edition_id, sector, region_path varchar_pattern_ops, starts_at) WHERE is_public"
    ),
    "activity_public_path": (
        "(edition_id, region_path varchar_pattern_ops, starts_at) "
        "INCLUDE (sector, expected_reach, participants, online_reach, outcome_reported_at) "
        "WHERE is_public"
    ),
    "activity_scope_path": (
        "(edition_id, region_path varchar_pattern_ops, sector, status) INCLUDE (ends_at)"
    ),
    # Overdue outcome reports, oldest first: read in end order with the region checked in
    # the index (a key column, so before any row is fetched); a province's page stops early.
    "activity_overdue": (
        "(edition_id, ends_at, region_path varchar_pattern_ops) "
        "WHERE status IN ('approved', 'held')"
    ),
    "activity_search_trgm": "USING gin (search_text gin_trgm_ops)",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON activities_activity {definition}"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
