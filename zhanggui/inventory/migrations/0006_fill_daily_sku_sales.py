from django.db import migrations
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone


def fill_daily_sales(apps, schema_editor):
    """The roll-up of the ledger so far: per SKU and shop day (settings.TIME_ZONE, Asia/
    Shanghai), sale moves less customer returns. One INSERT ... SELECT ... GROUP BY; the
    stock services keep it from here on. Self-contained (historical models, Django's exact
    TruncDate) so later changes to the app cannot change what this migration does."""
    move_model = apps.get_model("inventory", "StockMove")
    sales_model = apps.get_model("inventory", "DailySkuSales")
    connection = schema_editor.connection
    by_day = (
        move_model.objects.using(connection.alias)
        .filter(kind__in=["sale", "customer_return"])
        .order_by()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .values("sku_id", "day")
        .annotate(units=-Sum("quantity"))
    )
    select, params = by_day.query.sql_with_params()
    table = connection.ops.quote_name(sales_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (sku_id, day, units) {select}", params)


def empty_daily_sales(apps, schema_editor):
    apps.get_model("inventory", "DailySkuSales").objects.using(
        schema_editor.connection.alias
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("inventory", "0005_daily_sku_sales")]

    operations = [migrations.RunPython(fill_daily_sales, empty_daily_sales)]
