"""Every failure answers the one JSON error shape; never an HTML page."""

from server.services import regions as regions_service

SHAPE = {"code", "status", "message", "error"}


def assert_shape(response, status, error):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert SHAPE <= set(response.json)
    assert response.json["code"] == status and response.json["error"] == error
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json["message"])  # Chinese


def test_unknown_path_is_404_json(client):
    assert_shape(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_shape(client.get("/not-api-either"), 404, "not_found")


def test_wrong_method_is_405_json_with_allow(client):
    response = client.put("/api/v1/regions")
    assert_shape(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_400(client):
    response = client.post(
        "/api/v1/auth/dev-login", data="{not json", content_type="application/json"
    )
    assert_shape(response, 400, "bad_request")


def test_a_body_that_is_not_json_is_415(client):
    response = client.post("/api/v1/auth/dev-login", data="openid=x", content_type="text/plain")
    assert_shape(response, 415, "unsupported_media_type")
    form = client.post(
        "/api/v1/auth/dev-login",
        data={"openid": "x"},
        content_type="application/x-www-form-urlencoded",
    )
    assert_shape(form, 415, "unsupported_media_type")


def test_a_body_over_the_limit_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 64
    try:
        response = client.post("/api/v1/auth/dev-login", json={"openid": "x" * 200})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    assert_shape(response, 413, "payload_too_large")


def test_a_bug_is_a_generic_500_without_the_traceback(client, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(regions_service, "list_children", boom)
    response = client.get("/api/v1/regions")
    assert_shape(response, 500, "internal_error")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "secret internals" in caplog.text  # but it is in the log


def test_docs_and_spec_are_served(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.")
    assert "/api/v1/me" in spec.json["paths"]
    assert client.get("/api/docs").status_code == 200


def test_control_characters_in_input_are_422_naming_the_field(client):
    query = client.get("/api/v1/regions?parent=33%00")
    assert_shape(query, 422, "validation_failed")
    assert query.json["errors"]["query"] == {"parent": ["不能包含控制字符。"]}
    body = client.post("/api/v1/auth/dev-login", json={"openid": "a\u0000b"})
    assert_shape(body, 422, "validation_failed")
    assert "openid" in body.json["errors"]["json"]


def test_control_characters_in_a_path_are_404(client):
    assert_shape(client.get("/api/v1/regions/33%00"), 404, "not_found")
