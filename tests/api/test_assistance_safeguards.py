"""What protects people and money: masking, the notice's limits, advances, stored files."""

import io
from datetime import UTC, datetime

from sqlalchemy import func, select

from server.models.common import AuditLog, Notification
from server.services.common import local_today
from tests.assistance_helpers import INVESTIGATION, PNG, ready, step, to_notice, upload

TODAY = local_today(datetime.now(UTC))
BASE = "/api/v1/assistance/applications"


def test_names_are_masked_for_workers_and_revealed_only_through_the_audited_identity(
    client, resident, township_worker, session
):
    app = ready(
        client,
        resident,
        members=[
            {"name": "王秀英", "relation": "self", "age": 76, "monthly_income_fen": 0},
            {"name": "王大力", "relation": "child", "age": 40, "monthly_income_fen": 0},
        ],
    )
    step(client, resident, app["id"], "submit")
    queue = client.get(BASE, headers=township_worker).get_data(as_text=True)
    assert "王秀英" not in queue and "王大力" not in queue and "王**" in queue
    before = session.scalar(select(func.count()).select_from(AuditLog))
    revealed = client.get(f"{BASE}/{app['id']}/identity", headers=township_worker).json
    assert revealed["applicant_name"] == "王秀英"
    assert revealed["applicant_id_number"] == "330802195001010012"
    assert revealed["members"] == ["王秀英", "王大力"]
    assert session.scalar(select(func.count()).select_from(AuditLog)) == before + 1


def test_medical_rehabilitation_and_orphan_cases_are_never_published(
    client, resident, township_worker, community_worker
):
    app = ready(
        client,
        resident,
        "medical",
        medical_out_of_pocket_fen=1_000_000,
        members=[{"relation": "self", "age": 58, "monthly_income_fen": 40_000}],
    )
    step(client, resident, app["id"], "submit")
    step(client, township_worker, app["id"], "accept")
    step(
        client,
        community_worker,
        app["id"],
        "investigate",
        visited_on=TODAY.isoformat(),
        **{
            **INVESTIGATION,
            "members": [{"relation": "self", "age": 58, "monthly_income_fen": 40_000}],
        },
    )
    assert (
        step(client, township_worker, app["id"], "review", decision="approve")["status"]
        == "in_notice"
    )
    notices = client.get("/api/v1/public/notices?region_code=330802").json
    assert app["id"] not in [n["id"] for n in notices]


def test_the_applicant_cannot_object_to_their_own_notice(
    client, resident, township_worker, community_worker
):
    app = ready(client, resident)
    to_notice(client, resident, township_worker, community_worker, app["id"], TODAY)
    response = client.post(
        f"/api/v1/public/notices/{app['id']}/objections",
        headers=resident,
        json={"reason": "我自己不想要了，撤回吧。"},
    )
    assert response.status_code == 403


def test_no_objection_once_the_notice_is_over(
    client, resident, township_worker, community_worker, newcomer, assistance_settings
):
    assistance_settings(notice_days=0)
    app = ready(client, resident)
    to_notice(client, resident, township_worker, community_worker, app["id"], TODAY)
    response = client.post(
        f"/api/v1/public/notices/{app['id']}/objections",
        headers=newcomer,
        json={"reason": "他家条件很好，不应该领低保。"},
    )
    assert response.status_code == 404


def emergency_case(client, resident, township_worker, paid=50_000):
    members = [
        {"relation": "self", "age": 45, "monthly_income_fen": 50_000},
        {"relation": "child", "age": 12, "monthly_income_fen": 0},
    ]
    app = ready(client, resident, "temporary", members=members, emergency=True, cause="fire")
    step(client, resident, app["id"], "submit")
    step(client, township_worker, app["id"], "pay_first", amount_fen=paid)
    return app, members


def test_an_advance_is_part_of_the_one_off_amount_and_the_message_says_so(
    client, resident, township_worker, county_worker, assistance_settings, session
):
    assistance_settings(notice_days=0)
    app, members = emergency_case(client, resident, township_worker)
    step(client, township_worker, app["id"], "accept")
    step(
        client,
        township_worker,
        app["id"],
        "investigate",
        staff=["陈建国", "周丽萍"],
        visited_on=TODAY.isoformat(),
        members=members,
    )
    step(client, township_worker, app["id"], "review", decision="approve")
    approved = step(client, county_worker, app["id"], "approve")
    assert approved["amount_fen"] == 48_000 * 2 * 3 - 50_000
    assert approved["start_month"] is None and approved["review_due_on"] is None
    body = session.scalars(
        select(Notification.body).where(Notification.kind == "assistance.approve")
    ).all()[-1]
    assert "一次性发放 2380.00 元" in body and "已先行发放 500.00 元" in body
    assert "每月" not in body


def test_a_case_paid_first_cannot_be_withdrawn_nor_the_advance_drawn_again(
    client, resident, township_worker
):
    app, members = emergency_case(client, resident, township_worker)
    refused = step(client, resident, app["id"], "withdraw", expect=409)
    assert refused["error"] == "paid_first_no_withdrawal"


def test_an_advance_counts_towards_once_a_year(client, resident, township_worker, session):
    from sqlalchemy import update

    from server.models.assistance import Application

    app, members = emergency_case(client, resident, township_worker)
    # Closed some other way (a county rejection, say): the advance still counts.
    session.execute(
        update(Application).where(Application.id == app["id"]).values(status="rejected")
    )
    session.flush()
    again = ready(client, resident, "temporary", members=members, emergency=True, cause="fire")
    refused = step(client, resident, again["id"], "submit", expect=409)
    assert refused["error"] == "temporary_once_a_year"


def test_a_missing_stored_file_is_404_not_500(app, client, resident):
    from pathlib import Path

    draft = ready(client, resident)
    attachment = client.get(f"{BASE}/{draft['id']}/attachments", headers=resident).json[0]
    (Path(app.extensions["minzheng.assistance"].storage_dir) / attachment["id"]).unlink()
    response = client.get(f"{BASE}/{draft['id']}/attachments/{attachment['id']}", headers=resident)
    assert response.status_code == 404 and response.json["error"] == "attachment_file_missing"


def test_an_uploaded_file_name_keeps_no_path_and_no_control_characters(client, resident):
    draft = ready(client, resident)
    response = client.post(
        f"{BASE}/{draft['id']}/attachments",
        headers=resident,
        data={"file": (io.BytesIO(PNG), "../../etc/证\x00明.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    assert response.json["filename"] == "证明.png"
    assert upload(client, resident, draft["id"]).status_code == 201


def test_a_submit_whose_commit_fails_frees_its_idempotency_key(app, client, resident, monkeypatch):
    import pytest

    from server.extensions import db

    draft = ready(client, resident)
    headers = {**resident, "Idempotency-Key": "commit-fails"}
    real_commit = db.commit_if_used

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db, "commit_if_used", failing_commit)
    with pytest.raises(RuntimeError):  # testing mode lets the 500's exception through
        client.post(f"{BASE}/{draft['id']}/submit", headers=headers, json={"version": 1})
    monkeypatch.setattr(db, "commit_if_used", real_commit)
    current = client.get(f"{BASE}/{draft['id']}", headers=resident).json
    assert current["status"] == "draft"
    retry = client.post(
        f"{BASE}/{draft['id']}/submit", headers=headers, json={"version": current["version"]}
    )
    assert retry.status_code == 200 and retry.json["status"] == "submitted"


def test_an_upload_whose_commit_fails_leaves_no_file_behind(app, client, resident, monkeypatch):
    from pathlib import Path

    import pytest

    from server.extensions import db

    draft = ready(client, resident)
    directory = Path(app.extensions["minzheng.assistance"].storage_dir)
    before = set(directory.iterdir())

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db, "commit_if_used", failing_commit)
    with pytest.raises(RuntimeError):  # testing mode lets the 500's exception through
        upload(client, resident, draft["id"])
    assert set(directory.iterdir()) == before
