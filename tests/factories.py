"""Factories: plain functions that make a row with sensible defaults, overridable."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from server.models.users import User

_counter = itertools.count(1)


def make_user(session: Session, **overrides) -> User:
    user = User(openid=overrides.pop("openid", f"user-{next(_counter)}"), **overrides)
    session.add(user)
    session.flush()
    return user
