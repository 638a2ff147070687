import django.db.models.deletion
from django.db import migrations, models

CURRENT = ["pending", "rejected", "valid"]
# Which piece of a type stays current when several were kept: a validated one, then one to check, newest first.
PREFERENCE = {"valid": 0, "pending": 1, "rejected": 2}


def keep_one_current_piece_per_type(apps, schema_editor):
    """Older pieces of a type that has a newer or better one become "replaced" (the constraint needs it)."""
    Document = apps.get_model("families", "Document")
    documents = Document.objects.filter(status__in=CURRENT).order_by("application_id", "document_type_id")
    groups = {}
    for document in documents.only("pk", "application_id", "document_type_id", "status", "uploaded_at"):
        groups.setdefault((document.application_id, document.document_type_id), []).append(document)
    for pieces in groups.values():
        if len(pieces) < 2:
            continue
        pieces.sort(key=lambda piece: (PREFERENCE[piece.status], -piece.uploaded_at.timestamp(), -piece.pk))
        Document.objects.filter(pk__in=[piece.pk for piece in pieces[1:]]).update(status="replaced")


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0003_queue_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="replaces",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="replaced_by",
                to="families.document",
                verbose_name="remplace la pièce",
            ),
        ),
        migrations.AddField(
            model_name="document",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="retirée le"),
        ),
        migrations.AlterField(
            model_name="document",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "à vérifier"),
                    ("valid", "validée"),
                    ("rejected", "refusée"),
                    ("replaced", "remplacée"),
                    ("withdrawn", "retirée"),
                ],
                default="pending",
                max_length=10,
                verbose_name="vérification",
            ),
        ),
        migrations.RunPython(keep_one_current_piece_per_type, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", CURRENT)),
                fields=("application", "document_type"),
                name="document_one_current_per_type",
            ),
        ),
    ]
