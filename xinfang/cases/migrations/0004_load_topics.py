"""Loads the default 3-level topic tree (a city message board's taxonomy) from
xinfang/cases/data/topics.csv; admins may extend it afterwards."""

import csv
from pathlib import Path

from django.db import migrations

TOPICS_CSV = Path(__file__).resolve().parent.parent / "data" / "topics.csv"


def load_topics(apps, schema_editor):
    Topic = apps.get_model("cases", "Topic")
    by_full_name = {}
    with open(TOPICS_CSV, encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            if row[0] == "一级分类":
                continue
            parent = None
            for level, name in enumerate(row[:3], start=1):
                full_name = " › ".join(row[:level])
                if full_name not in by_full_name:
                    by_full_name[full_name], _ = Topic.objects.get_or_create(
                        full_name=full_name, defaults={"name": name.strip(), "parent": parent, "level": level}
                    )
                parent = by_full_name[full_name]


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_full_text_index")]
    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
