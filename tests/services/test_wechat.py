import socket

import pytest

from server.errors import DomainError
from server.services.wechat import WeChatClient
from tests.fake_wechat import APP_ID, APP_SECRET


@pytest.fixture
def wechat(fake_wechat):
    return WeChatClient(
        base_url=fake_wechat.base_url, app_id=APP_ID, app_secret=APP_SECRET, timeout=0.5
    )


def test_a_good_code_gives_the_openid_and_sends_the_documented_request(wechat, fake_wechat):
    result = wechat.code2session("union-o123")
    assert (result.openid, result.unionid) == ("o123", "u-o123")
    sent = fake_wechat.requests[-1]
    assert sent["path"] == "/sns/jscode2session"
    assert sent["params"] == {
        "appid": APP_ID,
        "secret": APP_SECRET,
        "js_code": "union-o123",
        "grant_type": "authorization_code",
    }


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("bad", 401, "wechat_code_invalid"),
        ("busy", 503, "wechat_busy"),
        ("limit", 429, "wechat_rate_limited"),
        ("blocked", 403, "wechat_user_blocked"),
        ("slow", 503, "wechat_unavailable"),
        ("html", 503, "wechat_unavailable"),
    ],
)
def test_wechat_failures_become_clear_errors(wechat, code, status, error):
    with pytest.raises(DomainError) as caught:
        wechat.code2session(code)
    assert (caught.value.status, caught.value.error) == (status, error)


def test_a_code_works_once(wechat):
    wechat.code2session("ok-o1")
    with pytest.raises(DomainError) as caught:
        wechat.code2session("ok-o1")
    assert caught.value.error == "wechat_code_used"


def test_a_wrong_secret_is_a_server_problem_not_the_users(fake_wechat):
    client = WeChatClient(base_url=fake_wechat.base_url, app_id=APP_ID, app_secret="wrong")
    with pytest.raises(DomainError) as caught:
        client.code2session("ok-o1")
    assert caught.value.status == 503


def test_no_connection_is_retried_then_unavailable(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    client = WeChatClient(
        base_url=f"http://127.0.0.1:{port}",
        app_id=APP_ID,
        app_secret="x",
        timeout=0.5,
        connect_retries=2,
    )
    attempts = []
    real_new_conn = None

    import urllib3.connection

    real_new_conn = urllib3.connection.HTTPConnection._new_conn

    def counting(self):
        attempts.append(1)
        return real_new_conn(self)

    monkeypatch.setattr(urllib3.connection.HTTPConnection, "_new_conn", counting)
    with pytest.raises(DomainError) as caught:
        client.code2session("ok-o1")
    assert caught.value.status == 503
    assert len(attempts) == 3  # the first try and two retries
