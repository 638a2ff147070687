from django.db import migrations


def load(apps, schema_editor):
    from rpe.booking.calendars import school_holidays_load

    school_holidays_load(model=apps.get_model("rpe", "SchoolHoliday"))


class Migration(migrations.Migration):
    dependencies = [("rpe", "0001_relais_directory_offers_appointments_ateliers")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
