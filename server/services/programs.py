"""The assistance programs, as data: what each is for, who may apply, what to bring.

Amounts are not here: standards are rows (`AssistanceStandard`) by program, region, urban/rural
and start date, and the local multiples and thresholds are configuration (`AssistanceSettings`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Program:
    code: str
    number_prefix: str  # the first part of an application number: DB-330802-2013-000123
    name: str
    purpose: str
    who_may_apply: str
    documents: tuple[str, ...]
    # Which standard rows the program reads: its own, or 低保's (tekun, temporary, medical).
    standard_program: str
    amount_kind: str = "monthly"


COMMON_DOCUMENTS = ("申请人身份证", "户口簿", "家庭成员收入证明")

PROGRAMS: dict[str, Program] = {
    p.code: p
    for p in (
        Program(
            code="dibao",
            number_prefix="DB",
            name="最低生活保障（低保）",
            purpose="家庭人均收入低于当地低保标准时，按月补足差额，保障基本生活。",
            who_may_apply="户籍在本地、共同生活的家庭成员人均月收入低于当地低保标准，"
            "且家庭财产符合规定的家庭，以家庭为单位申请。",
            documents=(*COMMON_DOCUMENTS, "家庭财产情况说明", "银行账户信息"),
            standard_program="dibao",
        ),
        Program(
            code="tekun",
            number_prefix="TK",
            name="特困人员救助供养",
            purpose="为无劳动能力、无生活来源、无法定赡养抚养扶养义务人的老人、残疾人和未成年人"
            "提供基本生活和照料。",
            who_may_apply="年满 60 周岁的老人、重度残疾人或未满 18 周岁的未成年人，"
            "无劳动能力、无生活来源，且无人赡养、抚养或扶养。",
            documents=(*COMMON_DOCUMENTS, "残疾证（如有）", "供养方式意愿（在家或机构）"),
            standard_program="dibao",
        ),
        Program(
            code="temporary",
            number_prefix="LS",
            name="临时救助",
            purpose="因火灾、交通事故、突发重病等意外，基本生活暂时出现严重困难时给予的一次性救助。",
            who_may_apply="遭遇突发事件、意外伤害或重大疾病，基本生活陷入困境的家庭或个人。"
            "同一原因一年内最多申请一次。",
            documents=(*COMMON_DOCUMENTS, "困难原因证明（如医院票据、事故证明）"),
            standard_program="dibao",
            amount_kind="one_off",
        ),
        Program(
            code="medical",
            number_prefix="YL",
            name="医疗救助",
            purpose="对医保报销后个人仍需负担的医疗费用，按比例给予救助，每年有封顶。",
            who_may_apply="低保、特困人员及其他低收入家庭中看病负担重的成员。",
            documents=(*COMMON_DOCUMENTS, "医疗费用发票及医保结算单", "诊断证明"),
            standard_program="dibao",
            amount_kind="one_off",
        ),
        Program(
            code="orphan",
            number_prefix="GE",
            name="孤儿基本生活保障",
            purpose="为孤儿按月发放基本生活费。",
            who_may_apply="父母双方死亡或被宣告死亡（失踪）的未满 18 周岁儿童，由监护人代为申请。",
            documents=("儿童户口簿", "父母死亡或宣告失踪证明", "监护人身份证"),
            standard_program="orphan",
        ),
        Program(
            code="child_rehab",
            number_prefix="KF",
            name="困难家庭残疾儿童康复救助",
            purpose="资助困难家庭的残疾儿童接受康复训练。",
            who_may_apply="家庭人均收入较低、持有残疾证或医院诊断的未满 18 周岁残疾儿童家庭。",
            documents=(*COMMON_DOCUMENTS, "儿童残疾证或诊断证明", "康复机构评估意见"),
            standard_program="child_rehab",
        ),
    )
}

# Programs whose standards are kept as their own rows (the others derive from 低保's).
PROGRAMS_WITH_STANDARDS = ("dibao", "orphan", "child_rehab")


def get_program(code: str) -> Program | None:
    return PROGRAMS.get(code)
