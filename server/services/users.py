"""Users: find-or-create at login, the real-name profile, roles and worker scopes.

A user's profile is cached in Redis (key `user:<id>`, JSON) so that an authenticated request
reads its principal in the same round trip that checks token revocation; every change here
is followed by `invalidate_cache` once the transaction has committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.errors import Conflict, NotFound, ValidationFailed
from server.models.regions import Region
from server.models.users import WORKER_LEVELS, User
from server.services import identity
from server.services import regions as regions_service
from server.services.identity import Cipher


@dataclass(frozen=True)
class Principal:
    """Who is making a request: what permission checks need, nothing more."""

    id: int
    roles: tuple[str, ...]
    region_code: str | None = None
    worker_level: str | None = None
    worker_region_code: str | None = None


# The entry's format is part of the key: a deploy that changes it starts from an empty cache
# instead of misreading the old entries.
CACHE_FORMAT = "v2"


def cache_key(user_id: int | str) -> str:
    return f"user:{CACHE_FORMAT}:{user_id}"


def get_user(session: Session, *, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("没有找到该用户。", error="user_not_found")
    return user


def get_by_openid(session: Session, *, openid: str) -> User:
    user = session.scalar(select(User).where(User.openid == openid))
    if user is None:
        raise NotFound("没有找到该用户。", error="user_not_found")
    return user


def find_or_create(session: Session, *, openid: str, unionid: str | None = None) -> User:
    """The user with this openid, created as a resident on first login."""
    user = session.scalar(select(User).where(User.openid == openid))
    if user is not None:
        if unionid and user.unionid != unionid:
            user.unionid = unionid
            session.flush()
        return user
    user = User(openid=openid, unionid=unionid)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Two first logins at once: the other one created it.
        return session.scalars(select(User).where(User.openid == openid)).one()
    return user


def principal_of(user: User) -> Principal:
    return Principal(
        id=user.id,
        roles=tuple(user.roles),
        region_code=user.region_code,
        worker_level=user.worker_level,
        worker_region_code=user.worker_region_code,
    )


def profile(user: User, *, cipher: Cipher) -> dict:
    """The user as they see themselves: personal numbers masked."""
    id_number = cipher.decrypt(user.id_number_enc) if user.id_number_enc else None
    phone = cipher.decrypt(user.phone_enc) if user.phone_enc else None
    return {
        "id": user.id,
        "real_name": identity.mask_name(user.real_name),
        "id_number": identity.mask_id_number(id_number),
        "phone": identity.mask_phone(phone),
        "region_code": user.region_code,
        "roles": user.roles,
        "worker_level": user.worker_level,
        "worker_region_code": user.worker_region_code,
        "profile_complete": bool(user.real_name and user.id_number_enc and user.region_code),
    }


def cached_entry(user: User, *, cipher: Cipher) -> str:
    """What the Redis cache holds for a user: the principal as JSON, a newline, and the
    profile as the JSON `GET /me` answers (so that it is served without serializing again)."""
    return json.dumps(principal_of(user).__dict__) + "\n" + profile_json(user, cipher=cipher)


def profile_json(user: User, *, cipher: Cipher) -> str:
    return json.dumps(profile(user, cipher=cipher), ensure_ascii=False)


def parse_cached_entry(raw: str) -> tuple[Principal, str] | None:
    """The principal and the profile's JSON text from a cache entry; None when it is not one
    (then the caller reads the database, as on a miss)."""
    principal_text, _, profile_text = raw.partition("\n")
    try:
        principal = json.loads(principal_text)
        principal["roles"] = tuple(principal["roles"])
        return Principal(**principal), profile_text
    except (ValueError, KeyError, TypeError):
        return None


def store_cache(r: redis.Redis, *, user: User, cipher: Cipher, seconds: int) -> None:
    r.set(cache_key(user.id), cached_entry(user, cipher=cipher), ex=seconds)


def invalidate_cache(r: redis.Redis, *, user_id: int) -> None:
    r.delete(cache_key(user_id))


def _clean_profile_fields(session: Session, fields: dict[str, str]) -> dict[str, str]:
    """Normalized fields, or ValidationFailed naming every field that is wrong."""
    cleaned: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    for field, raw in fields.items():
        value = raw.strip()
        if field == "real_name":
            problem = None if 2 <= len(value) <= 20 else "姓名应为 2 到 20 个字。"
        elif field == "id_number":
            value = identity.normalize_id_number(value)
            problem = identity.id_number_problem(value)
        elif field == "phone":
            problem = identity.phone_problem(value)
        else:  # region_code
            value = regions_service.normalize_code(value)
            exists = regions_service.region_exists(session, code=value)
            problem = None if exists else "没有这个地区，请从列表中选择。"
        if problem:
            problems[field] = [problem]
        cleaned[field] = value
    if problems:
        raise ValidationFailed(problems)
    return cleaned


def update_profile(
    session: Session,
    *,
    user_id: int,
    cipher: Cipher,
    real_name: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    region_code: str | None = None,
) -> User:
    """Set a user's real-name details; each is checked, encrypted where personal, and unique."""
    user = get_user(session, user_id=user_id)
    given = {
        "real_name": real_name,
        "id_number": id_number,
        "phone": phone,
        "region_code": region_code,
    }
    cleaned = _clean_profile_fields(
        session, {field: value for field, value in given.items() if value is not None}
    )
    if "real_name" in cleaned:
        user.real_name = cleaned["real_name"]
    if "id_number" in cleaned and user.id_number_hash not in (
        None,
        cipher.lookup_hash("id_number", cleaned["id_number"]),
    ):
        # Applications and hours hang on it: a real-name identity is corrected by a worker.
        raise Conflict(
            "身份证号码填写后不能自行修改，如需更正请联系社区工作人员。", error="id_number_locked"
        )
    for field in ("id_number", "phone"):
        if field in cleaned:
            _set_unique(session, user, field, cleaned[field], cipher)
    if "region_code" in cleaned:
        user.region_code = cleaned["region_code"]
    session.flush()
    return user


_TAKEN = {
    "id_number": "该身份证号码已绑定其他账号，如有疑问请联系社区工作人员。",
    "phone": "该手机号码已绑定其他账号。",
}


def _set_unique(session: Session, user: User, field: str, value: str, cipher: Cipher) -> None:
    digest = cipher.lookup_hash(field, value)
    hash_column = getattr(User, f"{field}_hash")
    owner = session.scalar(select(User.id).where(hash_column == digest))
    if owner is not None and owner != user.id:
        raise Conflict(_TAKEN[field], error=f"{field}_taken")
    setattr(user, f"{field}_enc", cipher.encrypt(value))
    setattr(user, f"{field}_hash", digest)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(_TAKEN[field], error=f"{field}_taken") from exc


def find_by_id_number(session: Session, *, id_number: str, cipher: Cipher) -> User | None:
    digest = cipher.lookup_hash("id_number", identity.normalize_id_number(id_number))
    return session.scalar(select(User).where(User.id_number_hash == digest))


def grant_worker(session: Session, *, openid: str, level: str, region_code: str) -> User:
    """Make a user a worker at `level` with the region `region_code` as scope."""
    if level not in WORKER_LEVELS:
        raise ValidationFailed({"level": [f"级别应为 {'、'.join(WORKER_LEVELS)} 之一。"]})
    region = session.get(Region, regions_service.normalize_code(region_code))
    if region is None:
        raise ValidationFailed({"region_code": ["没有这个地区。"]})
    if region.level != level:
        raise ValidationFailed(
            {"region_code": [f"{region.name}是 {region.level} 级地区，与级别 {level} 不符。"]}
        )
    user = get_by_openid(session, openid=openid)
    user.worker_level = level
    user.worker_region_code = region.code
    session.flush()
    return user


def revoke_worker(session: Session, *, openid: str) -> User:
    user = get_by_openid(session, openid=openid)
    user.worker_level = None
    user.worker_region_code = None
    session.flush()
    return user


def grant_admin(session: Session, *, openid: str) -> User:
    user = get_by_openid(session, openid=openid)
    user.is_admin = True
    session.flush()
    return user
