"""The assistance service called directly: standards, deadlines, the review and what is shown."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from server.errors import Conflict, NotFound, ValidationFailed
from server.models.assistance import Application, AssistanceStandard, Attachment, Objection
from server.models.users import User
from server.services import assistance as service
from server.services import users as users_service
from server.services.assistance import AssistanceSettings
from server.services.common import local_today
from tests.assistance_helpers import MEMBERS, VERIFIED

# Monday 2 March 2026, 10:00 in Quzhou.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
SETTINGS = AssistanceSettings()
NO_NOTICE = dataclasses.replace(SETTINGS, notice_days=0)

RESIDENT_ID_NUMBER = "330802195001010012"  # demo-resident (seed.py)
COMMUNITY = "330802001001"
OTHER_COUNTY_COMMUNITY = "330803001001"


def at(day: date) -> datetime:
    """10:00 in Quzhou on `day`."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def principal_of(session, openid: str):
    return users_service.principal_of(session.scalar(select(User).where(User.openid == openid)))


@pytest.fixture
def cipher(app):
    return app.extensions["minzheng.cipher"]


@pytest.fixture
def people(session):
    return SimpleNamespace(
        resident=principal_of(session, "demo-resident"),
        volunteer=principal_of(session, "demo-volunteer"),
        community=principal_of(session, "demo-worker-community"),
        township=principal_of(session, "demo-worker-township"),
        county=principal_of(session, "demo-worker-county"),
        admin=principal_of(session, "demo-admin"),
    )


def id_hash_of(session, principal):
    """The reader's keys as the service reads them (ID number hash, phone hash)."""
    return service._my_keys(session, principal)


def attach(session, application: Application, uploader) -> Attachment:
    attachment = Attachment(
        id=uuid.uuid4().hex,
        application_id=application.id,
        kind="身份证",
        filename="id.png",
        content_type="image/png",
        size=72,
        uploaded_by=uploader.id,
    )
    session.add(attachment)
    session.flush()
    return attachment


def new_application(session, people, cipher, program="dibao", *, document=True, **fields):
    """A draft of the demo resident's, complete unless told otherwise."""
    if program == "temporary":
        fields.setdefault("cause", "illness")
    values = {
        "members": MEMBERS,
        "assets": {"financial_fen": 100_000},
        "reason": "老两口退休金低，看病花钱多，生活困难。",
        **fields,
    }
    application = service.create_application(
        session, principal=people.resident, cipher=cipher, program=program, **values
    )
    if document:
        attach(session, application, people.resident)
    return application


def act(session, application, who, action, *, now=NOW, settings=SETTINGS, **payload):
    return service.act(
        session,
        principal=who,
        application_id=application.id,
        action=action,
        version=application.version,
        payload=payload,
        now=now,
        settings=settings,
    )


def investigate(session, application, people, *, now=NOW, members=VERIFIED, settings=SETTINGS):
    return act(
        session,
        application,
        people.community,
        "investigate",
        now=now,
        settings=settings,
        staff=["周丽萍", "陈建国"],
        visited_on=local_today(now),
        members=members,
        assets={"financial_fen": 100_000},
        notes="入户核实。",
    )


def to_notice(session, people, cipher, *, now=NOW, settings=NO_NOTICE) -> Application:
    """A 低保 application of the demo resident's, every step on the same day, now in notice."""
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit", now=now, settings=settings)
    act(session, application, people.township, "accept", now=now, settings=settings)
    investigate(session, application, people, now=now, settings=settings)
    act(
        session,
        application,
        people.township,
        "review",
        now=now,
        settings=settings,
        decision="approve",
    )
    assert application.status == "in_notice"
    return application


def approved_on(session, people, cipher, day: date) -> Application:
    application = to_notice(session, people, cipher, now=at(day))
    return act(session, application, people.county, "approve", now=at(day), settings=NO_NOTICE)


def object_to(session, application, who, *, now=NOW) -> Objection:
    return service.object_to_notice(
        session,
        principal=who,
        application_id=application.id,
        reason="他家儿子在城里开公司，收入很高。",
        today=local_today(now),
        settings=NO_NOTICE,
    )


def add_standard(session, people, *, region_code, effective_from, monthly_fen, is_urban=True):
    return service.add_standard(
        session,
        principal=people.county,
        program="dibao",
        region_code=region_code,
        is_urban=is_urban,
        effective_from=effective_from,
        monthly_fen=monthly_fen,
    )


def dibao_in_force(session, *, region_code=COMMUNITY, on: date, is_urban=True) -> int | None:
    row = service.standard_in_force(
        session, program="dibao", region_code=region_code, is_urban=is_urban, on=on
    )
    return row.monthly_fen if row else None


# --- standards ---------------------------------------------------------------------------------


def test_the_city_standard_in_force_is_the_latest_that_has_started(session):
    assert dibao_in_force(session, on=date(2012, 6, 1)) == 42_400
    assert dibao_in_force(session, on=date(2013, 1, 1)) == 48_000
    assert dibao_in_force(session, on=date(2026, 3, 2)) == 48_000
    assert dibao_in_force(session, on=date(2012, 6, 1), is_urban=False) == 27_200


def test_no_standard_is_in_force_before_the_first_one_starts(session):
    assert dibao_in_force(session, on=date(2011, 12, 31)) is None


def test_a_county_standard_beats_the_city_standard_inside_the_county(session, people):
    add_standard(
        session, people, region_code="330802", effective_from=date(2013, 7, 1), monthly_fen=50_000
    )
    assert dibao_in_force(session, on=date(2013, 6, 30)) == 48_000
    assert dibao_in_force(session, on=date(2013, 7, 1)) == 50_000
    assert dibao_in_force(session, region_code="330802", on=date(2013, 7, 1)) == 50_000


def test_a_county_standard_does_not_reach_other_counties_or_the_rural_rows(session, people):
    add_standard(
        session, people, region_code="330802", effective_from=date(2013, 7, 1), monthly_fen=50_000
    )
    assert (
        dibao_in_force(session, region_code=OTHER_COUNTY_COMMUNITY, on=date(2014, 1, 1)) == 48_000
    )
    assert dibao_in_force(session, on=date(2014, 1, 1), is_urban=False) == 33_200


def test_a_township_standard_beats_the_county_standard(session, people):
    add_standard(
        session, people, region_code="330802", effective_from=date(2013, 7, 1), monthly_fen=50_000
    )
    add_standard(
        session,
        people,
        region_code="330802001",
        effective_from=date(2013, 9, 1),
        monthly_fen=52_000,
    )
    assert dibao_in_force(session, on=date(2013, 10, 1)) == 52_000
    assert dibao_in_force(session, region_code="330802002001", on=date(2013, 10, 1)) == 50_000


def test_a_standard_that_starts_in_the_future_is_not_in_force_yet(session, people):
    add_standard(
        session, people, region_code="330802", effective_from=date(2013, 7, 1), monthly_fen=50_000
    )
    add_standard(
        session, people, region_code="330802", effective_from=date(2027, 1, 1), monthly_fen=60_000
    )
    assert dibao_in_force(session, on=date(2026, 12, 31)) == 50_000
    assert dibao_in_force(session, on=date(2027, 1, 1)) == 60_000


def test_a_standard_row_added_directly_is_read_like_any_other(session):
    session.add(
        AssistanceStandard(
            program="dibao",
            region_code="330803",
            is_urban=False,
            effective_from=date(2014, 1, 1),
            monthly_fen=40_000,
        )
    )
    session.flush()
    community = "330803003001"  # 廿里村
    assert dibao_in_force(
        session, region_code=community, on=date(2013, 12, 31), is_urban=False
    ) == (33_200)
    assert dibao_in_force(session, region_code=community, on=date(2014, 1, 1), is_urban=False) == (
        40_000
    )


def test_an_application_keeps_the_standard_in_force_on_the_day_it_was_submitted(
    session, people, cipher
):
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit")
    assert application.dibao_standard_fen == 48_000
    add_standard(
        session, people, region_code="330802", effective_from=date(2026, 3, 3), monthly_fen=60_000
    )

    later = at(date(2026, 3, 4))
    act(session, application, people.township, "accept", now=later)
    investigate(session, application, people, now=later)
    act(session, application, people.township, "review", now=later, decision="approve")
    session.expire_all()
    stored = session.get(Application, application.id)
    assert stored.dibao_standard_fen == 48_000
    # 480 × 2 − 360 yuan, not 600 × 2 − 360.
    assert stored.proposed_amount_fen == 60_000


def test_the_standard_in_force_is_read_on_the_local_date_of_submission(session, people, cipher):
    add_standard(
        session, people, region_code="330802", effective_from=date(2026, 3, 3), monthly_fen=60_000
    )
    application = new_application(session, people, cipher)
    # 17:00 UTC on 2 March is already 3 March in Quzhou.
    act(
        session, application, people.resident, "submit", now=datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    )
    assert application.dibao_standard_fen == 60_000
    assert application.number.startswith("DB-330802-2026-")


def test_programs_list_tekun_at_130_percent_of_dibao(session):
    programs = {
        p["code"]: p
        for p in service.list_programs(
            session, region_code="330802", on=date(2026, 3, 2), settings=SETTINGS
        )
    }
    assert (programs["dibao"]["standard_urban_fen"], programs["dibao"]["standard_rural_fen"]) == (
        48_000,
        33_200,
    )
    assert (programs["tekun"]["standard_urban_fen"], programs["tekun"]["standard_rural_fen"]) == (
        62_400,
        43_160,
    )
    assert programs["orphan"]["standard_urban_fen"] == 100_000


def test_programs_list_tekun_by_the_configured_multiple_and_the_local_dibao(session, people):
    add_standard(
        session, people, region_code="330802", effective_from=date(2026, 1, 1), monthly_fen=50_000
    )
    settings = dataclasses.replace(SETTINGS, tekun_multiple_percent=150)
    programs = {
        p["code"]: p
        for p in service.list_programs(
            session, region_code=COMMUNITY, on=date(2026, 3, 2), settings=settings
        )
    }
    assert programs["tekun"]["standard_urban_fen"] == 75_000


def test_programs_without_a_region_list_no_standards(session):
    programs = service.list_programs(
        session, region_code=None, on=date(2026, 3, 2), settings=SETTINGS
    )
    assert {p["standard_urban_fen"] for p in programs} == {None}
    assert {p["standard_rural_fen"] for p in programs} == {None}


# --- what is shown -----------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["resident", "township"])
def test_describe_never_shows_the_ciphertext_or_the_hash_and_masks_the_id_number(
    session, people, cipher, reader
):
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit")
    view = service.describe(
        session,
        application,
        principal=getattr(people, reader),
        cipher=cipher,
        today=local_today(NOW),
        detail=True,
    )
    assert "applicant_id_number_enc" not in view
    assert "applicant_id_number_hash" not in view
    assert view["applicant_id_number"] == "330802********0012"
    shown = repr(view)
    assert application.applicant_id_number_enc not in shown
    assert application.applicant_id_number_hash not in shown
    assert RESIDENT_ID_NUMBER not in shown


# --- who may do what ---------------------------------------------------------------------------


def allowed(session, application, who) -> list[str]:
    return service.allowed_actions(application, who, id_hash_of(session, who), NOW.date())


def test_the_applicant_may_submit_or_withdraw_a_draft(session, people, cipher):
    application = new_application(session, people, cipher)
    assert allowed(session, application, people.resident) == ["submit", "withdraw"]


def test_nobody_but_the_applicant_may_act_on_a_draft(session, people, cipher):
    application = new_application(session, people, cipher)
    for worker in (people.community, people.township, people.county):
        assert allowed(session, application, worker) == []


def test_the_township_may_accept_or_return_a_submitted_application(session, people, cipher):
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit")
    assert allowed(session, application, people.township) == ["accept", "return"]
    assert allowed(session, application, people.resident) == ["withdraw"]
    assert allowed(session, application, people.community) == []


def test_the_township_may_also_pay_first_for_an_emergency_temporary_case(session, people, cipher):
    application = new_application(session, people, cipher, "temporary", emergency=True)
    act(session, application, people.resident, "submit")
    assert allowed(session, application, people.township) == ["accept", "return", "pay_first"]

    act(session, application, people.township, "pay_first", amount_fen=50_000)
    assert application.flagged is True
    assert allowed(session, application, people.township) == ["accept", "return"]


def test_a_temporary_case_that_is_not_an_emergency_is_not_paid_first(session, people, cipher):
    application = new_application(session, people, cipher, "temporary", emergency=False)
    act(session, application, people.resident, "submit")
    assert allowed(session, application, people.township) == ["accept", "return"]


def test_a_near_relatives_case_goes_to_the_county(session, people, cipher):
    relative = {"name": "王建", "relation": "儿子", "workplace": "府山街道办事处"}
    application = new_application(session, people, cipher, relatives=[relative])
    act(session, application, people.resident, "submit")
    assert application.near_relative is True
    assert allowed(session, application, people.township) == []
    assert allowed(session, application, people.county) == ["accept", "return"]


def test_the_county_is_offered_no_decision_while_the_notice_runs(session, people, cipher):
    application = to_notice(session, people, cipher, settings=SETTINGS)
    assert application.notice_ends_on == date(2026, 3, 9)

    def offered(day):
        view = service.describe(
            session, application, principal=people.county, cipher=cipher, today=day
        )
        return view["allowed_actions"]

    # POLICY.md / issue 3: the county approves or rejects only after the notice has run.
    assert offered(date(2026, 3, 3)) == []
    assert offered(date(2026, 3, 9)) == ["approve", "reject"]


# --- deadlines ---------------------------------------------------------------------------------


def test_the_township_has_fifteen_working_days_after_submission(session, people, cipher):
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit")
    assert application.due_on == date(2026, 3, 23)


def test_the_submission_deadline_skips_the_configured_holidays(session, people, cipher):
    settings = dataclasses.replace(SETTINGS, holidays=frozenset({date(2026, 3, 10)}))
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit", settings=settings)
    assert application.due_on == date(2026, 3, 24)


def test_after_a_proposal_to_approve_the_county_has_ten_working_days_after_the_notice(
    session, people, cipher
):
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit")
    act(session, application, people.township, "accept", now=at(date(2026, 3, 3)))
    investigate(session, application, people, now=at(date(2026, 3, 4)))
    act(
        session,
        application,
        people.township,
        "review",
        now=at(date(2026, 3, 11)),
        decision="approve",
    )
    assert application.notice_starts_on == date(2026, 3, 11)
    assert application.notice_ends_on == date(2026, 3, 18)
    assert application.due_on == date(2026, 4, 1)


def test_after_a_proposal_to_reject_the_county_has_ten_working_days(session, people, cipher):
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit")
    act(session, application, people.township, "accept")
    investigate(session, application, people)
    act(
        session,
        application,
        people.township,
        "review",
        now=at(date(2026, 3, 11)),
        decision="reject",
        reasons="家庭存款超过规定。",
    )
    assert application.status == "reviewed"
    assert application.due_on == date(2026, 3, 25)


# --- completeness ------------------------------------------------------------------------------


def test_completeness_names_every_missing_field(session, people, cipher):
    application = service.create_application(
        session, principal=people.resident, cipher=cipher, program="medical"
    )
    problems = service.completeness_problems(session, application, SETTINGS)
    assert set(problems) == {"members", "reason", "medical_out_of_pocket_fen", "attachments"}


def test_completeness_names_each_wrong_member_field(session, people, cipher):
    members = [
        {"relation": "self", "age": 200, "monthly_income_fen": -1},
        {"relation": "cousin", "age": 30, "monthly_income_fen": 0},
    ]
    application = new_application(session, people, cipher, members=members)
    problems = service.completeness_problems(session, application, SETTINGS)
    assert set(problems) == {
        "members.0.age",
        "members.0.monthly_income_fen",
        "members.1.relation",
    }


def test_a_complete_application_has_no_problems(session, people, cipher):
    application = new_application(session, people, cipher)
    assert service.completeness_problems(session, application, SETTINGS) == {}


def test_submitting_an_incomplete_application_changes_nothing(session, people, cipher):
    application = new_application(session, people, cipher, document=False, reason="  ")
    with pytest.raises(ValidationFailed) as caught:
        act(session, application, people.resident, "submit")
    assert set(caught.value.errors["json"]) == {"reason", "attachments"}
    session.expire_all()
    stored = session.get(Application, application.id)
    assert (stored.status, stored.number, stored.due_on, stored.version) == ("draft", None, None, 1)


# --- objections --------------------------------------------------------------------------------


def test_an_objection_stays_open_until_a_new_investigation(session, people, cipher):
    application = to_notice(session, people, cipher, settings=AssistanceSettings())
    objection = object_to(session, application, people.volunteer)
    assert application.status == "accepted"
    assert application.proposal is None and application.notice_ends_on is None
    assert objection.resolved_at is None

    with pytest.raises(Conflict) as caught:
        act(session, application, people.county, "approve", settings=NO_NOTICE)
    assert caught.value.error == "wrong_state"
    assert session.get(Objection, objection.id).resolved_at is None

    later = at(date(2026, 3, 3))
    investigate(session, application, people, now=later, settings=NO_NOTICE)
    assert objection.resolved_at is not None
    act(
        session,
        application,
        people.township,
        "review",
        now=later,
        settings=NO_NOTICE,
        decision="approve",
    )
    act(session, application, people.county, "approve", now=later, settings=NO_NOTICE)
    assert application.status == "approved"


def test_an_open_objection_blocks_approval(session, people, cipher):
    application = to_notice(session, people, cipher)
    # An objection recorded while the case is still in notice (say, one that raced the first).
    session.add(
        Objection(application_id=application.id, user_id=people.volunteer.id, reason="收入不实。")
    )
    session.flush()
    with pytest.raises(Conflict) as caught:
        act(session, application, people.county, "approve", settings=NO_NOTICE)
    assert caught.value.error == "open_objection"
    session.expire_all()
    assert session.get(Application, application.id).status == "in_notice"


def test_an_objection_to_a_case_not_in_notice_finds_nothing(session, people, cipher):
    application = new_application(session, people, cipher)
    with pytest.raises(NotFound):
        object_to(session, application, people.volunteer)


def test_the_county_may_not_reject_while_the_notice_runs(session, people, cipher):
    application = to_notice(session, people, cipher, settings=SETTINGS)
    with pytest.raises(Conflict) as caught:
        act(session, application, people.county, "reject", reasons="家庭存款超过规定。")
    assert caught.value.error == "notice_not_over"
    session.expire_all()
    assert session.get(Application, application.id).status == "in_notice"


# --- the review --------------------------------------------------------------------------------


def test_a_proposal_to_approve_when_verified_income_reaches_the_standard_is_refused(
    session, people, cipher
):
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit")
    act(session, application, people.township, "accept")
    at_standard = [
        {"relation": "self", "age": 62, "monthly_income_fen": 48_000},
        {"relation": "spouse", "age": 60, "monthly_income_fen": 48_000},
    ]
    investigate(session, application, people, members=at_standard)
    with pytest.raises(ValidationFailed) as caught:
        act(session, application, people.township, "review", decision="approve")
    assert set(caught.value.errors["json"]) == {"decision"}
    session.expire_all()
    stored = session.get(Application, application.id)
    assert (stored.status, stored.proposal, stored.proposed_amount_fen) == (
        "investigated",
        None,
        None,
    )


def test_the_verified_household_not_the_declared_one_decides_the_amount(session, people, cipher):
    application = new_application(session, people, cipher)
    act(session, application, people.resident, "submit")
    act(session, application, people.township, "accept")
    verified = [*VERIFIED, {"relation": "grandchild", "age": 10, "monthly_income_fen": 0}]
    investigate(session, application, people, members=verified)

    assessment = service.assess_verified(application, SETTINGS)
    # Declared: 480 × 2 − 300 = 660 yuan; verified: 480 × 3 − 360 = 1080 yuan.
    assert (assessment.household_size, assessment.total_income_fen) == (3, 36_000)
    assert assessment.amount_fen == 108_000
    act(session, application, people.township, "review", decision="approve")
    assert application.proposed_amount_fen == 108_000
    assert application.verified_household_size == 3


@pytest.mark.parametrize(
    ("approved", "start_month", "review_due_on"),
    [
        (date(2026, 12, 31), date(2027, 1, 1), date(2027, 12, 31)),
        (date(2026, 1, 31), date(2026, 2, 1), date(2027, 1, 31)),
        (date(2026, 3, 2), date(2026, 4, 1), date(2027, 3, 2)),
        (date(2028, 2, 29), date(2028, 3, 1), date(2029, 2, 28)),
    ],
)
def test_payment_starts_the_month_after_approval_and_the_review_is_due_a_year_later(
    session, people, cipher, approved, start_month, review_due_on
):
    application = approved_on(session, people, cipher, approved)
    assert application.status == "approved"
    assert application.amount_fen == 60_000
    assert application.start_month == start_month
    assert application.review_due_on == review_due_on
    assert application.due_on is None


def test_an_approval_after_local_midnight_on_new_years_eve_starts_in_february(
    session, people, cipher
):
    # 16:30 UTC on 31 December 2026 is 00:30 on 1 January 2027 in Quzhou.
    now = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    application = to_notice(session, people, cipher, now=now)
    act(session, application, people.county, "approve", now=now, settings=NO_NOTICE)
    assert application.start_month == date(2027, 2, 1)
    assert application.review_due_on == date(2028, 1, 1)


def test_a_newer_city_standard_overrides_an_older_county_one(session, people):
    add_standard(
        session, people, region_code="330802", effective_from=date(2012, 6, 1), monthly_fen=45_000
    )
    assert dibao_in_force(session, on=date(2012, 12, 1)) == 45_000
    # The city's 2013 row (48 000) is newer than the county's 2012 one.
    assert dibao_in_force(session, on=date(2013, 6, 1)) == 48_000
