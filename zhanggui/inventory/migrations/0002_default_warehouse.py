from django.db import migrations


def create_main_warehouse(apps, schema_editor):
    # API.md: a new database has one warehouse, code "main".
    warehouse_model = apps.get_model("inventory", "Warehouse")
    warehouse_model.objects.get_or_create(
        code="main", defaults={"name": "主仓", "is_default": True, "is_sellable": True}
    )


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [migrations.RunPython(create_main_warehouse, migrations.RunPython.noop)]
