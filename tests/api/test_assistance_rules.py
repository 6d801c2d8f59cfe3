"""The rules of the review through HTTP: state, role, level, scope, version, and who sees what."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from server.models.assistance import Application, ApplicationEvent
from server.models.common import Notification
from server.services.common import local_today
from server.services.identity import id_check_char
from tests.assistance_helpers import INVESTIGATION, draft, ready, step, upload
from tests.conftest import login

BASE = "/api/v1/assistance/applications"
HOME = "330802001001"  # 坊门街社区, 府山街道, 柯城区: where the demo resident and workers are
OTHER_TOWNSHIP = "330802002"  # 信安街道, same county
OTHER_COMMUNITY = "330802002001"  # 新安社区, in 信安街道
OTHER_COUNTY = "330803"  # 衢江区

_serial = itertools.count(1)


def today():
    return local_today(datetime.now(UTC))


def id_number(birth: str = "19700101") -> str:
    """A valid, unused citizen ID number (GB 11643 check digit)."""
    first17 = f"330802{birth}{next(_serial) % 1000:03d}"
    return first17 + id_check_char(first17)


def make_person(client, openid, *, region=HOME, name="赵建华", number=None, phone=None) -> dict:
    """A resident with a complete real-name profile."""
    headers = login(client, openid)
    profile = {
        "real_name": name,
        "id_number": number or id_number(),
        "phone": phone or f"139{next(_serial) + 10_000_000:08d}",
        "region_code": region,
    }
    response = client.patch("/api/v1/me", headers=headers, json=profile)
    assert response.status_code == 200, response.json
    return headers


def make_worker(app, client, openid, level, region, *, profile=False) -> dict:
    """A worker at `level` over `region` (through the CLI, as an operator would)."""
    headers = make_person(client, openid) if profile else login(client, openid)
    result = app.test_cli_runner().invoke(
        args=["users", "grant-worker", "--openid", openid, "--level", level, "--region", region]
    )
    assert result.exit_code == 0, result.output
    return headers


@dataclass
class People:
    resident: dict
    community: dict
    township: dict
    county: dict


@pytest.fixture
def people(resident, community_worker, township_worker, county_worker):
    return People(resident, community_worker, township_worker, county_worker)


def detail(client, headers, app_id) -> dict:
    response = client.get(f"{BASE}/{app_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def notifications(session) -> int:
    return session.scalar(select(func.count()).select_from(Notification))


def act(client, headers, app_id, action, version, **payload):
    return client.post(
        f"{BASE}/{app_id}/{action.replace('_', '-')}",
        headers=headers,
        json={"version": version, **payload},
    )


# --- reaching each state -------------------------------------------------------------------

STATES = (
    "draft",
    "submitted",
    "returned",
    "accepted",
    "investigated",
    "reviewed",
    "in_notice",
    "approved",
    "rejected",
    "withdrawn",
)


def investigation():
    return {"visited_on": today().isoformat(), **INVESTIGATION}


def reach(client, people: People, state: str, *, settings=None, program="temporary", **fields):
    """An application of the demo resident in `state`, by the ordinary path."""
    if program == "temporary":
        fields.setdefault("emergency", True)
    app_id = ready(client, people.resident, program, **fields)["id"]
    if state == "draft":
        return app_id
    if state == "withdrawn":
        step(client, people.resident, app_id, "withdraw")
        return app_id
    if state == "approved":
        settings(notice_days=0)
    step(client, people.resident, app_id, "submit")
    if state == "submitted":
        return app_id
    if state == "returned":
        step(client, people.township, app_id, "return", missing=["户口簿首页"])
        return app_id
    step(client, people.township, app_id, "accept")
    if state == "accepted":
        return app_id
    step(client, people.community, app_id, "investigate", **investigation())
    if state == "investigated":
        return app_id
    if state in ("reviewed", "rejected"):
        step(client, people.township, app_id, "review", decision="reject", reasons="存款超标。")
        if state == "rejected":
            step(client, people.county, app_id, "reject", reasons="存款超标。")
        return app_id
    step(client, people.township, app_id, "review", decision="approve")
    if state == "approved":
        step(client, people.county, app_id, "approve")
    return app_id


# What the issue allows, written out here rather than read from the server's table.
ALLOWED_FROM = {
    "submit": {"draft", "returned"},
    "withdraw": {
        "draft",
        "submitted",
        "returned",
        "accepted",
        "investigated",
        "reviewed",
        "in_notice",
    },
    "accept": {"submitted"},
    "return": {"submitted"},
    "investigate": {"accepted"},
    "review": {"investigated"},
    "approve": {"in_notice"},
    "reject": {"in_notice", "reviewed"},
    "pay_first": {"submitted", "accepted"},
}
ACTOR = {
    "submit": "resident",
    "withdraw": "resident",
    "accept": "township",
    "return": "township",
    "investigate": "community",
    "review": "township",
    "approve": "county",
    "reject": "county",
    "pay_first": "township",
}
WORKER_ACTIONS = ("accept", "return", "investigate", "review", "approve", "reject", "pay_first")
# The state each action is normally taken from.
RIGHT_STATE = {
    "submit": "draft",
    "withdraw": "submitted",
    "accept": "submitted",
    "return": "submitted",
    "investigate": "accepted",
    "review": "investigated",
    "approve": "in_notice",
    "reject": "reviewed",
    "pay_first": "submitted",
}


def payload(action: str) -> dict:
    """A body the schema accepts for `action` (version apart)."""
    return {
        "return": {"missing": ["户口簿首页"]},
        "investigate": investigation(),
        "review": {"decision": "reject", "reasons": "存款超标。"},
        "reject": {"reasons": "存款超标。"},
        "pay_first": {"amount_fen": 10_000},
    }.get(action, {})


def attempt(client, headers, app_id, action, *, version=None, **extra):
    """`action` with a valid body and the current version (unless another is given)."""
    if version is None:
        version = client.get(f"{BASE}/{app_id}", headers=headers).json.get("version", 1)
    return act(client, headers, app_id, action, version, **{**payload(action), **extra})


def assert_unchanged(client, session, people, app_id, before, notes_before):
    after = detail(client, people.resident, app_id)
    assert after == before
    assert notifications(session) == notes_before


WRONG_STATES = [
    (action, state)
    for action in ALLOWED_FROM
    for state in STATES
    if state not in ALLOWED_FROM[action]
]


@pytest.mark.parametrize(("action", "state"), WRONG_STATES)
def test_an_action_from_a_wrong_state_is_409_and_changes_nothing(
    client, session, people, assistance_settings, action, state
):
    app_id = reach(client, people, state, settings=assistance_settings)
    actor = getattr(people, ACTOR[action])
    before = detail(client, people.resident, app_id)
    notes_before = notifications(session)
    open_to_actor = detail(client, actor, app_id)["allowed_actions"]

    response = attempt(client, actor, app_id, action)

    assert response.status_code == 409, response.json
    assert response.json["error"] == "wrong_state"
    assert response.json["allowed_actions"] == open_to_actor
    assert action not in response.json["allowed_actions"]
    assert_unchanged(client, session, people, app_id, before, notes_before)


# --- who may act -----------------------------------------------------------------------------


@pytest.fixture
def outsiders(app, client):
    """A township worker of 信安街道 and a county worker of 衢江区: both outside the case."""
    return {
        "township_elsewhere": make_worker(app, client, "rules-t2", "township", OTHER_TOWNSHIP),
        "county_elsewhere": make_worker(app, client, "rules-c2", "county", OTHER_COUNTY),
    }


@pytest.mark.parametrize("action", WORKER_ACTIONS)
def test_a_worker_action_by_the_applicant_is_403(
    client, session, people, assistance_settings, action
):
    app_id = reach(client, people, RIGHT_STATE[action], settings=assistance_settings)
    before = detail(client, people.resident, app_id)
    notes_before = notifications(session)
    assert action not in before["allowed_actions"]

    response = attempt(client, people.resident, app_id, action)

    assert response.status_code == 403, response.json
    assert response.json["error"] == "role_required"
    assert_unchanged(client, session, people, app_id, before, notes_before)


@pytest.mark.parametrize("action", WORKER_ACTIONS)
def test_a_worker_action_by_another_resident_is_404(
    client, session, people, assistance_settings, action
):
    app_id = reach(client, people, RIGHT_STATE[action], settings=assistance_settings)
    stranger = make_person(client, "rules-stranger")
    before = detail(client, people.resident, app_id)
    notes_before = notifications(session)

    response = attempt(client, stranger, app_id, action, version=before["version"])

    assert response.status_code == 404, response.json
    assert_unchanged(client, session, people, app_id, before, notes_before)


@pytest.mark.parametrize("worker", ["township_elsewhere", "county_elsewhere"])
@pytest.mark.parametrize("action", WORKER_ACTIONS)
def test_a_worker_action_outside_the_scope_is_404(
    client, session, people, outsiders, assistance_settings, action, worker
):
    app_id = reach(client, people, RIGHT_STATE[action], settings=assistance_settings)
    before = detail(client, people.resident, app_id)
    notes_before = notifications(session)

    response = attempt(client, outsiders[worker], app_id, action, version=before["version"])

    assert response.status_code == 404, response.json
    assert response.json["error"] == "application_not_found"
    assert client.get(f"{BASE}/{app_id}", headers=outsiders[worker]).status_code == 404
    assert_unchanged(client, session, people, app_id, before, notes_before)


@pytest.mark.parametrize(
    ("worker", "action", "state"),
    [
        ("community", "accept", "submitted"),
        ("community", "return", "submitted"),
        ("community", "review", "investigated"),
        ("community", "pay_first", "submitted"),
        ("township", "approve", "in_notice"),
        ("township", "reject", "reviewed"),
        ("township", "reject", "in_notice"),
    ],
)
def test_an_action_by_a_worker_one_level_too_low_is_403(
    client, session, people, assistance_settings, worker, action, state
):
    app_id = reach(client, people, state, settings=assistance_settings)
    headers = getattr(people, worker)
    before = detail(client, people.resident, app_id)
    notes_before = notifications(session)
    assert action not in detail(client, headers, app_id)["allowed_actions"]

    response = attempt(client, headers, app_id, action)

    assert response.status_code == 403, response.json
    assert response.json["error"] == "level_too_low"
    assert_unchanged(client, session, people, app_id, before, notes_before)


@pytest.mark.parametrize("action", list(RIGHT_STATE))
def test_a_stale_version_is_409_and_changes_nothing(
    client, session, people, assistance_settings, action
):
    assistance_settings(notice_days=0)
    app_id = reach(client, people, RIGHT_STATE[action], settings=assistance_settings)
    actor = getattr(people, ACTOR[action])
    before = detail(client, people.resident, app_id)
    notes_before = notifications(session)

    for version in (before["version"] - 1, before["version"] + 1):
        response = attempt(client, actor, app_id, action, version=version)
        assert response.status_code == 409, (version, response.json)
        assert response.json["error"] == "stale_version"
        assert response.json["version"] == before["version"]
    assert_unchanged(client, session, people, app_id, before, notes_before)
    # The current version still works afterwards.
    assert attempt(client, actor, app_id, action).status_code == 200


def test_editing_with_a_stale_version_is_409_and_changes_nothing(client, session, people):
    app_id = ready(client, people.resident)["id"]
    before = detail(client, people.resident, app_id)
    response = client.patch(
        f"{BASE}/{app_id}",
        headers=people.resident,
        json={"version": before["version"] + 1, "reason": "改一下原因。"},
    )
    assert response.status_code == 409 and response.json["error"] == "stale_version"
    assert detail(client, people.resident, app_id) == before


# --- near relatives and one's own application ------------------------------------------------

RELATIVES = [{"name": "王建军", "relation": "儿子", "workplace": "府山街道办事处"}]


def test_a_near_relatives_case_goes_to_the_county(client, session, people):
    app = ready(client, people.resident, "dibao", relatives=RELATIVES)
    assert app["near_relative"] is True
    app_id = app["id"]
    step(client, people.resident, app_id, "submit")

    for action, lower in (("accept", "township"), ("return", "township")):
        before = detail(client, people.resident, app_id)
        assert action not in detail(client, getattr(people, lower), app_id)["allowed_actions"]
        response = attempt(client, getattr(people, lower), app_id, action)
        assert response.status_code == 403, response.json
        assert response.json["error"] == "level_too_low"
        assert detail(client, people.resident, app_id) == before
    assert "accept" in detail(client, people.county, app_id)["allowed_actions"]
    step(client, people.county, app_id, "accept")

    for lower in ("community", "township"):
        before = detail(client, people.resident, app_id)
        response = attempt(client, getattr(people, lower), app_id, "investigate")
        assert response.status_code == 403, (lower, response.json)
        assert response.json["error"] == "level_too_low"
        assert detail(client, people.resident, app_id) == before
    step(client, people.county, app_id, "investigate", **investigation())

    before = detail(client, people.resident, app_id)
    response = attempt(client, people.township, app_id, "review", decision="approve")
    assert response.status_code == 403 and response.json["error"] == "level_too_low"
    assert detail(client, people.resident, app_id) == before
    reviewed = step(client, people.county, app_id, "review", decision="approve")
    assert reviewed["status"] == "in_notice"


def test_a_case_without_relatives_is_not_sent_to_the_county(client, people):
    app = ready(client, people.resident, "dibao", relatives=[])
    assert app["near_relative"] is False
    step(client, people.resident, app["id"], "submit")
    assert step(client, people.township, app["id"], "accept")["status"] == "accepted"


def test_a_worker_never_acts_on_their_own_application(app, client, session, people):
    own = make_worker(app, client, "rules-own", "township", "330802001", profile=True)
    mine = ready(client, own, "dibao")
    assert mine["region_code"] == HOME
    step(client, own, mine["id"], "submit")
    before = detail(client, own, mine["id"])
    assert before["allowed_actions"] == ["withdraw"]

    for action in ("accept", "return", "pay_first"):
        response = attempt(client, own, mine["id"], action)
        assert response.status_code == 403, (action, response.json)
        assert response.json["error"] == "own_application"
    assert detail(client, own, mine["id"]) == before

    step(client, people.township, mine["id"], "accept")
    before = detail(client, own, mine["id"])
    response = attempt(client, own, mine["id"], "investigate")
    assert response.status_code == 403 and response.json["error"] == "own_application"
    assert detail(client, own, mine["id"]) == before
    listed = client.get(f"{BASE}?mine=true", headers=own).json
    assert [a["id"] for a in listed] == [mine["id"]]


# --- who sees what ---------------------------------------------------------------------------


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [a["id"] for a in response.json]


def test_a_resident_cannot_see_or_list_another_residents_application(client, people):
    app_id = ready(client, people.resident)["id"]
    step(client, people.resident, app_id, "submit")
    neighbour = make_person(client, "rules-neighbour")

    assert client.get(f"{BASE}/{app_id}", headers=neighbour).status_code == 404
    assert client.get(f"{BASE}/{app_id}/attachments", headers=neighbour).status_code == 404
    patch = client.patch(f"{BASE}/{app_id}", headers=neighbour, json={"version": 1})
    assert patch.status_code == 404
    assert app_id not in ids(client.get(BASE, headers=neighbour))
    assert app_id not in ids(client.get(f"{BASE}?mine=true", headers=neighbour))
    assert app_id in ids(client.get(BASE, headers=people.resident))


def test_a_workers_queue_lists_only_their_scope(app, client, people, outsiders):
    here = ready(client, people.resident)["id"]
    step(client, people.resident, here, "submit")
    elsewhere_resident = make_person(client, "rules-xinan", region=OTHER_COMMUNITY)
    there = ready(client, elsewhere_resident)["id"]
    step(client, elsewhere_resident, there, "submit")
    a_draft = draft(client, people.resident, "temporary")["id"]

    def queue(headers):
        return ids(client.get(f"{BASE}?page_size=100", headers=headers))

    for headers, scope in (
        (people.community, HOME),
        (people.township, "330802001"),
        (outsiders["township_elsewhere"], OTHER_TOWNSHIP),
        (people.county, "330802"),
        (outsiders["county_elsewhere"], OTHER_COUNTY),
    ):
        items = client.get(f"{BASE}?page_size=100", headers=headers).json
        assert all(item["region_code"].startswith(scope) for item in items), scope
        assert a_draft not in [item["id"] for item in items]
    assert here in queue(people.community) and there not in queue(people.community)
    assert here in queue(people.township) and there not in queue(people.township)
    assert there in queue(outsiders["township_elsewhere"])
    assert here not in queue(outsiders["township_elsewhere"])
    assert {here, there} <= set(queue(people.county))
    assert not {here, there} & set(queue(outsiders["county_elsewhere"]))


def test_overdue_lists_only_cases_past_their_deadline(client, session, people):
    late = ready(client, people.resident, "dibao")["id"]
    step(client, people.resident, late, "submit")
    on_time = ready(client, people.resident, "temporary")["id"]
    step(client, people.resident, on_time, "submit")
    session.execute(
        update(Application).where(Application.id == late).values(due_on=today() - timedelta(days=1))
    )
    session.flush()

    overdue = client.get(f"{BASE}?overdue=true&page_size=100", headers=people.township).json
    assert late in [a["id"] for a in overdue] and on_time not in [a["id"] for a in overdue]
    assert all(a["overdue"] and a["due_on"] < today().isoformat() for a in overdue)
    not_overdue = client.get(f"{BASE}?overdue=false&page_size=100", headers=people.township).json
    assert on_time in [a["id"] for a in not_overdue] and late not in [a["id"] for a in not_overdue]
    assert not any(a["overdue"] for a in not_overdue)
    assert detail(client, people.township, late)["overdue"] is True
    assert detail(client, people.township, on_time)["overdue"] is False


def test_the_queue_filters_by_status_and_program(client, people):
    dibao = ready(client, people.resident, "dibao")["id"]
    step(client, people.resident, dibao, "submit")
    temporary = ready(client, people.resident, "temporary")["id"]
    step(client, people.resident, temporary, "submit")
    step(client, people.township, temporary, "accept")

    accepted = ids(client.get(f"{BASE}?status=accepted&page_size=100", headers=people.township))
    assert temporary in accepted and dibao not in accepted
    both = ids(
        client.get(
            f"{BASE}?status=accepted&status=submitted&page_size=100", headers=people.township
        )
    )
    assert {dibao, temporary} <= set(both)
    only_dibao = ids(client.get(f"{BASE}?program=dibao&page_size=100", headers=people.township))
    assert dibao in only_dibao and temporary not in only_dibao


# --- withdraw ----------------------------------------------------------------------------------


def test_withdraw_by_the_applicant_from_submitted_works(client, session, people):
    app_id = ready(client, people.resident)["id"]
    step(client, people.resident, app_id, "submit")
    withdrawn = step(client, people.resident, app_id, "withdraw", comment="家里情况好转了。")
    assert withdrawn["status"] == "withdrawn" and withdrawn["due_on"] is None
    assert withdrawn["allowed_actions"] == []
    events = detail(client, people.resident, app_id)["events"]
    assert [e["action"] for e in events][-1] == "withdraw"
    assert events[-1]["from_status"] == "submitted" and events[-1]["comment"] == "家里情况好转了。"


@pytest.mark.parametrize("worker", ["community", "township", "county"])
def test_withdraw_by_a_worker_is_403(client, session, people, worker):
    app_id = ready(client, people.resident)["id"]
    step(client, people.resident, app_id, "submit")
    before = detail(client, people.resident, app_id)
    response = attempt(client, getattr(people, worker), app_id, "withdraw")
    assert response.status_code == 403, response.json
    assert response.json["error"] == "not_applicant"
    assert detail(client, people.resident, app_id) == before


# --- pay first (急难型临时救助) ------------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_pay_first_pays_once_and_the_case_stays_flagged_until_decided(
    client, session, people, assistance_settings, decision
):
    assistance_settings(notice_days=0)
    app_id = ready(client, people.resident, "temporary", emergency=True)["id"]
    step(client, people.resident, app_id, "submit")
    assert "pay_first" in detail(client, people.township, app_id)["allowed_actions"]

    paid = step(client, people.township, app_id, "pay_first", amount_fen=50_000)
    assert paid["paid_first_fen"] == 50_000 and paid["flagged"] is True
    assert paid["status"] == "submitted"
    assert "pay_first" not in paid["allowed_actions"]
    event = detail(client, people.resident, app_id)["events"][-1]
    assert event["action"] == "pay_first" and event["data"] == {"amount_fen": 50_000}

    before = detail(client, people.resident, app_id)
    again = attempt(client, people.township, app_id, "pay_first", amount_fen=10_000)
    assert again.status_code == 409, again.json
    assert again.json["error"] == "already_paid_first"
    assert detail(client, people.resident, app_id) == before

    assert step(client, people.township, app_id, "accept")["flagged"] is True
    again = attempt(client, people.township, app_id, "pay_first", amount_fen=10_000)
    assert again.status_code == 409
    assert step(client, people.community, app_id, "investigate", **investigation())["flagged"]
    if decision == "approve":
        assert step(client, people.township, app_id, "review", decision="approve")["flagged"]
        decided = step(client, people.county, app_id, "approve")
    else:
        reviewed = step(client, people.township, app_id, "review", decision="reject", reasons="无")
        assert reviewed["flagged"] is True
        decided = step(client, people.county, app_id, "reject", reasons="家庭收入超标。")
    assert decided["flagged"] is False and decided["paid_first_fen"] == 50_000


def test_pay_first_from_accepted_works(client, people):
    app_id = ready(client, people.resident, "temporary", emergency=True)["id"]
    step(client, people.resident, app_id, "submit")
    step(client, people.township, app_id, "accept")
    paid = step(client, people.township, app_id, "pay_first", amount_fen=1)
    assert paid["paid_first_fen"] == 1 and paid["status"] == "accepted"


def test_pay_first_up_to_the_default_cap_and_not_a_fen_more(client, people):
    app_id = ready(client, people.resident, "temporary", emergency=True)["id"]
    step(client, people.resident, app_id, "submit")
    before = detail(client, people.resident, app_id)
    for amount in (100_001, 0, -5):
        response = attempt(client, people.township, app_id, "pay_first", amount_fen=amount)
        assert response.status_code == 422, (amount, response.json)
        assert "amount_fen" in response.json["errors"]["json"]
    assert detail(client, people.resident, app_id) == before
    assert step(client, people.township, app_id, "pay_first", amount_fen=100_000)["flagged"]


def test_pay_first_cap_comes_from_configuration(client, people, assistance_settings):
    assistance_settings(pay_first_cap_fen=20_000)
    app_id = ready(client, people.resident, "temporary", emergency=True)["id"]
    step(client, people.resident, app_id, "submit")
    response = attempt(client, people.township, app_id, "pay_first", amount_fen=20_001)
    assert response.status_code == 422 and "amount_fen" in response.json["errors"]["json"]
    assert step(client, people.township, app_id, "pay_first", amount_fen=20_000)["flagged"]


@pytest.mark.parametrize(
    ("program", "fields"),
    [("temporary", {"emergency": False}), ("dibao", {}), ("dibao", {"emergency": True})],
)
def test_pay_first_outside_an_emergency_is_409(client, people, program, fields):
    app_id = ready(client, people.resident, program, **fields)["id"]
    step(client, people.resident, app_id, "submit")
    before = detail(client, people.resident, app_id)
    assert "pay_first" not in detail(client, people.township, app_id)["allowed_actions"]
    response = attempt(client, people.township, app_id, "pay_first", amount_fen=10_000)
    assert response.status_code == 409, response.json
    assert response.json["error"] == "not_emergency"
    assert detail(client, people.resident, app_id) == before


# --- 受委托代办: a community worker files for a resident --------------------------------------

MEMBERS = [{"relation": "self", "age": 81, "monthly_income_fen": 15_000}]
ELDER_PHONE = "13957001234"


def on_behalf(client, headers, number, region=HOME, expect=201):
    response = client.post(
        BASE,
        headers=headers,
        json={
            "program": "dibao",
            "applicant": {
                "real_name": "张桂兰",
                "id_number": number,
                "phone": ELDER_PHONE,
                "region_code": region,
            },
            "members": MEMBERS,
            "reason": "老人独居，不会用手机，委托社区代办。",
        },
    )
    assert response.status_code == expect, response.json
    return response.json


def test_a_community_worker_applies_for_a_resident_who_sees_it_on_logging_in(
    client, session, people
):
    number = id_number("19430506")
    filed = on_behalf(client, people.community, number)
    worker_id = client.get("/api/v1/me", headers=people.community).json["id"]
    assert filed["agent_id"] == worker_id and filed["applicant_name"] == "张**"
    assert filed["applicant_id_number"] == number[:6] + "********" + number[-4:]
    assert filed["region_code"] == HOME
    assert upload(client, people.community, filed["id"]).status_code == 201
    assert step(client, people.community, filed["id"], "submit")["status"] == "submitted"
    assert filed["id"] in ids(client.get(f"{BASE}?mine=true", headers=people.community))

    elder = make_person(client, "rules-elder", name="张桂兰", number=number, phone=ELDER_PHONE)
    assert filed["id"] in ids(client.get(BASE, headers=elder))
    seen = detail(client, elder, filed["id"])
    assert seen["status"] == "submitted" and seen["agent_id"] == worker_id
    assert [e["action"] for e in seen["events"]] == ["create", "submit"]
    assert "withdraw" in seen["allowed_actions"]


def test_filing_for_a_resident_outside_the_workers_scope_is_404(client, session, people):
    count = session.scalar(select(func.count()).select_from(Application))
    response = on_behalf(client, people.community, id_number(), OTHER_COMMUNITY, expect=404)
    assert response["error"] == "region_not_found"
    assert session.scalar(select(func.count()).select_from(Application)) == count


def test_a_resident_filing_for_someone_else_is_403(client, session, people):
    count = session.scalar(select(func.count()).select_from(Application))
    response = on_behalf(client, people.resident, id_number(), expect=403)
    assert response["error"] == "role_required"
    assert session.scalar(select(func.count()).select_from(Application)) == count


# --- one open application per program --------------------------------------------------------


def test_a_second_open_application_for_the_same_program_is_409_until_withdrawn(
    client, session, people
):
    first = draft(client, people.resident, "dibao")["id"]
    count = session.scalar(select(func.count()).select_from(Application))
    events = session.scalar(select(func.count()).select_from(ApplicationEvent))
    second = client.post(
        BASE,
        headers=people.resident,
        json={"program": "dibao", "reason": "再申请一次。"},
    )
    assert second.status_code == 409, second.json
    assert second.json["error"] == "open_application_exists"
    assert session.scalar(select(func.count()).select_from(Application)) == count
    assert session.scalar(select(func.count()).select_from(ApplicationEvent)) == events

    other_program = client.post(BASE, headers=people.resident, json={"program": "temporary"})
    assert other_program.status_code == 201, other_program.json

    step(client, people.resident, first, "withdraw")
    again = client.post(BASE, headers=people.resident, json={"program": "dibao"})
    assert again.status_code == 201, again.json
    assert again.json["id"] != first


def test_an_open_application_filed_on_behalf_blocks_a_second_by_the_resident(client, people):
    resident_number = "330802195001010012"  # the demo resident's
    draft(client, people.resident, "dibao")
    response = on_behalf(client, people.community, resident_number, expect=409)
    assert response["error"] == "open_application_exists"


def test_a_resident_filed_for_is_told_of_each_step_once_they_bind_their_id(client, session, people):
    number = id_number("19400202")
    filed = on_behalf(client, people.community, number)
    assert upload(client, people.community, filed["id"]).status_code == 201
    step(client, people.community, filed["id"], "submit")
    elder = make_person(client, "rules-elder-told", name="张桂兰", number=number, phone=ELDER_PHONE)
    elder_id = client.get("/api/v1/me", headers=elder).json["id"]

    step(client, people.township, filed["id"], "accept")

    titles = session.scalars(
        select(Notification.title).where(Notification.user_id == elder_id)
    ).all()
    assert "申请已受理" in titles


# --- editing and the full ID number ------------------------------------------------------------


@pytest.mark.parametrize("state", [s for s in STATES if s not in ("draft", "returned")])
def test_editing_outside_draft_or_returned_is_409(client, people, assistance_settings, state):
    app_id = reach(client, people, state, settings=assistance_settings)
    before = detail(client, people.resident, app_id)
    response = client.patch(
        f"{BASE}/{app_id}",
        headers=people.resident,
        json={"version": before["version"], "reason": "改一下原因。"},
    )
    assert response.status_code == 409, response.json
    assert response.json["error"] == "wrong_state"
    assert detail(client, people.resident, app_id) == before


@pytest.mark.parametrize("state", ["draft", "returned"])
def test_editing_a_draft_or_a_returned_application_works(
    client, people, assistance_settings, state
):
    app_id = reach(client, people, state, settings=assistance_settings)
    before = detail(client, people.resident, app_id)
    response = client.patch(
        f"{BASE}/{app_id}",
        headers=people.resident,
        json={"version": before["version"], "reason": "补充：老伴住院。", "relatives": RELATIVES},
    )
    assert response.status_code == 200, response.json
    assert response.json["reason"] == "补充：老伴住院。"
    assert response.json["near_relative"] is True
    assert response.json["version"] == before["version"] + 1


def test_the_full_id_number_is_shown_only_to_a_worker_in_scope(client, session, people, outsiders):
    app_id = ready(client, people.resident)["id"]
    step(client, people.resident, app_id, "submit")
    url = f"{BASE}/{app_id}/identity"
    shown = client.get(url, headers=people.township)
    assert shown.status_code == 200, shown.json
    assert shown.json["applicant_id_number"] == "330802195001010012"
    assert client.get(url, headers=people.resident).status_code == 403
    for headers in outsiders.values():
        assert client.get(url, headers=headers).status_code == 404
    listed = client.get(f"{BASE}/{app_id}", headers=people.township).json
    assert listed["applicant_id_number"] == "330802********0012"


def test_claiming_an_id_number_without_the_phone_on_file_shows_nothing(client, people):
    """Knowing someone's ID number is not enough to read or withdraw their case."""
    number = id_number("19430507")
    filed = on_behalf(client, people.community, number)
    stranger = make_person(client, "rules-stranger", name="冒名者", number=number)
    assert filed["id"] not in ids(client.get(BASE, headers=stranger))
    assert client.get(f"{BASE}/{filed['id']}", headers=stranger).status_code == 404


def test_the_worker_who_filed_for_a_resident_does_not_process_the_case(client, people):
    filed = on_behalf(client, people.township, id_number("19430508"))
    upload(client, people.township, filed["id"])
    step(client, people.township, filed["id"], "submit")
    refused = step(client, people.township, filed["id"], "accept", expect=403)
    assert refused["error"] == "own_filing"
