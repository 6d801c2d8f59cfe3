"""Admins see parked subscribe messages and replay them; two workers send each message once."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from server.extensions import db, redis_client
from server.models.common import Notification
from server.models.users import User
from server.services import common, outbox
from server.services.wechat import WeChatClient
from tests.conftest import login
from tests.fake_wechat import APP_ID, APP_SECRET

OUTBOX = "/api/v1/admin/outbox"


def parked(session):
    user = session.scalar(select(User).where(User.openid == "demo-resident"))
    notification = common.notify(
        session, user_id=user.id, kind="assistance.submit", title="申请已提交", body="测试"
    )
    notification.send_status, notification.last_error = "failed", "47003 argument invalid!"
    session.flush()
    return notification


def test_an_admin_sees_failed_messages_with_their_last_error_and_replays_one(
    client, admin, session
):
    notification = parked(session)
    listed = client.get(OUTBOX, headers=admin)
    assert listed.status_code == 200
    [item] = [i for i in listed.json if i["id"] == notification.id]
    assert item["last_error"] == "47003 argument invalid!" and item["send_status"] == "failed"
    replayed = client.post(f"{OUTBOX}/{notification.id}/replay", headers=admin)
    assert replayed.status_code == 200 and replayed.json["send_status"] == "pending"
    assert replayed.json["attempts"] == 0
    again = client.post(f"{OUTBOX}/{notification.id}/replay", headers=admin)
    assert again.status_code == 409


def test_the_outbox_is_for_admins_only(client, county_worker, resident, session):
    notification = parked(session)
    assert client.get(OUTBOX, headers=county_worker).status_code == 403
    assert client.post(f"{OUTBOX}/{notification.id}/replay", headers=resident).status_code == 403
    assert (
        client.get(f"{OUTBOX}?status=lost", headers=login(client, "demo-admin")).status_code == 422
    )


@pytest.mark.postgres
@pytest.mark.committing
def test_two_workers_over_one_outbox_send_each_message_once(app, fake_wechat):
    templates = {"outbox.test": {"template_id": "tmpl", "data": {"thing1": "title"}}}
    settings = outbox.OutboxSettings(templates=templates)
    with app.app_context():
        user = User(openid="conc-outbox")
        db.session.add(user)
        db.session.flush()
        for index in range(30):
            common.notify(
                db.session, user_id=user.id, kind="outbox.test", title=f"消息{index}", body="测试"
            )
        db.session.commit()
        user_id = user.id
    client = WeChatClient(base_url=fake_wechat.base_url, app_id=APP_ID, app_secret=APP_SECRET)

    def worker():
        with app.app_context():
            while True:
                counts = outbox.send_pending(
                    db.session,
                    client=client,
                    r=redis_client.client,
                    settings=settings,
                    now=datetime.now(UTC),
                    batch=5,
                    commit=db.session.commit,
                )
                if not sum(counts.values()):
                    return

    try:
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        sent = [q for q in fake_wechat.requests if q["path"] == "/cgi-bin/message/subscribe/send"]
        assert len(sent) == 30
        assert len({q["body"]["data"]["thing1"]["value"] for q in sent}) == 30
        with app.app_context():
            states = db.session.scalars(
                select(Notification.send_status).where(Notification.user_id == user_id)
            ).all()
        assert states == ["sent"] * 30
    finally:
        with app.app_context():
            db.session.execute(delete(Notification).where(Notification.user_id == user_id))
            db.session.execute(delete(User).where(User.id == user_id))
            db.session.commit()
