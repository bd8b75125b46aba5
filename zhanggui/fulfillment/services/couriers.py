"""Couriers, the places each cannot reach, and the shop's shipping settings (DOMAIN.md §6).

A courier's `code` is the Taobao/Cainiao cp_code; each platform's own code is kept in
`channel_codes` (CHANNELS.md §4.3). Every change is audited."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from zhanggui.core import audit
from zhanggui.core.errors import InvalidInput
from zhanggui.core.tabular import UnreadableFile
from zhanggui.fulfillment.exceptions import CourierNotFound
from zhanggui.fulfillment.models import Courier, CourierExclusion, ShippingSettings
from zhanggui.orders.addresses.divisions import Division, NameMap, get_index

# The code systems a courier is known by (CHANNELS.md §4.3): Taobao and Tmall share the
# Cainiao codes; JD has its own; KDNiao and Kuaidi100 are the tracking services.
CHANNEL_CODE_KEYS: Final = ("taobao", "tmall", "jd", "kdniao", "kuaidi100")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
CHANNEL_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
LABEL_SIZE = re.compile(r"^\d{2,3}x\d{2,3}$")
COURIER_FIELDS: Final = (
    "name",
    "channel_codes",
    "label_sizes",
    "reuses_cancelled_numbers",
    "priced_as",
    "tracking_pattern",
    "is_active",
    "position",
)
SETTINGS_FIELDS: Final = (
    "default_courier",
    "fallback_courier",
    "sender_name",
    "sender_phone",
    "sender_province",
    "sender_city",
    "sender_district",
    "sender_address",
    "sender_postcode",
    "default_label_size",
)


# The shop's starting couriers, as the seeding migration (0002) writes them (a test keeps
# the two equal): code, name, Taobao/Tmall code, KDNiao code, Kuaidi100 code, label sizes
# (CHANNELS.md §4.1), tracking number pattern, active.
DEFAULT_COURIERS: Final = (
    ("STO", "申通快递", "STO", "STO", "shentong", "76x130,100x180,100x150", r"^\d{12,15}$", True),
    ("YTO", "圆通速递", "YTO", "YTO", "yuantong", "76x130,100x180", r"^YT\d{13,16}$", True),
    ("ZTO", "中通快递", "ZTO", "ZTO", "zhongtong", "76x130,100x180", r"^\d{12,14}$", True),
    ("YUNDA", "韵达速递", "YUNDA", "YD", "yunda", "100x130,100x180,100x203", r"^\d{13,15}$", True),
    ("SF", "顺丰速运", "SF", "SF", "shunfeng", "76x130,100x150,100x180,100x210", r"^SF\d{12,13}$", True),
    ("EMS", "EMS", "EMS", "EMS", "ems", "76x130,100x180,100x150", r"^[A-Z]{2}\d{9}[A-Z]{2}$|^\d{13}$", True),
    ("JD", "京东物流", "JD", "JD", "jd", "76x130,100x110", r"^JD[A-Z0-9]{13,16}$", True),
    ("JTSD", "极兔速递", "JTSD", "JTSD", "jtexpress", "100x130,100x180", r"^JT\d{13}$", False),
    ("POSTB", "邮政快递包裹", "POSTB", "YZPY", "youzhengguonei", "76x130,100x180,100x150", r"^\d{13}$|^[A-Z]{2}\d{9}[A-Z]{2}$", False),
)  # fmt: skip
DEFAULT_PRICED_AS: Final = {"YTO": "STO", "SF": "EMS"}  # DOMAIN.md §6


@dataclass(frozen=True)
class CourierInput:
    name: str
    channel_codes: dict[str, str] = field(default_factory=dict)
    label_sizes: str = "76x130,100x180"
    reuses_cancelled_numbers: bool = False
    priced_as: str = ""  # another courier's code: quote with its price table
    tracking_pattern: str = ""
    is_active: bool = True
    position: int = 0


@dataclass(frozen=True)
class SettingsInput:
    default_courier: str  # courier codes
    fallback_courier: str = ""
    sender_name: str = ""
    sender_phone: str = ""
    sender_province: str = ""
    sender_city: str = ""
    sender_district: str = ""
    sender_address: str = ""
    sender_postcode: str = ""
    default_label_size: str = "76x130"


@dataclass(frozen=True)
class Place:
    """Where a parcel goes, by official division names (city and district may be empty)."""

    province: str
    city: str = ""
    district: str = ""

    def __str__(self) -> str:
        parts = [self.province, self.city, self.district]
        # A municipality is its own city: say it once.
        if parts[0] and parts[0] == parts[1]:
            parts = [parts[0], parts[2]]
        return " ".join(part for part in parts if part)


# ---------------------------------------------------------------- couriers


def get_courier(code: str, *, active_only: bool = False) -> Courier:
    couriers = Courier.objects.select_related("priced_as")
    if active_only:
        couriers = couriers.filter(is_active=True)
    courier = couriers.filter(code=code.strip().upper()).first()
    if courier is None:
        raise CourierNotFound(_("No courier with the code %(code)s.") % {"code": code}, code=code)
    return courier


def clean_label_sizes(text: str) -> str:
    """ "76×130, 100x180" -> "76x130,100x180"; InvalidInput on anything else."""
    sizes = [
        size.strip().lower().replace("×", "x").replace("*", "x")
        for size in re.split(r"[,，;；\s]+", text)
        if size.strip()
    ]
    bad = [size for size in sizes if not LABEL_SIZE.match(size)]
    if bad or not sizes:
        raise InvalidInput(
            {
                "label_sizes": [
                    _("Give sizes in millimetres like 76x130,100x180 (not %(bad)s).")
                    % {"bad": ", ".join(bad) or "—"}
                ]
            }
        )
    return ",".join(dict.fromkeys(sizes))


def _clean_channel_codes(codes: dict[str, str]) -> dict[str, str]:
    cleaned = {key: value.strip() for key, value in codes.items() if value and value.strip()}
    bad = [value for value in cleaned.values() if not CHANNEL_CODE.match(value)]
    if bad:
        raise InvalidInput(
            {"channel_codes": [_("Not a courier code: %(code)s") % {"code": bad[0][:40]}]}
        )
    return cleaned


def _priced_as(code: str, courier_code: str) -> Courier | None:
    if not code:
        return None
    if code.strip().upper() == courier_code:
        raise InvalidInput({"priced_as": [_("A courier cannot be priced as itself.")]})
    base = Courier.objects.filter(code=code.strip().upper()).first()
    if base is None:
        raise InvalidInput(
            {"priced_as": [_("No courier with the code %(code)s.") % {"code": code}]}
        )
    # One step only: quotes follow priced_as once, so a chain would quietly price wrong.
    if base.priced_as_id is not None:
        raise InvalidInput(
            {
                "priced_as": [
                    _("%(base)s is itself priced as another courier; choose that one.")
                    % {"base": base.code}
                ]
            }
        )
    return base


def _check_pattern(pattern: str) -> str:
    pattern = pattern.strip()
    try:
        re.compile(pattern)
    except re.error as error:
        raise InvalidInput(
            {"tracking_pattern": [_("Not a valid pattern: %(error)s") % {"error": error}]}
        ) from error
    return pattern


def _apply(courier: Courier, data: CourierInput) -> None:
    name = data.name.strip()
    if not name:
        raise InvalidInput({"name": [_("Give the courier a name.")]})
    courier.name = name[:40]
    courier.channel_codes = _clean_channel_codes(data.channel_codes)
    courier.label_sizes = clean_label_sizes(data.label_sizes)
    courier.reuses_cancelled_numbers = data.reuses_cancelled_numbers
    courier.priced_as = _priced_as(data.priced_as, courier.code)
    courier.tracking_pattern = _check_pattern(data.tracking_pattern)
    courier.is_active = data.is_active
    courier.position = data.position


@transaction.atomic
def create_courier(*, actor: Any, code: str, data: CourierInput) -> Courier:
    """A courier the shop adds. `code` is its Taobao/Cainiao code (upper case)."""
    code = code.strip().upper()
    if not CODE.match(code):
        raise InvalidInput({"code": [_("Use capital letters and digits, like STO or YUNDA.")]})
    if Courier.objects.filter(code=code).exists():
        raise InvalidInput({"code": [_("A courier with this code exists already.")]})
    courier = Courier(code=code)
    _apply(courier, data)
    courier.save()
    audit.record_creation(actor=actor, instance=courier, fields=("code", *COURIER_FIELDS))
    return courier


@transaction.atomic
def update_courier(*, actor: Any, courier_id: int, data: CourierInput) -> Courier:
    courier = Courier.objects.select_for_update().filter(pk=courier_id).first()
    if courier is None:
        raise CourierNotFound()
    before = audit.snapshot(courier, COURIER_FIELDS)
    _apply(courier, data)
    if not courier.is_active and _in_settings(courier):
        raise InvalidInput(
            {
                "is_active": [
                    _("This courier is the default or fallback courier; choose another first.")
                ]
            }
        )
    courier.save()
    audit.record(
        actor=actor,
        instance=courier,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(courier, COURIER_FIELDS)),
    )
    return courier


def _in_settings(courier: Courier) -> bool:
    settings = ShippingSettings.objects.filter(pk=1).first()
    return settings is not None and courier.pk in (
        settings.default_courier_id,
        settings.fallback_courier_id,
    )


def tracking_number_fits(courier: Courier, number: str) -> bool:
    """Whether a tracking number looks like the courier's (its pattern); any number fits a
    courier without a pattern."""
    if not courier.tracking_pattern:
        return True
    return re.search(courier.tracking_pattern, number.strip()) is not None


# ---------------------------------------------------------------- settings


def get_settings() -> ShippingSettings:
    """The settings row (pk=1), created empty when a database lacks it."""
    settings, _created = ShippingSettings.objects.select_related(
        "default_courier", "fallback_courier"
    ).get_or_create(pk=1)
    return settings


def _settings_courier(code: str, field_name: str) -> Courier | None:
    if not code:
        return None
    courier = Courier.objects.filter(code=code, is_active=True).first()
    if courier is None:
        raise InvalidInput(
            {field_name: [_("No active courier with the code %(code)s.") % {"code": code}]}
        )
    return courier


@transaction.atomic
def update_settings(*, actor: Any, data: SettingsInput) -> ShippingSettings:
    """Save the default and fallback couriers and the sender printed on labels."""
    settings = get_settings()
    settings = ShippingSettings.objects.select_for_update().get(pk=settings.pk)
    before = audit.snapshot(settings, SETTINGS_FIELDS)
    default = _settings_courier(data.default_courier, "default_courier")
    if default is None:
        raise InvalidInput({"default_courier": [_("Choose the default courier.")]})
    fallback = _settings_courier(data.fallback_courier, "fallback_courier")
    if fallback is not None and fallback.pk == default.pk:
        raise InvalidInput(
            {"fallback_courier": [_("The fallback must differ from the default courier.")]}
        )
    sizes = clean_label_sizes(data.default_label_size).split(",")
    if len(sizes) != 1:
        raise InvalidInput({"default_label_size": [_("Give one label size.")]})
    if data.sender_postcode and not re.fullmatch(r"\d{6}", data.sender_postcode.strip()):
        raise InvalidInput({"sender_postcode": [_("A postcode has six digits.")]})
    settings.default_courier = default
    settings.fallback_courier = fallback
    for name in SETTINGS_FIELDS:
        if name.startswith("sender_"):
            setattr(settings, name, str(getattr(data, name)).strip())
    settings.default_label_size = sizes[0]
    settings.save()
    audit.record(
        actor=actor,
        instance=settings,
        action=audit.AuditAction.UPDATE,
        changes=audit.diff(before, audit.snapshot(settings, SETTINGS_FIELDS)),
    )
    return settings


# ---------------------------------------------------------------- places not reached


def _one(names: NameMap, surface: str) -> Division | None:
    entries = names.get(surface.strip())
    return entries[0].division if entries and len(entries) == 1 else None


def official_place(province: str, city: str = "", district: str = "") -> Place:
    """Official names for a place typed by a person (广西 -> 广西壮族自治区, 阿里 ->
    阿里地区). InvalidInput names the level that is not found."""
    index = get_index()
    found_province = _one(index.province_names, province)
    if found_province is None:
        raise InvalidInput({"province": [_("No province called %(name)s.") % {"name": province}]})
    if not city.strip():
        if district.strip():
            raise InvalidInput({"city": [_("Give the city of the district.")]})
        return Place(found_province.name)
    found_city = _one(index.cities_of.get(found_province.code, {}), city)
    if found_city is None:
        raise InvalidInput(
            {
                "city": [
                    _("%(province)s has no city called %(name)s.")
                    % {"province": found_province.name, "name": city}
                ]
            }
        )
    if not district.strip():
        return Place(found_province.name, found_city.name)
    found_district = _one(index.districts_of.get(found_city.code, {}), district)
    if found_district is None:
        raise InvalidInput(
            {
                "district": [
                    _("%(city)s has no district called %(name)s.")
                    % {"city": found_city.name, "name": district}
                ]
            }
        )
    return Place(found_province.name, found_city.name, found_district.name)


def excluding(exclusions: list[CourierExclusion], place: Place) -> CourierExclusion | None:
    """The exclusion that covers the place (a whole province, a city or a district), if any."""
    for exclusion in exclusions:
        if exclusion.province != place.province:
            continue
        if exclusion.city and exclusion.city != place.city:
            continue
        if exclusion.district and exclusion.district != place.district:
            continue
        return exclusion
    return None


def cannot_reach(courier: Courier, place: Place) -> CourierExclusion | None:
    return excluding(list(courier.exclusions.filter(province=place.province)), place)


@transaction.atomic
def add_exclusion(
    *, actor: Any, courier_id: int, province: str, city: str = "", district: str = ""
) -> CourierExclusion:
    """Mark a place the courier does not reach; names are made official first. A place
    already covered (its province or city is excluded) is refused, saying by what."""
    courier = Courier.objects.select_for_update().filter(pk=courier_id).first()
    if courier is None:
        raise CourierNotFound()
    place = official_place(province, city, district)
    covering = cannot_reach(courier, place)
    if covering is not None:
        raise InvalidInput(
            {
                "province": [
                    _("%(courier)s already does not reach %(place)s.")
                    % {"courier": courier.name, "place": covering}
                ]
            }
        )
    exclusion = CourierExclusion.objects.create(
        courier=courier, province=place.province, city=place.city, district=place.district
    )
    audit.record(
        actor=actor,
        instance=courier,
        action=audit.AuditAction.UPDATE,
        changes={"exclusions": {"before": None, "after": str(place)}},
        note=_("Place not reached added"),
    )
    return exclusion


@transaction.atomic
def remove_exclusion(*, actor: Any, exclusion_id: int) -> Courier:
    exclusion = CourierExclusion.objects.select_related("courier").filter(pk=exclusion_id).first()
    if exclusion is None:
        raise CourierNotFound(_("No such place."))
    courier = exclusion.courier
    place = str(exclusion)
    exclusion.delete()
    audit.record(
        actor=actor,
        instance=courier,
        action=audit.AuditAction.UPDATE,
        changes={"exclusions": {"before": place, "after": None}},
        note=_("Place not reached removed"),
    )
    return courier


# ---------------------------------------------------------------- allocation files


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps numbers as floats: 7700000001.0
    return str(value).strip()


def allocation_text(*, filename: str, content: bytes) -> str:
    """The numbers and ranges of an allocation file (text, CSV or XLSX) as text for
    pools.parse_allocation: one item per line. Header words of the first line (运单号,
    "number") are dropped; anything else that is no number is left for the parser to name.

    Raises UnreadableFile for a file that is neither text nor XLSX."""
    if content.startswith(b"PK\x03\x04"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise UnreadableFile(
                _("%(file)s is not a valid XLSX file.") % {"file": filename}
            ) from error
        try:
            rows = [
                [_cell_text(value) for value in row]
                for row in workbook.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            workbook.close()
    else:
        text = ""
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnreadableFile(_("%(file)s is not a text file.") % {"file": filename})
        if "\x00" in text:
            raise UnreadableFile(_("%(file)s is not a text file.") % {"file": filename})
        rows = [re.split(r"[,\t;]", line) for line in text.splitlines()]
    items: list[str] = []
    for number, row in enumerate(rows):
        for cell in row:
            cell = cell.strip().strip('"').strip()
            if not cell or (number == 0 and not re.search(r"\d", cell)):
                continue
            items.append(cell)
    return "\n".join(items)


@transaction.atomic
def install_default_couriers() -> list[Courier]:
    """The starting couriers and settings (STO by default, EMS as fallback) where they are
    missing, as the seeding migration makes them; rows already there are left as they are.
    For databases emptied since (the benchmark harness, the demo)."""
    couriers: dict[str, Courier] = {}
    for position, row in enumerate(DEFAULT_COURIERS, start=1):
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
    for code, base in DEFAULT_PRICED_AS.items():
        Courier.objects.filter(code=code, priced_as__isnull=True).update(priced_as=couriers[base])
    ShippingSettings.objects.get_or_create(
        pk=1,
        defaults={"default_courier": couriers["STO"], "fallback_courier": couriers["EMS"]},
    )
    return list(couriers.values())
