"""The couriers a shop starts with (DOMAIN.md §6, CHANNELS.md §4) and the shipping settings
row: STO by default, EMS where STO cannot reach, YTO priced as STO and SF as EMS.

Each courier's code is the Taobao/Cainiao cp_code; the other platforms' codes are in
`channel_codes` (CHANNELS.md §4.3: Taobao/Tmall, KDNiao, Kuaidi100 are three different code
systems). JD's own logistics-company ids are left out: they are numeric ids returned at
runtime by JD's company list, not verified here; `Courier.code_for("jd")` then falls back to
the Cainiao code. 极兔 and 邮政快递包裹 are seeded inactive: a shop turns them on when it has
an account with them.

Existing rows are never overwritten (get_or_create), and the reverse step leaves the rows
in place: by then they may carry parcels and number pools."""

from django.db import migrations

# code, name, taobao/tmall code, kdniao, kuaidi100, label sizes (CHANNELS.md §4.1),
# tracking number pattern, active
COURIERS = [
    ("STO", "申通快递", "STO", "STO", "shentong", "76x130,100x180,100x150", r"^\d{12,15}$", True),
    ("YTO", "圆通速递", "YTO", "YTO", "yuantong", "76x130,100x180", r"^YT\d{13,16}$", True),
    ("ZTO", "中通快递", "ZTO", "ZTO", "zhongtong", "76x130,100x180", r"^\d{12,14}$", True),
    ("YUNDA", "韵达速递", "YUNDA", "YD", "yunda", "100x130,100x180,100x203", r"^\d{13,15}$", True),
    ("SF", "顺丰速运", "SF", "SF", "shunfeng", "76x130,100x150,100x180,100x210", r"^SF\d{12,13}$", True),
    ("EMS", "EMS", "EMS", "EMS", "ems", "76x130,100x180,100x150", r"^[A-Z]{2}\d{9}[A-Z]{2}$|^\d{13}$", True),
    ("JD", "京东物流", "JD", "JD", "jd", "76x130,100x110", r"^JD[A-Z0-9]{13,16}$", True),
    ("JTSD", "极兔速递", "JTSD", "JTSD", "jtexpress", "100x130,100x180", r"^JT\d{13}$", False),
    ("POSTB", "邮政快递包裹", "POSTB", "YZPY", "youzhengguonei", "76x130,100x180,100x150", r"^\d{13}$|^[A-Z]{2}\d{9}[A-Z]{2}$", False),
]  # fmt: skip
# The shop's rule (DOMAIN.md §6): YTO is quoted with STO's table, SF with EMS's.
PRICED_AS = {"YTO": "STO", "SF": "EMS"}
DEFAULT_COURIER = "STO"
FALLBACK_COURIER = "EMS"


def seed(apps, schema_editor):
    Courier = apps.get_model("fulfillment", "Courier")
    ShippingSettings = apps.get_model("fulfillment", "ShippingSettings")
    couriers = {}
    for position, row in enumerate(COURIERS, start=1):
        code, name, taobao, kdniao, kuaidi100, sizes, pattern, active = row
        couriers[code], _created = Courier.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "channel_codes": {
                    "taobao": taobao,
                    "tmall": taobao,
                    "kdniao": kdniao,
                    "kuaidi100": kuaidi100,
                },
                "label_sizes": sizes,
                "tracking_pattern": pattern,
                "is_active": active,
                "position": position * 10,
            },
        )
    for code, base in PRICED_AS.items():
        Courier.objects.filter(code=code, priced_as__isnull=True).update(priced_as=couriers[base])
    ShippingSettings.objects.get_or_create(
        pk=1,
        defaults={
            "default_courier": couriers[DEFAULT_COURIER],
            "fallback_courier": couriers[FALLBACK_COURIER],
            "default_label_size": "76x130",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
