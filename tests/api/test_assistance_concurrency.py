"""Assistance requests at once against PostgreSQL, with real commits: one winner, no gaps."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, or_, select, update

from server.extensions import db
from server.models.assistance import Application, ApplicationEvent, Attachment, Objection
from server.models.common import AuditLog, Counter, Notification
from server.models.users import User
from server.services import identity
from server.services import users as users_service
from server.services.common import local_today
from tests.assistance_helpers import draft, to_notice
from tests.conftest import login

pytestmark = [pytest.mark.postgres, pytest.mark.committing]

# Every user made here starts with this; the clean-up finds everything else through them.
PREFIX = "assist-conc-"
KECHENG_COMMUNITY = "330802001001"  # 坊门街社区, in the demo workers' scope
JIANGSHAN_COMMUNITY = "330881001001"  # 城北社区, 江山市: a county no demo data numbers in


def today():
    return local_today(datetime.now(UTC))


def in_db(app, work):
    """Run `work(session)` in its own transaction and commit it."""
    with app.app_context():
        session = db.new_session()
        try:
            result = work(session)
            session.commit()
            return result
        finally:
            session.close()


@pytest.fixture
def committed(app):
    """Deletes, in dependency order, everything the test committed: the applications of the
    users made here with their events, documents, objections and notifications, the counters
    (new ones deleted, bumped ones put back), and the users. Answers the counters as they were."""
    counters_before = in_db(
        app, lambda session: dict(session.execute(select(Counter.name, Counter.value)).all())
    )
    yield counters_before

    def clean(session):
        users = select(User.id).where(User.openid.like(PREFIX + "%")).scalar_subquery()
        applications = (
            select(Application.id)
            .where(or_(Application.applicant_id.in_(users), Application.agent_id.in_(users)))
            .scalar_subquery()
        )
        for model in (ApplicationEvent, Attachment, Objection):
            session.execute(delete(model).where(model.application_id.in_(applications)))
        session.execute(delete(Objection).where(Objection.user_id.in_(users)))
        session.execute(delete(Notification).where(Notification.user_id.in_(users)))
        session.execute(delete(AuditLog).where(AuditLog.actor_id.in_(users)))
        session.execute(delete(Application).where(Application.id.in_(applications)))
        session.execute(delete(Counter).where(Counter.name.not_in(list(counters_before))))
        for name, value in counters_before.items():
            session.execute(update(Counter).where(Counter.name == name).values(value=value))
        session.execute(delete(User).where(User.openid.like(PREFIX + "%")))

    in_db(app, clean)


def id_number(index: int) -> str:
    first17 = f"33088119610203{100 + index:03d}"
    return first17 + identity.id_check_char(first17)


def make_resident(app, index: int, *, region_code: str) -> int:
    """A resident with a complete real-name profile, committed; answers the user id."""
    cipher = app.extensions["minzheng.cipher"]

    def work(session):
        user = users_service.find_or_create(session, openid=f"{PREFIX}resident-{index}")
        users_service.update_profile(
            session,
            user_id=user.id,
            cipher=cipher,
            real_name="测试居民",
            id_number=id_number(index),
            region_code=region_code,
        )
        return user.id

    return in_db(app, work)


def make_county_worker(app, name: str) -> None:
    def work(session):
        users_service.find_or_create(session, openid=PREFIX + name)
        users_service.grant_worker(
            session, openid=PREFIX + name, level="county", region_code="330802"
        )

    in_db(app, work)


def attach(app, application_id: int, uploader_id: int) -> None:
    """A document row for the application (no file: nothing here downloads it)."""
    in_db(
        app,
        lambda session: session.add(
            Attachment(
                id=uuid.uuid4().hex,
                application_id=application_id,
                kind="身份证",
                filename="id.png",
                content_type="image/png",
                size=72,
                uploaded_by=uploader_id,
            )
        ),
    )


def ready_draft(app, client, index: int, *, region_code: str) -> tuple[dict, dict]:
    """A complete draft of a new resident's: (their headers, the application)."""
    user_id = make_resident(app, index, region_code=region_code)
    headers = login(client, f"{PREFIX}resident-{index}")
    application = draft(client, headers)
    attach(app, application["id"], user_id)
    return headers, application


def at_once(app, count, call):
    """`call(client, index)` in `count` threads, each with its own client, released together."""
    start = threading.Barrier(count)

    def run(index):
        client = app.test_client()
        start.wait()
        return call(client, index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def events_of(app, application_id: int, action: str) -> int:
    return in_db(
        app,
        lambda session: session.scalar(
            select(func.count())
            .select_from(ApplicationEvent)
            .where(
                ApplicationEvent.application_id == application_id,
                ApplicationEvent.action == action,
            )
        ),
    )


def url(application_id: int, action: str | None = None) -> str:
    base = f"/api/v1/assistance/applications/{application_id}"
    return f"{base}/{action}" if action else base


def test_two_county_workers_approving_at_once_one_wins(app, committed, assistance_settings):
    assistance_settings(notice_days=0)
    client = app.test_client()
    resident, application = ready_draft(app, client, 0, region_code=KECHENG_COMMUNITY)
    township = login(client, "demo-worker-township")
    community = login(client, "demo-worker-community")
    to_notice(client, resident, township, community, application["id"], today())
    make_county_worker(app, "county-2")
    counties = [login(client, "demo-worker-county"), login(client, PREFIX + "county-2")]
    version = client.get(url(application["id"]), headers=resident).json["version"]

    answers = at_once(
        app,
        2,
        lambda c, i: c.post(
            url(application["id"], "approve"), headers=counties[i], json={"version": version}
        ),
    )

    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.json["error"] in ("stale_version", "wrong_state")
    assert events_of(app, application["id"], "approve") == 1
    final = client.get(url(application["id"]), headers=resident).json
    assert final["status"] == "approved"
    assert final["version"] == version + 1


def test_twenty_submissions_at_once_get_distinct_gap_free_numbers(app, committed):
    client = app.test_client()
    year = today().year
    counter = f"application:DB:330881:{year}"
    before = committed.get(counter)
    drafts = [ready_draft(app, client, i, region_code=JIANGSHAN_COMMUNITY) for i in range(20)]

    answers = at_once(
        app,
        20,
        lambda c, i: c.post(
            url(drafts[i][1]["id"], "submit"),
            headers=drafts[i][0],
            json={"version": drafts[i][1]["version"]},
        ),
    )

    assert [a.status_code for a in answers] == [200] * 20, [a.json for a in answers]
    numbers = [a.json["number"] for a in answers]
    assert len(set(numbers)) == 20
    assert all(n.startswith(f"DB-330881-{year}-") for n in numbers)
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    first = (before or 0) + 1
    assert sequences == list(range(first, first + 20))
    assert in_db(app, lambda s: s.scalar(select(Counter.value).where(Counter.name == counter))) == (
        first + 19
    )


def test_one_resident_creating_the_same_program_at_once_gets_one_draft(app, committed):
    client = app.test_client()
    user_id = make_resident(app, 0, region_code=KECHENG_COMMUNITY)
    headers = login(client, f"{PREFIX}resident-0")
    body = {
        "program": "dibao",
        "members": [{"relation": "self", "age": 62, "monthly_income_fen": 20_000}],
        "reason": "退休金低，生活困难。",
    }

    answers = at_once(
        app,
        8,
        lambda c, i: c.post("/api/v1/assistance/applications", headers=headers, json=body),
    )

    assert sorted(a.status_code for a in answers) == [201] + [409] * 7
    assert {a.json["error"] for a in answers if a.status_code == 409} == {"open_application_exists"}
    drafts = in_db(
        app,
        lambda session: session.scalar(
            select(func.count())
            .select_from(Application)
            .where(Application.applicant_id == user_id, Application.program == "dibao")
        ),
    )
    assert drafts == 1


def test_one_submit_sent_six_times_with_one_idempotency_key_submits_once(app, committed):
    client = app.test_client()
    resident, application = ready_draft(app, client, 0, region_code=JIANGSHAN_COMMUNITY)
    headers = {**resident, "Idempotency-Key": "submit-" + uuid.uuid4().hex}

    answers = at_once(
        app,
        6,
        lambda c, i: c.post(
            url(application["id"], "submit"),
            headers=headers,
            json={"version": application["version"]},
        ),
    )

    succeeded = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code != 200]
    assert succeeded, [a.json for a in answers]
    assert {a.status_code for a in refused} <= {409}
    assert {a.json["error"] for a in refused} <= {"idempotency_in_progress"}
    assert len({a.json["number"] for a in succeeded}) == 1
    assert events_of(app, application["id"], "submit") == 1
    # Once the first has finished, the same request is answered again, and still only once.
    again = client.post(
        url(application["id"], "submit"), headers=headers, json={"version": application["version"]}
    )
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["number"] == succeeded[0].json["number"]
    assert events_of(app, application["id"], "submit") == 1
