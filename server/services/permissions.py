"""Who may do what: small named predicates, and the one `require` every endpoint uses.

Missing a role is a 403 (the screen should not have offered the action). An object outside the
worker's region scope is a 404, as if it did not exist, so that ids cannot be probed.
"""

from __future__ import annotations

from server.errors import Forbidden, NotFound
from server.models.users import WORKER_LEVELS
from server.services.regions import is_within
from server.services.users import Principal

LEVEL_RANK = {level: rank for rank, level in enumerate(WORKER_LEVELS)}


def has_role(principal: Principal, role: str) -> bool:
    return role in principal.roles


def is_admin(principal: Principal) -> bool:
    return "admin" in principal.roles


def level_at_least(principal: Principal, level: str) -> bool:
    """Whether a worker's level is `level` or higher (community < township < county < city)."""
    if principal.worker_level is None:
        return False
    return LEVEL_RANK[principal.worker_level] >= LEVEL_RANK[level]


def in_scope(principal: Principal, region_code: str | None) -> bool:
    """Whether a region lies inside the worker's scope (admins see everywhere)."""
    if is_admin(principal):
        return True
    return is_within(region_code, principal.worker_region_code)


def require(
    principal: Principal,
    *,
    roles: tuple[str, ...] = (),
    min_level: str | None = None,
    region_code: str | None = None,
    check_scope: bool = False,
    level_message: str = "此操作需要更高一级的工作人员办理。",
) -> None:
    """Raise unless the principal has one of `roles` (admins always do), the worker level
    `min_level` or above, and, with `check_scope`, `region_code` inside their scope."""
    admin = is_admin(principal)
    if roles and not admin and not any(role in principal.roles for role in roles):
        raise Forbidden("您没有权限进行此操作。", error="role_required")
    if check_scope and not in_scope(principal, region_code):
        raise NotFound()
    if min_level and not admin and not level_at_least(principal, min_level):
        raise Forbidden(level_message, error="level_too_low")
