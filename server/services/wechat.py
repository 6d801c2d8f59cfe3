"""WeChat's server API, called with `requests` (POLICY.md, "WeChat platform").

Only what the server itself must do: exchange a login code for an openid (jscode2session), keep
an access token (stable_token, cached in Redis), send subscribe messages, and exchange a
`getPhoneNumber` code for the mobile number (getuserphonenumber). jscode2session's `errcode`
answers become domain errors with clear statuses:

| errcode | meaning                    | answer |
| ------- | -------------------------- | ------ |
| 40029   | invalid code               | 401 wechat_code_invalid |
| 40163   | code already used          | 401 wechat_code_used |
| 45011   | rate limited               | 429 wechat_rate_limited |
| 40226   | blocked user               | 403 wechat_user_blocked |
| -1      | WeChat busy                | 503 wechat_busy |
| other, timeout, no connection, not JSON | | 503 wechat_unavailable |

getuserphonenumber: 40029 (invalid, used or expired code) is 422 `wechat_phone_code_invalid` on
`code`; -1 is 503 `wechat_busy`; 40001/42001 refresh the token once; anything else is 503.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import redis
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from server.errors import (
    DomainError,
    Forbidden,
    RateLimited,
    ServiceUnavailable,
    Unauthorized,
    ValidationFailed,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    unionid: str | None
    session_key: str


ERRCODE_ERRORS: dict[int, DomainError] = {
    40029: Unauthorized("微信登录凭证无效，请重新登录。", error="wechat_code_invalid"),
    40163: Unauthorized("微信登录凭证已使用过，请重新登录。", error="wechat_code_used"),
    45011: RateLimited(
        "登录太频繁了，请稍后再试。", error="wechat_rate_limited", headers={"Retry-After": "60"}
    ),
    40226: Forbidden("该微信账号已被限制登录，请联系微信客服。", error="wechat_user_blocked"),
    -1: ServiceUnavailable("微信服务繁忙，请稍后再试。", error="wechat_busy"),
}


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("暂时无法连接微信，请稍后再试。", error="wechat_unavailable")


class WeChatClient:
    """A pooled HTTP client for WeChat's API: a timeout, and a retry on connection errors only."""

    def __init__(
        self,
        *,
        base_url: str,
        app_id: str,
        app_secret: str,
        timeout: float = 5.0,
        connect_retries: int = 2,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.timeout = timeout
        self.http = requests.Session()
        # A request that reached WeChat is never repeated (a login code works once);
        # only a connection that could not be made is tried again.
        retry = Retry(
            total=connect_retries,
            connect=connect_retries,
            read=0,
            status=0,
            other=0,
            backoff_factor=0.2,
            allowed_methods=None,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_maxsize=10)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)

    def _get_json(self, path: str, params: dict) -> dict:
        try:
            response = self.http.get(self.base_url + path, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("wechat %s failed: %s", path, type(exc).__name__)
            raise _unavailable() from exc
        try:
            body = response.json()
        except ValueError as exc:
            log.warning("wechat %s answered HTTP %s, not JSON", path, response.status_code)
            raise _unavailable() from exc
        if not isinstance(body, dict):
            raise _unavailable()
        return body

    def code2session(self, code: str) -> WeChatSession:
        """Exchange a `wx.login` code for the user's openid (jscode2session)."""
        body = self._get_json(
            "/sns/jscode2session",
            {
                "appid": self.app_id,
                "secret": self.app_secret,
                "js_code": code,
                "grant_type": "authorization_code",
            },
        )
        errcode = body.get("errcode", 0)
        if errcode:
            log.info("jscode2session errcode %s", errcode)
            template = ERRCODE_ERRORS.get(errcode)
            if template is None:
                raise _unavailable()
            raise type(template)(template.message, error=template.error, headers=template.headers)
        if not body.get("openid") or not body.get("session_key"):
            raise _unavailable()
        return WeChatSession(
            openid=body["openid"], unionid=body.get("unionid"), session_key=body["session_key"]
        )


@dataclass(frozen=True)
class SendResult:
    """What WeChat said to one subscribe message: errcode 0 is sent."""

    errcode: int
    errmsg: str


# Subscribe-message errors (POLICY.md): what each means for the outbox.
USER_REFUSED = 43101  # the user did not subscribe, or used the subscription up: never retry
TOKEN_INVALID = (40001, 42001)  # refresh the access token once, then send again
BAD_MESSAGE = (47003, 40003, 40037)  # a field, the openid or the template is wrong: park it
BUSY = -1  # try again later


class WeChatUnavailable(Exception):
    """No answer, a timeout, a 5xx or not JSON: try again later."""


def _post_json(client: WeChatClient, path: str, *, params=None, body: dict) -> dict:
    try:
        response = client.http.post(
            client.base_url + path, params=params, json=body, timeout=client.timeout
        )
    except requests.RequestException as exc:
        raise WeChatUnavailable(type(exc).__name__) from exc
    if response.status_code >= 500:
        raise WeChatUnavailable(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise WeChatUnavailable(f"HTTP {response.status_code}, not JSON") from exc
    if not isinstance(answer, dict):
        raise WeChatUnavailable("not a JSON object")
    return answer


def stable_token(client: WeChatClient, *, force_refresh: bool = False) -> tuple[str, int]:
    """A fresh access token from `POST /cgi-bin/stable_token`: (token, seconds it lasts)."""
    answer = _post_json(
        client,
        "/cgi-bin/stable_token",
        body={
            "grant_type": "client_credential",
            "appid": client.app_id,
            "secret": client.app_secret,
            "force_refresh": force_refresh,
        },
    )
    if answer.get("errcode") or not answer.get("access_token"):
        raise WeChatUnavailable(f"stable_token errcode {answer.get('errcode')}")
    return answer["access_token"], int(answer.get("expires_in", 7200))


TOKEN_KEY = "wechat:access_token"
TOKEN_LOCK = "wechat:access_token:lock"
TOKEN_EARLY_SECONDS = 300  # refresh this long before WeChat's expiry


def access_token(client: WeChatClient, r: redis.Redis, *, rejected: str | None = None) -> str:
    """The cached access token, refreshed by one process at a time. With `rejected` (a token
    WeChat just refused), a new one is forced, unless another process already replaced it."""

    def usable(token: str | None) -> bool:
        return bool(token) and token != rejected

    cached = r.get(TOKEN_KEY)
    if usable(cached):
        return cached
    deadline = time.monotonic() + 5
    while True:
        if r.set(TOKEN_LOCK, "1", nx=True, ex=30):
            try:
                # Another process may have refreshed it between our read and our lock.
                cached = r.get(TOKEN_KEY)
                if usable(cached):
                    return cached
                token, seconds = stable_token(client, force_refresh=rejected is not None)
                r.set(TOKEN_KEY, token, ex=max(60, seconds - TOKEN_EARLY_SECONDS))
                return token
            finally:
                r.delete(TOKEN_LOCK)
        time.sleep(0.05)  # another process is refreshing: use what it stores
        cached = r.get(TOKEN_KEY)
        if usable(cached):
            return cached
        if time.monotonic() > deadline:
            raise WeChatUnavailable("access token refresh is taking too long")


def send_subscribe_message(
    client: WeChatClient,
    *,
    access_token: str,
    touser: str,
    template_id: str,
    page: str | None,
    data: dict[str, str],
    miniprogram_state: str = "formal",
) -> SendResult:
    """`POST /cgi-bin/message/subscribe/send`."""
    body = {
        "touser": touser,
        "template_id": template_id,
        "data": {key: {"value": value} for key, value in data.items()},
        "miniprogram_state": miniprogram_state,
    }
    if page:
        body["page"] = page
    answer = _post_json(
        client,
        "/cgi-bin/message/subscribe/send",
        params={"access_token": access_token},
        body=body,
    )
    return SendResult(int(answer.get("errcode", 0)), str(answer.get("errmsg", "")))


def phone_number(client: WeChatClient, r: redis.Redis | None, *, code: str) -> str:
    """The mobile number a `getPhoneNumber` button's `code` stands for (mainland numbers only):
    `POST /wxa/business/getuserphonenumber`, the access token refreshed once if WeChat refuses it.
    A code works once and for five minutes."""

    def ask(token: str) -> dict:
        return _post_json(
            client,
            "/wxa/business/getuserphonenumber",
            params={"access_token": token},
            body={"code": code},
        )

    try:
        try:
            token = access_token(client, r)
        except redis.RedisError:
            # No cache to share it through: WeChat's stable token, without forcing a new one
            # (which would cut off every other process's).
            token, _seconds = stable_token(client)
            r = None
        answer = ask(token)
        if answer.get("errcode") in TOKEN_INVALID:
            answer = ask(
                access_token(client, r, rejected=token)
                if r is not None
                else stable_token(client, force_refresh=True)[0]
            )
    except WeChatUnavailable as exc:
        log.warning("getuserphonenumber unavailable: %s", exc)
        raise _unavailable() from exc
    errcode = answer.get("errcode", 0)
    if errcode:
        log.info("getuserphonenumber errcode %s", errcode)
    if errcode == 40029:  # invalid, used or older than five minutes
        raise ValidationFailed(
            {"code": ["微信手机号授权已失效，请再点一次“使用微信绑定的手机号”。"]},
            error="wechat_phone_code_invalid",
        )
    if errcode == BUSY:
        raise ServiceUnavailable(
            "微信服务繁忙，请稍后再试，或直接填写手机号。", error="wechat_busy"
        )
    if errcode:
        raise _unavailable()
    info = answer.get("phone_info") or {}
    if (info.get("watermark") or {}).get("appid") != client.app_id:
        log.warning("getuserphonenumber: watermark of another appid")
        raise _unavailable()
    # WeChat's table says a string, its own example a number: take either.
    if str(info.get("countryCode")) != "86" or not info.get("purePhoneNumber"):
        raise ValidationFailed(
            {"code": ["只能绑定中国大陆手机号，请直接填写手机号。"]}, error="phone_not_mainland"
        )
    return info["purePhoneNumber"]
