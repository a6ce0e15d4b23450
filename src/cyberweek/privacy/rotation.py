"""Re-encrypting every personal field under the key ring's active key, while the site runs.

Rows are taken in small batches, each locked while it is rewritten, so a concurrent write
either lands before (and is re-encrypted) or after (and is written under the active key by
a node that has the new ring). Blind indexes are recomputed on the way. Nothing is read
into memory beyond one batch.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from cyberweek.core.crypto import PREFIX, key_ring
from cyberweek.core.fields import BlindIndexField, EncryptedTextField
from cyberweek.core.key_check import rewrite_check_value


@dataclass
class RotationReport:
    active_key: str
    rewritten: dict[str, int] = field(default_factory=dict)
    remaining: int = 0

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def _protected_models():
    for model in apps.get_models():
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
        if encrypted or indexes:
            yield model, encrypted, indexes


def _stale_pks(model, encrypted, active_prefix: str, after: int, limit: int) -> list:
    """Primary keys of rows with a value under another key, read straight from the table."""
    quote = connection.ops.quote_name
    prefix_length = len(active_prefix)
    clauses = " OR ".join(
        f"({quote(f.column)} IS NOT NULL AND {quote(f.column)} <> '' "
        f"AND substr({quote(f.column)}, 1, {prefix_length}) <> %s)"
        for f in encrypted
    )
    pk = quote(model._meta.pk.column)
    sql = (
        f"SELECT {pk} FROM {quote(model._meta.db_table)} "  # noqa: S608 - names are quoted model metadata
        f"WHERE {pk} > %s AND ({clauses}) ORDER BY {pk} LIMIT {int(limit)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [after, *([active_prefix] * len(encrypted))])
        return [row[0] for row in cursor.fetchall()]


def _all_pks(model, after: int, limit: int) -> list:
    return list(
        model._default_manager.filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _rewrite(model, pks, encrypted, indexes) -> int:
    names = [f.attname for f in encrypted]
    with transaction.atomic():
        rows = model._default_manager.select_for_update().filter(pk__in=pks).only("pk", *names)
        for row in rows:
            values = {name: getattr(row, name) for name in names}
            for index in indexes:
                source = (
                    values[index.source] if index.source in values else getattr(row, index.source)
                )
                values[index.attname] = index.digest(source)
            # update() runs get_prep_value, which encrypts under the active key.
            model._default_manager.filter(pk=row.pk).update(**values)
    return len(pks)


def rotate_keys(*, batch_size: int = 500, reindex: bool = False, passes: int = 3) -> RotationReport:
    """Rewrite every value not under the active key (every row with `reindex`, which also
    recomputes blind indexes after the index key changed)."""
    ring = key_ring()
    active_prefix = f"{PREFIX}:{ring.active.key_id}:"
    report = RotationReport(ring.active.key_id)
    for _ in range(passes):
        changed = 0
        for model, encrypted, indexes in _protected_models():
            label = model._meta.label_lower
            after = 0
            while True:
                if reindex:
                    pks = _all_pks(model, after, batch_size)
                elif encrypted:
                    pks = _stale_pks(model, encrypted, active_prefix, after, batch_size)
                else:
                    pks = []  # blind indexes alone change only with the index key (reindex)
                if not pks:
                    break
                changed += _rewrite(model, pks, encrypted, indexes)
                report.rewritten[label] = report.rewritten.get(label, 0) + len(pks)
                after = pks[-1]
        if reindex or not changed:
            break
    with transaction.atomic():
        if checked := rewrite_check_value(reindex=reindex):
            report.rewritten["core.keyringcheck"] = checked
    report.remaining = sum(
        len(_stale_pks(m, e, active_prefix, 0, 10**9)) for m, e, _i in _protected_models() if e
    )
    return report
