from sqlalchemy import text

from tests.conftest import login


def test_me_shows_my_profile_masked(client, resident):
    me = client.get("/api/v1/me", headers=resident).json
    assert me["real_name"] == "王**"
    assert me["id_number"] == "330802********0012"
    assert me["phone"] == "138****0001"
    assert me["region_code"] == "330802001001"
    assert me["roles"] == ["resident"]
    assert me["worker_level"] is None and me["profile_complete"] is True


def test_workers_see_their_level_and_scope(client, township_worker):
    me = client.get("/api/v1/me", headers=township_worker).json
    assert me["roles"] == ["resident", "worker"]
    assert (me["worker_level"], me["worker_region_code"]) == ("township", "330802001")


def test_patch_me_sets_and_encrypts_my_details(client, newcomer, session):
    response = client.patch(
        "/api/v1/me",
        headers=newcomer,
        json={
            "real_name": "赵小红",
            "id_number": "11010519491231002x",
            "phone": "13912345678",
            "region_code": "330881001001",
        },
    )
    assert response.status_code == 200
    assert response.json["id_number"] == "110105********002X"
    assert response.json["phone"] == "139****5678"
    assert response.json["profile_complete"] is True
    # The next read (through the Redis cache) sees the change.
    assert client.get("/api/v1/me", headers=newcomer).json["real_name"] == "赵**"
    row = (
        session.execute(text("SELECT * FROM users WHERE openid = 'newcomer-openid'"))
        .mappings()
        .one()
    )
    dump = " ".join(str(value) for value in row.values())
    assert "11010519491231002" not in dump and "13912345678" not in dump
    assert "赵小红" in dump  # names are not encrypted, only ID and phone numbers


def test_patch_me_accepts_a_padded_region_code(client, newcomer):
    response = client.patch("/api/v1/me", headers=newcomer, json={"region_code": "330802000000"})
    assert response.status_code == 200 and response.json["region_code"] == "330802"


def test_a_wrong_id_number_is_422_naming_it_and_nothing_is_written(client, newcomer, session):
    response = client.patch(
        "/api/v1/me",
        headers=newcomer,
        json={"real_name": "赵小红", "id_number": "110105194912310021"},
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"id_number": ["身份证号码校验位不正确，请核对。"]}
    assert response.json["message"] == "请检查身份证号码：身份证号码校验位不正确，请核对。"
    name = session.execute(
        text("SELECT real_name FROM users WHERE openid = 'newcomer-openid'")
    ).scalar()
    assert name is None


def test_bad_phone_and_unknown_region_are_both_named(client, newcomer):
    response = client.patch(
        "/api/v1/me", headers=newcomer, json={"phone": "1234", "region_code": "330899"}
    )
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"phone", "region_code"}
    assert response.json["message"] == "请检查以下各项：手机号码、所在地区。"


def test_unknown_fields_and_wrong_types_are_422(client, newcomer):
    response = client.patch("/api/v1/me", headers=newcomer, json={"roles": ["admin"]})
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"roles": ["不认识这一项。"]}
    response = client.patch("/api/v1/me", headers=newcomer, json={"phone": 13912345678})
    assert response.status_code == 422 and response.json["errors"]["json"]["phone"] == [
        "应为文字。"
    ]


def test_an_id_number_of_someone_else_is_409(client, newcomer):
    response = client.patch(
        "/api/v1/me", headers=newcomer, json={"id_number": "330802195001010012"}
    )
    assert response.status_code == 409 and response.json["error"] == "id_number_taken"


def test_a_phone_of_someone_else_is_409(client, newcomer):
    response = client.patch("/api/v1/me", headers=newcomer, json={"phone": "13857000001"})
    assert response.status_code == 409 and response.json["error"] == "phone_taken"


def test_me_needs_a_login(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.patch("/api/v1/me", json={"real_name": "某某"}).status_code == 401


def test_a_role_granted_later_shows_without_logging_in_again(app, client):
    headers = login(client, "later-worker")
    assert client.get("/api/v1/me", headers=headers).json["roles"] == ["resident"]
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "grant-worker",
            "--openid",
            "later-worker",
            "--level",
            "community",
            "--region",
            "330802001002",
        ]
    )
    assert result.exit_code == 0, result.output
    me = client.get("/api/v1/me", headers=headers).json
    assert me["roles"] == ["resident", "worker"] and me["worker_region_code"] == "330802001002"


def test_a_corrupt_cache_entry_is_read_again_from_the_database(app, client, resident):
    from server.extensions import redis_client
    from server.services import users as users_service

    me = client.get("/api/v1/me", headers=resident).json
    with app.app_context():
        redis_client.client.set(users_service.cache_key(me["id"]), "not an entry")
    again = client.get("/api/v1/me", headers=resident)
    assert again.status_code == 200 and again.json == me


def test_an_id_number_once_set_cannot_be_changed_by_its_owner(client, newcomer):
    first = client.patch("/api/v1/me", headers=newcomer, json={"id_number": "330881195001010018"})
    assert first.status_code == 200
    same = client.patch("/api/v1/me", headers=newcomer, json={"id_number": "330881195001010018"})
    assert same.status_code == 200
    other = client.patch("/api/v1/me", headers=newcomer, json={"id_number": "11010519491231002X"})
    assert other.status_code == 409 and other.json["error"] == "id_number_locked"
