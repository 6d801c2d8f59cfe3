"""The inbox: every step of an application reaches the applicant's inbox."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.assistance_helpers import ready, step
from tests.conftest import login

INBOX = "/api/v1/me/notifications"


def test_each_step_lands_in_the_applicants_inbox_newest_first(client, resident, township_worker):
    app = ready(client, resident)
    step(client, resident, app["id"], "submit")
    step(client, township_worker, app["id"], "accept")
    inbox = client.get(INBOX, headers=resident)
    assert inbox.status_code == 200
    assert [n["title"] for n in inbox.json["items"]] == ["申请已受理", "申请已提交"]
    assert inbox.json["unread"] == 2
    assert inbox.json["items"][0]["data"] == {"application_id": app["id"], "status": "accepted"}
    assert '"total": 2' in inbox.headers["X-Pagination"]


def test_reading_one_then_all(client, resident, township_worker):
    app = ready(client, resident)
    step(client, resident, app["id"], "submit")
    step(client, township_worker, app["id"], "accept")
    newest, older = client.get(INBOX, headers=resident).json["items"]
    read = client.post(f"{INBOX}/{newest['id']}/read", headers=resident)
    assert read.status_code == 200 and read.json["read_at"] is not None
    again = client.post(f"{INBOX}/{newest['id']}/read", headers=resident)
    assert again.json["read_at"] == read.json["read_at"]  # the first reading is kept
    assert client.get(INBOX, headers=resident).json["unread"] == 1
    assert client.post(f"{INBOX}/read-all", headers=resident).json == {"marked": 1}
    assert client.post(f"{INBOX}/read-all", headers=resident).json == {"marked": 0}
    assert client.get(INBOX, headers=resident).json["unread"] == 0


def test_someone_elses_notification_is_404_and_stays_unread(client, resident, newcomer):
    app = ready(client, resident)
    step(client, resident, app["id"], "submit")
    mine = client.get(INBOX, headers=resident).json["items"][0]
    assert client.post(f"{INBOX}/{mine['id']}/read", headers=newcomer).status_code == 404
    assert client.get(INBOX, headers=newcomer).json == {"unread": 0, "items": []}
    assert client.get(INBOX, headers=resident).json["unread"] == 1


def test_the_inbox_needs_a_login_and_pages_are_bounded(client, resident):
    assert client.get(INBOX).status_code == 401
    assert client.get(f"{INBOX}?page_size=1000", headers=resident).status_code == 422
    assert client.post(f"{INBOX}/999999/read", headers=resident).status_code == 404


@pytest.mark.postgres
@pytest.mark.committing
def test_read_all_at_once_marks_each_notification_once(app):
    from sqlalchemy import delete, select

    from server.extensions import db
    from server.models.common import Notification
    from server.models.users import User
    from server.services import common

    client = app.test_client()
    headers = login(client, "conc-inbox")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.openid == "conc-inbox"))
        for index in range(20):
            common.notify(
                db.session, user_id=user_id, kind="test", title=f"消息{index}", body="测试"
            )
        db.session.commit()
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            counts = list(
                pool.map(
                    lambda _: (
                        app.test_client().post(f"{INBOX}/read-all", headers=headers).json["marked"]
                    ),
                    range(6),
                )
            )
        assert sum(counts) == 20
    finally:
        with app.app_context():
            db.session.execute(delete(Notification).where(Notification.user_id == user_id))
            db.session.execute(delete(User).where(User.id == user_id))
            db.session.commit()
