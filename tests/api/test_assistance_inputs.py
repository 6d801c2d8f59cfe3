"""Bad input, files, idempotent retries, the public notice, standards and the self-check."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from server.models.assistance import Application, ApplicationEvent, Attachment
from server.services.common import local_today
from server.services.identity import id_check_char
from tests.assistance_helpers import (
    INVESTIGATION,
    JPEG,
    MEMBERS,
    PDF,
    PNG,
    draft,
    ready,
    step,
    to_notice,
    upload,
)
from tests.conftest import login

BASE = "/api/v1/assistance/applications"
HOME = "330802001001"
OTHER_COMMUNITY = "330802002001"

_serial = itertools.count(500)


def today():
    return local_today(datetime.now(UTC))


def id_number(birth: str = "19800101") -> str:
    first17 = f"330802{birth}{next(_serial) % 1000:03d}"
    return first17 + id_check_char(first17)


def make_person(client, openid, *, region=HOME, name="钱丽华") -> dict:
    headers = login(client, openid)
    profile = {
        "real_name": name,
        "id_number": id_number(),
        "phone": f"137{next(_serial) + 20_000_000:08d}",
        "region_code": region,
    }
    response = client.patch("/api/v1/me", headers=headers, json=profile)
    assert response.status_code == 200, response.json
    return headers


def make_worker(app, client, openid, level, region) -> dict:
    headers = login(client, openid)
    result = app.test_cli_runner().invoke(
        args=["users", "grant-worker", "--openid", openid, "--level", level, "--region", region]
    )
    assert result.exit_code == 0, result.output
    return headers


def named(response) -> set[str]:
    """Every field a 422 names, as dotted paths, whatever the location and nesting."""
    found: set[str] = set()

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            found.add(prefix)

    for fields in response.json.get("errors", {}).values():
        walk("", fields)
    return found


def counts(session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Application, ApplicationEvent, Attachment)
    )


def detail(client, headers, app_id) -> dict:
    response = client.get(f"{BASE}/{app_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


# --- the profile comes first -----------------------------------------------------------------


def test_creating_without_a_complete_profile_is_409_naming_what_is_missing(
    client, session, newcomer
):
    before = counts(session)
    response = client.post(BASE, headers=newcomer, json={"program": "dibao"})
    assert response.status_code == 409, response.json
    assert response.json["error"] == "profile_incomplete"
    assert response.json["missing"] == ["real_name", "id_number", "region_code"]

    client.patch("/api/v1/me", headers=newcomer, json={"real_name": "孙小梅"})
    response = client.post(BASE, headers=newcomer, json={"program": "dibao"})
    assert response.status_code == 409
    assert response.json["missing"] == ["id_number", "region_code"]
    assert counts(session) == before


# --- submit checks everything at once --------------------------------------------------------


def test_submit_of_an_incomplete_application_is_422_naming_every_problem_and_stores_nothing(
    client, session, resident
):
    app = client.post(BASE, headers=resident, json={"program": "medical"}).json
    before = counts(session)

    response = step(client, resident, app["id"], "submit", expect=422)

    assert {"members", "reason", "attachments", "medical_out_of_pocket_fen"} <= set(
        response["errors"]["json"]
    )
    after = detail(client, resident, app["id"])
    assert after["status"] == "draft" and after["number"] is None
    assert after["submitted_at"] is None and after["version"] == app["version"]
    assert [e["action"] for e in after["events"]] == ["create"]
    assert counts(session) == before


def test_submit_names_wrong_household_figures_along_with_the_missing_ones(client, resident):
    members = [{"relation": "spouse", "age": 60, "monthly_income_fen": 10_000}]
    app = client.post(
        BASE, headers=resident, json={"program": "dibao", "members": members, "reason": "  "}
    ).json
    response = step(client, resident, app["id"], "submit", expect=422)
    assert {"members", "reason", "attachments"} <= set(response["errors"]["json"])
    assert detail(client, resident, app["id"])["status"] == "draft"


def test_a_failed_submit_does_not_use_up_an_application_number(client, resident):
    first = ready(client, resident)
    number = step(client, resident, first["id"], "submit")["number"]
    other = make_person(client, "inputs-number")
    second = draft(client, other)
    step(client, other, second["id"], "submit", expect=422)  # no document yet
    assert upload(client, other, second["id"]).status_code == 201
    again = step(client, other, second["id"], "submit")["number"]
    prefix, sequence = number.rsplit("-", 1)
    assert again == f"{prefix}-{int(sequence) + 1:06d}"


# --- bad input: 422 naming the field, nothing written ------------------------------------------


def member(**changes) -> dict:
    return {"relation": "self", "age": 40, "monthly_income_fen": 20_000, **changes}


BAD_DRAFTS = {
    "negative income": (
        {"members": [member(monthly_income_fen=-1)]},
        "members.0.monthly_income_fen",
    ),
    "float income": (
        {"members": [member(monthly_income_fen=1500.5)]},
        "members.0.monthly_income_fen",
    ),
    "integral float income": (
        {"members": [member(monthly_income_fen=1500.0)]},
        "members.0.monthly_income_fen",
    ),
    "string income": (
        {"members": [member(monthly_income_fen="1500")]},
        "members.0.monthly_income_fen",
    ),
    "boolean income": (
        {"members": [member(monthly_income_fen=True)]},
        "members.0.monthly_income_fen",
    ),
    "empty household": ({"members": []}, "members"),
    "21 members": ({"members": [member()] + [member(relation="child")] * 20}, "members"),
    "10 000 members": ({"members": [member()] + [member(relation="other")] * 9_999}, "members"),
    "unknown relation": ({"members": [member(relation="cousin")]}, "members.0.relation"),
    "age 131": ({"members": [member(age=131)]}, "members.0.age"),
    "negative age": ({"members": [member(age=-1)]}, "members.0.age"),
    "float age": ({"members": [member(age=40.5)]}, "members.0.age"),
    "disability grade 5": ({"members": [member(disability_grade=5)]}, "members.0.disability_grade"),
    "unknown member field": ({"members": [member(salary=1)]}, "members.0.salary"),
    "negative assets": ({"assets": {"financial_fen": -100}}, "assets.financial_fen"),
    "negative medical cost": ({"medical_out_of_pocket_fen": -1}, "medical_out_of_pocket_fen"),
    "incomplete relative": ({"relatives": [{"name": "王建军"}]}, "relatives.0.workplace"),
    "unknown field": ({"nickname": "小王"}, "nickname"),
    "unknown program": ({"program": "pension"}, "program"),
    "missing program": ({"program": None}, "program"),
    "township as region": ({"region_code": "330802001"}, "region_code"),
    "county as region": ({"region_code": "330802"}, "region_code"),
    "no such region": ({"region_code": "330802001999"}, "region_code"),
    "overlong reason": ({"reason": "困" * 2001}, "reason"),
}


@pytest.mark.parametrize(("changes", "field"), list(BAD_DRAFTS.values()), ids=list(BAD_DRAFTS))
def test_creating_with_bad_input_is_422_naming_the_field_and_writes_nothing(
    client, session, resident, changes, field
):
    body = {"program": "dibao", "members": MEMBERS, "reason": "生活困难。", **changes}
    body = {key: value for key, value in body.items() if value is not None}
    before = counts(session)
    response = client.post(BASE, headers=resident, json=body)
    assert response.status_code == 422, response.json
    assert field in named(response), response.json
    assert counts(session) == before


BAD_EDITS = {k: BAD_DRAFTS[k] for k in ("negative income", "21 members", "unknown relation")}


@pytest.mark.parametrize(("changes", "field"), list(BAD_EDITS.values()), ids=list(BAD_EDITS))
def test_editing_with_bad_input_is_422_and_changes_nothing(
    client, session, resident, changes, field
):
    app = draft(client, resident)
    before = detail(client, resident, app["id"])
    response = client.patch(
        f"{BASE}/{app['id']}", headers=resident, json={"version": app["version"], **changes}
    )
    assert response.status_code == 422, response.json
    assert field in named(response)
    assert detail(client, resident, app["id"]) == before


@pytest.mark.parametrize(
    "bad",
    [
        "330802195001010013",  # wrong check digit
        "33080219500101001",  # 17 characters
        "330802195002300014",  # 30 February
        "33080219500101001A",  # a letter other than X
        "000000195001010012",  # no such region
    ],
)
def test_filing_on_behalf_with_a_bad_id_number_is_422_and_writes_nothing(
    client, session, community_worker, bad
):
    before = counts(session)
    response = client.post(
        BASE,
        headers=community_worker,
        json={
            "program": "dibao",
            "applicant": {
                "real_name": "张桂兰",
                "id_number": bad,
                "phone": "13957001234",
                "region_code": HOME,
            },
        },
    )
    assert response.status_code == 422, response.json
    assert "applicant.id_number" in named(response)
    assert counts(session) == before


def test_an_action_with_a_version_that_is_not_an_integer_is_422(client, resident):
    app = ready(client, resident)
    for version in ("1", 1.0, None):
        response = client.post(
            f"{BASE}/{app['id']}/submit", headers=resident, json={"version": version}
        )
        assert response.status_code == 422, (version, response.json)
        assert "version" in named(response)
    assert detail(client, resident, app["id"])["status"] == "draft"


# --- attachments -----------------------------------------------------------------------------


def storage_dir(app) -> Path:
    return Path(app.extensions["minzheng.assistance"].storage_dir)


def stored_files(app) -> set[str]:
    directory = storage_dir(app)
    return {p.name for p in directory.iterdir()} if directory.exists() else set()


def file_url(app_id, attachment_id):
    return f"{BASE}/{app_id}/attachments/{attachment_id}"


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (JPEG, "id.jpg", "image/jpeg"),
        (PNG, "id.png", "image/png"),
        (PDF, "income.pdf", "application/pdf"),
        (PNG, "x.pdf", "image/png"),
        (PDF, "photo.jpg", "application/pdf"),
    ],
)
def test_documents_are_typed_by_their_content_not_their_name(
    app, client, resident, content, name, content_type
):
    app_id = draft(client, resident)["id"]
    response = upload(client, resident, app_id, content=content, name=name)
    assert response.status_code == 201, response.json
    assert response.json["content_type"] == content_type
    assert response.json["filename"] == name and response.json["size"] == len(content)
    assert (storage_dir(app) / response.json["id"]).read_bytes() == content
    back = client.get(file_url(app_id, response.json["id"]), headers=resident)
    assert back.status_code == 200 and back.data == content
    assert back.mimetype == content_type


@pytest.mark.parametrize(
    "content", [b"hello, this is text", b"", b"GIF89a" + b"\x00" * 32, b"<svg></svg>"]
)
def test_a_file_that_is_not_jpeg_png_or_pdf_is_422(app, client, session, resident, content):
    app_id = draft(client, resident)["id"]
    files, before = stored_files(app), counts(session)
    response = upload(client, resident, app_id, content=content, name="x.jpg")
    assert response.status_code == 422, response.json
    assert "file" in response.json["errors"]["files"]
    assert stored_files(app) == files and counts(session) == before


def test_an_upload_without_a_file_is_422(client, resident):
    app_id = draft(client, resident)["id"]
    response = client.post(
        f"{BASE}/{app_id}/attachments",
        headers=resident,
        data={"kind": "身份证"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "file" in named(response)


def test_a_file_over_the_size_limit_is_413_and_leaves_nothing(
    app, client, session, resident, assistance_settings
):
    assistance_settings(attachment_max_bytes=1000)
    app_id = draft(client, resident)["id"]
    files, before = stored_files(app), counts(session)
    too_big = PNG + b"\x00" * (1001 - len(PNG))
    response = upload(client, resident, app_id, content=too_big)
    assert response.status_code == 413, response.json
    assert response.json["error"] == "file_too_large"
    assert stored_files(app) == files and counts(session) == before
    just_fits = PNG + b"\x00" * (1000 - len(PNG))
    assert upload(client, resident, app_id, content=just_fits).status_code == 201


def test_a_file_over_five_megabytes_is_413_by_default(app, client, session, resident):
    app_id = draft(client, resident)["id"]
    files, before = stored_files(app), counts(session)
    response = upload(client, resident, app_id, content=PDF + b"0" * (5 * 1024 * 1024))
    assert response.status_code == 413, response.json
    assert stored_files(app) == files and counts(session) == before


def test_more_files_than_the_limit_is_409(app, client, session, resident, assistance_settings):
    assistance_settings(attachment_max_count=2)
    app_id = ready(client, resident)["id"]
    assert upload(client, resident, app_id, content=PDF, name="b.pdf").status_code == 201
    files, before = stored_files(app), counts(session)
    response = upload(client, resident, app_id, content=JPEG, name="c.jpg")
    assert response.status_code == 409, response.json
    assert response.json["error"] == "too_many_files"
    assert stored_files(app) == files and counts(session) == before


def test_a_document_is_read_back_only_by_the_applicant_and_workers_in_scope(
    app, client, resident, township_worker, community_worker, county_worker
):
    app_id = draft(client, resident)["id"]
    attachment = upload(client, resident, app_id, content=PDF, name="收入证明.pdf").json
    step(client, resident, app_id, "submit")
    url = file_url(app_id, attachment["id"])

    for headers in (resident, community_worker, township_worker, county_worker):
        response = client.get(url, headers=headers)
        assert response.status_code == 200 and response.data == PDF

    neighbour = make_person(client, "inputs-neighbour")
    elsewhere = make_worker(app, client, "inputs-t2", "township", "330802002")
    other_county = make_worker(app, client, "inputs-c2", "county", "330803")
    for headers in (neighbour, elsewhere, other_county):
        assert client.get(url, headers=headers).status_code == 404
        assert client.get(f"{BASE}/{app_id}/attachments", headers=headers).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get(file_url(app_id, "0" * 32), headers=resident).status_code == 404


def test_a_document_of_one_application_is_not_served_under_another(client, resident):
    first = draft(client, resident, "dibao")["id"]
    attachment = upload(client, resident, first).json
    second = draft(client, resident, "temporary")["id"]
    assert client.get(file_url(second, attachment["id"]), headers=resident).status_code == 404
    gone = client.delete(file_url(second, attachment["id"]), headers=resident)
    assert gone.status_code == 404
    assert client.get(file_url(first, attachment["id"]), headers=resident).status_code == 200


def test_deleting_a_document_of_a_draft_removes_it_and_its_file(app, client, session, resident):
    app_id = draft(client, resident)["id"]
    attachment = upload(client, resident, app_id).json
    path = storage_dir(app) / attachment["id"]
    assert path.exists()

    response = client.delete(file_url(app_id, attachment["id"]), headers=resident)

    assert response.status_code == 204
    assert client.get(file_url(app_id, attachment["id"]), headers=resident).status_code == 404
    assert client.get(f"{BASE}/{app_id}/attachments", headers=resident).json == []
    assert not path.exists()


def test_a_document_cannot_be_deleted_by_a_worker_or_another_resident(
    client, resident, township_worker
):
    app_id = draft(client, resident)["id"]
    attachment = upload(client, resident, app_id).json
    neighbour = make_person(client, "inputs-deleter")
    assert client.delete(file_url(app_id, attachment["id"]), headers=neighbour).status_code == 404
    by_worker = client.delete(file_url(app_id, attachment["id"]), headers=township_worker)
    assert by_worker.status_code == 403
    assert client.get(file_url(app_id, attachment["id"]), headers=resident).status_code == 200


def test_after_submit_documents_can_be_neither_deleted_nor_added(app, client, session, resident):
    app_id = draft(client, resident)["id"]
    attachment = upload(client, resident, app_id).json
    step(client, resident, app_id, "submit")
    files, before = stored_files(app), counts(session)

    deleted = client.delete(file_url(app_id, attachment["id"]), headers=resident)
    assert deleted.status_code == 409 and deleted.json["error"] == "wrong_state"
    added = upload(client, resident, app_id, content=PDF)
    assert added.status_code == 409 and added.json["error"] == "wrong_state"

    assert stored_files(app) == files and counts(session) == before
    assert client.get(file_url(app_id, attachment["id"]), headers=resident).data == PNG


def test_a_returned_application_takes_more_documents(client, resident, township_worker):
    app_id = ready(client, resident)["id"]
    step(client, resident, app_id, "submit")
    step(client, township_worker, app_id, "return", missing=["2013年收入证明"])
    assert upload(client, resident, app_id, content=PDF).status_code == 201
    assert step(client, resident, app_id, "submit")["status"] == "submitted"


def test_a_worker_cannot_upload_to_a_residents_application(client, resident, township_worker):
    app_id = draft(client, resident)["id"]
    response = upload(client, township_worker, app_id)
    assert response.status_code == 403, response.json


# --- Idempotency-Key --------------------------------------------------------------------------


def events_named(session, app_id, action) -> int:
    return session.scalar(
        select(func.count())
        .select_from(ApplicationEvent)
        .where(ApplicationEvent.application_id == app_id, ApplicationEvent.action == action)
    )


def test_the_same_submit_twice_with_one_key_is_done_once(client, session, resident):
    app = ready(client, resident)
    headers = {**resident, "Idempotency-Key": "submit-7f3a"}
    url = f"{BASE}/{app['id']}/submit"

    first = client.post(url, headers=headers, json={"version": app["version"]})
    second = client.post(url, headers=headers, json={"version": app["version"]})

    assert first.status_code == second.status_code == 200, (first.json, second.json)
    assert second.json == first.json
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert events_named(session, app["id"], "submit") == 1


def test_the_same_key_with_a_different_body_is_422(client, session, resident):
    app = ready(client, resident)
    headers = {**resident, "Idempotency-Key": "submit-reused"}
    url = f"{BASE}/{app['id']}/submit"
    assert client.post(url, headers=headers, json={"version": app["version"]}).status_code == 200
    other = client.post(url, headers=headers, json={"version": app["version"], "comment": "再交"})
    assert other.status_code == 422, other.json
    assert other.json["error"] == "idempotency_key_reused"
    assert events_named(session, app["id"], "submit") == 1


def test_the_same_key_on_another_application_is_not_answered_with_the_first(
    client, session, resident
):
    first = ready(client, resident, "dibao")
    second = ready(client, resident, "temporary")
    assert first["version"] == second["version"]  # so the two bodies are byte for byte equal
    headers = {**resident, "Idempotency-Key": "one-key"}
    body = {"version": first["version"]}
    done = client.post(f"{BASE}/{first['id']}/submit", headers=headers, json=body)
    assert done.status_code == 200

    response = client.post(f"{BASE}/{second['id']}/submit", headers=headers, json=body)

    # Either refused as a reused key, or done for real: never the first application's answer.
    assert response.status_code in (200, 422), response.json
    if response.status_code == 200:
        assert response.json["id"] == second["id"]
    assert detail(client, resident, second["id"])["status"] == (
        "submitted" if response.status_code == 200 else "draft"
    )


def test_a_repeated_submit_without_a_key_is_409(client, session, resident):
    app = ready(client, resident)
    url = f"{BASE}/{app['id']}/submit"
    assert client.post(url, headers=resident, json={"version": app["version"]}).status_code == 200
    same = client.post(url, headers=resident, json={"version": app["version"]})
    assert same.status_code == 409 and same.json["error"] == "stale_version"
    current = detail(client, resident, app["id"])["version"]
    fresh = client.post(url, headers=resident, json={"version": current})
    assert fresh.status_code == 409 and fresh.json["error"] == "wrong_state"
    assert events_named(session, app["id"], "submit") == 1


def test_a_failed_submit_frees_its_key_for_the_corrected_retry(client, session, resident):
    app = draft(client, resident)
    headers = {**resident, "Idempotency-Key": "submit-after-fix"}
    url = f"{BASE}/{app['id']}/submit"
    assert client.post(url, headers=headers, json={"version": app["version"]}).status_code == 422
    assert upload(client, resident, app["id"]).status_code == 201
    retried = client.post(url, headers=headers, json={"version": app["version"]})
    assert retried.status_code == 200, retried.json
    assert "Idempotent-Replayed" not in retried.headers


def test_the_same_create_twice_with_one_key_makes_one_application(client, session, resident):
    headers = {**resident, "Idempotency-Key": "create-91c"}
    body = {"program": "dibao", "members": MEMBERS, "reason": "生活困难。"}
    before = counts(session)

    first = client.post(BASE, headers=headers, json=body)
    second = client.post(BASE, headers=headers, json=body)

    assert first.status_code == second.status_code == 201, (first.json, second.json)
    assert second.json["id"] == first.json["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert counts(session)[0] == before[0] + 1


def test_keys_are_per_user(client, session, resident):
    other = make_person(client, "inputs-same-key")
    body = {"program": "dibao", "members": MEMBERS, "reason": "生活困难。"}
    mine = client.post(BASE, headers={**resident, "Idempotency-Key": "k"}, json=body)
    theirs = client.post(BASE, headers={**other, "Idempotency-Key": "k"}, json=body)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json["id"] != theirs.json["id"]
    assert "Idempotent-Replayed" not in theirs.headers


# --- the public notice shows only what may be shown ------------------------------------------

DECLARED = [
    {"relation": "self", "age": 62, "monthly_income_fen": 20_202, "disability_grade": 2},
    {"relation": "spouse", "age": 60, "monthly_income_fen": 10_101},
]
VERIFIED = [
    {"relation": "self", "age": 62, "monthly_income_fen": 21_111, "disability_grade": 2},
    {"relation": "spouse", "age": 60, "monthly_income_fen": 13_579},
]
REASON = "老伴患尿毒症每周透析，家里积蓄花光了。"
NOTES = "入户核实：二级肢体残疾，住房漏雨，冰箱空。"
ID_NUMBER = "330802195001010012"  # the demo resident's
PHONE = "13857000001"


def notice_case(client, resident, township, community, county, settings, *, approve):
    if approve:
        settings(notice_days=0)
    app = ready(
        client,
        resident,
        "dibao",
        members=DECLARED,
        assets={"financial_fen": 123_457},
        reason=REASON,
    )
    step(client, resident, app["id"], "submit")
    step(client, township, app["id"], "accept")
    step(
        client,
        community,
        app["id"],
        "investigate",
        visited_on=today().isoformat(),
        staff=INVESTIGATION["staff"],
        members=VERIFIED,
        assets={"financial_fen": 123_457},
        notes=NOTES,
    )
    reviewed = step(client, township, app["id"], "review", decision="approve")
    if approve:
        step(client, county, app["id"], "approve")
    return reviewed


@pytest.mark.parametrize("approve", [False, True], ids=["in notice", "approved"])
def test_the_public_notice_shows_only_what_may_be_shown(
    client,
    resident,
    township_worker,
    community_worker,
    county_worker,
    assistance_settings,
    approve,
):
    case = notice_case(
        client,
        resident,
        township_worker,
        community_worker,
        county_worker,
        assistance_settings,
        approve=approve,
    )
    response = client.get("/api/v1/public/notices?region_code=330802&page_size=100")
    assert response.status_code == 200, response.json
    (item,) = [n for n in response.json if n["id"] == case["id"]]

    # 480 × 2 − (211.11 + 135.79) = 613.10 yuan a month.
    assert item["name"] == "王**"
    assert item["community"] == "坊门街社区"
    assert item["program"] == "dibao" and item["program_name"]
    assert item["household_size"] == 2
    assert item["monthly_amount_fen"] == 61_310
    assert item["status"] == ("approved" if approve else "in_notice")
    assert item["notice_starts_on"] == today().isoformat()
    assert item["notice_ends_on"] == case["notice_ends_on"]

    text = response.get_data(as_text=True)
    forbidden = [ID_NUMBER, PHONE, "秀英", REASON, NOTES, "透析", "残疾", "disability"]
    forbidden += [ID_NUMBER[i : i + 8] for i in range(len(ID_NUMBER) - 7)]
    forbidden += [PHONE[i : i + 8] for i in range(len(PHONE) - 7)]
    forbidden += ["20202", "10101", "21111", "13579", "34690", "30303", "123457"]
    forbidden += ["income", "members", "assets", "reason", "notes", "investigation", "phone"]
    forbidden += INVESTIGATION["staff"]
    for secret in forbidden:
        assert secret not in text, secret
    assert not re.search(r"\d{8,}", text), "no long digit run (ID, phone, account) at all"


def test_the_public_notice_lists_only_cases_in_notice_or_approved_in_that_region(
    client, resident, township_worker, community_worker
):
    in_notice = ready(client, resident, "dibao")["id"]
    to_notice(client, resident, township_worker, community_worker, in_notice, today())
    submitted = ready(client, resident, "temporary")["id"]
    step(client, resident, submitted, "submit")

    here = [n["id"] for n in client.get("/api/v1/public/notices?region_code=330802").json]
    assert in_notice in here and submitted not in here
    community = client.get(f"/api/v1/public/notices?region_code={HOME}").json
    assert in_notice in [n["id"] for n in community]
    elsewhere = client.get("/api/v1/public/notices?region_code=330803").json
    assert in_notice not in [n["id"] for n in elsewhere]
    assert client.get("/api/v1/public/notices?region_code=999999").status_code == 404
    assert client.get("/api/v1/public/notices").status_code == 422


# --- objections -------------------------------------------------------------------------------


def objection(client, app_id, reason, headers=None):
    return client.post(
        f"/api/v1/public/notices/{app_id}/objections",
        headers=headers or {},
        json={"reason": reason},
    )


def test_an_objection_needs_a_login(client, resident, township_worker, community_worker):
    app_id = ready(client, resident)["id"]
    to_notice(client, resident, township_worker, community_worker, app_id, today())
    response = objection(client, app_id, "他家儿子开公司，收入很高。")
    assert response.status_code == 401
    assert detail(client, resident, app_id)["status"] == "in_notice"


@pytest.mark.parametrize("reason", ["", "太少", "四个字啊", "   四个字啊   ", "\n\n  \t"])
def test_an_objection_shorter_than_five_characters_is_422(
    client, resident, township_worker, community_worker, newcomer, reason
):
    app_id = ready(client, resident)["id"]
    to_notice(client, resident, township_worker, community_worker, app_id, today())
    before = detail(client, resident, app_id)
    response = objection(client, app_id, reason, newcomer)
    assert response.status_code == 422, response.json
    assert "reason" in named(response)
    assert detail(client, resident, app_id) == before


def test_an_objection_of_five_characters_is_taken(
    client, resident, township_worker, community_worker, newcomer
):
    app_id = ready(client, resident)["id"]
    to_notice(client, resident, township_worker, community_worker, app_id, today())
    response = objection(client, app_id, "收入不实啊", newcomer)
    assert response.status_code == 201, response.json
    assert response.json["application_id"] == app_id
    back = detail(client, resident, app_id)
    assert back["status"] == "accepted" and back["notice_starts_on"] is None
    assert back["events"][-1]["action"] == "object"


@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "missing"])
def test_an_objection_to_a_case_not_in_notice_is_404(
    client,
    resident,
    township_worker,
    community_worker,
    county_worker,
    newcomer,
    assistance_settings,
    state,
):
    app_id = 987_654
    if state != "missing":
        app_id = ready(client, resident)["id"]
    if state == "submitted":
        step(client, resident, app_id, "submit")
    if state == "approved":
        assistance_settings(notice_days=0)
        to_notice(client, resident, township_worker, community_worker, app_id, today())
        step(client, county_worker, app_id, "approve")
    response = objection(client, app_id, "他家儿子开公司，收入很高。", newcomer)
    assert response.status_code == 404, response.json
    if state != "missing":
        assert detail(client, resident, app_id)["status"] == state


# --- standards --------------------------------------------------------------------------------


def new_standard(client, headers, **changes):
    body = {
        "program": "dibao",
        "region_code": "330802",
        "is_urban": True,
        "effective_from": today().isoformat(),
        "monthly_fen": 50_000,
        **changes,
    }
    return client.post("/api/v1/assistance/standards", headers=headers, json=body)


def test_a_new_standard_applies_to_applications_submitted_from_its_date(
    client, resident, township_worker, community_worker, county_worker
):
    before = ready(client, resident)
    assert step(client, resident, before["id"], "submit")["dibao_standard_fen"] == 48_000

    response = new_standard(client, county_worker)
    assert response.status_code == 201, response.json
    assert response.json["monthly_fen"] == 50_000 and response.json["region_code"] == "330802"

    other = make_person(client, "inputs-after-standard")
    after = ready(client, other)
    assert step(client, other, after["id"], "submit")["dibao_standard_fen"] == 50_000
    assert detail(client, resident, before["id"])["dibao_standard_fen"] == 48_000

    # The first is still judged by the standard of its submission date: 480 × 2 − 360 = 600.
    step(client, township_worker, before["id"], "accept")
    step(
        client,
        community_worker,
        before["id"],
        "investigate",
        visited_on=today().isoformat(),
        **INVESTIGATION,
    )
    reviewed = step(client, township_worker, before["id"], "review", decision="approve")
    assert reviewed["proposed_amount_fen"] == 60_000

    programs = client.get("/api/v1/assistance/programs?region_code=330802").json
    by_code = {p["code"]: p for p in programs}
    assert by_code["dibao"]["standard_urban_fen"] == 50_000
    assert by_code["dibao"]["standard_rural_fen"] == 33_200
    assert by_code["tekun"]["standard_urban_fen"] == 65_000
    elsewhere = client.get("/api/v1/assistance/programs?region_code=330803").json
    assert {p["code"]: p for p in elsewhere}["dibao"]["standard_urban_fen"] == 48_000


def test_a_standard_from_tomorrow_does_not_apply_today(client, resident, county_worker):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert new_standard(client, county_worker, effective_from=tomorrow).status_code == 201
    app = ready(client, resident)
    assert step(client, resident, app["id"], "submit")["dibao_standard_fen"] == 48_000


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("resident", "role_required"),
        ("community_worker", "level_too_low"),
        ("township_worker", "level_too_low"),
    ],
)
def test_a_standard_below_county_level_is_403(client, request, session, who, error):
    response = new_standard(client, request.getfixturevalue(who))
    assert response.status_code == 403, response.json
    assert response.json["error"] == error


def test_a_standard_for_a_region_outside_the_scope_is_404(client, county_worker):
    for region in ("330803", "330800", "330803001001"):
        response = new_standard(client, county_worker, region_code=region)
        assert response.status_code == 404, (region, response.json)


def test_the_same_standard_twice_is_409(client, county_worker):
    assert new_standard(client, county_worker).status_code == 201
    again = new_standard(client, county_worker, monthly_fen=51_000)
    assert again.status_code == 409, again.json
    assert again.json["error"] == "standard_exists"
    rural = new_standard(client, county_worker, is_urban=False)
    assert rural.status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"monthly_fen": 0}, "monthly_fen"),
        ({"monthly_fen": -48_000}, "monthly_fen"),
        ({"monthly_fen": 480.5}, "monthly_fen"),
        ({"monthly_fen": 48_000.0}, "monthly_fen"),
        ({"monthly_fen": "48000"}, "monthly_fen"),
        ({"program": "tekun"}, "program"),
        ({"effective_from": "2013-02-30"}, "effective_from"),
        ({"is_urban": "maybe"}, "is_urban"),
    ],
)
def test_a_bad_standard_is_422(client, county_worker, changes, field):
    response = new_standard(client, county_worker, **changes)
    assert response.status_code == 422, response.json
    assert field in named(response)


# --- programs and the self-check (no login) ----------------------------------------------------


def test_the_programs_of_a_region_carry_documents_and_standards(client):
    response = client.get("/api/v1/assistance/programs?region_code=330802")
    assert response.status_code == 200, response.json
    by_code = {p["code"]: p for p in response.json}
    assert set(by_code) == {"dibao", "tekun", "temporary", "medical", "orphan", "child_rehab"}
    for program in by_code.values():
        assert program["documents"] and all(program["documents"])
        assert program["name"] and program["purpose"] and program["who_may_apply"]
    assert (by_code["dibao"]["standard_urban_fen"], by_code["dibao"]["standard_rural_fen"]) == (
        48_000,
        33_200,
    )
    assert by_code["tekun"]["standard_urban_fen"] == 62_400
    assert (by_code["orphan"]["standard_urban_fen"], by_code["orphan"]["standard_rural_fen"]) == (
        100_000,
        60_000,
    )
    community = client.get(f"/api/v1/assistance/programs?region_code={HOME}").json
    assert {p["code"]: p for p in community}["dibao"]["standard_urban_fen"] == 48_000


def test_the_programs_of_an_unknown_region_are_404(client):
    assert client.get("/api/v1/assistance/programs?region_code=999999").status_code == 404


def test_the_self_check_answers_with_reasons_in_chinese(client):
    response = client.post(
        "/api/v1/assistance/eligibility",
        json={
            "program": "dibao",
            "region_code": HOME,
            "members": MEMBERS,
            "assets": {"financial_fen": 100_000},
        },
    )
    assert response.status_code == 200, response.json
    result = response.json
    # 480 × 2 − (200 + 100) = 660 yuan a month.
    assert result["eligible"] is True
    assert result["standard_fen"] == 48_000 and result["household_size"] == 2
    assert result["per_capita_income_fen"] == 15_000 and result["amount_fen"] == 66_000
    assert result["reasons"] and all(r["passed"] for r in result["reasons"])
    assert all(re.search(r"[\u4e00-\u9fff]", r["message"]) for r in result["reasons"])


def test_the_self_check_of_a_household_above_the_standard_says_why_not(client):
    rich = [{"relation": "self", "age": 45, "monthly_income_fen": 300_000}]
    response = client.post(
        "/api/v1/assistance/eligibility",
        json={"program": "dibao", "region_code": HOME, "is_urban": False, "members": rich},
    )
    assert response.status_code == 200, response.json
    assert response.json["eligible"] is False and response.json["amount_fen"] == 0
    assert response.json["standard_fen"] == 33_200
    failed = [r for r in response.json["reasons"] if not r["passed"]]
    assert failed and all(re.search(r"[\u4e00-\u9fff]", r["message"]) for r in failed)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"members": [member(monthly_income_fen=-1)]}, "members.0.monthly_income_fen"),
        ({"members": [member(monthly_income_fen=99.9)]}, "members.0.monthly_income_fen"),
        ({"members": [member(relation="boss")]}, "members.0.relation"),
        ({"members": []}, "members"),
        ({"members": [member()] * 10_000}, "members"),
        ({"members": None}, "members"),
        ({"program": "pension"}, "program"),
        ({"region_code": None}, "region_code"),
        ({"assets": {"vehicles": -1}}, "assets.vehicles"),
        ({"household": 3}, "household"),
    ],
)
def test_a_bad_self_check_is_422_naming_the_field(client, changes, field):
    body = {"program": "dibao", "region_code": HOME, "members": MEMBERS, **changes}
    body = {key: value for key, value in body.items() if value is not None}
    response = client.post("/api/v1/assistance/eligibility", json=body)
    assert response.status_code == 422, response.json
    assert field in named(response), response.json


def test_a_self_check_for_an_unknown_region_is_404(client):
    response = client.post(
        "/api/v1/assistance/eligibility",
        json={"program": "dibao", "region_code": "999999", "members": MEMBERS},
    )
    assert response.status_code == 404


def test_a_standard_by_a_city_worker_or_an_admin_is_201(app, client, admin):
    city = make_worker(app, client, "inputs-city", "city", "330800")
    assert new_standard(client, city).status_code == 201
    assert new_standard(client, admin, region_code="330803").status_code == 201


# --- the home visit and the review: bad input changes nothing ----------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"visited_on": "tomorrow"}, "visited_on"),
        ({"staff": ["周丽萍", "周丽萍"]}, "staff"),
        ({"staff": ["周丽萍"]}, "staff"),
        ({"members": [member(monthly_income_fen=-1)]}, "members.0.monthly_income_fen"),
        ({"members": []}, "members"),
        ({"members": [member(relation="spouse")]}, "members"),
        ({"members": [member(age=131)]}, "members.0.age"),
    ],
)
def test_a_bad_home_visit_report_is_422_and_changes_nothing(
    client, resident, township_worker, community_worker, changes, field
):
    app_id = ready(client, resident)["id"]
    step(client, resident, app_id, "submit")
    step(client, township_worker, app_id, "accept")
    before = detail(client, resident, app_id)
    body = {"visited_on": today().isoformat(), **INVESTIGATION, **changes}
    if body["visited_on"] == "tomorrow":
        body["visited_on"] = (today() + timedelta(days=1)).isoformat()
    response = client.post(
        f"{BASE}/{app_id}/investigate",
        headers=community_worker,
        json={"version": before["version"], **body},
    )
    assert response.status_code == 422, response.json
    assert field in named(response), response.json
    assert detail(client, resident, app_id) == before


def test_proposing_approval_of_a_household_that_does_not_qualify_is_422(
    client, resident, township_worker, community_worker
):
    app_id = ready(client, resident)["id"]
    step(client, resident, app_id, "submit")
    step(client, township_worker, app_id, "accept")
    rich = [member(monthly_income_fen=500_000)]
    step(
        client,
        community_worker,
        app_id,
        "investigate",
        visited_on=today().isoformat(),
        staff=INVESTIGATION["staff"],
        members=rich,
    )
    before = detail(client, resident, app_id)
    response = step(client, township_worker, app_id, "review", expect=422, decision="approve")
    assert "decision" in response["errors"]["json"]
    assert detail(client, resident, app_id) == before


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("return", {}, "missing"),
        ("return", {"missing": []}, "missing"),
        ("review", {"decision": "maybe"}, "decision"),
        ("accept", {"note": "x"}, "note"),
    ],
)
def test_a_bad_action_body_is_422(client, resident, township_worker, action, body, field):
    app_id = ready(client, resident)["id"]
    step(client, resident, app_id, "submit")
    before = detail(client, resident, app_id)
    response = client.post(
        f"{BASE}/{app_id}/{action}",
        headers=township_worker,
        json={"version": before["version"], **body},
    )
    assert response.status_code == 422, response.json
    assert field in named(response)
    assert detail(client, resident, app_id) == before


def test_an_overlong_idempotency_key_is_422(client, resident):
    app = ready(client, resident)
    response = client.post(
        f"{BASE}/{app['id']}/submit",
        headers={**resident, "Idempotency-Key": "k" * 129},
        json={"version": app["version"]},
    )
    assert response.status_code == 422
    assert detail(client, resident, app["id"])["status"] == "draft"


def test_the_public_notice_leaves_out_withdrawn_rejected_and_year_old_cases(
    client,
    session,
    resident,
    township_worker,
    community_worker,
    county_worker,
    assistance_settings,
):
    assistance_settings(notice_days=0)
    withdrawn = ready(client, resident, "dibao")["id"]
    to_notice(client, resident, township_worker, community_worker, withdrawn, today())
    step(client, resident, withdrawn, "withdraw")
    rejected = ready(client, resident, "dibao")["id"]
    to_notice(client, resident, township_worker, community_worker, rejected, today())
    step(client, county_worker, rejected, "reject", reasons="公示期间核实有大额存款。")
    old = ready(client, resident, "dibao")["id"]
    to_notice(client, resident, township_worker, community_worker, old, today())
    step(client, county_worker, old, "approve")
    listed = [n["id"] for n in client.get("/api/v1/public/notices?region_code=330802").json]
    assert old in listed and withdrawn not in listed and rejected not in listed

    session.execute(
        update(Application)
        .where(Application.id == old)
        .values(decided_at=datetime.now(UTC) - timedelta(days=400))
    )
    session.flush()
    listed = [n["id"] for n in client.get("/api/v1/public/notices?region_code=330802").json]
    assert old not in listed
