def test_login_is_rate_limited_per_ip_with_retry_after(app, client):
    app.config["RATE_LIMIT_LOGIN"] = "2/minute"
    try:
        statuses = [
            client.post("/api/v1/auth/wechat", json={"code": "bad"}).status_code for _ in range(2)
        ]
        limited = client.post("/api/v1/auth/wechat", json={"code": "bad"})
        # Another client address has its own allowance.
        other = client.post(
            "/api/v1/auth/wechat", json={"code": "bad"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
        )
    finally:
        app.config["RATE_LIMIT_LOGIN"] = "10000/minute"
    assert statuses == [401, 401]
    assert limited.status_code == 429
    assert limited.json["error"] == "rate_limited" and limited.json["message"]
    assert int(limited.headers["Retry-After"]) > 0
    assert other.status_code == 401


def test_writes_are_limited_per_user_not_per_address(app, client):
    from tests.conftest import login

    one, two = login(client, "limit-one"), login(client, "limit-two")
    app.config["RATE_LIMIT_WRITE"] = "1/minute"
    try:
        first = client.patch("/api/v1/me", headers=one, json={"real_name": "钱一"})
        second = client.patch("/api/v1/me", headers=one, json={"real_name": "钱一"})
        other_user = client.patch("/api/v1/me", headers=two, json={"real_name": "钱二"})
    finally:
        app.config["RATE_LIMIT_WRITE"] = "10000/minute"
    assert (first.status_code, second.status_code, other_user.status_code) == (200, 429, 200)


def test_public_pages_are_limited_per_address(app, client):
    app.config["RATE_LIMIT_PUBLIC"] = "3/minute"
    try:
        statuses = [client.get("/api/v1/regions?parent=330800").status_code for _ in range(4)]
    finally:
        app.config["RATE_LIMIT_PUBLIC"] = "10000/minute"
    assert statuses == [200, 200, 200, 429]
