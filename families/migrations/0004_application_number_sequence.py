from django.db import migrations

# Request numbers (DVIE000103) come from this sequence, one per collectivité's schema.
SEQUENCE = "families_application_number"


class Migration(migrations.Migration):
    dependencies = [("families", "0003_queue_order_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
            reverse_sql=f"DROP SEQUENCE IF EXISTS {SEQUENCE}",
        ),
    ]
