from django.db import migrations


def load_topics(apps, schema_editor):
    from xinfang.cases.topics import load_default_topics

    load_default_topics(apps.get_model("cases", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_full_text_index")]
    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
