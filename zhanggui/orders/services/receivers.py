"""Receiver details as channels send them, made official: full division names, the
district filled from the street when the channel left it out (Taobao's 其它区)."""

from __future__ import annotations

from dataclasses import replace

from zhanggui.orders.services.inputs import ReceiverInput


def resolve_receiver(receiver: ReceiverInput) -> tuple[ReceiverInput, bool]:
    """The receiver with official division names, and whether province, city and district
    (where the city has districts) were all found."""
    from zhanggui.orders.addresses import normalize_divisions, parse_address

    if receiver.province or receiver.city:
        found = normalize_divisions(
            receiver.province, receiver.city, receiver.district, receiver.address
        )
        return (
            replace(
                receiver,
                province=found.province or "",
                city=found.city or "",
                district=found.district or "",
                address=found.address or "",
            ),
            found.resolved,
        )
    if not receiver.address:
        return receiver, False
    parsed = parse_address(receiver.address)
    return (
        replace(
            receiver,
            name=receiver.name or parsed.name or "",
            phone=receiver.phone or parsed.phone or "",
            province=parsed.province or "",
            city=parsed.city or "",
            district=parsed.district or "",
            address=parsed.address or "",
            postcode=receiver.postcode or parsed.postcode or "",
        ),
        parsed.resolved,
    )
