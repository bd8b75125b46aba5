"""Staff and roles: every write to people and their roles goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

from zhanggui.core import audit
from zhanggui.core.errors import DomainError
from zhanggui.staff.roles import ROLE_PERMISSIONS, Role


class UnknownRole(DomainError):
    code = "unknown_role"


def _permissions_by_name() -> dict[str, Permission]:
    found = Permission.objects.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}": p for p in found}


@transaction.atomic
def sync_role_groups() -> dict[str, int]:
    """Make one group per role hold exactly the permissions of ROLE_PERMISSIONS.

    Returns the number of permissions per role. Permissions that do not exist yet (an app
    not migrated) are skipped; the next migrate adds them."""
    known = _permissions_by_name()
    counts: dict[str, int] = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = [known[name] for name in sorted(names) if name in known]
        group.permissions.set(permissions)
        counts[role.value] = len(permissions)
    return counts


def sync_role_groups_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate hook: create every app's permissions first (Django would do it app by
    app, some after us), then align the role groups."""
    if getattr(sender, "label", "") != "staff":
        return
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_role_groups()


def _roles(codes: Iterable[str]) -> list[Role]:
    roles = []
    for code in codes:
        try:
            roles.append(Role(code))
        except ValueError as error:
            raise UnknownRole(_("Unknown role: %(role)s") % {"role": code}) from error
    return roles


@transaction.atomic
def create_staff_member(
    *,
    username: str,
    password: str,
    roles: Iterable[str],
    display_name: str = "",
    actor: Any = None,
    is_superuser: bool = False,
    password_hash: str | None = None,
) -> AbstractBaseUser:
    """Create a login for one person of the team with the given roles.

    `password_hash` (from make_password) replaces `password` when many people share one
    password, as the demo team does: hashing costs half a second on purpose."""
    wanted = _roles(roles)
    user_model = get_user_model()
    user = user_model.objects.create_user(
        username=username, password=None, first_name=display_name[:150]
    )
    user.password = password_hash or make_password(password)
    user.save(update_fields=["password"])
    if is_superuser:
        user.is_superuser = True
        user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    user.groups.set(Group.objects.filter(name__in=[role.value for role in wanted]))
    audit.record_creation(actor=actor, instance=user, fields=["username", "first_name"])
    return user


@transaction.atomic
def set_roles(*, user: Any, roles: Iterable[str], actor: Any) -> None:
    """Give a person exactly these roles (audited)."""
    wanted = sorted(role.value for role in _roles(roles))
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=wanted))
    audit.record(
        actor=actor,
        instance=user,
        action="update",
        changes=audit.diff({"roles": ",".join(before)}, {"roles": ",".join(wanted)}),
    )


def roles_of(user: Any) -> list[Role]:
    """The roles a person holds, in the table's order; a superuser counts as manager."""
    if not getattr(user, "is_authenticated", False):
        return []
    names = {group.name for group in user.groups.all()}
    if user.is_superuser:
        names.add(Role.MANAGER.value)
    return [role for role in Role if role.value in names]
