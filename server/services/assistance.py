"""Social assistance: standards, the self-check, applications and the staged review.

The review is one state machine (POLICY.md, 低保 stages):

    draft → submitted → accepted → investigated → in_notice → approved
               ↓  ↑                     ↓            ↓  ↑ objection: back to accepted
            returned                 reviewed ───→ rejected          (any open state → withdrawn)

Every transition checks role, level, region scope, state and the object's `version`, writes an
event and a notification for the applicant, and sets the deadline of the stage it enters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from server.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from server.models.assistance import (
    FINAL_STATUSES,
    STATUSES,
    Application,
    ApplicationEvent,
    AssistanceStandard,
    Attachment,
    Objection,
)
from server.models.regions import Region
from server.models.users import User
from server.services import common, eligibility, identity
from server.services import regions as regions_service
from server.services.eligibility import yuan
from server.services.identity import Cipher
from server.services.permissions import in_scope, is_admin, require
from server.services.programs import PROGRAMS, PROGRAMS_WITH_STANDARDS, Program
from server.services.users import Principal


@dataclass(frozen=True)
class AssistanceSettings:
    """The local rules that are configuration, not code (README lists the variables)."""

    notice_days: int = 7
    township_days: int = 15
    county_days: int = 10
    pay_first_cap_fen: int = 100_000
    attachment_max_bytes: int = 5 * 1024 * 1024
    attachment_max_count: int = 20
    storage_dir: str = "var/uploads"
    tekun_multiple_percent: int = 130
    asset_months: int = 24
    low_income_percent: int = 150
    temporary_months: int = 3
    medical_share_percent: int = 70
    medical_yearly_cap_fen: int = 5_000_000
    holidays: frozenset[date] = field(default_factory=frozenset)

    def rules(self, *, dibao_fen: int, program_fen: int | None) -> eligibility.Rules:
        return eligibility.Rules(
            dibao_standard_fen=dibao_fen,
            program_standard_fen=program_fen,
            tekun_multiple_percent=self.tekun_multiple_percent,
            asset_months=self.asset_months,
            low_income_percent=self.low_income_percent,
            temporary_months=self.temporary_months,
            medical_share_percent=self.medical_share_percent,
            medical_yearly_cap_fen=self.medical_yearly_cap_fen,
        )


# --- programs and standards -------------------------------------------------------------------


def _program(code: str) -> Program:
    program = PROGRAMS.get(code)
    if program is None:
        raise ValidationFailed({"program": [f"没有这个救助项目：{code}。"]})
    return program


def standard_in_force(
    session: Session, *, program: str, region_code: str, is_urban: bool, on: date
) -> AssistanceStandard | None:
    """The standard row for `program` in force on `on` for a region: the latest start date
    among the rows of regions that cover it; on the same date, the most specific region."""
    rows = session.scalars(
        select(AssistanceStandard).where(
            AssistanceStandard.program == program,
            AssistanceStandard.is_urban == is_urban,
            AssistanceStandard.effective_from <= on,
        )
    ).all()
    covering = [r for r in rows if regions_service.is_within(region_code, r.region_code)]
    if not covering:
        return None
    return max(
        covering,
        key=lambda r: (r.effective_from, len(regions_service.scope_prefix(r.region_code))),
    )


def _standards_for(
    session: Session, program: Program, *, region_code: str, is_urban: bool, on: date
) -> tuple[int | None, int | None]:
    """(低保 standard, the program's own standard) in force on a date, in fen."""
    dibao = standard_in_force(
        session, program="dibao", region_code=region_code, is_urban=is_urban, on=on
    )
    own = None
    if program.standard_program != "dibao":
        own = standard_in_force(
            session,
            program=program.standard_program,
            region_code=region_code,
            is_urban=is_urban,
            on=on,
        )
    return (dibao.monthly_fen if dibao else None, own.monthly_fen if own else None)


def _program_standard(program: Program, dibao_fen: int | None, own_fen: int | None, settings):
    """What a resident should read as the program's monthly standard."""
    if program.code == "tekun" and dibao_fen is not None:
        return dibao_fen * settings.tekun_multiple_percent // 100
    if program.standard_program == "dibao":
        return dibao_fen
    return own_fen


def list_programs(
    session: Session, *, region_code: str | None, on: date, settings: AssistanceSettings
) -> list[dict]:
    """Every program, with the standards in force for the region (urban and rural)."""
    if region_code is not None:
        region_code = regions_service.get_region(session, code=region_code).code
    result = []
    for program in PROGRAMS.values():
        standards = {}
        for label, urban in (("urban", True), ("rural", False)):
            if region_code is None:
                standards[label] = None
                continue
            dibao, own = _standards_for(
                session, program, region_code=region_code, is_urban=urban, on=on
            )
            standards[label] = _program_standard(program, dibao, own, settings)
        result.append(
            {
                "code": program.code,
                "name": program.name,
                "purpose": program.purpose,
                "who_may_apply": program.who_may_apply,
                "documents": list(program.documents),
                "amount_kind": program.amount_kind,
                "standard_urban_fen": standards["urban"],
                "standard_rural_fen": standards["rural"],
            }
        )
    return result


def add_standard(
    session: Session,
    *,
    principal: Principal,
    program: str,
    region_code: str,
    is_urban: bool,
    effective_from: date,
    monthly_fen: int,
) -> AssistanceStandard:
    """A new standard from a date (a county worker or above, inside their scope)."""
    require(
        principal,
        roles=("worker",),
        min_level="county",
        level_message="调整救助标准需要县（市、区）级以上民政工作人员办理。",
    )
    if program not in PROGRAMS_WITH_STANDARDS:
        raise ValidationFailed(
            {"program": [f"只有{'、'.join(PROGRAMS_WITH_STANDARDS)}有单独的标准。"]}
        )
    region = regions_service.get_region(session, code=region_code)
    if not in_scope(principal, region.code):
        raise NotFound("没有找到这个地区。", error="region_not_found")
    standard = AssistanceStandard(
        program=program,
        region_code=region.code,
        is_urban=is_urban,
        effective_from=effective_from,
        monthly_fen=monthly_fen,
        created_by=principal.id,
    )
    try:
        with session.begin_nested():
            session.add(standard)
    except IntegrityError as exc:
        raise Conflict("这个地区在这一天已经有该项标准了。", error="standard_exists") from exc
    return standard


# --- the self-check ---------------------------------------------------------------------------


def _members(raw: list[dict]) -> list[eligibility.Member]:
    return [
        eligibility.Member(
            relation=m.get("relation"),
            age=m.get("age"),
            monthly_income_fen=m.get("monthly_income_fen", 0),
            disability_grade=m.get("disability_grade"),
            student=m.get("student", False),
        )
        for m in raw
    ]


def _assets(raw: dict | None) -> eligibility.Assets:
    raw = raw or {}
    return eligibility.Assets(
        financial_fen=raw.get("financial_fen", 0),
        vehicles=raw.get("vehicles", 0),
        properties=raw.get("properties", 0),
    )


def self_check(
    session: Session,
    *,
    program: str,
    region_code: str,
    is_urban: bool | None = None,
    members: list[dict],
    assets: dict | None,
    medical_out_of_pocket_fen: int = 0,
    on: date,
    settings: AssistanceSettings,
) -> eligibility.Assessment:
    """Whether a household may qualify, and why, by today's standards. Nothing is stored."""
    prog = _program(program)
    region = regions_service.get_region(session, code=region_code)
    urban = region.is_urban if is_urban is None else is_urban
    dibao, own = _standards_for(session, prog, region_code=region.code, is_urban=urban, on=on)
    _require_standards(prog, dibao, own)
    return eligibility.assess(
        program,
        members=_members(members),
        assets=_assets(assets),
        rules=settings.rules(dibao_fen=dibao, program_fen=own),
        medical_out_of_pocket_fen=medical_out_of_pocket_fen,
    )


def _require_standards(program: Program, dibao: int | None, own: int | None) -> None:
    if dibao is None or (program.code == "orphan" and own is None):
        raise Conflict("这个地区还没有设定该项救助标准，请联系当地民政部门。", error="no_standard")


# --- applications: reading --------------------------------------------------------------------


Keys = tuple[str | None, str | None]  # the reader's (ID number hash, phone hash)


def _my_keys(session: Session, principal: Principal) -> Keys:
    row = session.execute(
        select(User.id_number_hash, User.phone_hash).where(User.id == principal.id)
    ).one_or_none()
    return (row[0], row[1]) if row else (None, None)


def _keys_match(app: Application, keys: Keys) -> bool:
    """An unbound case (filed for someone without an account then) is theirs only when both
    the ID number and the phone number the worker recorded match their profile."""
    id_hash, phone_hash = keys
    return (
        app.applicant_id is None
        and id_hash is not None
        and phone_hash is not None
        and app.applicant_id_number_hash == id_hash
        and app.applicant_phone_hash == phone_hash
    )


def is_applicant(app: Application, principal: Principal, my_keys: Keys) -> bool:
    return app.applicant_id == principal.id or _keys_match(app, my_keys)


def can_view(app: Application, principal: Principal, my_keys: Keys) -> bool:
    """The applicant, whoever filed it for them, and workers whose scope holds it."""
    return (
        is_applicant(app, principal, my_keys)
        or app.agent_id == principal.id
        or ("worker" in principal.roles and in_scope(principal, app.region_code))
        or is_admin(principal)
    )


def get_application(
    session: Session, *, principal: Principal, application_id: int, with_events: bool = False
) -> Application:
    """An application the principal may see; anyone else's is NotFound."""
    query = select(Application).where(Application.id == application_id)
    if with_events:
        query = query.options(selectinload(Application.events))
    app = session.scalar(query)
    if app is None or not can_view(app, principal, _my_keys(session, principal)):
        raise NotFound("没有找到这份申请。", error="application_not_found")
    return app


def list_mine(session: Session, *, principal: Principal, page: int, page_size: int):
    """The applications a resident made, or that were made for them or by them."""
    id_hash, phone_hash = _my_keys(session, principal)
    conditions = [Application.applicant_id == principal.id, Application.agent_id == principal.id]
    if id_hash and phone_hash:
        conditions.append(
            and_(
                Application.applicant_id.is_(None),
                Application.applicant_id_number_hash == id_hash,
                Application.applicant_phone_hash == phone_hash,
            )
        )
    query = select(Application).where(or_(*conditions)).order_by(Application.id.desc())
    return _paginate(session, query, page, page_size)


OPEN_STATES = frozenset(STATUSES) - set(FINAL_STATUSES)
# What is still to do, for a worker: open, and past the applicant's draft.
QUEUE_STATES = tuple(sorted(OPEN_STATES - {"draft"}))


def list_queue(
    session: Session,
    *,
    principal: Principal,
    statuses: list[str] | None,
    program: str | None,
    overdue: bool | None,
    today: date,
    page: int,
    page_size: int,
):
    """A worker's queue: the applications in their scope, soonest deadline first."""
    require(principal, roles=("worker",))
    query = select(Application).where(Application.status != "draft")
    scope = principal.worker_region_code
    level = principal.worker_level
    if scope and not is_admin(principal):
        if level == "community":
            query = query.where(Application.region_code == scope)
        elif level == "township":
            query = query.where(Application.township_code == scope)
        elif level == "county":
            query = query.where(Application.county_code == scope)
        else:
            query = query.where(
                Application.county_code.startswith(regions_service.scope_prefix(scope))
            )
    # The queue is the work still to do, unless the worker asks for other states.
    query = query.where(Application.status.in_(statuses or QUEUE_STATES))
    if program:
        query = query.where(Application.program == program)
    if overdue is True:
        query = query.where(Application.due_on < today)
    elif overdue is False:
        query = query.where(or_(Application.due_on.is_(None), Application.due_on >= today))
    query = query.order_by(Application.due_on.asc().nulls_last(), Application.id)
    return _paginate(session, query, page, page_size)


def _paginate(session: Session, query, page: int, page_size: int):
    count = query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
    total = session.scalar(count)
    items = session.scalars(query.limit(page_size).offset((page - 1) * page_size)).all()
    return items, total


# --- applications: drafting -------------------------------------------------------------------

DRAFT_FIELDS = (
    "members",
    "assets",
    "reason",
    "emergency",
    "cause",
    "medical_out_of_pocket_fen",
    "relatives",
)


def create_application(
    session: Session,
    *,
    principal: Principal,
    cipher: Cipher,
    program: str,
    applicant: dict | None = None,
    region_code: str | None = None,
    **fields,
) -> Application:
    """A draft, for the logged-in resident, or (受委托代办) by a worker for a resident."""
    prog = _program(program)
    agent_id = None
    if applicant is not None:
        name, id_number, phone, home = _applicant_for_agent(session, principal, applicant)
        agent_id = principal.id
        phone_hash = cipher.lookup_hash("phone", phone)
        # Bound to an account now only if its ID and phone numbers both match.
        applicant_id = session.scalar(
            select(User.id).where(
                User.id_number_hash == cipher.lookup_hash("id_number", id_number),
                User.phone_hash == phone_hash,
            )
        )
    else:
        user = session.get(User, principal.id)
        missing = [
            label
            for label, value in (
                ("real_name", user.real_name),
                ("id_number", user.id_number_enc),
                ("region_code", user.region_code),
            )
            if not value
        ]
        if missing:
            raise Conflict(
                "请先在“我的”页面完成实名信息（姓名、身份证号码、所在地区）再申请。",
                error="profile_incomplete",
                extra={"missing": missing},
            )
        name, id_number = user.real_name, cipher.decrypt(user.id_number_enc)
        phone_hash = user.phone_hash
        home = region_code or user.region_code
        applicant_id = user.id
    region = _community(session, home)
    app = Application(
        program=prog.code,
        applicant_id=applicant_id,
        applicant_name=name,
        applicant_id_number_enc=cipher.encrypt(id_number),
        applicant_id_number_hash=cipher.lookup_hash("id_number", id_number),
        applicant_phone_hash=phone_hash,
        agent_id=agent_id,
        region_code=region.code,
        township_code=region.parent_code,
        county_code=region.code[:6],
        is_urban=region.is_urban,
    )
    _apply_draft_fields(app, fields)
    try:
        with session.begin_nested():
            session.add(app)
    except IntegrityError as exc:
        raise Conflict(
            f"已有一份未办结的{prog.name}申请，请先查看或撤回那一份。",
            error="open_application_exists",
        ) from exc
    _record(session, app, principal, "create", None, "draft")
    return app


def _community(session: Session, code: str) -> Region:
    region = session.get(Region, regions_service.normalize_code(code))
    if region is None or region.level != "community":
        raise ValidationFailed({"region_code": ["请选择到社区（村）一级的户籍所在地。"]})
    return region


def _applicant_for_agent(session: Session, principal: Principal, applicant: dict):
    """受委托代办: a community or township worker files for a resident of their scope."""
    if principal.worker_level not in ("community", "township"):
        raise Forbidden("只有社区或乡镇（街道）工作人员可以代为申请。", error="role_required")
    problems = {}
    phone = (applicant.get("phone") or "").strip()
    if problem := identity.phone_problem(phone):
        problems["applicant.phone"] = [problem]
    if problem := identity.id_number_problem(applicant.get("id_number", "")):
        problems["applicant.id_number"] = [problem]
    name = (applicant.get("real_name") or "").strip()
    if not 2 <= len(name) <= 20:
        problems["applicant.real_name"] = ["姓名应为 2 到 20 个字。"]
    if problems:
        raise ValidationFailed(problems)
    home = applicant.get("region_code", "")
    region = _community(session, home)
    if not in_scope(principal, region.code):
        raise NotFound("没有找到这个地区。", error="region_not_found")
    return name, identity.normalize_id_number(applicant["id_number"]), phone, region.code


def _apply_draft_fields(app: Application, fields: dict) -> None:
    for name in DRAFT_FIELDS:
        if name in fields and fields[name] is not None:
            setattr(app, name, fields[name])
    if "relatives" in fields:
        app.near_relative = bool(app.relatives)


def _check_version(app: Application, version: int) -> None:
    if app.version != version:
        raise Conflict(
            "这份申请已被他人更新，请刷新后再操作。",
            error="stale_version",
            extra={"version": app.version},
        )


def update_draft(
    session: Session,
    *,
    principal: Principal,
    application_id: int,
    version: int,
    today: date,
    **fields,
) -> Application:
    """Edit a draft or a returned application (the applicant, or the worker who filed it)."""
    app = get_application(session, principal=principal, application_id=application_id)
    _require_owner(session, app, principal)
    _check_version(app, version)
    if app.status not in ("draft", "returned"):
        raise _wrong_state(app, principal, "edit", _my_keys(session, principal), today)
    _apply_draft_fields(app, fields)
    _flush(session)
    return app


def _require_owner(session: Session, app: Application, principal: Principal) -> None:
    if not (
        is_applicant(app, principal, _my_keys(session, principal)) or (app.agent_id == principal.id)
    ):
        raise Forbidden("只有申请人或代办人可以这样做。", error="not_applicant")


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict("这份申请已被他人更新，请刷新后再操作。", error="stale_version") from exc


# --- the review: one table of actions ---------------------------------------------------------


@dataclass(frozen=True)
class Action:
    from_states: frozenset[str]
    level: str | None  # the worker level needed; None for the applicant's own actions
    near_relative_level: str | None = None  # a near relative's case goes to the county


ACTIONS: dict[str, Action] = {
    "submit": Action(frozenset({"draft", "returned"}), None),
    "withdraw": Action(OPEN_STATES, None),
    "accept": Action(frozenset({"submitted"}), "township", "county"),
    "return": Action(frozenset({"submitted"}), "township", "county"),
    "investigate": Action(frozenset({"accepted"}), "community", "county"),
    "review": Action(frozenset({"investigated"}), "township", "county"),
    "approve": Action(frozenset({"in_notice"}), "county"),
    "reject": Action(frozenset({"in_notice", "reviewed"}), "county"),
    "pay_first": Action(frozenset({"submitted", "accepted"}), "township", "county"),
}


def allowed_actions(
    app: Application, principal: Principal, my_keys: Keys, today: date
) -> list[str]:
    """What this person may do with this application now."""
    result = []
    for name, action in ACTIONS.items():
        if app.status not in action.from_states:
            continue
        if name in ("approve", "reject") and _notice_running(app, today):
            continue
        try:
            _authorize(app, principal, my_keys, name)
        except DomainError:
            continue
        if name == "pay_first" and not (
            app.program == "temporary" and app.emergency and not app.paid_first_fen
        ):
            continue
        result.append(name)
    return result


def _authorize(app: Application, principal: Principal, my_keys: Keys, name: str):
    action = ACTIONS[name]
    if action.level is None:
        if not (is_applicant(app, principal, my_keys) or app.agent_id == principal.id):
            raise Forbidden("只有申请人或代办人可以这样做。", error="not_applicant")
        return
    if is_applicant(app, principal, my_keys) and "worker" in principal.roles:
        raise Forbidden("工作人员不能办理自己的申请。", error="own_application")
    if app.agent_id == principal.id:
        raise Forbidden("代为申请的工作人员不能再办理这份申请。", error="own_filing")
    level = action.level
    if app.near_relative and action.near_relative_level:
        level = action.near_relative_level
    require(
        principal,
        roles=("worker",),
        min_level=level,
        region_code=app.region_code,
        check_scope=True,
        level_message="这一步需要更高一级的工作人员办理。"
        + ("（此申请人申报了在职工作人员近亲属，由县级办理。）" if app.near_relative else ""),
    )


def _wrong_state(app: Application, principal: Principal, name: str, my_keys, today: date):
    return Conflict(
        f"这份申请当前状态为“{STATUS_NAMES[app.status]}”，不能{ACTION_NAMES.get(name, name)}。",
        error="wrong_state",
        extra={"allowed_actions": allowed_actions(app, principal, my_keys, today)},
    )


STATUS_NAMES = {
    "draft": "草稿",
    "submitted": "已提交，待受理",
    "returned": "已退回，待补充材料",
    "accepted": "已受理，待入户调查",
    "investigated": "已调查，待审核",
    "reviewed": "拟不予批准，待县级确认",
    "in_notice": "公示中",
    "approved": "已批准",
    "rejected": "不予批准",
    "withdrawn": "已撤回",
}
ACTION_NAMES = {
    "edit": "修改",
    "submit": "提交",
    "withdraw": "撤回",
    "accept": "受理",
    "return": "退回",
    "investigate": "录入入户调查",
    "review": "审核",
    "approve": "批准",
    "reject": "不予批准",
    "pay_first": "先行救助",
    "object": "提出异议",
}


def act(
    session: Session,
    *,
    principal: Principal,
    application_id: int,
    action: str,
    version: int,
    payload: dict,
    now: datetime,
    settings: AssistanceSettings,
) -> Application:
    """Carry out one action of the review on an application (checks, change, event, notice)."""
    app = get_application(session, principal=principal, application_id=application_id)
    my_keys = _my_keys(session, principal)
    _authorize(app, principal, my_keys, action)
    _check_version(app, version)
    today = common.local_today(now)
    if app.status not in ACTIONS[action].from_states:
        raise _wrong_state(app, principal, action, my_keys, today)
    before = app.status
    HANDLERS[action](session, app, payload, now=now, today=today, settings=settings)
    _notify_applicant(session, app, action)
    _flush(session)  # one UPDATE, guarded by the version the reader saw
    _record(
        session,
        app,
        principal,
        action,
        before,
        app.status,
        payload.get("comment"),
        _event_data(action, payload),
    )
    return app


def _event_data(action: str, payload: dict) -> dict | None:
    keep = {k: v for k, v in payload.items() if k not in ("comment", "version")}
    return _jsonable(keep) or None


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _record(session, app, principal, action, before, after, comment=None, data=None) -> None:
    session.add(
        ApplicationEvent(
            application_id=app.id,
            actor_id=principal.id if principal else None,
            action=action,
            from_status=before,
            to_status=after,
            comment=comment,
            data=data,
        )
    )


def _submit(session, app, payload, *, now, today, settings) -> None:
    problems = completeness_problems(session, app, settings)
    if problems:
        raise ValidationFailed(problems)
    if app.program == "temporary":
        _once_a_year_per_cause(session, app, now)
    prog = PROGRAMS[app.program]
    dibao, own = _standards_for(
        session, prog, region_code=app.region_code, is_urban=app.is_urban, on=today
    )
    _require_standards(prog, dibao, own)
    app.dibao_standard_fen, app.program_standard_fen = dibao, own
    if app.number is None:
        year = today.year
        sequence = common.next_counter(
            session, name=f"application:{prog.number_prefix}:{app.county_code}:{year}"
        )
        app.number = f"{prog.number_prefix}-{app.county_code}-{year}-{sequence:06d}"
    app.submitted_at = now
    app.missing = None
    app.status = "submitted"
    app.due_on = common.add_working_days(today, settings.township_days, holidays=settings.holidays)


def _once_a_year_per_cause(session: Session, app: Application, now: datetime) -> None:
    """临时救助 is granted at most once in twelve months for the same cause."""
    granted = session.scalar(
        select(Application.decided_at)
        .where(
            Application.applicant_id_number_hash == app.applicant_id_number_hash,
            Application.program == "temporary",
            Application.cause == app.cause,
            Application.id != app.id,
            Application.status == "approved",
            Application.decided_at > now - timedelta(days=365),
        )
        .order_by(Application.decided_at.desc())
        .limit(1)
    )
    if granted is not None or _advance_this_year(session, app, now):
        again = common.local_today((granted or now) + timedelta(days=365))
        raise Conflict(
            f"同一原因的临时救助一年内只能申请一次，{again.isoformat()} 以后可以再次申请。",
            error="temporary_once_a_year",
        )


def _advance_this_year(session: Session, app: Application, now: datetime) -> bool:
    """An advance paid first counts as help given, whatever became of its case."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Application)
            .where(
                Application.applicant_id_number_hash == app.applicant_id_number_hash,
                Application.program == "temporary",
                Application.cause == app.cause,
                Application.id != app.id,
                Application.paid_first_fen > 0,
                Application.submitted_at > now - timedelta(days=365),
            )
        )
        > 0
    )


def completeness_problems(
    session: Session, app: Application, settings: AssistanceSettings
) -> dict[str, list[str]]:
    """Every missing or wrong field of an application, keyed by field (empty when complete)."""
    problems: dict[str, list[str]] = {}
    try:
        eligibility.validate_household(_members(app.members or []), _assets(app.assets))
    except ValidationFailed as exc:
        problems.update(exc.errors["json"])
    if not (app.reason or "").strip():
        problems["reason"] = ["请说明申请原因。"]
    if app.program == "medical" and app.medical_out_of_pocket_fen <= 0:
        problems["medical_out_of_pocket_fen"] = ["请填写医保报销后个人负担的医疗费用。"]
    if app.program == "temporary" and not app.cause:
        problems["cause"] = ["请选择遇到的困难类型（火灾、事故、疾病等）。"]
    attachments = session.scalar(
        select(func.count()).select_from(Attachment).where(Attachment.application_id == app.id)
    )
    if not attachments:
        problems["attachments"] = ["请上传证明材料的照片或 PDF。"]
    return problems


def _withdraw(session, app, payload, *, now, today, settings) -> None:
    if app.paid_first_fen:
        raise Conflict(
            "已先行发放救助金的申请不能撤回，请联系乡镇（街道）工作人员。",
            error="paid_first_no_withdrawal",
        )
    app.status = "withdrawn"
    app.due_on = None
    app.flagged = False


def _accept(session, app, payload, *, now, today, settings) -> None:
    app.status = "accepted"


def _return(session, app, payload, *, now, today, settings) -> None:
    missing = payload.get("missing") or []
    if not missing:
        raise ValidationFailed({"missing": ["请一次列出所有需要补充的材料或信息。"]})
    app.status = "returned"
    app.missing = missing
    app.due_on = None


def _investigate(session, app, payload, *, now, today, settings) -> None:
    staff = [s.strip() for s in payload.get("staff", []) if s and s.strip()]
    problems = {}
    if len(set(staff)) < 2:
        problems["staff"] = ["入户调查须由至少两名工作人员进行，请填写两人姓名。"]
    visited_on = payload.get("visited_on")
    if visited_on is None or visited_on > today:
        problems["visited_on"] = ["调查日期不能晚于今天。"]
    elif app.submitted_at and visited_on < common.local_today(app.submitted_at):
        problems["visited_on"] = ["调查日期不能早于提交申请的日期。"]
    members = payload.get("members") or []
    try:
        eligibility.validate_household(_members(members), _assets(payload.get("assets")))
    except ValidationFailed as exc:
        problems.update(exc.errors["json"])
    if problems:
        raise ValidationFailed(problems)
    app.investigation = _jsonable(
        {
            "staff": staff,
            "visited_on": visited_on,
            "members": members,
            "assets": payload.get("assets") or app.assets,
            "notes": payload.get("notes"),
        }
    )
    app.verified_household_size = len(members)
    app.verified_income_fen = sum(m.get("monthly_income_fen", 0) for m in members)
    app.status = "investigated"
    # A new visit answers the objections that sent the case back.
    for objection in session.scalars(
        select(Objection).where(Objection.application_id == app.id, Objection.resolved_at.is_(None))
    ):
        objection.resolved_at = now


def assess_verified(app: Application, settings: AssistanceSettings) -> eligibility.Assessment:
    """The verified figures judged by the standards in force when the application was made."""
    inv = app.investigation or {}
    return eligibility.assess(
        app.program,
        members=_members(inv.get("members") or app.members),
        assets=_assets(inv.get("assets") or app.assets),
        rules=settings.rules(
            dibao_fen=app.dibao_standard_fen, program_fen=app.program_standard_fen
        ),
        medical_out_of_pocket_fen=app.medical_out_of_pocket_fen,
    )


def _review(session, app, payload, *, now, today, settings) -> None:
    decision = payload.get("decision")
    if decision == "approve":
        assessment = assess_verified(app, settings)
        # Rehabilitation is paid to the institution at its own rate when no standard is set.
        needs_amount = not (app.program == "child_rehab" and app.program_standard_fen is None)
        if not assessment.eligible or (needs_amount and assessment.amount_fen <= 0):
            failed = [r.message for r in assessment.reasons if not r.passed]
            raise ValidationFailed(
                {"decision": ["按核实的情况不符合条件，不能提议批准：" + "；".join(failed)]}
            )
        app.proposal = "approve"
        app.proposed_amount_fen = assessment.amount_fen
        app.status = "in_notice"
        app.notice_starts_on = today
        app.notice_ends_on = today + timedelta(days=settings.notice_days)
        app.due_on = common.add_working_days(
            app.notice_ends_on, settings.county_days, holidays=settings.holidays
        )
    else:
        if not (payload.get("reasons") or "").strip():
            raise ValidationFailed({"reasons": ["提议不予批准时，请写明理由。"]})
        app.proposal = "reject"
        app.decision_reasons = payload["reasons"].strip()
        app.status = "reviewed"
        app.due_on = common.add_working_days(
            today, settings.county_days, holidays=settings.holidays
        )


def _notice_running(app: Application, today: date) -> bool:
    return (
        app.status == "in_notice"
        and app.notice_ends_on is not None
        and (today < app.notice_ends_on)
    )


def _require_notice_over(session: Session, app: Application, today: date) -> None:
    """A decision on a case in notice waits for the notice to end without an open objection."""
    if _notice_running(app, today):
        raise Conflict(
            f"公示期到 {app.notice_ends_on.isoformat()} 才结束，结束后才能作出决定。",
            error="notice_not_over",
        )
    if app.status == "in_notice" and _open_objections(session, app):
        raise Conflict("公示期间有未处理的异议，不能作出决定。", error="open_objection")


def _open_objections(session: Session, app: Application) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Objection)
        .where(Objection.application_id == app.id, Objection.resolved_at.is_(None))
    )


def _approve(session, app, payload, *, now, today, settings) -> None:
    _require_notice_over(session, app, today)
    app.status = "approved"
    app.decided_at = now
    app.due_on = None
    app.flagged = False
    if PROGRAMS[app.program].amount_kind == "monthly":
        app.amount_fen = app.proposed_amount_fen
        first_of_month = today.replace(day=1)
        app.start_month = (first_of_month + timedelta(days=32)).replace(day=1)
        app.review_due_on = _add_year(today)  # 复核 every year
    else:
        # A one-off payment: what the township paid first is part of it, not on top of it.
        app.amount_fen = max(0, (app.proposed_amount_fen or 0) - app.paid_first_fen)


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _reject(session, app, payload, *, now, today, settings) -> None:
    _require_notice_over(session, app, today)
    reasons = (payload.get("reasons") or app.decision_reasons or "").strip()
    if not reasons or not (payload.get("reasons") or "").strip():
        raise ValidationFailed({"reasons": ["不予批准须写明理由，将书面告知申请人。"]})
    app.status = "rejected"
    app.decision_reasons = reasons
    app.decided_at = now
    app.due_on = None
    app.flagged = False


def _pay_first(session, app, payload, *, now, today, settings) -> None:
    if app.program != "temporary" or not app.emergency:
        raise Conflict("只有急难型临时救助可以先行救助。", error="not_emergency")
    if app.paid_first_fen:
        raise Conflict("这份申请已经先行救助过了。", error="already_paid_first")
    amount = payload.get("amount_fen") or 0
    if not 0 < amount <= settings.pay_first_cap_fen:
        raise ValidationFailed(
            {
                "amount_fen": [
                    f"先行救助金额应在 0.01 到 {yuan(settings.pay_first_cap_fen)} 元之间。"
                ]
            }
        )
    app.paid_first_fen = amount
    app.flagged = True


HANDLERS = {
    "submit": _submit,
    "withdraw": _withdraw,
    "accept": _accept,
    "return": _return,
    "investigate": _investigate,
    "review": _review,
    "approve": _approve,
    "reject": _reject,
    "pay_first": _pay_first,
}

NOTIFICATIONS = {
    "submit": (
        "申请已提交",
        "您的{program}申请（{number}）已提交，乡镇（街道）将在 {due} 前受理审核。",
    ),
    "withdraw": ("申请已撤回", "您的{program}申请已撤回。如有需要可以重新申请。"),
    "accept": (
        "申请已受理",
        "您的{program}申请已受理，工作人员将上门进行家庭经济状况调查，请保持电话畅通。",
    ),
    "return": (
        "申请被退回，请补充材料",
        "您的{program}申请需要补充：{missing}。请在小程序里补充后重新提交。",
    ),
    "investigate": ("入户调查已完成", "您的{program}申请已完成入户调查，等待乡镇（街道）审核。"),
    "review": ("审核有了结果", "{review_text}"),
    "approve": ("申请已批准", "{approve_text}"),
    "reject": (
        "申请未获批准",
        "很抱歉，您的{program}申请未获批准。理由：{reasons}。如有异议可以向县（市、区）民政局反映。",
    ),
    "pay_first": ("先行救助已发放", "已为您先行发放临时救助 {paid} 元，申请仍会继续审核。"),
    "object": ("公示收到异议", "您的{program}申请在公示期间收到异议，工作人员将重新核实情况。"),
}


def _notify_applicant(session: Session, app: Application, action: str) -> None:
    title, template = NOTIFICATIONS[action]
    if app.applicant_id is None and app.applicant_phone_hash:
        # Filed for someone without an account then: bind it once their profile carries the
        # ID and phone numbers the worker recorded.
        app.applicant_id = session.scalar(
            select(User.id).where(
                User.id_number_hash == app.applicant_id_number_hash,
                User.phone_hash == app.applicant_phone_hash,
            )
        )
    program = PROGRAMS[app.program].name
    if app.proposal == "approve":
        review_text = (
            f"您的{program}申请已通过审核，拟每月救助 {yuan(app.proposed_amount_fen or 0)} 元，"
            f"正在社区公示，公示到 {app.notice_ends_on}。"
        )
    else:
        review_text = f"您的{program}申请经审核拟不予批准，将由县（市、区）民政局确认。"
    if PROGRAMS[app.program].amount_kind == "monthly":
        approve_text = (
            f"您的{program}申请已批准，每月 {yuan(app.amount_fen or 0)} 元，"
            f"从 {app.start_month.strftime('%Y年%m月') if app.start_month else ''} 起发放。"
        )
    else:
        paid = f"（已先行发放 {yuan(app.paid_first_fen)} 元）" if app.paid_first_fen else ""
        approve_text = f"您的{program}申请已批准，一次性发放 {yuan(app.amount_fen or 0)} 元{paid}。"
    body = template.format(
        approve_text=approve_text,
        program=program,
        number=app.number or "",
        due=app.due_on.isoformat() if app.due_on else "",
        missing="、".join(app.missing or []),
        amount=yuan(app.amount_fen or 0),
        start=app.start_month.strftime("%Y年%m月") if app.start_month else "",
        reasons=app.decision_reasons or "",
        paid=yuan(app.paid_first_fen),
        review_text=review_text,
    )
    for user_id in {app.applicant_id, app.agent_id} - {None}:
        common.notify(
            session,
            user_id=user_id,
            kind=f"assistance.{action}",
            title=title,
            body=body,
            data={"application_id": app.id, "status": app.status},
        )


# --- attachments ------------------------------------------------------------------------------


def add_attachment(
    session: Session,
    *,
    principal: Principal,
    application_id: int,
    stream,
    filename: str,
    kind: str | None,
    settings: AssistanceSettings,
    today: date,
) -> Attachment:
    """Store a document for a draft or returned application (the applicant or their agent)."""
    from server.services import storage

    app = get_application(session, principal=principal, application_id=application_id)
    _require_owner(session, app, principal)
    if app.status not in ("draft", "returned"):
        raise _wrong_state(app, principal, "edit", _my_keys(session, principal), today)
    # Uploads to one application take turns (a row lock on PostgreSQL), so the count holds.
    session.execute(select(Application.id).where(Application.id == app.id).with_for_update())
    count = session.scalar(
        select(func.count()).select_from(Attachment).where(Attachment.application_id == app.id)
    )
    if count >= settings.attachment_max_count:
        raise Conflict(
            f"每份申请最多上传 {settings.attachment_max_count} 个文件。", error="too_many_files"
        )
    file_id, content_type, size = storage.save(
        stream, directory=settings.storage_dir, max_bytes=settings.attachment_max_bytes
    )
    attachment = Attachment(
        id=file_id,
        application_id=app.id,
        kind=kind,
        filename=_safe_filename(filename),
        content_type=content_type,
        size=size,
        uploaded_by=principal.id,
    )
    session.add(attachment)
    try:
        session.flush()
    except Exception:
        storage.delete(file_id, directory=settings.storage_dir)
        raise
    return attachment


def _safe_filename(name: str | None) -> str:
    """The uploaded file's name, for display: no path, no control characters, 128 at most."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return (name or "file")[-128:]


def list_attachments(session: Session, *, principal: Principal, application_id: int):
    app = get_application(session, principal=principal, application_id=application_id)
    return session.scalars(
        select(Attachment)
        .where(Attachment.application_id == app.id)
        .order_by(Attachment.created_at)
    ).all()


def get_attachment(
    session: Session, *, principal: Principal, application_id: int, attachment_id: str
) -> Attachment:
    app = get_application(session, principal=principal, application_id=application_id)
    attachment = session.scalar(
        select(Attachment).where(
            and_(Attachment.id == attachment_id, Attachment.application_id == app.id)
        )
    )
    if attachment is None:
        raise NotFound("没有找到这个文件。", error="attachment_not_found")
    return attachment


def delete_attachment(
    session: Session,
    *,
    principal: Principal,
    application_id: int,
    attachment_id: str,
    settings: AssistanceSettings,
    today: date,
) -> str:
    """Remove a document while the application is a draft; answers the file id to delete."""
    attachment = get_attachment(
        session, principal=principal, application_id=application_id, attachment_id=attachment_id
    )
    app = session.get(Application, application_id)
    _require_owner(session, app, principal)
    if app.status != "draft":
        raise _wrong_state(app, principal, "edit", _my_keys(session, principal), today)
    session.delete(attachment)
    session.flush()
    return attachment.id


# --- public notice (公示) ---------------------------------------------------------------------


# Published in the notice: never 医疗 (illness), 康复 (a disabled child) or 孤儿 (a child):
# POLICY.md forbids publishing illness or disability, and the law protects minors.
PUBLISHED_PROGRAMS = ("dibao", "tekun", "temporary")


def public_notices(session: Session, *, region_code: str, today: date, page: int, page_size: int):
    """Cases in notice, or approved in the last 12 months, in a region: only what may be shown."""
    region = regions_service.get_region(session, code=region_code)
    prefix = regions_service.scope_prefix(region.code)
    since = datetime.combine(today - timedelta(days=365), datetime.min.time()).replace(
        tzinfo=common.LOCAL_TZ
    )
    query = (
        select(Application, Region.name)
        .join(Region, Region.code == Application.region_code)
        .where(
            Application.region_code.startswith(prefix),
            Application.program.in_(PUBLISHED_PROGRAMS),
            or_(
                Application.status == "in_notice",
                and_(Application.status == "approved", Application.decided_at >= since),
            ),
        )
        .order_by(Application.notice_starts_on.desc(), Application.id.desc())
    )
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    notices = [
        {
            "id": app.id,
            "name": identity.mask_name(app.applicant_name),
            "community": community,
            "program": app.program,
            "program_name": PROGRAMS[app.program].name,
            "household_size": app.verified_household_size,
            "monthly_amount_fen": app.amount_fen
            if app.status == "approved"
            else app.proposed_amount_fen,
            "status": app.status,
            "notice_starts_on": app.notice_starts_on,
            "notice_ends_on": app.notice_ends_on,
        }
        for app, community in rows
    ]
    return notices, total


def object_to_notice(
    session: Session,
    *,
    principal: Principal,
    application_id: int,
    reason: str,
    today: date,
    settings: AssistanceSettings,
) -> Objection:
    """An objection during the notice: the case goes back to investigation."""
    app = session.get(Application, application_id)
    if app is None or app.program not in PUBLISHED_PROGRAMS or not _notice_running(app, today):
        raise NotFound("没有找到正在公示的这份申请。", error="notice_not_found")
    if is_applicant(app, principal, _my_keys(session, principal)) or app.agent_id == principal.id:
        raise Forbidden("申请人和代办人不能对自己的申请提出异议。", error="own_application")
    reason = reason.strip()
    if len(reason) < 5:
        raise ValidationFailed({"reason": ["请写明异议的具体理由（至少 5 个字）。"]})
    objection = Objection(application_id=app.id, user_id=principal.id, reason=reason)
    session.add(objection)
    before = app.status
    app.status = "accepted"
    app.notice_starts_on = app.notice_ends_on = None
    app.proposal = app.proposed_amount_fen = None
    app.due_on = common.add_working_days(today, settings.township_days, holidays=settings.holidays)
    _notify_applicant(session, app, "object")
    _flush(session)
    _record(session, app, principal, "object", before, "accepted", reason)
    return objection


# --- what an application looks like to the person reading it -----------------------------------


def describe(
    session: Session,
    app: Application,
    *,
    principal: Principal,
    cipher: Cipher,
    today: date,
    detail: bool = False,
) -> dict:
    """An application as the reader may see it: ID number masked, the actions open to them."""
    view = describe_many(session, [app], principal=principal, cipher=cipher, today=today)[0]
    if detail:
        view["events"] = session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == app.id)
            .order_by(ApplicationEvent.id)
        ).all()
        view["attachments"] = session.scalars(
            select(Attachment)
            .where(Attachment.application_id == app.id)
            .order_by(Attachment.created_at)
        ).all()
    return view


def describe_many(
    session: Session, apps, *, principal: Principal, cipher: Cipher, today: date
) -> list[dict]:
    """Several applications as `describe` shows them, reading the reader's own data once."""
    my_keys = _my_keys(session, principal)
    columns = [c.key for c in Application.__table__.columns if c.key not in HIDDEN_COLUMNS]
    views = []
    for app in apps:
        view = {key: getattr(app, key) for key in columns}
        # Names are masked like ID numbers; the full ones come from the audited /identity.
        view["applicant_name"] = identity.mask_name(app.applicant_name)
        view["members"] = [_masked_person(m) for m in app.members or []]
        view["relatives"] = [_masked_person(r) for r in app.relatives or []]
        if app.investigation:
            view["investigation"] = {
                **app.investigation,
                "members": [_masked_person(m) for m in app.investigation.get("members") or []],
            }
        view["applicant_id_number"] = identity.mask_id_number(
            cipher.decrypt(app.applicant_id_number_enc)
        )
        view["status_name"] = STATUS_NAMES[app.status]
        view["overdue"] = bool(app.due_on and app.due_on < today)
        view["allowed_actions"] = allowed_actions(app, principal, my_keys, today)
        views.append(view)
    return views


def _masked_person(person: dict) -> dict:
    if person.get("name"):
        return {**person, "name": identity.mask_name(person["name"])}
    return person


HIDDEN_COLUMNS = frozenset(
    {"applicant_id_number_enc", "applicant_id_number_hash", "applicant_phone_hash"}
)


def reveal_identity(
    session: Session, *, principal: Principal, application_id: int, cipher: Cipher
) -> dict:
    """The applicant's full ID number, for a reviewing worker in scope; the read is audited."""
    app = get_application(session, principal=principal, application_id=application_id)
    require(principal, roles=("worker",))
    common.audit(
        session,
        actor_id=principal.id,
        action="reveal_id_number",
        object_type="assistance_application",
        object_id=app.id,
    )
    return {
        "applicant_name": app.applicant_name,
        "applicant_id_number": cipher.decrypt(app.applicant_id_number_enc),
        "members": [m.get("name") for m in app.members or []],
    }
