"""WeChat's wx.request cannot send PATCH: POST + X-HTTP-Method-Override: PATCH stands for it."""

from tests.conftest import login


def test_a_post_with_the_override_header_is_the_patch(client):
    headers = login(client, "demo-resident")
    response = client.post(
        "/api/v1/me",
        json={"phone": "13857000009"},
        headers={**headers, "X-HTTP-Method-Override": "PATCH"},
    )
    assert response.status_code == 200, response.json
    assert response.json["phone"] == "138****0009"
    assert client.get("/api/v1/me", headers=headers).json["phone"] == "138****0009"


def test_the_header_never_turns_a_read_into_a_write(client):
    headers = login(client, "demo-resident")
    before = client.get("/api/v1/me", headers=headers).json
    response = client.get("/api/v1/me", headers={**headers, "X-HTTP-Method-Override": "PATCH"})
    assert response.status_code == 200 and response.json == before


def test_a_post_without_the_header_is_still_refused(client):
    headers = login(client, "demo-resident")
    response = client.post("/api/v1/me", json={"phone": "13857000009"}, headers=headers)
    assert response.status_code == 405
    assert response.json["message"]
