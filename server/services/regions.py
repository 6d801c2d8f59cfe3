"""Regions: codes, levels, scope prefixes and the region tree."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.errors import NotFound
from server.models.regions import Region

# How many leading digits are significant at each level.
PREFIX_LENGTH = {"province": 2, "city": 4, "county": 6, "township": 9, "community": 12}


def normalize_code(code: str) -> str:
    """Accept both short codes (330802) and 12-digit padded ones (330802000000)."""
    code = code.strip()
    if len(code) == 12 and code.isdigit():
        if code.endswith("000000"):
            code = code[:6]
        elif code.endswith("000"):
            code = code[:9]
    return code


def scope_prefix(code: str) -> str:
    """The digits that every region inside `code` starts with (330800 -> 3308)."""
    code = normalize_code(code)
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def is_within(region_code: str | None, scope_code: str | None) -> bool:
    """Whether region `region_code` lies inside (or is) region `scope_code`."""
    if not region_code or not scope_code:
        return False
    return normalize_code(region_code).startswith(scope_prefix(scope_code))


def get_region(session: Session, *, code: str) -> Region:
    """The region with this code, or NotFound."""
    region = session.get(Region, normalize_code(code))
    if region is None:
        raise NotFound("没有找到这个地区。", error="region_not_found")
    return region


def region_exists(session: Session, *, code: str) -> bool:
    return session.get(Region, normalize_code(code)) is not None


def _as_item(region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent_code": region.parent_code,
        "is_urban": region.is_urban,
    }


def list_children(session: Session, *, parent_code: str | None, depth: int = 1) -> list[dict]:
    """Children of a region (the top level when None), nested `depth` levels deep; one query."""
    query = select(Region).order_by(Region.code)
    if parent_code is not None:
        parent_code = get_region(session, code=parent_code).code
        query = query.where(Region.code.startswith(scope_prefix(parent_code)))
    by_parent: dict[str | None, list[Region]] = {}
    for region in session.scalars(query):
        by_parent.setdefault(region.parent_code, []).append(region)

    def build(code: str | None, levels_left: int) -> list[dict]:
        items = []
        for region in by_parent.get(code, []):
            item = _as_item(region)
            if levels_left > 1:
                item["children"] = build(region.code, levels_left - 1)
            items.append(item)
        return items

    return build(parent_code, depth)


def ancestors(session: Session, *, code: str) -> list[Region]:
    """The region and every region above it, from the top down."""
    chain = []
    region: Region | None = get_region(session, code=code)
    while region is not None:
        chain.append(region)
        region = session.get(Region, region.parent_code) if region.parent_code else None
    return list(reversed(chain))
