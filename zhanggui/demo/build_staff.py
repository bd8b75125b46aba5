"""The demo team: one login per person of data_people.STAFF, every role covered."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from zhanggui.demo.data_people import DEMO_PASSWORD, STAFF
from zhanggui.staff.services import create_staff_member, sync_role_groups


def build_staff() -> list[str]:
    """Create the demo logins; returns their usernames. They share one password, so it
    is hashed once (PBKDF2 costs about half a second by design)."""
    # The role groups exist after migrate; syncing again is cheap and makes sure.
    sync_role_groups()
    shared_hash = make_password(DEMO_PASSWORD)  # one hash for the whole team
    for username, display_name, roles in STAFF:
        create_staff_member(
            username=username,
            password="",
            password_hash=shared_hash,
            roles=[role.value for role in roles],
            display_name=display_name,
        )
    return [username for username, _name, _roles in STAFF]
