"""Demo suppliers and customers as plain data, from a seed alone (pure, no ORM)."""

from __future__ import annotations

import random

from zhanggui.channels.models import Channel
from zhanggui.customers.services import CustomerInput
from zhanggui.demo.data_people import (
    CUSTOMER_NOTES,
    FEMALE_NAME_CHARS,
    LATIN_NICKS,
    MALE_NAME_CHARS,
    MOBILE_PREFIXES,
    NICK_WORDS,
    SURNAMES,
)
from zhanggui.demo.data_places import COMMUNITIES, OFFICE_BUILDINGS, PROVINCES, STREETS, City
from zhanggui.demo.data_suppliers import SUPPLIERS
from zhanggui.purchasing.services import SupplierInput

# Surnames are far from uniform: 王, 李, 张 alone are a fifth of the population.
SURNAME_WEIGHTS = [1 / (rank + 4) for rank in range(len(SURNAMES))]
# Clothing buyers are mostly women.
FEMALE_SHARE = 0.75
CHANNEL_WEIGHTS = {Channel.TAOBAO: 55, Channel.TMALL: 30, Channel.JD: 15}
NOTE_SHARE = 0.1


def person_name(rng: random.Random, *, female: bool) -> str:
    chars = FEMALE_NAME_CHARS if female else MALE_NAME_CHARS
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    roll = rng.random()
    if roll < 0.05:
        return surname + rng.choice(chars) * 2  # 婷婷
    if roll < 0.3:
        return surname + rng.choice(chars)
    return surname + "".join(rng.sample(chars, 2))


def mobile_phone(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 10**8 - 1):08d}"


def _number_suffix(rng: random.Random) -> str:
    return rng.choice(
        (
            str(rng.randint(1985, 2006)),  # birth year
            f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",  # birthday
            str(rng.randint(10, 99)),
            rng.choice(("520", "521", "666", "888", "1314")),  # lucky numbers
        )
    )


def buyer_nick(rng: random.Random, channel: str) -> str:
    """A nick in the styles buyers really have: `tb` + digits (the default Taobao gives),
    a word with a birthday, a latin name; JD's default is `jd_` + hex."""
    roll = rng.random()
    if channel == Channel.JD and roll < 0.5:
        return f"jd_{rng.getrandbits(48):012x}"
    if channel != Channel.JD and roll < 0.25:
        return f"tb{rng.randint(10**9, 10**10 - 1)}"
    if roll < 0.65:
        return rng.choice(NICK_WORDS) + _number_suffix(rng)
    if roll < 0.75:
        return rng.choice(NICK_WORDS)
    if roll < 0.85:
        return person_name(rng, female=True)[1:] + _number_suffix(rng)
    return rng.choice(LATIN_NICKS) + rng.choice(("", "_")) + _number_suffix(rng)


def street_address(rng: random.Random) -> str:
    street = f"{rng.choice(STREETS)}{rng.randint(1, 399)}号"
    roll = rng.random()
    if roll < 0.75:
        floor, room = rng.randint(1, 28), rng.randint(1, 4)
        return (
            f"{street}{rng.choice(COMMUNITIES)}{rng.randint(1, 36)}栋"
            f"{rng.randint(1, 4)}单元{floor}{room:02d}室"
        )
    if roll < 0.9:
        return f"{street}{rng.choice(OFFICE_BUILDINGS)}{rng.randint(2, 30)}楼{rng.randint(1, 20):02d}室"
    return f"{street}院{rng.randint(1, 12)}号楼{rng.randint(1, 6)}门{rng.randint(1, 6)}0{rng.randint(1, 4)}"


def postcode(rng: random.Random, city: City) -> str:
    return f"{city.postcode}0{rng.randint(0, 99):02d}"


def _provinces(rng: random.Random, count: int) -> list[int]:
    """Province indexes for `count` customers: every province once when there are enough
    customers (a shop ships nationwide), the rest by each province's share of buyers."""
    weights = [province.weight for province in PROVINCES]
    every = list(range(len(PROVINCES))) if count >= len(PROVINCES) else []
    rest = rng.choices(range(len(PROVINCES)), weights=weights, k=count - len(every))
    chosen = every + rest
    rng.shuffle(chosen)
    return chosen


def plan_customers(*, seed: int, count: int) -> list[CustomerInput]:
    """`count` buyers across the channels, with receivers in all 31 provinces."""
    rng = random.Random(f"customers-{seed}")  # noqa: S311 (demo data, not secrets)
    nicks: dict[str, set[str]] = {channel.value: set() for channel in CHANNEL_WEIGHTS}
    customers = []
    for province_index in _provinces(rng, count):
        province = PROVINCES[province_index]
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        nick = buyer_nick(rng, channel)
        while nick in nicks[channel]:
            nick = buyer_nick(rng, channel)
        nicks[channel].add(nick)
        # The capital and the first cities of the table get most of the orders.
        city = rng.choices(province.cities, weights=[4, 2, 1, 1][: len(province.cities)])[0]
        customers.append(
            CustomerInput(
                channel=channel.value,
                buyer_nick=nick,
                name=person_name(rng, female=rng.random() < FEMALE_SHARE),
                phone=mobile_phone(rng),
                province=province.name,
                city=city.name,
                district=rng.choice(city.districts),
                address=street_address(rng),
                postcode=postcode(rng, city),
                notes=rng.choice(CUSTOMER_NOTES) if rng.random() < NOTE_SHARE else "",
            )
        )
    return customers


def plan_suppliers(*, seed: int, count: int) -> list[SupplierInput]:
    """The first `count` suppliers of the table, with phones drawn from the seed."""
    rng = random.Random(f"suppliers-{seed}")  # noqa: S311 (demo data, not secrets)
    suppliers = []
    for row in SUPPLIERS[:count]:
        if row.area_code:
            phone = f"{row.area_code}-{rng.randint(2, 8)}{rng.randint(0, 10**7 - 1):07d}"
        else:
            phone = mobile_phone(rng)
        suppliers.append(
            SupplierInput(
                name=row.name,
                contact_name=row.contact_name,
                phone=phone,
                province=row.province,
                city=row.city,
                address=row.address,
                lead_time_days=row.lead_time_days,
                notes=row.notes,
            )
        )
    return suppliers
