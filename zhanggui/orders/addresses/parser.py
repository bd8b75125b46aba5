"""Splitting pasted receiver text (收货信息) into name, phone, divisions, address, postcode.

Buyers paste what Taobao's 复制地址, JD's order page or a WeChat chat gives them: the parts in
any order, with commas, spaces, newlines, labels or nothing between them. The text is taken
apart in this order, each step removing what it recognised:

1. labels (收货人:, 手机号码:, 所在地区:...) become separators;
2. phone numbers are cut out wherever they are (they also separate what they sat between);
3. the text splits into segments at commas, semicolons, newlines; a 6-digit segment or
   space-separated token is the postcode;
4. the segment where the best division reading starts holds the address (matcher.py);
5. the name is the most name-like of what is left: a segment of its own, the text glued
   before the divisions, or, failing those, a word at either end of the detail address
   (next to the phone number, a name needs no surname: 扎西, 其木格).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from zhanggui.orders.addresses.divisions import Division, get_index, is_resolved
from zhanggui.orders.addresses.matcher import (
    DivisionMatch,
    find_divisions,
    match_at,
    strip_repeated_names,
)
from zhanggui.orders.addresses.people import (
    PLACEHOLDER_POSTCODE,
    extract_phones,
    is_postcode,
    name_score,
    strip_receiver_mark,
)

API_FIELDS: Final = ("name", "phone", "province", "city", "district", "address", "postcode")

_LABELS: Final = [
    "收货人姓名",
    "收件人姓名",
    "收货人",
    "收件人",
    "联系人",
    "姓名",
    "名字",
    "手机号码",
    "手机号",
    "手机",
    "电话号码",
    "联系电话",
    "电话",
    "联系方式",
    "固话",
    "所在地区",
    "所在地",
    "省市区",
    "地区",
    "详细地址",
    "收货地址",
    "收件地址",
    "地址",
    "邮政编码",
    "邮编",
]
# A label starts the text or follows a separator; its colon is optional ("收货人张三").
_LABEL: Final = re.compile(
    r"(?:^|(?<=[\s,;|]))[\[【]?(?:"
    + "|".join(sorted(_LABELS, key=len, reverse=True))
    + r")[\]】]?\s*:?\s*"
)
# Words buyers put before the address in chat ("麻烦寄到", "地址是"): never the name.
_LEAD_IN: Final = re.compile(r".*(?:寄到|寄往|发到|送到|邮到|寄给)|是|为")
# Tabs are spaces here: exports and spreadsheets tab-separate the levels (省\t市\t区).
_SEGMENT_SEPARATORS: Final = re.compile(r"([,;|\n\r、\x1f]+)")
_PHONE_MARK: Final = "\x1f"  # where a phone number was cut out
_SPACES: Final = re.compile(r"\s+")
_EMPTY_BRACKETS: Final = re.compile(r"\(\s*\)|\[\s*\]|【\s*】")
_COUNTRY_SEGMENTS: Final = frozenset({"中国", "中国大陆", "中华人民共和国"})
# The name glued to the end of the address: after the house number, a 2-4 character name.
_GLUED_NAME: Final = re.compile(
    r"(.*(?:[\d号室楼栋幢层座户)A-Za-z]|附近|对面|旁边|隔壁|楼下|门口))([\u4e00-\u9fff]{2,4})"
)
_LATIN_WORD: Final = re.compile(r"[A-Za-z][A-Za-z.'-]*")
_NAME_NEEDED_AMONG_ADDRESS_WORDS: Final = 2
_NAME_NEEDED_NEXT_TO_PHONE: Final = 1


@dataclass(frozen=True)
class ParsedAddress:
    name: str | None
    phone: str | None
    province: str | None
    city: str | None
    district: str | None
    address: str | None
    postcode: str | None
    # Province and city found, and the district where the city has districts.
    resolved: bool

    def as_dict(self) -> dict[str, str | None]:
        """The parts under the keys of the `parse-address --json` contract (API.md)."""
        return {field: getattr(self, field) for field in API_FIELDS}


@dataclass(frozen=True)
class _Segment:
    text: str
    after_phone: bool  # a phone number stood right before it
    before_phone: bool  # a phone number stood right after it


@dataclass(frozen=True)
class _Word:
    text: str
    next_to_phone: bool


def _segments(text: str) -> tuple[str | None, str | None, list[_Segment]]:
    """The phone, the postcode, and the rest of the text in segments."""
    # NFKC turns full-width digits, letters and punctuation (，：（）) into ASCII.
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    phone, text = extract_phones(_LABEL.sub("\n", text), separator=_PHONE_MARK)
    text = _EMPTY_BRACKETS.sub("\n", text)  # 张三(13812345678): the phone left "()"
    parts = _SEGMENT_SEPARATORS.split(text)  # segment, separator, segment, ...
    postcode: str | None = None
    segments: list[_Segment] = []
    for i in range(0, len(parts), 2):
        tokens = _SPACES.sub(" ", parts[i]).strip().split(" ")
        kept = [token for token in tokens if not is_postcode(token)]
        if postcode is None and len(kept) < len(tokens):
            postcode = next(token for token in tokens if is_postcode(token))
        segment = " ".join(kept)
        if segment and segment not in _COUNTRY_SEGMENTS:
            before = parts[i - 1] if i else ""
            after = parts[i + 1] if i + 1 < len(parts) else ""
            segments.append(_Segment(segment, _PHONE_MARK in before, _PHONE_MARK in after))
    return phone, (None if postcode == PLACEHOLDER_POSTCODE else postcode), segments


def _find_address(segments: list[_Segment]) -> tuple[int, int, str, DivisionMatch] | None:
    """(first segment, segment count, their text, match) of the best division reading.

    A reading that ends with its segment may go on in the next one: "浙江省，杭州市，西湖区"."""
    best: tuple[int, DivisionMatch] | None = None
    for position, segment in enumerate(segments):
        match = find_divisions(segment.text)
        if match and (best is None or match.score > best[1].score):
            best = (position, match)
    if best is None:
        return None
    position, match = best
    text, count = segments[position].text, 1
    while position + count < len(segments) and match.end >= len(text):
        joined = f"{text} {segments[position + count].text}"
        longer = match_at(joined, match.start)
        if longer is None or longer.score <= match.score:
            break
        text, match, count = joined, longer, count + 1
    return position, count, text, match


def _division_surface(token: str) -> bool:
    index = get_index()
    return any(
        token in names for names in (index.province_names, index.city_names, index.district_names)
    )


def _score_name(token: str) -> int:
    score = name_score(strip_receiver_mark(token))
    # 罗平, 武强, 黄山 are people and counties: alone in a segment they are the name, among
    # address words they are not.
    return min(score, 1) if _division_surface(token) else score


def _choose_name(prefix: str, others: list[_Segment]) -> tuple[str | None, list[_Segment]]:
    """The most name-like of the text before the divisions and the other segments; the
    segments that are not the name go back to the address."""
    candidates = ([prefix] if prefix else []) + [segment.text for segment in others]
    scores = [_score_name(candidate) for candidate in candidates]
    if not scores or max(scores) == 0:
        return None, others
    chosen = scores.index(max(scores))
    offset = 1 if prefix else 0
    rest = [segment for i, segment in enumerate(others) if i + offset != chosen]
    return strip_receiver_mark(candidates[chosen]), rest


def _words(detail: str, address: _Segment | None, rest: list[_Segment]) -> list[_Word]:
    """The detail's words, marking the ones that stood next to a phone number."""
    words: list[_Word] = []
    pieces = [(detail, address)] + [(segment.text, segment) for segment in rest]
    for text, segment in pieces:
        tokens = text.split(" ") if text else []
        for i, token in enumerate(tokens):
            first, last = i == 0, i == len(tokens) - 1
            next_to_phone = segment is not None and (
                (first and segment.after_phone and segment is not address)
                or (last and segment.before_phone)
            )
            words.append(_Word(token, next_to_phone))
    return words


def _needed(word: _Word) -> int:
    return _NAME_NEEDED_NEXT_TO_PHONE if word.next_to_phone else _NAME_NEEDED_AMONG_ADDRESS_WORDS


def _name_from_words(words: list[_Word], *, set_apart: bool) -> tuple[str | None, list[str]]:
    """Last resort: the name among the detail's words: the last word(s), the first word, or
    glued to the end after the house number. `set_apart`: a space or a segment break
    separates the first word from the divisions, so it may be a word of its own.

    Division names count as names here: at the end of an address, 江华 or 白玉 is a person."""
    texts = [word.text for word in words]
    latin = 0
    while latin < min(len(texts) - 1, 3) and _LATIN_WORD.fullmatch(texts[-1 - latin]):
        latin += 1
    if latin and name_score(" ".join(texts[-latin:])) >= _NAME_NEEDED_AMONG_ADDRESS_WORDS:
        return " ".join(texts[-latin:]), texts[:-latin]  # Lily Chen
    last, first = words[-1], words[0]
    if len(words) > 1 and name_score(strip_receiver_mark(last.text)) >= _needed(last):
        return strip_receiver_mark(last.text), texts[:-1]
    if (len(words) > 1 or set_apart) and name_score(strip_receiver_mark(first.text)) >= _needed(
        first
    ):
        return strip_receiver_mark(first.text), texts[1:]
    glued = _GLUED_NAME.fullmatch(last.text)
    if glued and name_score(glued[2]) >= _NAME_NEEDED_AMONG_ADDRESS_WORDS:
        return glued[2], [*texts[:-1], glued[1]]
    return None, texts


def _official(division: Division | None) -> str | None:
    return division.name if division else None


def parse_address(text: str) -> ParsedAddress:
    """Split receiver text into its parts; parts not found are None.

    Names are official (广西壮族自治区); a municipality is both province and city; cities
    without districts (东莞市, 济源市) have district None, their towns stay in the address.
    A postcode of 000000 (Taobao's "none given") is None."""
    phone, postcode, segments = _segments(text)
    found = _find_address(segments)
    divisions: list[Division | None] = [None, None, None]
    address_segment: _Segment | None = None
    detail, prefix, others = "", "", segments
    if found is not None:
        position, count, joined, match = found
        divisions = [match.province, match.city, match.district]
        address_segment = segments[position + count - 1]
        prefix = joined[: match.start].strip()
        if _LEAD_IN.fullmatch(prefix):
            prefix = ""
        detail = strip_repeated_names(joined[match.end :], divisions)
        others = segments[:position] + segments[position + count :]
        set_apart = joined[match.end - 1 : match.end] == " " or not detail
    else:
        set_apart = True
    name, rest = _choose_name(prefix, others)
    words = _words(detail, address_segment, rest)
    texts = [word.text for word in words]
    if name is None and words:
        name, texts = _name_from_words(words, set_apart=set_apart)
    province, city, district = divisions
    return ParsedAddress(
        name=name,
        phone=phone,
        province=_official(province),
        city=_official(city),
        district=_official(district),
        address=" ".join(texts) or None,
        postcode=postcode,
        resolved=is_resolved(province, city, district),
    )
