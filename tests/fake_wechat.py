"""WeChat's API faked on loopback: real HTTP, the real request and the real answer shapes.

jscode2session answers by the code it is given:
  ok-<openid>          success (a code works once: the second use is 40163)
  union-<openid>       success with a unionid
  bad                  40029 invalid code
  busy                 -1 system busy
  limit                45011 rate limited
  blocked              40226 blocked user
  slow                 answers after `slow_seconds` (longer than the client's timeout)
  html                 HTTP 502 with an HTML page (a proxy in the way)
Anything else is 40029. A wrong appid / secret / grant_type is 40013 / 40125 / 40002.

getuserphonenumber (a valid access token, else 40001) answers by the code:
  phone-<11 digits>    success with that mainland number (a code works once: then 40029)
  intl-<digits>        success with a number of country code 1
  number-<11 digits>   success, with countryCode as the number 86 (WeChat's own example)
  busy                 -1 system busy
Anything else is 40029.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

APP_ID = "wx-test-appid"
APP_SECRET = "test-app-secret"


class FakeWeChat:
    def __init__(self, slow_seconds: float = 1.5) -> None:
        self.slow_seconds = slow_seconds
        self.used_codes: set[str] = set()
        self.requests: list[dict] = []
        # Scripted answers of subscribe/send, consumed in order: an errcode, "timeout" or "500";
        # when empty, errcode 0. Tokens issued so far; a token can be declared expired.
        self.send_script: list = []
        self.tokens_issued = 0
        self.expired_tokens: set[str] = set()
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                url = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.requests.append({"path": url.path, "params": params, "body": body})
                status, answer = fake.post(url.path, params, body)
                if answer is None:
                    self._send_raw(status, b"<html><body>500</body></html>")
                else:
                    self._send(status, answer)

            def do_GET(self):
                url = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                with fake.lock:
                    fake.requests.append({"path": url.path, "params": params})
                if url.path != "/sns/jscode2session":
                    self._send(404, {"errcode": 40066, "errmsg": "invalid url"})
                    return
                status, body = fake.jscode2session(params)
                if body is None:
                    self._send_raw(status, b"<html><body>502 Bad Gateway</body></html>")
                else:
                    self._send(status, body)

            def _send(self, status: int, body: dict) -> None:
                # WeChat answers errors with HTTP 200 and an errcode, as here.
                self._send_raw(status, json.dumps(body).encode(), "application/json")

            def _send_raw(self, status: int, raw: bytes, ctype: str = "text/html") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                try:
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeWeChat:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.used_codes.clear()
            self.requests.clear()
            self.send_script.clear()
            self.expired_tokens.clear()

    def post(self, path: str, params: dict, body: dict) -> tuple[int, dict | None]:
        if path == "/cgi-bin/stable_token":
            if (body.get("appid"), body.get("secret")) != (APP_ID, APP_SECRET):
                return self.error(40125, "invalid appsecret")
            with self.lock:
                self.tokens_issued += 1
                token = f"token-{self.tokens_issued}"
            return 200, {"access_token": token, "expires_in": 7200}
        if path == "/cgi-bin/message/subscribe/send":
            token = params.get("access_token", "")
            if not token.startswith("token-") or token in self.expired_tokens:
                return self.error(40001, "invalid credential, access_token is invalid")
            for key in ("touser", "template_id", "data"):
                if not body.get(key):
                    return self.error(47003, f"argument invalid! {key}")
            with self.lock:
                answer = self.send_script.pop(0) if self.send_script else 0
            if answer == "timeout":
                time.sleep(self.slow_seconds)
                return self.error(-1, "system error")
            if answer == "500":
                return 500, None
            return self.error(answer, "ok" if answer == 0 else "scripted")
        if path == "/wxa/business/getuserphonenumber":
            return self.getuserphonenumber(params, body)
        return 404, {"errcode": 40066, "errmsg": "invalid url"}

    def getuserphonenumber(self, params: dict, body: dict) -> tuple[int, dict]:
        token = params.get("access_token", "")
        if not token.startswith("token-") or token in self.expired_tokens:
            return self.error(40001, "invalid credential, access_token is invalid")
        code = body.get("code") or ""
        if code == "busy":
            return self.error(-1, "system error")
        prefix, _, number = code.partition("-")
        if prefix not in ("phone", "intl", "number") or not number.isdigit():
            return self.error(40029, "invalid code")
        with self.lock:
            if code in self.used_codes:
                return self.error(40029, "invalid code")
            self.used_codes.add(code)
        country = "1" if prefix == "intl" else "86"
        info = {
            "phoneNumber": number if country == "86" else f"+{country} {number}",
            "purePhoneNumber": number,
            "countryCode": 86 if prefix == "number" else country,
            "watermark": {"timestamp": int(time.time()), "appid": APP_ID},
        }
        return 200, {"errcode": 0, "errmsg": "ok", "phone_info": info}

    @staticmethod
    def error(code: int, message: str) -> tuple[int, dict]:
        return 200, {"errcode": code, "errmsg": message}

    def jscode2session(self, params: dict) -> tuple[int, dict | None]:
        if params.get("appid") != APP_ID:
            return self.error(40013, "invalid appid")
        if params.get("secret") != APP_SECRET:
            return self.error(40125, "invalid appsecret")
        if params.get("grant_type") != "authorization_code":
            return self.error(40002, "invalid grant_type")
        code = params.get("js_code", "")
        fixed = {
            "bad": (40029, "invalid code"),
            "busy": (-1, "system error"),
            "limit": (45011, "api minute-quota reach limit"),
            "blocked": (40226, "invalid user"),
        }
        if code in fixed:
            return self.error(*fixed[code])
        if code == "slow":
            time.sleep(self.slow_seconds)
            return self.error(-1, "system error")
        if code == "html":
            return 502, None
        prefix, _, openid = code.partition("-")
        if prefix not in ("ok", "union") or not openid:
            return self.error(40029, "invalid code")
        with self.lock:
            if code in self.used_codes:
                return self.error(40163, "code been used")
            self.used_codes.add(code)
        body = {"openid": openid, "session_key": "c2Vzc2lvbi1rZXk="}
        if prefix == "union":
            body["unionid"] = "u-" + openid
        return 200, body
