from django.db import migrations


def seed(apps, schema_editor):
    from xinfang.deadlines.seed import seed_holidays

    seed_holidays(apps.get_model("deadlines", "HolidayYear"), apps.get_model("deadlines", "HolidayDay"))


def unseed(apps, schema_editor):
    from xinfang.deadlines.seed import FIRST_YEAR, LAST_YEAR, SOURCE

    HolidayYear = apps.get_model("deadlines", "HolidayYear")
    HolidayYear.objects.filter(year__range=(FIRST_YEAR, LAST_YEAR), source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
