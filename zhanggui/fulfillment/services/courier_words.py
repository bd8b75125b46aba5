"""Reading which courier an order's text asks for or refuses (DOMAIN.md §6), and the parcel
weight estimate. Pure functions on text and numbers: no database, tested without one.

The reading is deliberately simple: a courier's name (顺丰, 圆通, SF, EMS...) asks for it,
unless a refusing word stands before it in the same clause ("不要顺丰", "别发申通") or right
after it at the clause's end ("顺丰不要", "申通不到"). Questions that contain a negation
("能不能发顺丰") still ask for it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

# A dress shop's typical garment; used for SKUs whose weight is not entered yet.
DEFAULT_ITEM_WEIGHT_G: Final = 300
# The courier plastic bag and tape (DOMAIN.md §6: no boxes).
PACKAGING_WEIGHT_G: Final = 50

# What buyers and sellers write for each courier (by code). ASCII words match whole words
# only, so STO is not found in "STORE".
COURIER_WORDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("SF", ("顺丰", "SF")),
    ("YTO", ("圆通", "YTO")),
    ("ZTO", ("中通", "ZTO")),
    ("YUNDA", ("韵达", "YUNDA")),
    ("STO", ("申通", "STO")),
    ("EMS", ("EMS", "邮政", "E邮宝")),
    ("JD", ("京东",)),
    ("JTSD", ("极兔", "J&T")),
)
# Words that refuse the courier named right after them (in the same clause).
NEGATIONS_BEFORE: Final = (
    "不要", "不用", "不发", "不走", "不能", "不想", "不选", "不需要", "不接受", "别", "勿",
    "拒绝", "除了", "no ", "not ", "don't", "dont ", "avoid", "never",
)  # fmt: skip
# Words that refuse the courier named just before them ("顺丰不要", "申通不到").
NEGATIONS_AFTER: Final = ("不要", "不用", "不行", "不到", "不发", "别发", "不可以", "不考虑")
# Questions that contain a negation but ask for the courier ("能不能发顺丰").
QUESTIONS: Final = ("能不能", "可不可以", "行不行", "是不是", "要不要", "可以不可以", "能否")
CLAUSE_END = re.compile(r"[，,。！!？?；;、\n\r]")


def _word_pattern(word: str) -> str:
    if word.isascii():
        return rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])"
    return re.escape(word)


_WORDS = re.compile(
    "|".join(
        f"(?P<{code}_{n}>{_word_pattern(word)})"
        for code, words in COURIER_WORDS
        for n, word in enumerate(words)
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """A courier named in a text: which, by what word, and whether the text refuses it."""

    code: str
    word: str
    negated: bool


def _clause_start(text: str, position: int) -> int:
    ends = [match.end() for match in CLAUSE_END.finditer(text, 0, position)]
    return ends[-1] if ends else 0


def _clause_end(text: str, position: int) -> int:
    match = CLAUSE_END.search(text, position)
    return match.start() if match else len(text)


def _refuses(before: str, after: str, *, last_in_clause: bool) -> bool:
    before = before.lower()
    for question in QUESTIONS:
        before = before.replace(question, "")
    if any(word in before for word in NEGATIONS_BEFORE):
        return True
    # "发顺丰不要申通": a negation between two couriers belongs to the second one.
    if not last_in_clause:
        return False
    # "顺丰的就不要了", "申通快递不到": skip the filler before the refusing word.
    after = re.sub(r"^(?:快递|物流|速递|速运|的|就|也|\s)+", "", after)
    return after.startswith(NEGATIONS_AFTER)


def courier_mentions(text: str) -> list[Mention]:
    """Couriers the text names, in order, each marked refused or not. A simple reading:
    a refusing word between the start of the clause (or the courier named before) and the
    courier, or right after the last courier of the clause."""
    matches = list(_WORDS.finditer(text or ""))
    mentions = []
    for i, match in enumerate(matches):
        group = match.lastgroup or ""
        code = group.rsplit("_", 1)[0]
        start = _clause_start(text, match.start())
        if i and matches[i - 1].end() > start:
            start = matches[i - 1].end()
        clause_end = _clause_end(text, match.end())
        following = matches[i + 1] if i + 1 < len(matches) else None
        last_in_clause = following is None or following.start() >= clause_end
        negated = _refuses(
            text[start : match.start()],
            text[match.end() : clause_end],
            last_in_clause=last_in_clause,
        )
        mentions.append(Mention(code, match.group(), negated))
    return mentions


def requested_courier(text: str) -> Mention | None:
    """The first courier the text asks for (named and not refused), or None."""
    return next((mention for mention in courier_mentions(text) if not mention.negated), None)


def refused_couriers(text: str) -> set[str]:
    """Codes of the couriers the text refuses and does not also ask for."""
    mentions = courier_mentions(text)
    asked = {mention.code for mention in mentions if not mention.negated}
    return {mention.code for mention in mentions if mention.negated} - asked


def estimate_weight_g(lines: Iterable[tuple[int, int | None]]) -> int:
    """(quantity, SKU weight in g or None) per line -> parcel weight in grams."""
    goods = sum(quantity * (weight or DEFAULT_ITEM_WEIGHT_G) for quantity, weight in lines)
    return goods + PACKAGING_WEIGHT_G
