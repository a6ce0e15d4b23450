"""The access log becomes a keyed chain with sequence numbers.

Existing entries are re-chained in their order under the key ring: the old chain was an
unkeyed SHA-256 chain that anyone able to write to the database could recompute, so it
proved nothing the new one does not. The first checkpoint, written with the next entry,
anchors the re-chained log outside the database.
"""

from django.db import migrations, models

GENESIS = "0" * 64


def rekey(apps, schema_editor):
    Entry = apps.get_model("privacy", "AccessLogEntry")
    Chain = apps.get_model("privacy", "AccessChain")
    if not Entry.objects.exists():
        Chain.objects.update(head_seq=0, head_hash=GENESIS, anchor_seq=0, anchor_hash=GENESIS)
        return
    from cyberweek.core.crypto import key_ring
    from cyberweek.privacy.access_log import entry_mac

    ring = key_ring()
    prev, seq = GENESIS, 0
    for entry in Entry.objects.order_by("pk").iterator():
        seq += 1
        key_id, mac = entry_mac(
            ring,
            key_id=None,
            seq=seq,
            prev=prev,
            created_at=entry.created_at,
            actor_ref=entry.actor_ref,
            subject_ref=entry.subject_ref,
            what=entry.what,
            why=entry.why,
        )
        # The new MAC can equal no old SHA-256 value, so the unique index never collides.
        Entry.objects.filter(pk=entry.pk).update(
            seq=seq, key_id=key_id, prev_hash=prev, entry_hash=mac
        )
        prev = mac
    Chain.objects.update_or_create(
        pk=1,
        defaults={"head_seq": seq, "head_hash": prev, "anchor_seq": 0, "anchor_hash": GENESIS},
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.RemoveField(model_name="accesschain", name="anchor_id"),
        migrations.AddField(
            model_name="accesschain",
            name="anchor_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="accesschain",
            name="head_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="key_id",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="seq",
            field=models.BigIntegerField(null=True, verbose_name="number"),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="accesslogentry",
            name="seq",
            field=models.BigIntegerField(unique=True, verbose_name="number"),
        ),
        migrations.AlterModelOptions(
            name="accesslogentry",
            options={
                "ordering": ["seq"],
                "verbose_name": "access log entry",
                "verbose_name_plural": "access log",
            },
        ),
    ]
