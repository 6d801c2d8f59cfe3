"""Eligibility rules: worked examples with the 2013 衢州 figures; properties of the arithmetic."""

from dataclasses import fields, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.errors import ValidationFailed
from server.services import eligibility
from server.services.eligibility import PROGRAMS, RELATIONS, Assets, Member, Rules, assess

# 衢州 2013 (POLICY.md, seed): 低保 per person per month; orphan basic living allowance.
URBAN_DIBAO = 48_000
RURAL_DIBAO = 33_200
URBAN_ORPHAN = 100_000
RURAL_ORPHAN = 60_000

URBAN = Rules(dibao_standard_fen=URBAN_DIBAO)
RURAL = Rules(dibao_standard_fen=RURAL_DIBAO)
NO_ASSETS = Assets()


def person(relation="self", age=40, income=0, **kwargs) -> Member:
    return Member(relation=relation, age=age, monthly_income_fen=income, **kwargs)


def reason(assessment, test):
    return next(r for r in assessment.reasons if r.test == test)


def errors_of(members, assets=NO_ASSETS) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        eligibility.validate_household(members, assets)
    assert caught.value.status == 422
    return caught.value.errors["json"]


# --- 低保: worked examples ----------------------------------------------------------------------


def test_a_three_person_urban_household_gets_the_gap_to_the_standard_for_everyone():
    members = [person(income=60_000), person("spouse"), person("child", age=10)]
    result = assess("dibao", members=members, assets=NO_ASSETS, rules=URBAN)
    assert result.eligible
    assert result.household_size == 3
    assert result.total_income_fen == 60_000
    assert result.per_capita_income_fen == 20_000
    assert result.amount_fen == 48_000 * 3 - 60_000 == 84_000
    assert result.amount_kind == "monthly"
    assert result.standard_fen == URBAN_DIBAO
    assert reason(result, "income_below_standard").message == (
        "家庭月人均收入 200.00 元，低于当地低保标准 480.00 元。"
    )


def test_a_rural_couple_is_judged_against_the_rural_standard():
    members = [person(age=70, income=20_000), person("spouse", age=68)]
    result = assess("dibao", members=members, assets=NO_ASSETS, rules=RURAL)
    assert result.eligible
    assert result.amount_fen == 33_200 * 2 - 20_000 == 46_400
    assert "332.00 元" in reason(result, "income_below_standard").message


def test_a_household_at_the_standard_is_not_eligible_and_gets_nothing():
    members = [person(income=96_000), person("spouse")]
    result = assess("dibao", members=members, assets=NO_ASSETS, rules=URBAN)
    assert not result.eligible
    assert result.amount_fen == 0
    income = reason(result, "income_below_standard")
    assert not income.passed
    assert income.message == "家庭月人均收入 480.00 元，不低于当地低保标准 480.00 元。"


def test_a_car_makes_a_poor_household_ineligible_and_the_reason_says_so():
    result = assess("dibao", members=[person()], assets=Assets(vehicles=1), rules=URBAN)
    assert not result.eligible
    assert result.amount_fen == 0
    vehicles = reason(result, "vehicles")
    assert not vehicles.passed
    assert vehicles.message == "家庭有机动车 1 辆，按规定不能有机动车。"
    assert reason(result, "income_below_standard").passed


def test_a_second_dwelling_makes_a_household_ineligible():
    result = assess("dibao", members=[person()], assets=Assets(properties=2), rules=URBAN)
    assert not result.eligible
    assert reason(result, "properties").message == "家庭有住房 2 套，按规定最多 1 套。"


def test_financial_assets_are_allowed_up_to_24_months_of_the_standard_per_person():
    limit = URBAN_DIBAO * 24  # 11 520.00 yuan per person
    members = [person(), person("spouse")]
    at_limit = assess("dibao", members=members, assets=Assets(financial_fen=2 * limit), rules=URBAN)
    assert at_limit.eligible
    assert "11520.00 元" in reason(at_limit, "assets_within_limit").message
    over = assess("dibao", members=members, assets=Assets(financial_fen=2 * limit + 2), rules=URBAN)
    assert not over.eligible
    assert not reason(over, "assets_within_limit").passed
    assert "超过了 11520.00 元" in reason(over, "assets_within_limit").message


def test_local_asset_rules_come_from_the_rules_not_from_constants():
    rules = Rules(dibao_standard_fen=URBAN_DIBAO, max_vehicles=1, max_properties=2)
    assets = Assets(vehicles=1, properties=2)
    assert assess("dibao", members=[person()], assets=assets, rules=rules).eligible


def test_every_dibao_reason_is_reported_whether_it_passed_or_failed():
    result = assess("dibao", members=[person()], assets=NO_ASSETS, rules=URBAN)
    tests = [r.test for r in result.reasons]
    assert tests == ["income_below_standard", "assets_within_limit", "vehicles", "properties"]
    assert all(r.passed for r in result.reasons)
    assert reason(result, "vehicles").message == "家庭没有机动车，符合规定。"


# --- 特困 -------------------------------------------------------------------------------------


def test_an_old_person_living_alone_with_no_income_gets_the_tekun_standard():
    result = assess("tekun", members=[person(age=75)], assets=NO_ASSETS, rules=URBAN)
    assert result.eligible
    assert result.standard_fen == 48_000 * 130 // 100 == 62_400
    assert result.amount_fen == 62_400
    assert reason(result, "age_or_disability").message == "申请人 75 岁，已满 60 岁。"
    assert "624.00 元" in reason(result, "income_below_standard").message


def test_the_rural_tekun_standard_is_130_percent_of_the_rural_dibao():
    result = assess("tekun", members=[person(age=80)], assets=NO_ASSETS, rules=RURAL)
    assert result.amount_fen == result.standard_fen == 43_160


def test_an_old_person_with_a_working_age_son_has_support_and_is_not_tekun():
    members = [person(age=70), person("child", age=40)]
    result = assess("tekun", members=members, assets=NO_ASSETS, rules=URBAN)
    assert not result.eligible
    assert result.amount_fen == 0
    support = reason(result, "no_support")
    assert not support.passed
    assert "1 位 18 到 59 岁" in support.message


def test_a_severely_disabled_son_cannot_support_his_old_mother():
    members = [person(age=70, income=10_000), person("child", age=40, disability_grade=1)]
    result = assess("tekun", members=members, assets=NO_ASSETS, rules=URBAN)
    assert result.eligible
    assert result.amount_fen == 62_400 * 2 - 10_000


@pytest.mark.parametrize(
    ("age", "grade", "eligible"),
    [
        (12, None, True),
        (17, None, True),
        (18, None, False),
        (30, 1, True),
        (30, 2, True),
        (30, 3, False),
        (59, None, False),
        (60, None, True),
    ],
)
def test_tekun_covers_the_old_the_severely_disabled_and_minors(age, grade, eligible):
    applicant = person(age=age, disability_grade=grade)
    result = assess("tekun", members=[applicant], assets=NO_ASSETS, rules=URBAN)
    assert result.eligible is eligible
    assert reason(result, "age_or_disability").passed is eligible


def test_a_tekun_applicant_with_enough_income_is_not_eligible():
    result = assess("tekun", members=[person(age=70, income=62_400)], assets=NO_ASSETS, rules=URBAN)
    assert not result.eligible
    assert result.amount_fen == 0


# --- 孤儿 -------------------------------------------------------------------------------------


def test_an_urban_orphan_gets_the_urban_orphan_allowance_whatever_the_income():
    rules = replace(URBAN, program_standard_fen=URBAN_ORPHAN)
    members = [person(age=10, income=500_000), person("grandparent", age=70)]
    result = assess("orphan", members=members, assets=NO_ASSETS, rules=rules)
    assert result.eligible
    assert result.standard_fen == result.amount_fen == 100_000
    assert result.amount_kind == "monthly"
    assert (
        reason(result, "no_income_test").message == "孤儿基本生活费不看家庭收入，每月 1000.00 元。"
    )


def test_a_rural_orphan_gets_the_rural_orphan_allowance():
    rules = replace(RURAL, program_standard_fen=RURAL_ORPHAN)
    result = assess("orphan", members=[person(age=3)], assets=NO_ASSETS, rules=rules)
    assert result.eligible
    assert result.amount_fen == 60_000


def test_an_adult_is_not_an_orphan_for_the_allowance():
    rules = replace(URBAN, program_standard_fen=URBAN_ORPHAN)
    result = assess("orphan", members=[person(age=18)], assets=NO_ASSETS, rules=rules)
    assert not result.eligible
    assert result.amount_fen == 0
    assert "已满 18 岁" in reason(result, "age").message


def test_the_orphan_program_without_its_standard_is_a_configuration_error():
    with pytest.raises(ValueError):
        assess("orphan", members=[person(age=5)], assets=NO_ASSETS, rules=URBAN)


# --- 临时救助 ---------------------------------------------------------------------------------


def test_temporary_assistance_is_three_months_of_the_standard_for_the_household_at_once():
    members = [person(income=100_000), person("child", age=8)]
    result = assess("temporary", members=members, assets=NO_ASSETS, rules=URBAN)
    assert result.eligible
    assert result.amount_kind == "one_off"
    assert result.amount_fen == 48_000 * 2 * 3 == 288_000
    low_income = reason(result, "income_below_low_income_line")
    assert low_income.message == (
        "家庭月人均收入 500.00 元，低于低收入标准 720.00 元（低保标准的 150%）。"
    )
    assert "2880.00 元" in reason(result, "amount_estimate").message


def test_temporary_assistance_stops_at_the_low_income_line():
    members = [person(income=144_000), person("child", age=8)]  # 720.00 yuan each
    result = assess("temporary", members=members, assets=NO_ASSETS, rules=URBAN)
    assert not result.eligible
    assert result.amount_fen == 0


def test_temporary_assistance_checks_assets_too():
    result = assess("temporary", members=[person()], assets=Assets(vehicles=2), rules=URBAN)
    assert not result.eligible


# --- 医疗救助 ---------------------------------------------------------------------------------


def test_medical_assistance_pays_70_percent_of_the_out_of_pocket_cost():
    result = assess(
        "medical",
        members=[person(income=60_000)],
        assets=NO_ASSETS,
        rules=URBAN,
        medical_out_of_pocket_fen=1_000_000,
    )
    assert result.eligible
    assert result.amount_kind == "one_off"
    assert result.amount_fen == 700_000
    assert reason(result, "medical_share_and_cap").message == (
        "医疗救助按自付费用的 70% 支付，每年最多 50000.00 元，本次为 7000.00 元。"
    )


def test_medical_assistance_is_capped_per_year():
    result = assess(
        "medical",
        members=[person()],
        assets=NO_ASSETS,
        rules=URBAN,
        medical_out_of_pocket_fen=10_000_000,
    )
    assert result.amount_fen == 5_000_000
    assert "已按上限计算" in reason(result, "medical_share_and_cap").message


def test_medical_assistance_needs_an_out_of_pocket_cost():
    result = assess("medical", members=[person()], assets=NO_ASSETS, rules=URBAN)
    assert not result.eligible
    assert result.amount_fen == 0
    assert not reason(result, "has_medical_cost").passed


def test_medical_assistance_is_for_low_income_households_only():
    result = assess(
        "medical",
        members=[person(income=72_000)],
        assets=NO_ASSETS,
        rules=URBAN,
        medical_out_of_pocket_fen=1_000_000,
    )
    assert not result.eligible
    assert result.amount_fen == 0


# --- 残疾儿童康复 -----------------------------------------------------------------------------


def test_a_poor_household_with_a_disabled_child_qualifies_for_rehabilitation():
    members = [person(age=35, income=50_000), person("child", age=6, disability_grade=3)]
    result = assess("child_rehab", members=members, assets=NO_ASSETS, rules=RURAL)
    assert result.eligible
    assert result.amount_fen == 0
    assert result.amount_kind == "monthly"
    assert "由康复机构确定" in reason(result, "amount_estimate").message
    assert reason(result, "has_disability").passed


def test_the_rehabilitation_subsidy_is_the_configured_one_when_there_is_one():
    rules = replace(RURAL, program_standard_fen=30_000)
    members = [person(age=9, disability_grade=2), person("parent", age=35)]
    result = assess("child_rehab", members=members, assets=NO_ASSETS, rules=rules)
    assert result.eligible
    assert result.amount_fen == 30_000


def test_rehabilitation_needs_a_disabled_child_under_18():
    members = [person(age=35), person("child", age=18, disability_grade=1)]
    result = assess("child_rehab", members=members, assets=NO_ASSETS, rules=RURAL)
    assert not result.eligible
    assert reason(result, "has_disability").message == "家中没有未满 18 岁的残疾儿童。"


def test_rehabilitation_is_for_low_income_households_only():
    members = [person(age=35, income=200_000), person("child", age=6, disability_grade=3)]
    result = assess("child_rehab", members=members, assets=NO_ASSETS, rules=RURAL)
    assert not result.eligible


# --- validation -------------------------------------------------------------------------------


def test_an_empty_household_is_refused_on_members():
    assert set(errors_of([])) == {"members"}


@pytest.mark.parametrize("size", [21, 10_000])
def test_a_household_of_more_than_20_is_refused_on_members_alone(size):
    members = [person(), *[person("other", income=-1) for _ in range(size - 1)]]
    assert set(errors_of(members)) == {"members"}


def test_twenty_members_are_accepted():
    eligibility.validate_household([person(), *[person("other")] * 19], NO_ASSETS)


def test_two_applicants_are_refused_on_members():
    errors = errors_of([person(), person()])
    assert set(errors) == {"members"}
    assert "2 位" in errors["members"][0]


def test_a_household_without_an_applicant_is_refused_on_members():
    assert set(errors_of([person("spouse")])) == {"members"}


def test_an_unknown_relation_is_named_by_its_position():
    members = [person(), person("spouse"), person("cousin")]
    assert set(errors_of(members)) == {"members.2.relation"}


def test_a_negative_income_is_named_by_its_position():
    assert set(errors_of([person(), person("child", income=-1)])) == {
        "members.1.monthly_income_fen"
    }


def test_an_age_of_131_is_refused_and_130_accepted():
    assert set(errors_of([person(age=131)])) == {"members.0.age"}
    eligibility.validate_household([person(age=130)], NO_ASSETS)


def test_money_as_a_float_is_refused():
    assert set(errors_of([person(income=100.5)])) == {"members.0.monthly_income_fen"}


def test_every_wrong_field_is_named_at_once():
    members = [
        person(age=-1, disability_grade=5),
        person("friend", income=-5),
        person("self"),
    ]
    assets = Assets(financial_fen=-1, vehicles=-1, properties=-1)
    errors = errors_of(members, assets)
    assert set(errors) == {
        "members",
        "members.0.age",
        "members.0.disability_grade",
        "members.1.relation",
        "members.1.monthly_income_fen",
        "assets.financial_fen",
        "assets.vehicles",
        "assets.properties",
    }
    assert all(isinstance(m, str) for messages in errors.values() for m in messages)


def test_assess_validates_the_household_and_the_program_together():
    with pytest.raises(ValidationFailed) as caught:
        assess("pension", members=[person(income=-1)], assets=NO_ASSETS, rules=URBAN)
    assert set(caught.value.errors["json"]) == {"program", "members.0.monthly_income_fen"}


def test_an_unknown_program_is_refused_on_program():
    with pytest.raises(ValidationFailed) as caught:
        assess("pension", members=[person()], assets=NO_ASSETS, rules=URBAN)
    assert set(caught.value.errors["json"]) == {"program"}


def test_a_negative_medical_cost_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        assess(
            "medical",
            members=[person()],
            assets=NO_ASSETS,
            rules=URBAN,
            medical_out_of_pocket_fen=-1,
        )
    assert set(caught.value.errors["json"]) == {"medical_out_of_pocket_fen"}


def test_a_float_in_the_rules_is_a_configuration_error():
    with pytest.raises(ValueError):
        assess("dibao", members=[person()], assets=NO_ASSETS, rules=Rules(dibao_standard_fen=480.0))


# --- properties -------------------------------------------------------------------------------

standards = st.integers(min_value=1, max_value=200_000)
incomes = st.integers(min_value=0, max_value=1_000_000)
grades = st.one_of(st.none(), st.integers(min_value=1, max_value=4))


any_age = st.integers(min_value=0, max_value=130)


def member_of(relation: str, ages=any_age):
    return st.builds(
        Member,
        relation=st.just(relation),
        age=ages,
        monthly_income_fen=incomes,
        disability_grade=grades,
        student=st.booleans(),
    )


others = st.lists(st.sampled_from(RELATIONS[1:]).flatmap(member_of), max_size=7)
households = st.builds(lambda applicant, rest: [applicant, *rest], member_of("self"), others)
rules_st = st.builds(
    Rules,
    dibao_standard_fen=standards,
    tekun_multiple_percent=st.integers(min_value=100, max_value=200),
    max_vehicles=st.integers(min_value=0, max_value=1),
    max_properties=st.integers(min_value=0, max_value=2),
)
any_assets = st.builds(
    Assets,
    financial_fen=st.integers(min_value=0, max_value=10**10),
    vehicles=st.integers(min_value=0, max_value=2),
    properties=st.integers(min_value=0, max_value=3),
)
# A 特困 household where the applicant qualifies and nobody can support them.
old = st.integers(min_value=60, max_value=130)
not_supporting = st.one_of(st.integers(min_value=0, max_value=17), old)
tekun_households = st.builds(
    lambda applicant, rest: [applicant, *rest],
    member_of("self", old),
    st.lists(
        st.sampled_from(RELATIONS[1:]).flatmap(lambda r: member_of(r, not_supporting)), max_size=5
    ),
)
income_programs = st.sampled_from(["dibao", "tekun"])


@given(
    program=st.sampled_from(PROGRAMS),
    members=households,
    assets=any_assets,
    rules=rules_st,
    cost=st.integers(min_value=0, max_value=10**8),
)
def test_no_program_ever_gives_a_negative_amount_or_a_float(program, members, assets, rules, cost):
    rules = replace(rules, program_standard_fen=rules.dibao_standard_fen * 2)
    result = assess(
        program, members=members, assets=assets, rules=rules, medical_out_of_pocket_fen=cost
    )
    assert result.amount_fen >= 0
    for field in fields(result):
        value = getattr(result, field.name)
        assert not isinstance(value, float)
    for name in (
        "standard_fen",
        "household_size",
        "total_income_fen",
        "per_capita_income_fen",
        "amount_fen",
    ):
        assert type(getattr(result, name)) is int
    assert result.eligible == all(r.passed for r in result.reasons)
    assert result.eligible or result.amount_fen == 0
    assert all(r.message.endswith("。") for r in result.reasons)


@given(program=income_programs, members=households, assets=any_assets, rules=rules_st)
def test_the_reasons_always_include_the_income_test(program, members, assets, rules):
    result = assess(program, members=members, assets=assets, rules=rules)
    income = reason(result, "income_below_standard")
    assert f"{eligibility.yuan(result.per_capita_income_fen)} 元" in income.message
    assert f"{eligibility.yuan(result.standard_fen)} 元" in income.message
    assert income.passed == (result.total_income_fen < result.standard_fen * len(members))


@given(
    program=income_programs, members=households, assets=any_assets, rules=rules_st, data=st.data()
)
def test_the_amount_never_grows_when_someone_earns_more(program, members, assets, rules, data):
    index = data.draw(st.integers(min_value=0, max_value=len(members) - 1))
    raise_by = data.draw(st.integers(min_value=0, max_value=1_000_000))
    richer = list(members)
    richer[index] = replace(
        members[index], monthly_income_fen=members[index].monthly_income_fen + raise_by
    )
    before = assess(program, members=members, assets=assets, rules=rules)
    after = assess(program, members=richer, assets=assets, rules=rules)
    assert after.amount_fen <= before.amount_fen


@given(members=households, rules=rules_st)
def test_dibao_is_zero_exactly_when_income_reaches_the_standard(members, rules):
    result = assess("dibao", members=members, assets=NO_ASSETS, rules=rules)
    n = len(members)
    total = sum(m.monthly_income_fen for m in members)
    assert (result.amount_fen == 0) == (total >= rules.dibao_standard_fen * n)
    if result.eligible:
        assert result.amount_fen == rules.dibao_standard_fen * n - total
        if total % n == 0:
            assert result.amount_fen == (rules.dibao_standard_fen - total // n) * n


@given(members=tekun_households, rules=rules_st)
def test_tekun_is_zero_exactly_when_income_reaches_the_tekun_standard(members, rules):
    result = assess("tekun", members=members, assets=NO_ASSETS, rules=rules)
    standard = rules.dibao_standard_fen * rules.tekun_multiple_percent // 100
    total = sum(m.monthly_income_fen for m in members)
    assert result.standard_fen == standard
    assert (result.amount_fen == 0) == (total >= standard * len(members))


@given(rules=rules_st, age=st.integers(min_value=0, max_value=130), grade=grades)
def test_a_household_of_one_with_no_income_gets_exactly_the_standard(rules, age, grade):
    alone = [Member(relation="self", age=age, monthly_income_fen=0, disability_grade=grade)]
    dibao = assess("dibao", members=alone, assets=NO_ASSETS, rules=rules)
    assert dibao.amount_fen == rules.dibao_standard_fen
    tekun = assess("tekun", members=alone, assets=NO_ASSETS, rules=rules)
    if reason(tekun, "age_or_disability").passed:
        assert tekun.amount_fen == rules.dibao_standard_fen * rules.tekun_multiple_percent // 100


@given(members=households, assets=any_assets)
def test_every_well_formed_household_passes_validation(members, assets):
    eligibility.validate_household(members, assets)


@given(fen=st.integers(min_value=-(10**12), max_value=10**12))
def test_yuan_shows_fen_with_two_decimals(fen):
    text = eligibility.yuan(fen)
    whole, cents = text.lstrip("-").split(".")
    assert len(cents) == 2
    assert (int(whole) * 100 + int(cents)) * (-1 if text.startswith("-") else 1) == fen
