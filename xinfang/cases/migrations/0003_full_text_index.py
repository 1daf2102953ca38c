from django.db import migrations


def create_index(apps, schema_editor):
    from xinfang.cases.search import POSTGRES_DDL, SQLITE_DDL

    statements = POSTGRES_DDL if schema_editor.connection.vendor == "postgresql" else SQLITE_DDL
    for statement in statements:
        schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    table = "case_search" if schema_editor.connection.vendor == "postgresql" else "case_fts"
    schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
