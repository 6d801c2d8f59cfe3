"""POST /api/v1/me/phone: the mobile number WeChat verified for a getPhoneNumber tap, exchanged
at the fake WeChat on loopback (tests/fake_wechat.py) with the real request and answer shapes."""

from __future__ import annotations

from sqlalchemy import select

from server.models.users import User
from server.services.wechat import TOKEN_KEY

PHONE = "/api/v1/me/phone"


def phone_hash_of(session, openid: str) -> str | None:
    session.expire_all()
    return session.scalar(select(User.phone_hash).where(User.openid == openid))


def exchanges(fake_wechat) -> list[dict]:
    return [r for r in fake_wechat.requests if r["path"] == "/wxa/business/getuserphonenumber"]


def test_the_verified_number_becomes_mine(client, newcomer, session, fake_wechat):
    response = client.post(PHONE, headers=newcomer, json={"code": "phone-13957012345"})
    assert response.status_code == 200, response.json
    assert response.json["phone"] == "139****2345"
    assert client.get("/api/v1/me", headers=newcomer).json["phone"] == "139****2345"
    assert phone_hash_of(session, "newcomer-openid") is not None
    (asked,) = exchanges(fake_wechat)
    assert asked["body"] == {"code": "phone-13957012345"}
    assert asked["params"]["access_token"].startswith("token-")


def test_a_code_works_once(client, newcomer, session):
    assert (
        client.post(PHONE, headers=newcomer, json={"code": "phone-13957012346"}).status_code == 200
    )
    again = client.post(PHONE, headers=newcomer, json={"code": "phone-13957012346"})
    assert again.status_code == 422
    assert again.json["error"] == "wechat_phone_code_invalid"
    assert set(again.json["errors"]["json"]) == {"code"}


def test_a_bad_code_is_a_422_on_code_and_writes_nothing(client, newcomer, session):
    response = client.post(PHONE, headers=newcomer, json={"code": "made-up"})
    assert response.status_code == 422 and set(response.json["errors"]["json"]) == {"code"}
    assert phone_hash_of(session, "newcomer-openid") is None


def test_a_number_outside_the_mainland_is_refused(client, newcomer, session):
    response = client.post(PHONE, headers=newcomer, json={"code": "intl-2025550123"})
    assert response.status_code == 422 and response.json["error"] == "phone_not_mainland"
    assert phone_hash_of(session, "newcomer-openid") is None


def test_wechat_busy_is_a_503_that_says_so(client, newcomer):
    response = client.post(PHONE, headers=newcomer, json={"code": "busy"})
    assert response.status_code == 503 and response.json["error"] == "wechat_busy"
    assert "手机号" in response.json["message"]


def test_wechat_unreachable_is_a_503(app, client, newcomer, monkeypatch):
    monkeypatch.setattr(app.extensions["minzheng.wechat"], "base_url", "http://127.0.0.1:1")
    response = client.post(PHONE, headers=newcomer, json={"code": "phone-13957012347"})
    assert response.status_code == 503 and response.json["error"] == "wechat_unavailable"


def test_a_refused_access_token_is_refreshed_once(app, client, newcomer, fake_wechat):
    assert (
        client.post(PHONE, headers=newcomer, json={"code": "phone-13957012348"}).status_code == 200
    )
    token = app.extensions["minzheng.redis"].get(TOKEN_KEY)
    fake_wechat.expired_tokens.add(token)
    response = client.post(PHONE, headers=newcomer, json={"code": "phone-13957012349"})
    assert response.status_code == 200, response.json
    assert response.json["phone"] == "139****2349"
    tokens = [r["params"]["access_token"] for r in exchanges(fake_wechat)]
    assert tokens[1] == token and tokens[2] != token


def test_a_number_of_another_account_is_a_409(client, newcomer, resident):
    mine = client.post(PHONE, headers=newcomer, json={"code": "phone-13857000001"})
    assert mine.status_code == 409 and mine.json["error"] == "phone_taken"


def test_it_needs_a_login_and_a_code(client, newcomer):
    assert client.post(PHONE, json={"code": "phone-13957012345"}).status_code == 401
    missing = client.post(PHONE, headers=newcomer, json={})
    assert missing.status_code == 422 and set(missing.json["errors"]["json"]) == {"code"}


def test_a_country_code_sent_as_a_number_is_understood(client, newcomer):
    response = client.post(PHONE, headers=newcomer, json={"code": "number-13957012350"})
    assert response.status_code == 200, response.json
    assert response.json["phone"] == "139****2350"


def test_with_redis_down_the_token_comes_straight_from_wechat(client, newcomer, monkeypatch):
    import redis

    from server.services import wechat

    def down(*_args, **_kwargs):
        raise redis.ConnectionError("down")

    monkeypatch.setattr(wechat, "access_token", down)
    response = client.post(PHONE, headers=newcomer, json={"code": "phone-13957012351"})
    assert response.status_code == 200, response.json
    assert response.json["phone"] == "139****2351"


def test_redis_down_for_an_authenticated_request_is_a_503(app, client, newcomer, monkeypatch):
    from server.extensions import make_redis

    monkeypatch.setitem(app.extensions, "minzheng.redis", make_redis("redis://127.0.0.1:1/0"))
    response = client.get("/api/v1/me", headers=newcomer)
    assert response.status_code == 503 and response.json["error"] == "service_unavailable"
