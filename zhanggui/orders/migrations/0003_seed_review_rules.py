"""The review rules a shop starts with (DOMAIN.md §5): hold what a person must read, flag what
the flags mean, approve the rest. Stored with a code; the names are shown translated
(models_rules.DEFAULT_RULE_NAMES) until a manager renames a rule."""

from django.db import migrations

# (code, condition, parameter, action, hold_reason, flag, active)
DEFAULT_RULES = [
    ("blacklisted_buyer", "blacklisted_buyer", "", "hold", "blacklisted_buyer", "", True),
    ("address_unresolved", "address_unresolved", "", "hold", "address_unresolved", "", True),
    ("amount_over_limit", "amount_over", "2000", "hold", "amount_over_limit", "", True),
    ("requested_courier", "requested_courier", "", "hold", "requested_courier", "", True),
    ("buyer_message", "buyer_message", "", "hold", "buyer_message", "", True),
    ("seller_memo", "seller_memo", "", "hold", "seller_memo", "", True),
    ("bank_transfer", "bank_transfer", "", "set_flag", "", "green", True),
    ("exchange", "exchange", "", "suggest_flag", "", "blue", True),
    ("return", "return", "", "suggest_flag", "", "purple", True),
    ("several_open_orders", "several_open_orders", "2", "suggest_flag", "", "red", True),
    ("first_order", "first_order", "", "suggest_flag", "", "red", False),
    ("auto_approve", "always", "", "approve", "", "", True),
]


def seed(apps, schema_editor):
    ReviewRule = apps.get_model("orders", "ReviewRule")
    for position, (code, condition, parameter, action, reason, flag, active) in enumerate(
        DEFAULT_RULES, start=1
    ):
        ReviewRule.objects.get_or_create(
            code=code,
            defaults={
                "position": position * 10,
                "condition": condition,
                "parameter": parameter,
                "action": action,
                "hold_reason": reason,
                "flag": flag,
                "is_active": active,
            },
        )


def unseed(apps, schema_editor):
    codes = [row[0] for row in DEFAULT_RULES]
    apps.get_model("orders", "ReviewRule").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_review_rules")]

    operations = [migrations.RunPython(seed, unseed)]
