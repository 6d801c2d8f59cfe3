import time

import jwt
from sqlalchemy import func, select

from server.models.users import User
from tests.conftest import login


def count_users(session, openid):
    return session.scalar(select(func.count()).select_from(User).where(User.openid == openid))


def test_wechat_login_creates_the_user_and_answers_tokens(client, session):
    response = client.post("/api/v1/auth/wechat", json={"code": "ok-o-first"})
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200
    assert body["access_token"] and body["refresh_token"]
    assert body["user"]["roles"] == ["resident"]
    assert body["user"]["profile_complete"] is False
    assert count_users(session, "o-first") == 1
    me = client.get("/api/v1/me", headers={"Authorization": "Bearer " + body["access_token"]})
    assert me.json["id"] == body["user"]["id"]


def test_a_second_login_finds_the_same_user(client, session):
    first = client.post("/api/v1/auth/wechat", json={"code": "ok-o-again"}).json
    # wx.login gives a new code each time; the fake keys the openid on the text after "ok-".
    second = client.post("/api/v1/auth/wechat", json={"code": "union-o-again"}).json
    assert first["user"]["id"] == second["user"]["id"]
    assert count_users(session, "o-again") == 1
    assert session.scalar(select(User.unionid).where(User.openid == "o-again")) == "u-o-again"


def test_wechat_errors_are_clear_and_create_nobody(client, session):
    before = session.scalar(select(func.count()).select_from(User))
    cases = {
        "bad": (401, "wechat_code_invalid"),
        "limit": (429, "wechat_rate_limited"),
        "busy": (503, "wechat_busy"),
        "blocked": (403, "wechat_user_blocked"),
        "slow": (503, "wechat_unavailable"),
        "html": (503, "wechat_unavailable"),
    }
    for code, (status, error) in cases.items():
        response = client.post("/api/v1/auth/wechat", json={"code": code})
        assert (response.status_code, response.json["error"]) == (status, error), code
        assert response.json["message"]  # a sentence in Chinese
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_a_used_code_is_refused(client):
    assert client.post("/api/v1/auth/wechat", json={"code": "ok-o-used"}).status_code == 200
    again = client.post("/api/v1/auth/wechat", json={"code": "ok-o-used"})
    assert again.status_code == 401 and again.json["error"] == "wechat_code_used"


def test_rate_limited_login_says_when_to_come_back(client):
    response = client.post("/api/v1/auth/wechat", json={"code": "limit"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_login_without_a_code_is_422_naming_the_field(client):
    response = client.post("/api/v1/auth/wechat", json={})
    assert response.status_code == 422
    assert "code" in response.json["errors"]["json"]
    assert response.json["message"].startswith("请检查微信登录凭证")


def test_dev_login_is_404_when_disabled(app, client):
    app.config["DEV_LOGIN_ENABLED"] = False
    try:
        response = client.post("/api/v1/auth/dev-login", json={"openid": "demo-resident"})
    finally:
        app.config["DEV_LOGIN_ENABLED"] = True
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_refresh_rotates_and_a_reused_token_ends_the_session(client):
    tokens = client.post("/api/v1/auth/dev-login", json={"openid": "demo-resident"}).json
    rotated = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    new = rotated.json
    assert new["refresh_token"] != tokens["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(new["access_token"])).status_code == 200

    reused = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401 and reused.json["error"] == "token_reused"
    # The whole family is gone: the new access and refresh tokens no longer work either.
    assert client.get("/api/v1/me", headers=bearer(new["access_token"])).status_code == 401
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert again.status_code == 401


def test_logout_revokes_the_session(client):
    tokens = client.post("/api/v1/auth/dev-login", json={"openid": "demo-resident"}).json
    headers = bearer(tokens["access_token"])
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 401 and me.json["error"] == "token_revoked"
    refresh = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401


def test_logout_needs_a_login(client):
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_an_expired_access_token_is_401(app, client):
    user_id = client.post("/api/v1/auth/dev-login", json={"openid": "demo-resident"}).json["user"]
    claims = {"sub": str(user_id["id"]), "jti": "j", "fam": "f", "exp": int(time.time()) - 1}
    token = jwt.encode(claims, app.config["SECRET_KEY"], algorithm="HS256")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401 and response.json["error"] == "token_expired"


def test_a_garbage_authorization_header_is_401(client):
    for header in ["Bearer", "Bearer abc.def.ghi", "Basic dXNlcjpwYXNz", "token"]:
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_refresh_with_an_access_token_is_401(client):
    tokens = client.post("/api/v1/auth/dev-login", json={"openid": "demo-resident"}).json
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert response.status_code == 401


def test_login_helper_logs_in(client):
    assert client.get("/api/v1/me", headers=login(client, "demo-admin")).json["roles"] == [
        "resident",
        "admin",
    ]


def bearer(token):
    return {"Authorization": "Bearer " + token}
