"""Many requests at once against PostgreSQL, with real commits: nothing doubled or lost."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import delete, func, select

from server.extensions import db
from server.models.users import User

pytestmark = [pytest.mark.postgres, pytest.mark.committing]


@pytest.fixture
def cleanup(app):
    yield
    with app.app_context():
        db.session.execute(delete(User).where(User.openid.like("conc-%")))
        db.session.commit()


def at_once(app, count, call):
    def run(index):
        return call(app.test_client(), index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_simultaneous_first_logins_create_one_user(app, cleanup):
    statuses = at_once(
        app,
        12,
        lambda c, i: c.post("/api/v1/auth/dev-login", json={"openid": "conc-first"}).status_code,
    )
    assert statuses == [200] * 12
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(User).where(User.openid == "conc-first")
        )
    assert count == 1


def test_one_refresh_token_used_at_once_succeeds_at_most_once(app, cleanup):
    tokens = app.test_client().post("/api/v1/auth/dev-login", json={"openid": "conc-refresh"}).json
    statuses = at_once(
        app,
        10,
        lambda c, i: (
            c.post(
                "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
            ).status_code
        ),
    )
    assert statuses.count(200) <= 1
    assert statuses.count(200) + statuses.count(401) == 10


def test_one_id_number_claimed_by_many_at_once_goes_to_one(app, cleanup):
    headers = []
    client = app.test_client()
    for i in range(8):
        token = client.post("/api/v1/auth/dev-login", json={"openid": f"conc-id-{i}"}).json
        headers.append({"Authorization": "Bearer " + token["access_token"]})
    statuses = at_once(
        app,
        8,
        lambda c, i: (
            c.patch(
                "/api/v1/me", headers=headers[i], json={"id_number": "440524188001010014"}
            ).status_code
        ),
    )
    assert sorted(statuses) == [200] + [409] * 7
