import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("families", "0007_merge_pieces_requests"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The request's history becomes a portal.workflows.TransitionLog: same rows, the shared field names.
        migrations.RenameField("statuschange", "application", "subject"),
        migrations.RenameField("statuschange", "at", "created_at"),
        migrations.RenameField("statuschange", "reason", "note"),
        migrations.AlterModelOptions(
            name="statuschange",
            options={
                "ordering": ["created_at", "id"],
                "verbose_name": "changement de statut",
                "verbose_name_plural": "changements de statut",
            },
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="actor",
            field=models.CharField(
                choices=[
                    ("family", "la famille"),
                    ("am", "l'assistant·e maternel·le"),
                    ("staff", "le guichet"),
                    ("system", "automatique"),
                ],
                max_length=10,
                verbose_name="auteur",
            ),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="le"),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="note",
            field=models.TextField(blank=True, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.CreateModel(
            name="DocumentStatusChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "actor",
                    models.CharField(
                        choices=[
                            ("family", "la famille"),
                            ("am", "l'assistant·e maternel·le"),
                            ("staff", "le guichet"),
                            ("system", "automatique"),
                        ],
                        max_length=10,
                        verbose_name="auteur",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="le")),
                (
                    "from_status",
                    models.CharField(
                        choices=[
                            ("pending", "à vérifier"),
                            ("valid", "validée"),
                            ("rejected", "refusée"),
                            ("replaced", "remplacée"),
                            ("withdrawn", "retirée"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("pending", "à vérifier"),
                            ("valid", "validée"),
                            ("rejected", "refusée"),
                            ("replaced", "remplacée"),
                            ("withdrawn", "retirée"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="history", to="families.document"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "changement d'état d'une pièce",
                "verbose_name_plural": "changements d'état des pièces",
                "ordering": ["created_at", "id"],
                "abstract": False,
            },
        ),
    ]
