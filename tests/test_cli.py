from sqlalchemy import func, select

from server.models.regions import Region
from server.models.users import User
from server.seed import seed_demo


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_grant_worker_and_admin(app, session):
    run(app, "seed-demo")
    result = run(
        app,
        "users",
        "grant-worker",
        "--openid",
        "demo-resident",
        "--level",
        "township",
        "--region",
        "330802001",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.openid == "demo-resident"))
    session.refresh(user)
    assert (user.worker_level, user.worker_region_code) == ("township", "330802001")
    assert run(app, "users", "grant-admin", "--openid", "demo-resident").exit_code == 0
    session.refresh(user)
    assert user.is_admin
    assert run(app, "users", "revoke-worker", "--openid", "demo-resident").exit_code == 0
    session.refresh(user)
    assert user.worker_level is None


def test_grant_worker_refuses_a_mismatched_region_or_unknown_user(app):
    mismatched = run(
        app,
        "users",
        "grant-worker",
        "--openid",
        "demo-resident",
        "--level",
        "township",
        "--region",
        "330802",
    )
    assert mismatched.exit_code != 0 and "region_code" in mismatched.output
    unknown = run(
        app,
        "users",
        "grant-worker",
        "--openid",
        "nobody",
        "--level",
        "county",
        "--region",
        "330802",
    )
    assert unknown.exit_code != 0 and "没有找到该用户" in unknown.output
    assert run(app, "users", "grant-admin", "--openid", "nobody").exit_code != 0


def snapshot(session):
    users = session.execute(select(User).order_by(User.id)).scalars().all()
    regions = session.execute(select(Region).order_by(Region.code)).scalars().all()
    return (
        [
            (
                u.id,
                u.openid,
                u.real_name,
                u.id_number_enc,
                u.phone_enc,
                u.region_code,
                u.worker_level,
                u.worker_region_code,
                u.is_admin,
                u.is_volunteer,
                u.version,
                u.updated_at,
            )
            for u in users
        ],
        [(r.code, r.name, r.level, r.parent_code, r.is_urban) for r in regions],
    )


def test_seed_demo_is_idempotent(app, session):
    cipher = app.extensions["minzheng.cipher"]
    seed_demo(session, cipher=cipher)
    session.flush()
    before = snapshot(session)
    seed_demo(session, cipher=cipher)
    session.flush()
    assert snapshot(session) == before


def test_the_demo_city_has_six_counties_and_nested_workers(session):
    counties = session.scalar(
        select(func.count()).select_from(Region).where(Region.level == "county")
    )
    assert counties == 6
    scopes = dict(
        session.execute(
            select(User.openid, User.worker_region_code).where(User.worker_level.is_not(None))
        ).all()
    )
    community, township, county = (
        scopes["demo-worker-community"],
        scopes["demo-worker-township"],
        scopes["demo-worker-county"],
    )
    assert community.startswith(township) and township.startswith(county) and county == "330802"
    assert session.get(Region, township).name == "府山街道"
    homes = dict(
        session.execute(
            select(User.openid, User.region_code).where(
                User.openid.in_(["demo-resident", "demo-volunteer"])
            )
        ).all()
    )
    assert homes == {"demo-resident": community, "demo-volunteer": community}


def test_the_worker_commands_send_the_outbox(app, fake_wechat, monkeypatch):
    import dataclasses

    from server.extensions import db
    from server.services import common

    settings = app.extensions["minzheng.outbox"]
    monkeypatch.setitem(
        app.extensions,
        "minzheng.outbox",
        dataclasses.replace(
            settings, templates={"cli.test": {"template_id": "t", "data": {"thing1": "title"}}}
        ),
    )
    with app.app_context():
        user = db.session.scalar(select(User).where(User.openid == "demo-resident"))
        for kind in ("cli.test", "cli.other"):
            common.notify(db.session, user_id=user.id, kind=kind, title="测试", body="测试")
        db.session.commit()
    result = run(app, "notifications", "send-pending")
    assert result.exit_code == 0, result.output
    assert "sent=1" in result.output and "skipped=1" in result.output
    assert run(app, "notifications", "work", "--max-seconds", "0.1").exit_code == 0
    due = run(app, "notifications", "send-due")
    assert due.exit_code == 0 and "review_due=" in due.output
