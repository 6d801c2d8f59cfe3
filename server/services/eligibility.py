"""Eligibility: judge a household against a program's rules, with reasons a resident can read.

Rules from POLICY.md (低保, 特困, 临时救助, 医疗救助, 孤儿 and children). Pure functions, no I/O:
the local figures arrive as `Rules` (from the database or configuration, never constants here).
Money is integer fen everywhere (1 yuan = 100 fen); no float is ever computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from server.errors import ValidationFailed

RELATIONS = ("self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other")
PROGRAMS = ("dibao", "tekun", "temporary", "medical", "orphan", "child_rehab")

MAX_MEMBERS = 20
MAX_AGE = 130
ADULT_AGE = 18
ELDERLY_AGE = 60
DISABILITY_GRADES = (1, 2, 3, 4)
GRADE_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


@dataclass(frozen=True)
class Member:
    relation: str  # one of RELATIONS; exactly one member is "self" (the applicant)
    age: int  # 0..130
    monthly_income_fen: int  # >= 0
    disability_grade: int | None = None  # 1 (most severe) .. 4, or None
    student: bool = False


@dataclass(frozen=True)
class Assets:
    financial_fen: int = 0  # savings, deposits, securities: >= 0
    vehicles: int = 0  # >= 0
    properties: int = 0  # dwellings owned, >= 0


@dataclass(frozen=True)
class Rules:
    """The local rules as data (they come from the database/configuration, never constants)."""

    dibao_standard_fen: int  # the 低保 standard in force (per person per month)
    program_standard_fen: int | None = None  # the program's own standard (orphan); None otherwise
    tekun_multiple_percent: int = 130  # 特困 basic living standard = 低保 × 130%
    asset_months: int = 24  # per-capita financial assets <= 低保 standard × this many months
    max_vehicles: int = 0
    max_properties: int = 1
    low_income_percent: int = 150  # 低收入 line: per-capita income below 低保 × 150%
    temporary_months: int = 3  # 临时救助 estimate: 低保 standard × household size × this, one-off
    medical_share_percent: int = 70  # 医疗救助 pays this share of the out-of-pocket cost ...
    medical_yearly_cap_fen: int = 5_000_000  # ... up to this per year
    severe_disability_max_grade: int = 2  # grades 1..this count as severe (特困: unable to work)


@dataclass(frozen=True)
class Reason:
    test: str  # snake_case id, e.g. "income_below_standard", "assets_within_limit"
    passed: bool
    message: str  # plain Chinese sentence


@dataclass(frozen=True)
class Assessment:
    program: str
    eligible: bool
    standard_fen: int  # the standard used for this program (tekun: the 1.3× one; orphan: its own)
    household_size: int
    total_income_fen: int
    per_capita_income_fen: int  # total // size (floor)
    amount_fen: int  # monthly, except temporary (one-off) and medical (yearly cap applied)
    amount_kind: str  # "monthly" | "one_off"
    reasons: tuple[Reason, ...]


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, e.g. 48000 → "480.00"; integer arithmetic only."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def _is_int(value) -> bool:
    # bool is an int subclass, and a float is never money: both are refused.
    return isinstance(value, int) and not isinstance(value, bool)


def _member_problems(index: int, member) -> dict[str, list[str]]:
    prefix = f"members.{index}"
    if not isinstance(member, Member):
        return {prefix: ["家庭成员的格式不正确。"]}
    problems: dict[str, list[str]] = {}
    if member.relation not in RELATIONS:
        problems[f"{prefix}.relation"] = ["与申请人的关系不在可选范围内。"]
    if not _is_int(member.age):
        problems[f"{prefix}.age"] = ["年龄应为整数。"]
    elif not 0 <= member.age <= MAX_AGE:
        problems[f"{prefix}.age"] = [f"年龄应在 0 到 {MAX_AGE} 岁之间。"]
    if not _is_int(member.monthly_income_fen):
        problems[f"{prefix}.monthly_income_fen"] = ["月收入应为整数（单位：分）。"]
    elif member.monthly_income_fen < 0:
        problems[f"{prefix}.monthly_income_fen"] = ["月收入不能是负数。"]
    grade = member.disability_grade
    if grade is not None and (not _is_int(grade) or grade not in DISABILITY_GRADES):
        problems[f"{prefix}.disability_grade"] = ["残疾等级应为一级到四级。"]
    return problems


def _assets_problems(assets) -> dict[str, list[str]]:
    if not isinstance(assets, Assets):
        return {"assets": ["家庭财产的格式不正确。"]}
    labels = {"financial_fen": "金融资产", "vehicles": "机动车数量", "properties": "住房数量"}
    problems: dict[str, list[str]] = {}
    for name, label in labels.items():
        value = getattr(assets, name)
        if not _is_int(value):
            problems[f"assets.{name}"] = [f"{label}应为整数。"]
        elif value < 0:
            problems[f"assets.{name}"] = [f"{label}不能是负数。"]
    return problems


def _household_problems(members: Sequence[Member], assets: Assets) -> dict[str, list[str]]:
    problems = _assets_problems(assets)
    if not members:
        problems["members"] = ["请至少填写一位家庭成员（申请人本人）。"]
        return problems
    if len(members) > MAX_MEMBERS:
        # Too many to be a household: said once, without looking at each of them.
        problems["members"] = [f"家庭成员最多 {MAX_MEMBERS} 人。"]
        return problems
    for index, member in enumerate(members):
        problems.update(_member_problems(index, member))
    selves = sum(1 for m in members if isinstance(m, Member) and m.relation == "self")
    if selves == 0:
        problems["members"] = ["家庭成员中应有申请人本人（关系为“本人”）。"]
    elif selves > 1:
        problems["members"] = [f"申请人本人只能有一位，现在有 {selves} 位。"]
    return problems


def validate_household(members: Sequence[Member], assets: Assets) -> None:
    """Raise ValidationFailed naming every wrong field of the household at once."""
    problems = _household_problems(members, assets)
    if problems:
        raise ValidationFailed(problems)


def _check_rules(rules: Rules) -> None:
    # Rules are configuration, not user input: a bad one is a programming error.
    if not isinstance(rules, Rules):
        raise ValueError("rules must be a Rules")
    for field in fields(Rules):
        value = getattr(rules, field.name)
        if value is None and field.name == "program_standard_fen":
            continue
        if not _is_int(value) or value < 0:
            raise ValueError(f"rule {field.name} must be a non-negative int, got {value!r}")
    if rules.dibao_standard_fen == 0:
        raise ValueError("rule dibao_standard_fen must be positive")


# --- the tests, each one Reason ----------------------------------------------------------------


def _income_reason(total: int, n: int, standard: int, label: str) -> Reason:
    per_capita = total // n
    if total < standard * n:
        message = f"家庭月人均收入 {yuan(per_capita)} 元，低于{label} {yuan(standard)} 元。"
        return Reason("income_below_standard", True, message)
    message = f"家庭月人均收入 {yuan(per_capita)} 元，不低于{label} {yuan(standard)} 元。"
    return Reason("income_below_standard", False, message)


def _low_income_reason(total: int, n: int, rules: Rules) -> Reason:
    per_capita = total // n
    percent = rules.low_income_percent
    # The line may fall between two fen; the comparison is exact, the figure shown rounded down.
    line = rules.dibao_standard_fen * percent // 100
    label = f"低收入标准 {yuan(line)} 元（低保标准的 {percent}%）"
    if total * 100 < rules.dibao_standard_fen * percent * n:
        return Reason(
            "income_below_low_income_line",
            True,
            f"家庭月人均收入 {yuan(per_capita)} 元，低于{label}。",
        )
    return Reason(
        "income_below_low_income_line",
        False,
        f"家庭月人均收入 {yuan(per_capita)} 元，不低于{label}。",
    )


def _asset_reasons(assets: Assets, n: int, rules: Rules) -> list[Reason]:
    per_capita = assets.financial_fen // n
    limit = rules.dibao_standard_fen * rules.asset_months
    basis = f"（低保标准 {yuan(rules.dibao_standard_fen)} 元的 {rules.asset_months} 倍）"
    if per_capita <= limit:
        financial = Reason(
            "assets_within_limit",
            True,
            f"家庭人均存款等金融资产 {yuan(per_capita)} 元，没有超过 {yuan(limit)} 元{basis}。",
        )
    else:
        financial = Reason(
            "assets_within_limit",
            False,
            f"家庭人均存款等金融资产 {yuan(per_capita)} 元，超过了 {yuan(limit)} 元{basis}。",
        )
    return [
        financial,
        _count_reason("vehicles", "机动车", "辆", assets.vehicles, rules.max_vehicles),
        _count_reason("properties", "住房", "套", assets.properties, rules.max_properties),
    ]


def _count_reason(test: str, thing: str, unit: str, count: int, limit: int) -> Reason:
    if count <= limit:
        have = f"家庭有{thing} {count} {unit}" if count else f"家庭没有{thing}"
        return Reason(test, True, f"{have}，符合规定。")
    allowed = f"最多 {limit} {unit}" if limit else f"不能有{thing}"
    return Reason(test, False, f"家庭有{thing} {count} {unit}，按规定{allowed}。")


def _applicant(members: Sequence[Member]) -> Member:
    return next(m for m in members if m.relation == "self")


def _severe(member: Member, rules: Rules) -> bool:
    grade = member.disability_grade
    return grade is not None and grade <= rules.severe_disability_max_grade


def _tekun_category_reason(applicant: Member, rules: Rules) -> Reason:
    if applicant.age >= ELDERLY_AGE:
        return Reason("age_or_disability", True, f"申请人 {applicant.age} 岁，已满 60 岁。")
    if _severe(applicant, rules):
        grade = GRADE_NAMES[applicant.disability_grade]
        return Reason("age_or_disability", True, f"申请人是{grade}残疾，属于重度残疾。")
    if applicant.age < ADULT_AGE:
        return Reason("age_or_disability", True, f"申请人 {applicant.age} 岁，未满 18 岁。")
    return Reason(
        "age_or_disability",
        False,
        f"申请人 {applicant.age} 岁，不满 60 岁，已成年，也没有重度残疾。",
    )


def _no_support_reason(members: Sequence[Member], rules: Rules) -> Reason:
    supporters = [
        m
        for m in members
        if m.relation != "self" and ADULT_AGE <= m.age < ELDERLY_AGE and not _severe(m, rules)
    ]
    if not supporters:
        return Reason("no_support", True, "家中没有 18 到 59 岁、能够赡养或扶养申请人的其他成员。")
    return Reason(
        "no_support",
        False,
        f"家中有 {len(supporters)} 位 18 到 59 岁、没有重度残疾的成员，可以赡养或扶养申请人。",
    )


# --- the programs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Household:
    members: Sequence[Member]
    assets: Assets
    size: int
    total_income: int


def _dibao(home: _Household, rules: Rules) -> tuple[int, int, list[Reason]]:
    standard = rules.dibao_standard_fen
    reasons = [_income_reason(home.total_income, home.size, standard, "当地低保标准")]
    reasons += _asset_reasons(home.assets, home.size, rules)
    return standard, max(0, standard * home.size - home.total_income), reasons


def _tekun(home: _Household, rules: Rules) -> tuple[int, int, list[Reason]]:
    percent = rules.tekun_multiple_percent
    standard = rules.dibao_standard_fen * percent // 100
    label = f"特困人员基本生活标准（低保标准的 {percent}%）"
    reasons = [
        _tekun_category_reason(_applicant(home.members), rules),
        _no_support_reason(home.members, rules),
        _income_reason(home.total_income, home.size, standard, label),
    ]
    reasons += _asset_reasons(home.assets, home.size, rules)
    return standard, max(0, standard * home.size - home.total_income), reasons


def _temporary(home: _Household, rules: Rules) -> tuple[int, int, list[Reason]]:
    standard = rules.dibao_standard_fen
    amount = standard * home.size * rules.temporary_months
    estimate = Reason(
        "amount_estimate",
        True,
        f"临时救助一次性发放，估算为低保标准 {yuan(standard)} 元 × {home.size} 人 × "
        f"{rules.temporary_months} 个月，共 {yuan(amount)} 元。",
    )
    reasons = [_low_income_reason(home.total_income, home.size, rules)]
    reasons += _asset_reasons(home.assets, home.size, rules)
    return standard, amount, [*reasons, estimate]


def _medical_reasons(out_of_pocket: int, rules: Rules) -> tuple[int, list[Reason]]:
    share = rules.medical_share_percent
    cap = rules.medical_yearly_cap_fen
    if out_of_pocket <= 0:
        return 0, [Reason("has_medical_cost", False, "没有医保报销后需要自己支付的医疗费用。")]
    amount = min(out_of_pocket * share // 100, cap)
    cost = Reason(
        "has_medical_cost",
        True,
        f"医保报销后自己支付的医疗费用 {yuan(out_of_pocket)} 元。",
    )
    capped = "，已按上限计算" if amount == cap else ""
    rule = Reason(
        "medical_share_and_cap",
        True,
        f"医疗救助按自付费用的 {share}% 支付，每年最多 {yuan(cap)} 元{capped}，"
        f"本次为 {yuan(amount)} 元。",
    )
    return amount, [cost, rule]


def _child_rehab_reasons(home: _Household, rules: Rules) -> tuple[int, list[Reason]]:
    children = [m for m in home.members if m.age < ADULT_AGE and m.disability_grade is not None]
    if children:
        youngest = min(m.age for m in children)
        disabled = Reason(
            "has_disability",
            True,
            f"家中有 {len(children)} 位未满 18 岁的残疾儿童（最小 {youngest} 岁）。",
        )
    else:
        disabled = Reason("has_disability", False, "家中没有未满 18 岁的残疾儿童。")
    if rules.program_standard_fen:
        amount = rules.program_standard_fen
        note = Reason("amount_estimate", True, f"康复补助每月 {yuan(amount)} 元。")
    else:
        amount = 0
        note = Reason("amount_estimate", True, "康复补助金额由康复机构确定，这里不作估算。")
    return amount, [disabled, note]


def _orphan_reasons(home: _Household, standard: int) -> list[Reason]:
    age = _applicant(home.members).age
    if age < ADULT_AGE:
        age_reason = Reason("age", True, f"申请人 {age} 岁，未满 18 岁。")
    else:
        age_reason = Reason("age", False, f"申请人 {age} 岁，已满 18 岁，不能领取孤儿基本生活费。")
    note = Reason(
        "no_income_test",
        True,
        f"孤儿基本生活费不看家庭收入，每月 {yuan(standard)} 元。",
    )
    return [age_reason, note]


def _judge(
    program: str, home: _Household, rules: Rules, out_of_pocket: int
) -> tuple[int, int, str, list[Reason]]:
    """Standard, amount if eligible, amount kind and reasons for one program."""
    if program in ("dibao", "tekun"):
        standard, amount, reasons = (_dibao if program == "dibao" else _tekun)(home, rules)
        return standard, amount, "monthly", reasons
    if program == "temporary":
        standard, amount, reasons = _temporary(home, rules)
        return standard, amount, "one_off", reasons
    low_income = _low_income_reason(home.total_income, home.size, rules)
    if program == "medical":
        amount, reasons = _medical_reasons(out_of_pocket, rules)
        return rules.dibao_standard_fen, amount, "one_off", [low_income, *reasons]
    if program == "child_rehab":
        amount, reasons = _child_rehab_reasons(home, rules)
        return rules.dibao_standard_fen, amount, "monthly", [reasons[0], low_income, reasons[1]]
    # orphan
    standard = rules.program_standard_fen
    if standard is None:
        raise ValueError("the orphan program needs rules.program_standard_fen")
    return standard, standard, "monthly", _orphan_reasons(home, standard)


def assess(
    program: str,
    *,
    members: Sequence[Member],
    assets: Assets,
    rules: Rules,
    medical_out_of_pocket_fen: int = 0,
) -> Assessment:
    """Judge a household against a program's rules."""
    problems = _household_problems(members, assets)
    if program not in PROGRAMS:
        problems["program"] = ["不认识这个救助项目。"]
    if not _is_int(medical_out_of_pocket_fen):
        problems["medical_out_of_pocket_fen"] = ["自付医疗费用应为整数（单位：分）。"]
    elif medical_out_of_pocket_fen < 0:
        problems["medical_out_of_pocket_fen"] = ["自付医疗费用不能是负数。"]
    if problems:
        raise ValidationFailed(problems)
    _check_rules(rules)

    size = len(members)
    total = sum(m.monthly_income_fen for m in members)
    home = _Household(members=members, assets=assets, size=size, total_income=total)
    standard, amount, kind, reasons = _judge(program, home, rules, medical_out_of_pocket_fen)
    eligible = all(reason.passed for reason in reasons)
    return Assessment(
        program=program,
        eligible=eligible,
        standard_fen=standard,
        household_size=size,
        total_income_fen=total,
        per_capita_income_fen=total // size,
        amount_fen=amount if eligible else 0,
        amount_kind=kind,
        reasons=tuple(reasons),
    )
