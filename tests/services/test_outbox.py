"""Sending the outbox to a WeChat faked on loopback: every answer WeChat gives."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import redis_client
from server.models.common import Notification
from server.models.users import User
from server.services import common, outbox
from server.services import wechat as wechat_service
from server.services.wechat import WeChatClient
from tests.fake_wechat import APP_ID, APP_SECRET

# After every row a test writes (rows are due from the real clock when written).
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)
TEMPLATES = {
    "assistance.submit": {
        "template_id": "tmpl-submit",
        "page": "pages/assistance/detail/index?id={application_id}",
        "data": {"thing1": "title", "thing2": "body", "character_string3": "data.application_id"},
    }
}
SETTINGS = outbox.OutboxSettings(templates=TEMPLATES, max_attempts=3, backoff_seconds=30)


@pytest.fixture
def wechat(fake_wechat):
    return WeChatClient(
        base_url=fake_wechat.base_url, app_id=APP_ID, app_secret=APP_SECRET, timeout=0.5
    )


@pytest.fixture
def r(app):
    with app.app_context():
        client = redis_client.client
    return client


@pytest.fixture
def resident_user(session):
    return session.scalar(select(User).where(User.openid == "demo-resident"))


def notify(
    session,
    user,
    kind="assistance.submit",
    body="您的最低生活保障（低保）申请已提交，乡镇将受理审核。",
):
    notification = common.notify(
        session,
        user_id=user.id,
        kind=kind,
        title="申请已提交",
        body=body,
        data={"application_id": 42, "status": "submitted"},
    )
    session.flush()
    return notification


def send(session, wechat, r, now=NOW, settings=SETTINGS):
    return outbox.send_pending(
        session, client=wechat, r=r, settings=settings, now=now, commit=session.commit
    )


def sends(fake):
    return [q for q in fake.requests if q["path"] == "/cgi-bin/message/subscribe/send"]


def test_a_message_is_sent_with_the_real_request_shape(
    session, wechat, r, resident_user, fake_wechat
):
    notification = notify(session, resident_user)
    assert send(session, wechat, r) == {"sent": 1, "skipped": 0, "failed": 0, "retry": 0}
    assert notification.send_status == "sent" and notification.sent_at == NOW
    [request] = sends(fake_wechat)
    assert request["params"]["access_token"].startswith("token-")
    body = request["body"]
    assert body["touser"] == "demo-resident" and body["template_id"] == "tmpl-submit"
    assert body["page"] == "pages/assistance/detail/index?id=42"
    assert body["miniprogram_state"] == "formal"
    assert body["data"]["thing1"] == {"value": "申请已提交"}
    assert len(body["data"]["thing2"]["value"]) == 20  # cut to WeChat's thing limit
    assert body["data"]["character_string3"] == {"value": "42"}
    # Sent once: the next pass finds nothing.
    assert send(session, wechat, r) == {"sent": 0, "skipped": 0, "failed": 0, "retry": 0}


def test_the_access_token_is_fetched_once_and_cached(
    session, wechat, r, resident_user, fake_wechat
):
    issued = fake_wechat.tokens_issued
    notify(session, resident_user)
    notify(session, resident_user)
    send(session, wechat, r)
    assert fake_wechat.tokens_issued == issued + 1
    tokens = {q["params"]["access_token"] for q in sends(fake_wechat)}
    assert len(tokens) == 1


def test_a_user_who_did_not_subscribe_is_not_retried(
    session, wechat, r, resident_user, fake_wechat
):
    fake_wechat.send_script.append(43101)
    notification = notify(session, resident_user)
    assert send(session, wechat, r)["skipped"] == 1
    assert notification.send_status == "skipped" and "43101" in notification.last_error
    assert send(session, wechat, r, now=NOW + timedelta(days=1))["skipped"] == 0
    assert len(sends(fake_wechat)) == 1


def test_a_bad_field_parks_the_message(session, wechat, r, resident_user, fake_wechat):
    fake_wechat.send_script.append(47003)
    notification = notify(session, resident_user)
    assert send(session, wechat, r)["failed"] == 1
    assert notification.send_status == "failed" and "47003" in notification.last_error


@pytest.mark.parametrize("first", [-1, "timeout", "500"])
def test_busy_timeout_and_5xx_are_retried_later(
    session, wechat, r, resident_user, fake_wechat, first
):
    fake_wechat.send_script.append(first)
    notification = notify(session, resident_user)
    assert send(session, wechat, r)["retry"] == 1
    assert notification.send_status == "pending"
    assert notification.next_attempt_at == NOW + timedelta(seconds=30)
    assert send(session, wechat, r, now=NOW + timedelta(seconds=10))["retry"] == 0  # not yet
    assert send(session, wechat, r, now=NOW + timedelta(seconds=30))["sent"] == 1
    assert notification.attempts == 2


def test_an_expired_token_is_refreshed_once_then_the_message_sent(
    session, wechat, r, resident_user, fake_wechat
):
    notify(session, resident_user)
    send(session, wechat, r)  # caches a token
    fake_wechat.expired_tokens.add(r.get(wechat_service.TOKEN_KEY))
    issued = fake_wechat.tokens_issued
    notification = notify(session, resident_user)
    assert send(session, wechat, r)["sent"] == 1
    assert notification.send_status == "sent"
    assert fake_wechat.tokens_issued == issued + 1


def test_a_message_that_keeps_failing_is_parked_with_its_last_error(
    session, wechat, r, resident_user, fake_wechat
):
    fake_wechat.send_script.extend([-1, -1, -1])
    notification = notify(session, resident_user)
    for seconds in (0, 30, 90):
        send(session, wechat, r, now=NOW + timedelta(seconds=seconds))
    assert notification.send_status == "failed" and notification.attempts == 3
    assert notification.last_error.startswith("-1")


def test_a_kind_without_a_template_stays_in_the_inbox_only(
    session, wechat, r, resident_user, fake_wechat
):
    notification = notify(session, resident_user, kind="assistance.accept")
    assert send(session, wechat, r)["skipped"] == 1
    assert notification.send_status == "skipped" and not sends(fake_wechat)


def test_field_values_are_cut_to_wechat_limits():
    assert outbox.cut("thing1", "一" * 25) == "一" * 19 + "…"
    assert outbox.cut("phrase2", "已经受理完成了") == "已经受理完"
    assert outbox.cut("name3", "欧" * 12) == "欧" * 10
    assert outbox.cut("character_string4", "x" * 40) == "x" * 32
    assert outbox.cut("time5", "2026年11月30日 08:00") == "2026年11月30日 08:00"


def test_templates_must_name_a_template_and_fields():
    assert outbox.parse_templates("") == {}
    with pytest.raises(ValueError):
        outbox.parse_templates('{"assistance.submit": {"data": {}}}')
    with pytest.raises(ValueError):
        outbox.parse_templates("[]")


def test_a_change_that_is_rolled_back_leaves_no_notification(
    client, resident, session, monkeypatch
):
    from server.services import assistance
    from tests.assistance_helpers import ready

    app = ready(client, resident)
    before = session.scalar(select(func.count()).select_from(Notification))

    def broken_event(*args, **kwargs):  # fails after the notification was written and flushed
        raise RuntimeError("the event table is gone")

    monkeypatch.setattr(assistance, "_record", broken_event)
    response = client.post(
        f"/api/v1/assistance/applications/{app['id']}/submit",
        headers=resident,
        json={"version": app["version"]},
    )
    assert response.status_code == 500
    assert session.scalar(select(func.count()).select_from(Notification)) == before


def test_a_row_that_cannot_be_built_is_parked_and_the_others_go_once(
    session, wechat, r, resident_user, fake_wechat
):
    good = notify(session, resident_user)
    broken = notify(session, resident_user)
    broken.data = None  # the page needs {application_id}
    session.flush()
    counts = send(session, wechat, r)
    assert counts["sent"] == 1 and counts["failed"] == 1
    assert good.send_status == "sent"
    assert broken.send_status == "failed" and "application_id" in broken.last_error
    send(session, wechat, r, now=NOW + timedelta(minutes=5))
    assert len(sends(fake_wechat)) == 1


def test_a_claimed_row_of_a_worker_that_died_is_due_again_after_the_lease(
    session, wechat, r, resident_user, fake_wechat
):
    notification = notify(session, resident_user)
    [claimed] = outbox.claim(session, now=NOW, batch=10, lease_seconds=120)
    assert claimed.id == notification.id and claimed.attempts == 1
    # Another worker finds nothing while the lease runs ...
    assert outbox.claim(session, now=NOW + timedelta(seconds=60), batch=10, lease_seconds=120) == []
    # ... and takes the row once it has run out (the first worker never came back).
    assert send(session, wechat, r, now=NOW + timedelta(seconds=121))["sent"] == 1
    assert notification.attempts == 2


def test_one_process_at_a_time_refreshes_the_token(wechat, r, fake_wechat):
    import threading

    issued = fake_wechat.tokens_issued
    tokens = []

    def fetch():
        tokens.append(wechat_service.access_token(wechat, r))

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert fake_wechat.tokens_issued == issued + 1
    assert len(set(tokens)) == 1 and len(tokens) == 8
    assert 0 < r.ttl(wechat_service.TOKEN_KEY) <= 7200 - wechat_service.TOKEN_EARLY_SECONDS
