import time

import fakeredis
import jwt
import pytest

from server.errors import Unauthorized
from server.services import auth

SETTINGS = auth.TokenSettings(secret="x" * 40, access_seconds=7200, refresh_seconds=86400)


@pytest.fixture
def r():
    return fakeredis.FakeRedis(decode_responses=True)


def roles_of(_user_id):
    return ["resident"]


def test_issued_access_token_carries_the_documented_claims(r):
    pair = auth.issue_tokens(r, SETTINGS, user_id=7, roles=["resident", "worker"])
    claims = jwt.decode(pair.access_token, SETTINGS.secret, algorithms=["HS256"])
    assert claims["sub"] == "7"
    assert claims["roles"] == ["resident", "worker"]
    assert claims["exp"] - claims["iat"] == 7200
    assert claims["jti"] and claims["fam"] == pair.family


def test_check_access_token_reads_extra_keys_in_the_same_call(r):
    pair = auth.issue_tokens(r, SETTINGS, user_id=7, roles=["resident"])
    r.set("user:7", "cached")
    claims, extra = auth.check_access_token(
        r, SETTINGS, token=pair.access_token, extra_keys_for=lambda c: (f"user:{c['sub']}",)
    )
    assert claims["sub"] == "7" and extra == ["cached"]


def test_rotation_gives_a_new_pair_and_the_old_refresh_token_is_then_reuse(r):
    first = auth.issue_tokens(r, SETTINGS, user_id=7, roles=["resident"])
    user_id, second = auth.rotate_refresh_token(
        r, SETTINGS, refresh_token=first.refresh_token, roles_of=roles_of
    )
    assert user_id == 7 and second.refresh_token != first.refresh_token
    with pytest.raises(Unauthorized) as caught:
        auth.rotate_refresh_token(r, SETTINGS, refresh_token=first.refresh_token, roles_of=roles_of)
    assert caught.value.error == "token_reused"
    # The reuse revoked the whole family: the newest tokens stop working too.
    with pytest.raises(Unauthorized):
        auth.rotate_refresh_token(
            r, SETTINGS, refresh_token=second.refresh_token, roles_of=roles_of
        )
    with pytest.raises(Unauthorized):
        auth.check_access_token(r, SETTINGS, token=second.access_token)


def test_logout_revokes_access_and_refresh(r):
    pair = auth.issue_tokens(r, SETTINGS, user_id=7, roles=["resident"])
    claims, _ = auth.check_access_token(r, SETTINGS, token=pair.access_token)
    auth.logout(r, SETTINGS, claims=claims)
    with pytest.raises(Unauthorized) as caught:
        auth.check_access_token(r, SETTINGS, token=pair.access_token)
    assert caught.value.error == "token_revoked"
    with pytest.raises(Unauthorized):
        auth.rotate_refresh_token(r, SETTINGS, refresh_token=pair.refresh_token, roles_of=roles_of)


def test_other_sessions_of_the_same_user_survive_a_logout(r):
    phone = auth.issue_tokens(r, SETTINGS, user_id=7, roles=["resident"])
    desk = auth.issue_tokens(r, SETTINGS, user_id=7, roles=["resident"])
    claims, _ = auth.check_access_token(r, SETTINGS, token=phone.access_token)
    auth.logout(r, SETTINGS, claims=claims)
    auth.check_access_token(r, SETTINGS, token=desk.access_token)


def test_a_refresh_token_is_not_an_access_token_and_vice_versa(r):
    pair = auth.issue_tokens(r, SETTINGS, user_id=7, roles=["resident"])
    with pytest.raises(Unauthorized):
        auth.check_access_token(r, SETTINGS, token=pair.refresh_token)
    with pytest.raises(Unauthorized):
        auth.rotate_refresh_token(r, SETTINGS, refresh_token=pair.access_token, roles_of=roles_of)


def test_expired_and_forged_tokens_are_refused(r):
    now = int(time.time())
    expired = jwt.encode(
        {"sub": "7", "jti": "a", "fam": "f", "exp": now - 10}, SETTINGS.secret, algorithm="HS256"
    )
    with pytest.raises(Unauthorized) as caught:
        auth.check_access_token(r, SETTINGS, token=expired)
    assert caught.value.error == "token_expired"
    forged = jwt.encode(
        {"sub": "7", "jti": "a", "fam": "f", "exp": now + 100}, "y" * 40, algorithm="HS256"
    )
    with pytest.raises(Unauthorized) as caught:
        auth.check_access_token(r, SETTINGS, token=forged)
    assert caught.value.error == "token_invalid"
    unsigned = jwt.encode({"sub": "7", "jti": "a", "fam": "f", "exp": now + 100}, None, "none")
    with pytest.raises(Unauthorized):
        auth.check_access_token(r, SETTINGS, token=unsigned)


def test_a_deleted_user_cannot_refresh(r):
    pair = auth.issue_tokens(r, SETTINGS, user_id=7, roles=["resident"])
    with pytest.raises(Unauthorized):
        auth.rotate_refresh_token(
            r, SETTINGS, refresh_token=pair.refresh_token, roles_of=lambda _id: None
        )
