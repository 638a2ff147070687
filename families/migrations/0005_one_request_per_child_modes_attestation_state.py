from django.db import migrations, models
from django.utils import timezone

LIVE = ["acceptee", "brouillon", "complete", "deposee", "en_commission", "incomplete", "liste_attente", "proposition"]


def cancel_duplicate_requests(apps, schema_editor):
    """A child with several live requests keeps the oldest filed one; the others are cancelled, with a reason."""
    Application = apps.get_model("families", "Application")
    StatusChange = apps.get_model("families", "StatusChange")
    kept = {}
    for application in Application.objects.filter(status__in=LIVE).order_by(
        "child_id", models.F("submitted_at").asc(nulls_last=True), "id"
    ):
        if application.child_id not in kept:
            kept[application.child_id] = application
            continue
        StatusChange.objects.create(
            application=application,
            from_status=application.status,
            to_status="annulee",
            actor="system",
            reason=f"Une seule demande par enfant : la demande {kept[application.child_id].number} est conservée.",
        )
        Application.objects.filter(pk=application.pk).update(status="annulee", status_changed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0004_document_status_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="attestation_queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="attestation demandée le"),
        ),
        migrations.AddField(
            model_name="application",
            name="requested_document_types",
            field=models.ManyToManyField(
                blank=True,
                help_text="Ce que le guichet a demandé à la famille lors de sa dernière demande de pièces.",
                related_name="+",
                to="families.documenttype",
                verbose_name="pièces demandées par le guichet",
            ),
        ),
        migrations.AddField(
            model_name="application",
            name="wants_mam",
            field=models.BooleanField(default=False, verbose_name="maison d'assistants maternels (MAM)"),
        ),
        migrations.AddField(
            model_name="application",
            name="wants_shared_home_care",
            field=models.BooleanField(default=False, verbose_name="garde partagée"),
        ),
        migrations.RunPython(cancel_duplicate_requests, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", LIVE)), fields=("child",), name="application_one_live_per_child"
            ),
        ),
    ]
