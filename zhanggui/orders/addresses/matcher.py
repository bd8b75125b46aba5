"""Finding the province, city and district at the start of address text.

Buyers write each level in full, short or old form, skip levels (浙江义乌..., 深圳南山区...)
and repeat them; names also hide inside street names (朝阳门外大街, 中山路) and inside each
other (吉林省吉林市). So every way of reading the levels at a position is tried: each level
matched by any name that fits there, or skipped; the reading that names the most levels in
official form wins. A skipped level is inferred from the one below it when that is
unambiguous (昆山市 -> 苏州市 -> 江苏省)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from zhanggui.orders.addresses.divisions import Division, NameMap, get_index, split_suffix

# Between levels: spaces from Taobao's "省 市 区" form, and the words exports put in a level
# that names nothing (a municipality's 市辖区, 省直辖县级行政区划, Taobao's 其它区).
_SPACES: Final = " \t-/"
_FILLERS: Final = (
    # 雄安新区 spans three counties of 保定市 and is no division itself: "河北省雄安新区容城县".
    "雄安新区",
    "新疆生产建设兵团",
    "生产建设兵团",
    "兵团",
    "自治区直辖县级行政区划",
    "省直辖县级行政区划",
    "省直辖行政单位",
    "市辖区",
    "直辖县",
    "其它区",
    "其他区",
)
_FILLER_OPENINGS: Final = frozenset(filler[0] for filler in _FILLERS)
_COUNTRY: Final = ("中华人民共和国", "中国大陆", "中国")
# A short form followed by one of these was cut out of a longer name (吉林|市, 西湖|区): had
# it been that division, its full name would have matched.
_NAME_ENDINGS: Final = frozenset("省市区县州盟旗")
# A short form followed by a street word is the street's name (中山路, 朝阳门, 长安街).
_STREET_WORDS: Final = frozenset("路街道巷弄门桥里")
_STREET_WORDS_2: Final = frozenset({"大道", "大街", "东路", "西路", "南路", "北路", "中路"})
_EXACT_SCORE: Final = 3
_ALIAS_SCORE: Final = 2


@dataclass(frozen=True)
class DivisionMatch:
    province: Division | None
    city: Division | None
    district: Division | None
    start: int
    end: int  # where the detail address begins
    score: int


@dataclass(frozen=True)
class _Candidate:
    division: Division
    exact: bool
    end: int
    # A short form followed by a street word (中山|路, 朝阳|门) names the street, unless the
    # next level follows right after it (石家庄|桥西区).
    needs_next_level: bool = False
    implies: Division | None = None  # see divisions.Entry


def skip_fillers(text: str, position: int) -> int:
    while True:
        while position < len(text) and text[position] in _SPACES:
            position += 1
        if text[position : position + 1] not in _FILLER_OPENINGS:
            return position
        for filler in _FILLERS:
            if text.startswith(filler, position):
                position += len(filler)
                break
        else:
            return position


def _skip_country(text: str, position: int) -> int:
    for country in _COUNTRY:
        if text.startswith(country, position):
            return skip_fillers(text, position + len(country))
    return position


def _street_follows(text: str, end: int) -> bool:
    if text[end : end + 1] in _STREET_WORDS:
        # 南山街道 is the seat of 南山区: a subdistrict named after its district is in it.
        return not text.startswith("街道", end)
    return text[end : end + 2] in _STREET_WORDS_2


def _candidates(text: str, position: int, names: NameMap, max_length: int) -> list[_Candidate]:
    found: list[_Candidate] = []
    if text[position : position + 2] not in get_index().openings:
        return found
    for length in range(min(max_length, len(text) - position), 1, -1):
        entries = names.get(text[position : position + length])
        # Two divisions under one name in this scope (鼓楼区 with no city given) cannot be
        # told apart here; the text is left for the detail rather than guessed.
        if not entries or len(entries) != 1:
            continue
        entry, end = entries[0], position + length
        if entry.exact:
            found.append(_Candidate(entry.division, exact=True, end=end))
        elif text[end : end + 1] not in _NAME_ENDINGS:
            street = _street_follows(text, end)
            found.append(
                _Candidate(
                    entry.division, False, end, needs_next_level=street, implies=entry.implies
                )
            )
    return found


def _is_reading(levels: tuple[_Candidate | None, ...]) -> bool:
    """At least one level, and the last one not a short form that names a street (each
    level starts where the one before ended, so only the last has nothing after it)."""
    matched = [level for level in levels if level is not None]
    return bool(matched) and not matched[-1].needs_next_level


def _score(*levels: _Candidate | None) -> int:
    return sum(
        _EXACT_SCORE if level.exact else _ALIAS_SCORE for level in levels if level is not None
    )


def _absorb_repeat(text: str, level: _Candidate, names: NameMap) -> _Candidate:
    """The level extended over the same division named again right after it (上海 上海市,
    第八师石河子市, 莱芜市莱城区, Taobao's "东莞市 东莞市"). Written once in full, the level
    counts as exact.

    Not a short form that can begin a place name (海淀|黄庄), and not the full name twice
    with nothing between: 南山区南山区人民医院 is the district's hospital."""
    position = skip_fillers(text, level.end)
    spaced = position > level.end
    for again in _candidates(text, position, names, get_index().max_length):
        if again.division is not level.division:
            continue
        surface = text[position : again.end]
        if not (again.exact or split_suffix(surface)[1]):
            continue
        if level.exact and again.exact and not spaced:
            continue
        implies = level.implies or again.implies  # 合肥市巢湖市: 巢湖 named the district
        return _Candidate(level.division, level.exact or again.exact, again.end, implies=implies)
    return level


def _district_candidates(
    text: str, position: int, city: _Candidate | None, names: NameMap
) -> list[_Candidate]:
    longest = get_index().max_length
    found = _candidates(text, position, names, longest)
    if city is not None and text[city.end - 1] == "市":
        # 济南市中区, 青岛市北区: buyers let the city's 市 double as the first character
        # of 市中区/市北区/市南区.
        overlapping = _candidates(text, city.end - 1, names, longest)
        found += [d for d in overlapping if d.division.name.startswith("市")]
    return found


def match_at(text: str, start: int) -> DivisionMatch | None:
    """The best reading of divisions beginning at `start`, or None if nothing matches."""
    index = get_index()
    position = _skip_country(text, start)
    if text[position : position + 2] not in index.openings:
        return None
    best: DivisionMatch | None = None
    provinces = _candidates(text, position, index.province_names, index.max_length)
    provinces = [_absorb_repeat(text, found, index.province_names) for found in provinces]
    for province in [None, *provinces]:
        after_province = skip_fillers(text, province.end) if province else position
        # Hong Kong, Macao and Taiwan have nothing below the province: an empty map.
        city_names = (
            index.cities_of.get(province.division.code, {}) if province else index.city_names
        )
        cities = _candidates(text, after_province, city_names, index.max_length)
        cities = [_absorb_repeat(text, found, city_names) for found in cities]
        for city in [None, *cities]:
            after_city = skip_fillers(text, city.end) if city else after_province
            scope = city or province
            district_names = (
                index.districts_of.get(scope.division.code, {}) if scope else index.district_names
            )
            districts = _district_candidates(text, after_city, city, district_names)
            districts = [_absorb_repeat(text, found, district_names) for found in districts]
            for district in [None, *districts]:
                score = _score(province, city, district)
                if (best is None or score > best.score) and _is_reading((province, city, district)):
                    end = skip_fillers(text, district.end) if district else after_city
                    best = _resolve(province, city, district, start=start, end=end, score=score)
    return best


def _resolve(
    province: _Candidate | None,
    city: _Candidate | None,
    district: _Candidate | None,
    *,
    start: int,
    end: int,
    score: int,
) -> DivisionMatch:
    district_division = district.division if district else (city.implies if city else None)
    city_division = city.division if city else None
    if city_division is None and district_division is not None:
        city_division = district_division.parent
    province_division = province.division if province else None
    if province_division is None and city_division is not None:
        province_division = city_division.parent
    if city_division is None and province_division is not None:
        # A municipality is its own (only) city.
        only = province_division.children
        if len(only) == 1 and only[0].name == province_division.name:
            city_division = only[0]
    return DivisionMatch(province_division, city_division, district_division, start, end, score)


def district_at(text: str, position: int, city: Division) -> tuple[Division, int] | None:
    """The district of `city` named at `position`, and where the detail after it begins."""
    index = get_index()
    names = index.districts_of.get(city.code, {})
    candidates = _candidates(text, skip_fillers(text, position), names, index.max_length)
    if not candidates:
        return None
    best = max(candidates, key=lambda candidate: (candidate.exact, candidate.end))
    return best.division, skip_fillers(text, best.end)


def find_divisions(text: str, *, max_offset: int = 6, max_tokens: int = 3) -> DivisionMatch | None:
    """The best division reading in one segment of receiver text.

    Readings start at the first few space-separated tokens, and a few characters into them,
    because buyers glue their name to the address (李四广东深圳...). The best score wins;
    among equals, the earliest start."""
    starts: list[int] = []
    token_start, tokens = 0, 0
    while token_start < len(text) and tokens < max_tokens:
        while token_start < len(text) and text[token_start].isspace():
            token_start += 1
        token_end = token_start
        while token_end < len(text) and not text[token_end].isspace():
            token_end += 1
        for offset in range(min(max_offset, token_end - token_start - 1) + 1):
            if offset and text[token_start + offset - 1].isdigit():
                break  # the name glued before an address has no digits
            starts.append(token_start + offset)
        token_start, tokens = token_end, tokens + 1
    best: DivisionMatch | None = None
    for start in starts:
        match = match_at(text, start)
        if match and (best is None or match.score > best.score):
            best = match
    return best


def strip_repeated_names(detail: str, divisions: list[Division | None]) -> str:
    """Drop the division names a buyer wrote again at the start of the detail address
    ("广东省深圳市南山区 广东省深圳市南山区科技园" from some channels).

    Only official names, and only where they cannot be the start of a place name: two or
    more levels in a row, or one level standing alone before a space. "西湖区政府" keeps its
    西湖区."""
    names: list[str] = []
    for division in divisions:
        if division is not None and division.name not in names:
            names.append(division.name)
    detail = detail.strip()
    for first in range(len(names)):
        position, count = 0, 0
        for name in names[first:]:
            if not detail.startswith(name, position):
                break
            position, count = skip_fillers(detail, position + len(name)), count + 1
        stands_alone = count == 1 and detail[len(names[first]) : len(names[first]) + 1] == " "
        if (count >= 2 or stands_alone) and detail[position:].strip():
            return detail[position:].strip()
    return detail
