"""Official names for divisions that arrive already split (channel exports, APIs).

Order imports call this once per order, 100,000 orders at a time, so the work that depends
only on the (province, city, district) triple is cached; what remains per call is a few
`startswith` checks on the address. A shop's orders go to a few thousand distinct triples."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from zhanggui.orders.addresses.aliases import PLACEHOLDERS
from zhanggui.orders.addresses.divisions import Division, Entry, NameMap, get_index, is_resolved
from zhanggui.orders.addresses.matcher import district_at, match_at, strip_repeated_names


@dataclass(frozen=True)
class Divisions:
    province: str | None
    city: str | None
    district: str | None
    address: str | None
    # Province and city found, and the district where the city has districts.
    resolved: bool


@dataclass(frozen=True)
class _Triple:
    province: Division | None
    city: Division | None
    district: Division | None
    # A district the channel named that is no division (东莞's towns, 苏州工业园区): it goes
    # back in front of the address so the courier still sees it.
    unmatched_district: str
    # The city has districts but none was given (Taobao's 其它区): look in the address.
    infer_district: bool


def _lookup(names: NameMap, surface: str) -> Division | None:
    entry = _entry(names, surface)
    return entry.division if entry else None


def _entry(names: NameMap, surface: str) -> Entry | None:
    entries = names.get(surface)
    return entries[0] if entries and len(entries) == 1 else None


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value in PLACEHOLDERS else value


def _from_text(province: str, city: str, district: str) -> _Triple:
    """Fields that are not names of the dataset (typos, glued levels, unknown short forms)
    are read as one text, the way pasted addresses are."""
    text = " ".join(part for part in (province, city, district) if part)
    match = match_at(text, 0)
    if match is None:
        return _Triple(None, None, None, district, infer_district=False)
    leftover = text[match.end :].strip()
    if leftover and match.city is not None:
        # 莱芜市 莱城区: the old city already named the district the old district names.
        again = district_at(leftover, 0, match.city)
        if again is not None and again[0] is match.district and again[1] == len(leftover):
            leftover = ""
    return _Triple(
        match.province,
        match.city,
        match.district,
        leftover,
        infer_district=match.district is None and not leftover,
    )


@functools.lru_cache(maxsize=65536)
def _resolve_triple(province: str, city: str, district: str) -> _Triple:
    index = get_index()
    found_province = _lookup(index.province_names, province)
    if found_province is None:
        return _from_text(province, city, district)
    if not found_province.children:
        # Hong Kong, Macao, Taiwan: nothing below the province; their parts stay in the text.
        return _Triple(found_province, None, None, city + district, infer_district=False)
    cities = index.cities_of.get(found_province.code, {})
    city_entry = _entry(cities, city) if city else None
    found_city = city_entry.division if city_entry else None
    only = found_province.children
    if found_city is None and len(only) == 1 and only[0].name == found_province.name:
        found_city = only[0]  # a municipality: 北京市 市辖区 / 北京 北京
    if found_city is None and district:
        # 省直辖县级行政区划 济源市: the county-level city came in the district slot.
        found_city = _lookup(cities, district)
        if found_city is not None:
            return _Triple(found_province, found_city, None, "", infer_district=False)
    if found_city is None:
        return _from_text(province, city, district)
    if not found_city.children:
        stray = district if district != found_city.name else ""
        return _Triple(found_province, found_city, None, stray, infer_district=False)
    found_district = _lookup(index.districts_of.get(found_city.code, {}), district)
    if found_district is None and not district and city_entry is not None:
        found_district = city_entry.implies  # 山东省 莱芜市 -> 济南市 莱芜区
    if found_district is None and district:
        return _Triple(found_province, found_city, None, district, infer_district=False)
    return _Triple(
        found_province, found_city, found_district, "", infer_district=found_district is None
    )


def _infer_district(triple: _Triple, address: str) -> tuple[Division | None, str]:
    """The district at the start of the address, written alone or after its city."""
    assert triple.city is not None  # noqa: S101 (only asked when the city has districts)
    match = match_at(address, 0)
    if match is not None and match.city is triple.city and match.district is not None:
        return match.district, address[match.end :]
    found = district_at(address, 0, triple.city)
    if found is None:
        return None, address
    district, end = found
    return district, address[end:]


def normalize_divisions(
    province: str | None, city: str | None, district: str | None, address: str | None
) -> Divisions:
    """Official names for split division fields, with the detail address cleaned up.

    Short, old and placeholder names are resolved (广西 -> 广西壮族自治区, 襄樊 -> 襄阳市,
    北京 市辖区 -> 北京市 北京市). A missing or 其它区 district is read from the start of the
    address when it is there. A district that names no division (a town of 东莞市, an
    industrial park) is put back in front of the address. Division names the address repeats
    at its start are removed. Costs microseconds per call once a triple has been seen."""
    triple = _resolve_triple(_clean(province), _clean(city), _clean(district))
    detail = (address or "").strip()
    if triple.province is None and detail:
        # No usable fields: the whole address may be in the address column.
        match = match_at(detail, 0)
        if match is not None:
            triple = _Triple(match.province, match.city, match.district, "", infer_district=False)
            detail = detail[match.end :]
    district_found = triple.district
    if triple.infer_district and detail:
        district_found, detail = _infer_district(triple, detail)
    levels = [triple.province, triple.city, district_found]
    if detail:
        detail = strip_repeated_names(detail, levels)
    if triple.unmatched_district and not detail.startswith(triple.unmatched_district):
        detail = triple.unmatched_district + detail
    return Divisions(
        province=triple.province.name if triple.province else None,
        city=triple.city.name if triple.city else None,
        district=district_found.name if district_found else None,
        address=detail or None,
        resolved=is_resolved(triple.province, triple.city, district_found),
    )
